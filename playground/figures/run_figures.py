"""Plotly figures of a run, built from arrays.

Builders return plain figure dicts (``{"data": [...], "layout": {...}}``) with NumPy
arrays inside: building a dict takes microseconds where ``go.Figure`` validation
takes milliseconds, which matters ten times a second. ``as_figure`` wraps any of them
in a validated ``plotly.graph_objects.Figure`` for export or ``st.plotly_chart``.
This module imports only NumPy and Plotly.
"""

from __future__ import annotations

import numpy as np

from playground.figures.png import image_of, rgba

TEMPLATE = "plotly_white"  # explicit, so exported PNGs look the same in any theme
# class colours: TF Playground's orange and blue first, then distinct hues
CLASS_COLORS = ("#f59322", "#0877bd", "#2ca02c", "#9467bd", "#d62728")
DIVERGING = [[0.0, "#f59322"], [0.5, "#f7f7f7"], [1.0, "#0877bd"]]
WEIGHT_SCALE = [[0.0, "#f59322"], [0.5, "#ffffff"], [1.0, "#0877bd"]]
TRAIN_COLOR, TEST_COLOR = "#0877bd", "#f59322"
# compare mode: run A and run B (their regions' frames and curves), apart from the classes'
RUN_COLORS = {"a": "#2e9b47", "b": "#8e44ad"}
SVG_POINTS = 3000
FONT = {"family": "Inter, Helvetica, Arial, sans-serif", "size": 12,
        "color": "#31333f"}  # dark text on the white figure, in light and dark themes


def base_layout(**extra) -> dict:
    """Layout defaults shared by every figure, updated with ``extra``."""
    layout = {"template": TEMPLATE, "font": FONT, "paper_bgcolor": "white",
              "plot_bgcolor": "white", "margin": {"l": 40, "r": 10, "t": 30, "b": 35},
              "uirevision": "keep"}  # keeps the user's zoom across live updates
    layout.update(extra)
    return layout


def _lighten(hex_color: str, amount: float) -> str:
    """``hex_color`` mixed with white: amount 0 -> the colour, 1 -> white."""
    rgb = np.array(rgba(hex_color)[:3])
    mixed = np.round(rgb + (255 - rgb) * amount).astype(int)
    return "#{:02x}{:02x}{:02x}".format(*mixed)


# Regions are drawn lighter than the points, so that points of the class a region
# predicts still stand out on it (as in TF Playground).
REGION_LIGHTEN = 0.35
REGION_SCALE = [[0.0, _lighten(CLASS_COLORS[0], REGION_LIGHTEN)], [0.5, "#f7f7f7"],
                [1.0, _lighten(CLASS_COLORS[1], REGION_LIGHTEN)]]


def class_colorscale(k: int) -> list:
    """Piecewise scale for ``class + confidence`` in [0, k]: class c spans [c, c+1),
    from pale (low confidence) to its full colour."""
    scale = []
    for c in range(k):
        color = CLASS_COLORS[c % len(CLASS_COLORS)]
        scale.append([c / k, _lighten(color, 0.9)])
        scale.append([(c + 1) / k - 1e-6, _lighten(color, REGION_LIGHTEN)])
    scale[-1][0] = 1.0
    return scale


def contour_segments(xs: np.ndarray, z: np.ndarray, level: float):
    """Line segments where ``z`` crosses ``level`` (marching squares, vectorised).

    Plotly's own contour trace recomputes the contour in the browser on every update,
    which costs far more than the whole rest of the figure; this does it in NumPy.

    Parameters
    ----------
    xs : ndarray (r,)
        Grid coordinates (the same along both axes).
    z : ndarray (r, r)
        Values, ``z[i, j]`` at ``(xs[j], xs[i])``.

    Returns
    -------
    ndarray (n_segments, 4)
        ``x0, y0, x1, y1`` of each segment.
    """
    above = z >= level
    with np.errstate(divide="ignore", invalid="ignore"):
        # crossing points on horizontal edges (i, j)-(i, j+1) and vertical ones (i, j)-(i+1, j)
        th = (level - z[:, :-1]) / (z[:, 1:] - z[:, :-1])
        tv = (level - z[:-1, :]) / (z[1:, :] - z[:-1, :])
    ch = above[:, :-1] != above[:, 1:]
    cv = above[:-1, :] != above[1:, :]
    dx = np.diff(xs)
    hx, hy = xs[:-1][None, :] + th * dx[None, :], np.broadcast_to(xs[:, None], th.shape)
    vx, vy = np.broadcast_to(xs[None, :], tv.shape), xs[:-1][:, None] + tv * dx[:, None]
    # per cell: bottom, top, left, right edges
    px = np.stack([hx[:-1], hx[1:], vx[:, :-1], vx[:, 1:]])
    py = np.stack([hy[:-1], hy[1:], vy[:, :-1], vy[:, 1:]])
    flags = np.stack([ch[:-1], ch[1:], cv[:, :-1], cv[:, 1:]])
    count = flags.sum(axis=0)
    segs = []
    two = count == 2  # one segment between the two crossed edges
    if two.any():
        f = flags[:, two]
        first, second = f.argmax(axis=0), 3 - f[::-1].argmax(axis=0)
        cols = np.arange(f.shape[1])
        segs.append((px[:, two][first, cols], py[:, two][first, cols],
                     px[:, two][second, cols], py[:, two][second, cols]))
    four = count == 4  # saddle: bottom-left and top-right
    if four.any():
        for a, b in ((0, 2), (1, 3)):
            segs.append((px[a][four], py[a][four], px[b][four], py[b][four]))
    if not segs:
        return np.zeros((0, 4))
    return np.column_stack([np.concatenate(part) for part in zip(*segs, strict=True)])


def segments_path(segments: np.ndarray) -> str:
    """An SVG path ``"M x0,y0L x1,y1..."`` of segments (n, 4), for a layout shape (which
    Plotly redraws far more cheaply than a trace)."""
    return "".join("M{:.3f},{:.3f}L{:.3f},{:.3f}".format(*row) for row in segments.tolist())


def region_values(out: np.ndarray, task: str, discretize: bool = False):
    """Map grid outputs (r, r, n_out) to heatmap values and their fixed colour range.

    Returns ``(z, zmin, zmax, colorscale)``. Two classes: P(class 1) in [0, 1].
    k classes: ``argmax + confidence`` in [0, k], confidence rescaled from [1/k, 1]
    to [0, 1]. Regression: the predicted value on [-1, 1] (clipped for display).
    """
    if task == "regression":
        z = np.clip(out[..., 0], -1.0, 1.0)
        if discretize:
            z = np.sign(z)
        return z, -1.0, 1.0, REGION_SCALE
    k = out.shape[-1]
    if k == 1:  # sigmoid (or a linear output on 0/1 labels)
        z = np.clip(out[..., 0], 0.0, 1.0)
        return (z >= 0.5).astype(float) if discretize else z, 0.0, 1.0, REGION_SCALE
    cls = out.argmax(axis=-1)
    conf = 1.0 if discretize else (out.max(axis=-1) - 1.0 / k) * k / (k - 1)
    # 0.97: stays inside the class band after the 256-level colour look-up
    return cls + 0.97 * np.clip(conf, 0.0, 1.0), 0.0, float(k), class_colorscale(k)


def points_trace(X, y, task, name, outline, symbol, k):
    """Scatter of points ``X`` (n, 2) coloured by class or value ``y`` (n,)."""
    if task == "regression":
        color = {"color": y, "colorscale": DIVERGING, "cmin": -1, "cmax": 1}
    else:
        color = {"color": np.asarray(CLASS_COLORS)[np.asarray(y) % len(CLASS_COLORS)].tolist()}
    # SVG draws a few thousand points smoothly; WebGL only pays off beyond that
    kind = "scatter" if len(X) <= SVG_POINTS else "scattergl"
    return {"type": kind, "mode": "markers", "name": name, "x": X[:, 0], "y": X[:, 1],
            "marker": {"size": 6, "symbol": symbol, "line": {"width": 1, "color": outline},
                       **color},
            "hovertemplate": f"{name}<br>x1=%{{x:.2f}}<br>x2=%{{y:.2f}}<extra></extra>"}


def ring_trace(at, name: str = "chosen point") -> dict:
    """A ring around the point ``at`` (2,) on the decision regions, which lets clicks
    and hovers through to the point under it."""
    return {"type": "scatter", "mode": "markers", "name": name, "x": [float(at[0])],
            "y": [float(at[1])], "hoverinfo": "skip", "showlegend": False,
            "marker": {"size": 20, "symbol": "circle-open", "color": "#111111",
                       "line": {"width": 3}}}


def decision_figure(xs, out, task, train=None, test=None, *, discretize=False,
                    show_test=True, title="Output", extent=6.0, height=420,
                    zrange=None) -> dict:
    """Decision regions: the model's output over the input square, with the data.

    Parameters
    ----------
    xs : ndarray (r,)
        Grid coordinates along each axis.
    out : ndarray (r, r, n_out)
        Output at ``(xs[j], xs[i])`` in ``out[i, j]`` (probabilities or values).
    task : str
        ``"classification"`` or ``"regression"``.
    train, test : tuple (X (n, 2), y (n,)), optional
        Points drawn on top: training with a white outline, test with a dark one.
    zrange : (float, float), optional
        Show ``out`` (r, r, 1) as plain values on this fixed range with the diverging
        scale, boundary at its middle (e.g. one hidden neuron's map).
    """
    picture = region_picture(xs, out, task, discretize=discretize, zrange=zrange)
    # The regions are a picture and the boundary a path: per frame, Plotly only swaps
    # them, where heatmap and line traces would recompute and redraw every trace.
    half = 0.5 * (xs[1] - xs[0]) if len(xs) > 1 else 0.5
    images = [{"source": picture["source"], "xref": "x", "yref": "y",
               "x": xs[0] - half, "y": xs[-1] + half, "sizex": xs[-1] - xs[0] + 2 * half,
               "sizey": xs[-1] - xs[0] + 2 * half, "sizing": "stretch", "layer": "below"}]
    shapes = []
    if picture["boundary"] is not None:  # the decision boundary: 0.5 (0 for regression)
        shapes.append({"type": "path", "path": picture["boundary"], "xref": "x", "yref": "y",
                       "line": {"color": "#333333", "width": 1.5}})
    data = []
    k = out.shape[-1] if out.shape[-1] > 1 else 2
    if train is not None:
        data.append(points_trace(*train, task, "train", "white", "circle", k))
    if test is not None and show_test:  # as TF Playground: test points ringed in black
        test_trace = points_trace(*test, task, "test", "#111111", "circle", k)
        test_trace["marker"].update(size=7, line={"width": 1.8, "color": "#111111"})
        data.append(test_trace)
    axis = {"range": [-extent, extent], "constrain": "domain", "zeroline": False,
            "showgrid": False, "ticks": "outside"}
    layout = base_layout(
        title={"text": title, "x": 0.02, "font": {"size": 13}}, height=height,
        xaxis={**axis, "title": {"text": "x1"}},
        yaxis={**axis, "title": {"text": "x2"}, "scaleanchor": "x", "scaleratio": 1},
        showlegend=False, images=images, shapes=shapes)
    # "values": what the picture shows, for tests and exports (not sent to the browser)
    return {"data": data, "layout": layout, "values": picture["values"]}


def region_picture(xs, out, task, *, discretize=False, zrange=None) -> dict:
    """The decision regions as a picture: ``source`` (a data-URI PNG), ``boundary`` (the
    SVG path where a single output crosses its middle, ``"M0,0"`` if nowhere; None for
    several outputs) and ``values`` (what the picture shows, for tests and exports).
    ``xs``, ``out``, ``task``, ``discretize`` and ``zrange`` as :func:`decision_figure`."""
    if zrange is None:
        z, zmin, zmax, scale = region_values(out, task, discretize)
        level = 0.0 if task == "regression" else 0.5
    else:
        (zmin, zmax), scale, level = zrange, REGION_SCALE, 0.5 * (zrange[0] + zrange[1])
        z = np.clip(out[..., 0], zmin, zmax)
    boundary = None
    if out.shape[-1] == 1:
        boundary = segments_path(contour_segments(xs, out[..., 0], level)) or "M0,0"
    return {"source": image_of(z, zmin, zmax, scale), "boundary": boundary,
            "values": {"z": z, "zmin": zmin, "zmax": zmax, "colorscale": scale}}


def curves_pair_figure(epochs, loss, score, *, score_title="Accuracy", log_y=False,
                       score_range=None, height=460) -> dict:
    """Loss (top) and accuracy or R² (bottom) over epochs in one figure; ``loss`` and
    ``score`` are ``(train, test)`` pairs of arrays shaped like ``epochs`` (n,)."""
    data = []
    for row, (pair, axis) in enumerate(((loss, ""), (score, "2"))):
        for name, values, color in (("train", pair[0], TRAIN_COLOR), ("test", pair[1],
                                                                      TEST_COLOR)):
            data.append({"type": "scatter", "mode": "lines", "name": name, "x": epochs,
                         "y": values, "xaxis": f"x{axis}", "yaxis": f"y{axis}",
                         "legendgroup": name, "showlegend": row == 0,
                         "line": {"color": color, "width": 2}})
    score_axis = {"domain": [0.0, 0.42], "anchor": "x2", "zeroline": False,
                  "title": {"text": score_title}}
    if score_range is not None:
        score_axis["range"] = list(score_range)
    layout = base_layout(
        height=height, margin={"l": 55, "r": 10, "t": 30, "b": 35},
        xaxis={"anchor": "y", "showticklabels": False, "matches": "x2"},
        xaxis2={"anchor": "y2", "title": {"text": "epoch"},
                **({} if len(epochs) and epochs[-1] > 0 else {"range": [0, 1]})},
        yaxis={"domain": [0.56, 1.0], "type": "log" if log_y else "linear",
               "zeroline": False, "title": {"text": "loss"}},
        yaxis2=score_axis,
        # the legend at the top left: the mode bar appears at the top right
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"})
    return {"data": data, "layout": layout}


def compare_curves_figure(runs, *, log_y=False, height=460) -> dict:
    """Two runs' losses in one chart: A solid, B dashed, each in its run's colour
    (:data:`RUN_COLORS`), the test loss bold and the training loss faint.

    Parameters
    ----------
    runs : {"a": (epochs, train, test), "b": (epochs, train, test)}
        Each run's epochs (n,) and its training and test losses (n,).
    """
    data = []
    for name, (epochs, train, test) in runs.items():
        dash = "solid" if name == "a" else "dash"
        for which, values, width, opacity in (("test", test, 2.5, 1.0),
                                              ("train", train, 1.5, 0.45)):
            data.append({"type": "scatter", "mode": "lines", "x": epochs, "y": values,
                         "name": f"{name.upper()} {which}", "opacity": opacity,
                         "line": {"color": RUN_COLORS[name], "width": width, "dash": dash}})
    last = max((len(e) and e[-1]) for e, _, _ in runs.values()) if runs else 0
    layout = base_layout(
        height=height, margin={"l": 55, "r": 10, "t": 30, "b": 35},
        xaxis={"title": {"text": "epoch"}, **({} if last > 0 else {"range": [0, 1]})},
        yaxis={"type": "log" if log_y else "linear", "zeroline": False,
               "title": {"text": "loss"}},
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"})
    return {"data": data, "layout": layout}


def neuron_labels(layer_sizes, feature_labels) -> list[list[str]]:
    """Labels of every layer's units: features, ``h1.1 … hL.n``, then outputs."""
    labels = [list(feature_labels)]
    for i, n in enumerate(layer_sizes[1:-1], start=1):
        labels.append([f"h{i}.{j + 1}" for j in range(n)])
    n_out = layer_sizes[-1]
    labels.append(["out"] if n_out == 1 else [f"out{j + 1}" for j in range(n_out)])
    return labels


FULL_TICKS = 4  # up to this many columns a heatmap names each unit in full (h1.3)
MAX_TICKS = 6   # beyond 10, at most this many unit numbers label the columns


def _column_ticks(names: list[str]) -> dict:
    """Tick labels of a layer's columns that stay apart: the names (``h1.3``) for a few
    units, else the units' numbers (``3``; every k-th beyond 10 units); the hover names
    each cell in full."""
    if len(names) <= FULL_TICKS:
        return {}
    every = 1 if len(names) <= 10 else -(-len(names) // MAX_TICKS)
    numbers = [name.rsplit(".", 1)[-1].removeprefix("out") for name in names]
    return {"tickmode": "array", "tickvals": names,
            "ticktext": [n if j % every == 0 else "" for j, n in enumerate(numbers)]}


def weights_figure(weights, biases, feature_labels, *, height=260) -> dict:
    """One heatmap per layer (rows: inputs then ``bias``; columns: the layer's units),
    sharing one colour scale symmetric around 0."""
    sizes = [weights[0].shape[0]] + [w.shape[1] for w in weights]
    labels = neuron_labels(sizes, feature_labels)
    m = max(float(max(np.abs(w).max(), np.abs(b).max())) for w, b in zip(weights, biases,
                                                                          strict=True))
    m = m if m > 0 else 1.0
    n = len(weights)
    gap = 0.07  # room for the next heatmap's row names (h1.3)
    width = (1.0 - gap * (n - 1)) / n
    data, layout = [], base_layout(height=height, title={"text": "Weights and biases",
                                                           "x": 0.02, "font": {"size": 13}},
                                   margin={"l": 40, "r": 10, "t": 75, "b": 10})
    for i, (W, b) in enumerate(zip(weights, biases, strict=True)):
        ax = "" if i == 0 else str(i + 1)
        data.append({
            "type": "heatmap", "z": np.vstack([W, b[None, :]]), "x": labels[i + 1],
            "y": [*labels[i], "bias"], "xaxis": f"x{ax}", "yaxis": f"y{ax}",
            "zmin": -m, "zmax": m, "zmid": 0, "colorscale": WEIGHT_SCALE,
            "showscale": i == n - 1, "xgap": 1, "ygap": 1,
            "colorbar": {"thickness": 10, "len": 0.9},
            "hovertemplate": f"layer {i + 1}: %{{y}} → %{{x}}<br>value %{{z:.4f}}<extra></extra>",
        })
        x0 = i * (width + gap)
        layout[f"xaxis{ax}"] = {"domain": [x0, x0 + width], "tickangle": 0, "side": "top",
                                "title": {"text": f"layer {i + 1}", "standoff": 2},
                                "tickfont": {"size": 9}, **_column_ticks(labels[i + 1])}
        layout[f"yaxis{ax}"] = {"anchor": f"x{ax}", "autorange": "reversed",
                                "tickfont": {"size": 9}}
    return {"data": data, "layout": layout}


def as_figure(spec: dict):
    """A validated ``plotly.graph_objects.Figure`` of a figure dict (extra keys such as
    ``"values"`` dropped)."""
    import plotly.graph_objects as go  # heavy import (~0.5 s): only when exporting

    return go.Figure({k: spec[k] for k in ("data", "layout") if k in spec})


LAYER_COLORS = ("#0877bd", "#f59322", "#2ca02c", "#9467bd", "#d62728", "#8c564b", "#17becf",
                "#7f7f7f", "#bcbd22")


def gradients_figure(epochs, grad_norms, update_ratios, *, height=260) -> dict:
    """Per-layer gradient norms and update/weight ratios over epochs, on log scales.

    Parameters
    ----------
    epochs : ndarray (n,)
    grad_norms, update_ratios : ndarray (n, n_layers)
    """
    data = []
    for i in range(grad_norms.shape[1]):
        color = LAYER_COLORS[i % len(LAYER_COLORS)]
        for col, values, axis in ((0, grad_norms, ""), (1, update_ratios, "2")):
            data.append({"type": "scatter", "mode": "lines", "x": epochs,
                         "y": np.maximum(values[:, i], 1e-30), "name": f"layer {i + 1}",
                         "legendgroup": f"layer {i + 1}", "showlegend": col == 0,
                         "xaxis": f"x{axis}", "yaxis": f"y{axis}",
                         "line": {"color": color, "width": 1.5},
                         "hovertemplate": f"layer {i + 1}<br>epoch %{{x}}<br>%{{y:.3g}}"
                                          "<extra></extra>"})
    # before the first epoch the log is empty: show epochs from 0, not Plotly's -1 … 1
    start = {} if len(epochs) and epochs[-1] > 0 else {"range": [0, 1]}
    # automargin: the axis titles make room for the tick labels instead of overlapping
    axis = {"title": {"text": "epoch"}, "automargin": True, "rangemode": "nonnegative",
            **start}
    log = {"type": "log", "exponentformat": "power", "automargin": True}
    layout = base_layout(
        height=height, title={"text": "Gradients per layer", "x": 0.02, "y": 0.98,
                              "yanchor": "top", "font": {"size": 13}},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        xaxis={"domain": [0, 0.47], **axis},
        yaxis={**log, "title": {"text": "‖gradient‖", "standoff": 4}},
        # the right plot's axis on its right: its title gets a margin of its own instead
        # of running into the left plot
        xaxis2={"domain": [0.53, 1], **axis},
        yaxis2={**log, "anchor": "x2", "side": "right",
                "title": {"text": "‖update‖ / ‖weights‖", "standoff": 4}},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "xanchor": "left"})
    return {"data": data, "layout": layout}
