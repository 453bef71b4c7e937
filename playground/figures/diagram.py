"""The network as a diagram: every neuron's activation map, every weight, every bias.

Inputs on the left, the hidden layers, the output(s) on the right, as in TF Playground,
each node showing what it computes over the input square. Drawn for speed (the browser
redraws it ~10 times a second):

* every thumbnail and each neuron's bias bar is painted in NumPy into ONE atlas image,
  an 8-bit palette PNG (the minimal encoder below: zlib + struct), placed with a single
  ``layout.images`` entry. Data coordinates are the atlas's pixels (x = column,
  y = -row), so the image lines up with everything else exactly;
* the links are one ``layout.shapes`` path per (sign, |w| bin): ``"M x0,y0L x1,y1..."``.
  NaN-separated scatter lines were measured 10x slower: Plotly draws one SVG path per
  gap-separated piece (~30 us each, 150 ms per redraw for 6 x 32 units);
* the nodes are one transparent marker trace carrying the hover text and
  ``customdata = [layer, unit]`` (layer 0 = inputs), so a click maps to a neuron.

Traces, in a fixed order: link hover points (``customdata = [layer, source, target]``,
none above :data:`HOVER_LINKS` weights), input labels, output labels, neurons (last).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from playground.data.features import FEATURES, feature_matrix
from playground.figures.png import colour_lut, data_uri, png_bytes, rgba
from playground.figures.run_figures import (
    CLASS_COLORS,
    DIVERGING,
    WEIGHT_SCALE,
    base_layout,
    neuron_labels,
    points_trace,
)

POSITIVE, NEGATIVE = WEIGHT_SCALE[-1][1], WEIGHT_SCALE[0][1]
LINK_BINS = (0.1, 0.25, 0.5)  # inner edges of the |w| / max|w| bins: 4 bins per sign
HOVER_LINKS = 600  # above this many weights, no link hover points (thousands of SVG markers)


# The atlas palette: 0 transparent, 1 bias-bar grey, 2 positive, 3 negative, then the
# diverging scale (DIV_LEVELS entries), then white -> colour of each class.
DIV_LEVELS, CLASS_LEVELS, DIV_START = 128, 24, 4
CLASS_START = DIV_START + DIV_LEVELS
PALETTE = np.concatenate([
    np.array([(0, 0, 0, 0), (225, 225, 225, 255), rgba(POSITIVE), rgba(NEGATIVE)], np.uint8),
    colour_lut(DIVERGING, DIV_LEVELS),
    *(colour_lut([[0.0, "#ffffff"], [1.0, c]], CLASS_LEVELS) for c in CLASS_COLORS)])
GREY, POS, NEG = 1, 2, 3


def colorize(values: np.ndarray, lo, hi, start, levels: int) -> np.ndarray:
    """Palette indices (r, r, n) uint8 of ``values`` (r, r, n) on ``[lo, hi]`` (scalars or
    (n,), hi > lo): ``start`` (scalar or (n,)) + the value's level among ``levels``."""
    t = np.clip((values - lo) / np.subtract(hi, lo), 0.0, 1.0)
    return (np.asarray(start) + (t * (levels - 1) + 0.5).astype(np.intp)).astype(np.uint8)


def map_indices(maps: np.ndarray, layer: int, n_layers: int, activation: str,
                task: str) -> np.ndarray:
    """Palette indices (r, r, n) of one layer's maps (r, r, n), on the main view's scales."""
    v = np.nan_to_num(np.asarray(maps, dtype=np.float64))
    div = (DIV_START, DIV_LEVELS)
    if layer == 0:  # features: each on its own symmetric range
        m = np.maximum(np.abs(v).max(axis=(0, 1)), 1e-12)
        return colorize(v, -m, m, *div)
    if layer < n_layers - 1:
        m = max(float(np.abs(v).max()), 1e-12)
        lo_hi = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}.get(activation, (-m, m))
        return colorize(v, *lo_hi, *div)
    if task == "regression" or v.shape[-1] == 1:  # value in [-1, 1], or P(class 1)
        return colorize(v, -1.0 if task == "regression" else 0.0, 1.0, *div)
    k = np.arange(v.shape[-1]) % len(CLASS_COLORS)  # softmax: each class in its colour
    return colorize(v, 0.0, 1.0, CLASS_START + CLASS_LEVELS * k, CLASS_LEVELS)


# ---------------------------------------------------------------- geometry
class Geometry(NamedTuple):
    """Atlas layout in pixels, which are also the data coordinates (y = -row)."""

    p: int  # thumbnail side (even)
    col: int  # horizontal distance between layers
    strip: tuple[int, int]  # the bias bar's gap below the thumbnail, and its height
    tops: list  # per layer: (n,) top row of each thumbnail
    width: int
    height: int

    def centres(self, layer: int) -> np.ndarray:
        """Data coordinates (n, 2) of a layer's node centres (integers)."""
        ys = -(self.tops[layer] + self.p // 2)
        return np.column_stack([np.full(ys.size, layer * self.col + self.p // 2), ys])


def geometry(layer_sizes, p: int, aspect: float) -> Geometry:
    """Place the nodes: layers in columns, each centred vertically, ``aspect`` ~ width /
    height of the whole diagram (layer spacing clamped to 2.5..8 thumbnails)."""
    gap, bar, pad = max(1, round(0.08 * p)), max(2, round(0.15 * p)), max(2, round(0.2 * p))
    pitch, n_max, n_layers = pad + p + gap + bar + pad, max(layer_sizes), len(layer_sizes)
    height = n_max * pitch
    col = int(round(p * np.clip((aspect * height / p - 1.0) / (n_layers - 1), 2.5, 8.0)))
    tops = [((n_max - n) * pitch) // 2 + pad + np.arange(n) * pitch for n in layer_sizes]
    return Geometry(p, col, (gap, bar), tops, (n_layers - 1) * col + p, height)


def paint_atlas(g: Geometry, indices: list, biases, scale: float) -> np.ndarray:
    """The atlas (height, width) of palette indices: thumbnails ``indices[layer]``
    (r, r, n) resampled to p px, and under each non-input node a bar from its centre,
    right and blue for a positive bias, left and orange for a negative one, |b| / scale
    of the half width long."""
    img = np.zeros((g.height, g.width), np.uint8)
    p, (gap, bar), cols = g.p, g.strip, np.arange(g.p)
    for layer, idx_map in enumerate(indices):
        pick = ((cols + 0.5) * idx_map.shape[0] / p).astype(np.intp)
        thumbs = idx_map[pick[::-1]][:, pick].transpose(2, 0, 1)  # (n, p, p), top row first
        x = layer * g.col + cols
        img[(g.tops[layer][:, None] + cols)[:, :, None], x] = thumbs
        if layer == 0:
            continue
        b = np.nan_to_num(np.asarray(biases[layer - 1], dtype=np.float64))[:, None]
        length, half = np.round(np.clip(np.abs(b) / scale, 0, 1) * (p // 2)), p // 2
        strip = np.full((len(b), p), GREY, np.uint8)
        strip[(b > 0) & (cols >= half) & (cols < half + length)] = POS
        strip[(b < 0) & (cols < half) & (cols >= half - length)] = NEG
        rows = g.tops[layer][:, None] + p + gap + np.arange(bar)
        img[rows[:, :, None], x] = strip[:, None]
    return img


# ---------------------------------------------------------------- links
def link_arrays(g: Geometry, weights) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every weight as a segment, in ``weights[l].ravel()`` order, layer after layer.

    Returns
    -------
    ends : ndarray (n_links, 4) int
        ``x0, y0, x1, y1``: from the source's right edge to the target's left edge.
    w : ndarray (n_links,)
    ids : ndarray (n_links, 3) int32
        ``[layer, source, target]``: the weight ``weights[layer - 1][source, target]``.
    """
    ends, w, ids = [], [], []
    for layer, W in enumerate(weights, start=1):
        n_in, n_out = W.shape
        a, b = g.centres(layer - 1), g.centres(layer)
        src, dst = np.repeat(np.arange(n_in), n_out), np.tile(np.arange(n_out), n_in)
        ends.append(np.column_stack([a[src, 0] + g.p // 2, a[src, 1],
                                     b[dst, 0] - g.p // 2, b[dst, 1]]))
        w.append(np.asarray(W, dtype=np.float64).ravel())
        ids.append(np.column_stack([np.full(src.size, layer), src, dst]))
    return np.concatenate(ends), np.concatenate(w), np.concatenate(ids).astype(np.int32)


def svg_path(ends: np.ndarray) -> str:
    """``"M x0,y0L x1,y1..."`` of integer segments ``ends`` (n, 4): one format call."""
    return ("M%d,%dL%d,%d" * len(ends)) % tuple(ends.ravel().tolist())


def link_shapes(ends: np.ndarray, w: np.ndarray, scale: float) -> list[dict]:
    """Eight path shapes, one per (sign, |w| / scale bin), always all eight (empty ones
    too, so the layout's structure never changes): wider and more opaque for larger
    weights; above ~120 links every bin gets thinner and the small ones fade more."""
    codes = link_codes(w, scale)
    edges = (0.0, *LINK_BINS, 1.0)
    dense = float(np.clip(np.sqrt(120 / max(len(w), 1)), 0.3, 1.0))
    shapes = []
    for s, (sign, colour) in enumerate((("+", POSITIVE), ("-", NEGATIVE))):
        rgb = ",".join(str(c) for c in rgba(colour)[:3])
        for b in range(len(edges) - 1):
            mid = (edges[b] + edges[b + 1]) / 2
            alpha = (0.15 + 0.85 * mid) * (dense + (1 - dense) * mid)
            code = s * (len(edges) - 1) + b
            shapes.append({"type": "path", "xref": "x", "yref": "y", "layer": "below",
                           "name": f"w {sign}{edges[b]:g}..{edges[b + 1]:g}",
                           "path": svg_path(ends[codes == code]) or "M0,0",
                           "line": {"color": f"rgba({rgb},{alpha:.2f})",
                                    "width": 0.4 + 4.0 * mid * max(dense, 0.5)}})
    return shapes


def link_codes(w: np.ndarray, scale: float) -> np.ndarray:
    """The shape each link ``w`` (n_links,) is drawn in: (n_links,) uint8, the sign (0 for
    w >= 0, 1 below) times the number of bins, plus the bin of ``|w| / scale``."""
    bins = np.digitize(np.nan_to_num(np.abs(w) / scale), LINK_BINS)
    return ((w < 0) * (len(LINK_BINS) + 1) + bins).astype(np.uint8)


def link_hover_trace(ends, w, ids, labels) -> dict:
    """Invisible markers 40% along each link with "w2 h1.3 → h2.1 = +0.1234" and
    ``customdata = [layer, source, target]``; empty above :data:`HOVER_LINKS` links."""
    if len(w) > HOVER_LINKS:
        ends, w, ids = ends[:0], w[:0], ids[:0]
    text = [f"w{lay} {labels[lay - 1][i]} → {labels[lay][j]} = {v:+.4f}"
            for (lay, i, j), v in zip(ids.tolist(), w.tolist(), strict=True)]
    return {"type": "scatter", "mode": "markers", "name": "weights", "showlegend": False,
            "x": 0.6 * ends[:, 0] + 0.4 * ends[:, 2], "y": 0.6 * ends[:, 1] + 0.4 * ends[:, 3],
            "marker": {"size": 7, "color": "rgba(0,0,0,0)"}, "customdata": ids,
            "hovertext": text, "hovertemplate": "%{hovertext}<extra></extra>"}


# ---------------------------------------------------------------- nodes and figure
def frame_shape(xy: np.ndarray, half: int, color: str, width: float) -> dict:
    """One path shape outlining squares of side ``2 * half`` centred at ``xy`` (n, 2)."""
    box = np.column_stack([xy - half, xy + half])  # x0, y0, x1, y1
    path = ("M%d,%dH%dV%dH%dZ" * len(box)) % tuple(box[:, [0, 1, 2, 3, 0]].ravel().tolist())
    return {"type": "path", "xref": "x", "yref": "y", "layer": "below", "path": path or "M0,0",
            "line": {"color": color, "width": width}}


def node_hover(biases, labels) -> list[str]:
    """``x1 · input``, ``h2.3 · bias +0.1234``, ..., ``out · bias -0.5000``."""
    text = [f"{name} · input" for name in labels[0]]
    for names, b in zip(labels[1:], biases, strict=True):
        text += [f"{name} · bias {v:+.4f}" for name, v in zip(names, b.tolist(), strict=True)]
    return text


def _text(name, xy, text, position) -> dict:
    return {"type": "scatter", "mode": "text", "name": name, "x": xy[:, 0], "y": xy[:, 1],
            "text": list(text), "textposition": position, "textfont": {"size": 11},
            "hoverinfo": "skip", "showlegend": False}


def diagram_geometry(sizes, height: int, aspect: float, map_res: int):
    """Where the diagram's nodes go (:class:`Geometry`) for ``sizes`` on ``height`` px,
    and the thumbnails' size on screen in px (maps of ``map_res`` points per axis)."""
    screen = (height - 30) / (1.6 * max(sizes))  # ~ screen px per thumbnail
    return geometry(sizes, 2 * int(np.clip(screen, 8, max(8, map_res)) // 2), aspect), screen


def atlas_png(g: Geometry, maps, weights, biases, activation: str, task: str):
    """The atlas (every neuron's map and bias bar) as PNG bytes, and the weights' scale
    (the largest |weight| or |bias|): what changes from one epoch to the next.
    ``maps`` per layer, inputs first, as :func:`network_diagram`'s."""
    scale = max([float(np.abs(a).max(initial=0)) for a in (*weights, *biases)] + [1e-12])
    indices = [map_indices(m, lay, len(maps), activation, task) for lay, m in enumerate(maps)]
    return png_bytes(paint_atlas(g, indices, biases, scale), PALETTE), scale


def network_diagram(layer_sizes, weights, biases, neuron_maps, input_maps, unit_labels, *,
                    task: str, n_classes: int, activation: str = "tanh", focus=None,
                    height: int | None = None, aspect: float = 1.6) -> dict:
    """The network view: thumbnails of every neuron's map, weights, biases.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``(n_features, *hidden, n_out)``.
    weights, biases : list of ndarray
        ``weights[l]`` (n_l, n_{l+1}), ``biases[l]`` (n_{l+1},), as ``MLP.weights``.
    neuron_maps : list of ndarray (r, r, n_l)
        Hidden layers then the output over the input square, ``[i, j]`` at
        ``(xs[j], xs[i])``: ``predict_grid``'s ``hidden + [out]``.
    input_maps : ndarray (r, r, n_features)
        The features' values on the same grid.
    unit_labels : list of list of str
        Per layer (inputs first), e.g. :func:`playground.figures.neuron_labels`.
    task : str
        ``"classification"`` or ``"regression"``.
    n_classes : int
        Number of classes (0 for regression): a k-unit output must have k classes, each
        unit drawn as that class's probability in the class colour.
    activation : str
        Hidden activation: tanh maps on a fixed [-1, 1] scale, sigmoid on [0, 1], others
        (relu, linear, ...) on [-m, m], m = the layer's max |value|.
    focus : (int, int), optional
        ``(layer, unit)`` outlined in black (layer 0 = inputs).
    height : int, optional
        Pixels; by default grows with the tallest layer (300..760).
    aspect : float
        Target width / height of the drawing.

    Returns
    -------
    dict
        A figure dict; ``layout.meta`` holds ``nodes``, ``links``, ``png_bytes``.
    """
    sizes = [int(n) for n in layer_sizes]
    if task != "regression" and sizes[-1] > 1 and sizes[-1] != n_classes:
        raise ValueError(f"n_classes: {n_classes} for {sizes[-1]} softmax outputs")
    height = int(height or np.clip(80 + 40 * max(sizes), 300, 760))
    maps = [np.asarray(input_maps), *neuron_maps]
    g, screen = diagram_geometry(sizes, height, aspect, maps[0].shape[0])
    png, scale = atlas_png(g, maps, weights, biases, activation, task)
    ends, w, ids = link_arrays(g, weights)
    xy = np.concatenate([g.centres(lay) for lay in range(len(sizes))])
    nodes = np.array([(lay, u) for lay, n in enumerate(sizes) for u in range(n)], np.int32)
    focused = xy[(nodes == np.asarray(focus)).all(axis=1)] if focus is not None else xy[:0]
    shift = np.array([g.p // 2 + g.p // 6, 0])
    traces = [link_hover_trace(ends, w, ids, unit_labels),
              _text("inputs", g.centres(0) - shift, unit_labels[0], "middle left"),
              _text("outputs", g.centres(len(sizes) - 1) + shift, unit_labels[-1],
                    "middle right"),
              {"type": "scatter", "mode": "markers", "name": "neurons", "showlegend": False,
               "x": xy[:, 0], "y": xy[:, 1], "customdata": nodes,
               "hovertext": node_hover(biases, unit_labels),
               "hovertemplate": "%{hovertext}<extra></extra>",
               "marker": {"symbol": "square", "size": max(6.0, screen),
                          "color": "rgba(0,0,0,0)", "line": {"width": 0}}}]
    pad = 60 * g.p / screen  # room for the labels
    titles = ["Input", *(f"Hidden {i}" for i in range(1, len(sizes) - 1)), "Output"]
    if len(sizes) > 5:  # deep: short titles, so that neighbours do not run into each other
        titles = ["In", *(f"H{i}" for i in range(1, len(sizes) - 1)), "Out"]
    layout = base_layout(
        height=height, showlegend=False, hovermode="closest", dragmode="pan",
        uirevision=f"diagram {sizes} {height} {aspect}",  # a new geometry resets the zoom
        margin={"l": 0, "r": 0, "t": 24, "b": 0},
        xaxis={"visible": False, "range": [-pad, g.width + pad]},
        yaxis={"visible": False, "range": [-g.height, 0], "scaleanchor": "x"},
        images=[{"source": data_uri(png), "xref": "x", "yref": "y", "x": 0, "y": 0,
                 "sizex": g.width, "sizey": g.height, "xanchor": "left", "yanchor": "top",
                 "sizing": "stretch", "layer": "below"}],
        shapes=[*link_shapes(ends, w, scale),
                frame_shape(xy, g.p // 2, "rgba(90,90,90,0.6)", 1),
                frame_shape(focused, g.p // 2 + max(2, g.p // 10), "#111111", 3)],
        annotations=[{"text": t, "x": g.centres(lay)[0, 0], "y": 1, "xref": "x",
                      "yref": "paper", "yanchor": "bottom", "showarrow": False}
                     for lay, t in enumerate(titles)],
        meta={"nodes": len(xy), "links": len(w), "png_bytes": len(png),
              "hover_links": len(w) <= HOVER_LINKS,
              # where things are, for what is drawn over the diagram (its + / - buttons)
              "columns": [int(g.centres(lay)[0, 0]) for lay in range(len(sizes))],
              "thumbnail": g.p})
    return {"data": traces, "layout": layout}


def diagram_counts(fig: dict) -> dict:
    """``{"nodes": neurons drawn, "links": weight segments drawn}`` of a diagram dict."""
    nodes = next(t for t in fig["data"] if t.get("name") == "neurons")
    links = [s["path"] for s in fig["layout"]["shapes"] if s.get("name", "").startswith("w ")]
    return {"nodes": len(nodes["x"]), "links": sum(p.count("L") for p in links)}


def trainer_diagram(trainer, *, resolution: int = 20, params=None, **options) -> dict:
    """:func:`network_diagram` of a :class:`~playground.Trainer` (or of a snapshot's
    ``params``), maps on a ``resolution``² grid of the plotted square; ``options``
    (``focus``, ``height``, ``aspect``) go to :func:`network_diagram`."""
    c, net = trainer.config, trainer.network
    if params is not None:
        net = net.copy()
        net.params[:] = params
    xs, out, hidden = trainer.predict_grid(resolution, params=params)
    g1, g2 = np.meshgrid(xs, xs)
    inputs = feature_matrix(np.column_stack([g1.ravel(), g2.ravel()]), c.features)
    labels = neuron_labels(net.layer_sizes, [FEATURES[f].label for f in c.features])
    return network_diagram(net.layer_sizes, net.weights, net.biases, [*hidden, out],
                           inputs.reshape(resolution, resolution, -1), labels, task=c.task,
                           n_classes=c.num_classes, activation=c.activation, **options)


def hidden_space_figure(lines_xy, points_xy, y, task: str, n_classes: int, title: str,
                        axis_labels, *, height: int = 420) -> dict:
    """The grid lines' images (thin grey, the square's border darker) and the points
    ``points_xy`` (n, 2) coloured by class ``y`` (n,), from :func:`hidden_space`."""
    n = int(np.isnan(lines_xy[:, 0]).sum())  # lines: n_lines horizontal then vertical
    per = len(lines_xy) // max(n, 1)
    border = lines_xy.reshape(n, per, 2)[[0, n // 2 - 1, n // 2, n - 1]].reshape(-1, 2)
    grey = {"type": "scatter", "mode": "lines", "hoverinfo": "skip", "showlegend": False}
    data = [{**grey, "name": "grid", "x": lines_xy[:, 0], "y": lines_xy[:, 1],
             "line": {"color": "rgba(120,120,120,0.45)", "width": 1}},
            {**grey, "name": "border", "x": border[:, 0], "y": border[:, 1],
             "line": {"color": "rgba(60,60,60,0.9)", "width": 1.5}}]
    if len(points_xy):
        data.append(points_trace(np.asarray(points_xy), np.asarray(y), task, "data", "white",
                                 "circle", max(n_classes, 2)))
    axis = {"zeroline": False, "showgrid": False, "ticks": "outside"}
    layout = base_layout(title={"text": title, "x": 0.02, "font": {"size": 13}}, height=height,
                         showlegend=False, xaxis={**axis, "title": {"text": axis_labels[0]}},
                         yaxis={**axis, "title": {"text": axis_labels[1]}, "scaleanchor": "x"})
    return {"data": data, "layout": layout}
