"""Figures of a sweep, built from arrays: the decision-region thumbnails framed by their
test loss, the heatmap of the final test loss over two settings, and the loss curves
overlaid. Plain figure dicts, as :mod:`playground.figures` (NumPy only)."""

from __future__ import annotations

import numpy as np

from playground.figures.png import colour_lut, image_of
from playground.figures.run_figures import base_layout, region_values

# low loss green, high loss red: the colour of every thumbnail's frame and of the heatmap
LOSS_SCALE = [[0.0, "#1a9850"], [0.5, "#fee08b"], [1.0, "#d73027"]]
DIVERGED = "#9e9e9e"
CURVE_SCALE = [[0.0, "#0d0887"], [0.35, "#7e03a8"], [0.65, "#cc4778"], [1.0, "#f89540"]]  # plasma


def thumbnail(xs, out, task) -> str:
    """A data-URI PNG of a run's decision regions ``out`` (r, r, n_out) over ``xs`` (r,)."""
    z, zmin, zmax, scale = region_values(out, task)
    return image_of(z, zmin, zmax, scale)


def loss_range(losses: np.ndarray) -> tuple[float, float]:
    """``(lo, hi)`` of log10 of the finite positive ``losses`` (a colour range)."""
    finite = losses[np.isfinite(losses) & (losses > 0)]
    if not finite.size:
        return -1.0, 0.0
    lo, hi = float(np.log10(finite.min())), float(np.log10(finite.max()))
    return (lo, hi) if hi > lo else (lo - 0.5, hi + 0.5)


def loss_colour(loss: float, lo: float, hi: float) -> str:
    """The frame colour of a test loss on the log scale ``[lo, hi]`` (grey: diverged)."""
    if not np.isfinite(loss) or loss <= 0:
        return DIVERGED
    t = (np.log10(loss) - lo) / (hi - lo)
    r, g, b, _ = colour_lut(LOSS_SCALE, 101)[int(round(np.clip(t, 0, 1) * 100))]
    return f"#{r:02x}{g:02x}{b:02x}"


def _loss_ticks(lo: float, hi: float) -> dict:
    """Colour-bar ticks at losses 1, 2, 5 x 10^k inside ``[lo, hi]`` (log10 values)."""
    values = [m * 10.0 ** k for k in range(int(np.floor(lo)) - 1, int(np.ceil(hi)) + 1)
              for m in (1, 2, 5)]
    inside = [v for v in values if lo - 1e-9 <= np.log10(v) <= hi + 1e-9] or [10 ** lo]
    return {"tickvals": [float(np.log10(v)) for v in inside],
            "ticktext": [f"{v:g}" for v in inside]}


def thumbnails_figure(images, losses, runs, col_labels, row_labels, *, x_title, y_title,
                      hover, height=500) -> dict:
    """A grid of thumbnails: column ``c`` and row ``r`` hold ``images[r][c]`` framed in
    the colour of ``losses[r, c]``, the loss written under it.

    Parameters
    ----------
    images : list of list of str
        Data-URI PNGs, ``images[r][c]`` (None: not trained yet).
    losses : ndarray (R, C)
        The test loss shown (NaN: not trained yet or diverged).
    runs : ndarray (R, C) of int
        The run each cell opens (``customdata`` of a click).
    col_labels, row_labels : list of str
    hover : list of list of str
        Each cell's hover text.
    """
    R, C = losses.shape
    lo, hi = loss_range(losses)
    images_out, shapes, annotations = [], [], []
    cx, cy, custom, text, colour = [], [], [], [], []
    for r in range(R):
        for c in range(C):
            loss, trained = losses[r, c], images[r][c] is not None
            if trained:
                images_out.append({"source": images[r][c], "xref": "x", "yref": "y",
                                   "x": c - 0.42, "y": r - 0.42, "sizex": 0.84,
                                   "sizey": 0.84, "sizing": "stretch", "layer": "below"})
                annotations.append({"x": c, "y": r + 0.47, "xref": "x", "yref": "y",
                                    "text": f"{loss:.3g}" if np.isfinite(loss) else "diverged",
                                    "showarrow": False, "font": {"size": 10},
                                    "yanchor": "bottom", "bgcolor": "rgba(255,255,255,0.75)"})
            shapes.append({"type": "rect", "xref": "x", "yref": "y", "x0": c - 0.44,
                           "x1": c + 0.44, "y0": r - 0.44, "y1": r + 0.44,
                           "line": {"width": 4 if trained else 1,
                                    "color": loss_colour(loss, lo, hi) if trained else "#dddddd",
                                    "dash": "solid" if trained else "dot"}})
            cx.append(c)
            cy.append(r)
            custom.append([int(runs[r, c])])
            text.append(hover[r][c])
            colour.append(float(np.log10(loss)) if trained and np.isfinite(loss) and loss > 0
                          else None)
    # one invisible point per cell: the hover text and the click target (the frames'
    # colours are the heatmap's, whose colour bar explains them)
    points = {"type": "scatter", "mode": "markers", "x": cx, "y": cy, "customdata": custom,
              "text": text, "hovertemplate": "%{text}<extra></extra>",
              "marker": {"size": 1, "opacity": 0, "color": colour, "colorscale": LOSS_SCALE,
                         "cmin": lo, "cmax": hi, "showscale": False}}
    axis = {"showgrid": False, "zeroline": False, "ticks": ""}
    layout = base_layout(
        height=height, margin={"l": 70, "r": 10, "t": 34, "b": 40},
        title={"text": "Decision regions (frame: test loss) — click one to open it",
               "x": 0.01, "font": {"size": 13}},
        xaxis={**axis, "range": [-0.5, C - 0.5], "tickvals": list(range(C)),
               "ticktext": list(col_labels), "title": {"text": x_title, "standoff": 4},
               "side": "bottom", "constrain": "domain"},
        yaxis={**axis, "range": [R - 0.5, -0.5], "tickvals": list(range(R)),
               "ticktext": list(row_labels), "title": {"text": y_title, "standoff": 4},
               "scaleanchor": "x", "scaleratio": 1, "constrain": "domain"},
        images=images_out, shapes=shapes, annotations=annotations, hovermode="closest",
        hoverdistance=-1, showlegend=False, dragmode=False)
    return {"data": [points], "layout": layout}


def loss_heatmap_figure(losses, col_labels, row_labels, *, x_title, y_title,
                        height=420, title="Final test loss") -> dict:
    """The final test loss over two settings, ``losses`` (R, C) (NaN: diverged or not
    trained yet), coloured on a log scale, each cell's value written in it."""
    lo, hi = loss_range(losses)
    with np.errstate(all="ignore"):
        z = np.where(np.isfinite(losses) & (losses > 0), np.log10(losses), np.nan)
    text = [[f"{v:.3g}" if np.isfinite(v) else "" for v in row] for row in losses]
    trace = {"type": "heatmap", "z": z, "x": list(col_labels), "y": list(row_labels),
             "zmin": lo, "zmax": hi, "colorscale": LOSS_SCALE, "text": text,
             "texttemplate": "%{text}", "textfont": {"size": 10}, "xgap": 2, "ygap": 2,
             "hovertemplate": f"{x_title} %{{x}}<br>{y_title} %{{y}}<br>test loss %{{text}}"
                              "<extra></extra>",
             "colorbar": {"title": {"text": "test loss", "side": "right"}, "thickness": 10,
                          "len": 0.9, **_loss_ticks(lo, hi)}}
    layout = base_layout(
        height=height, margin={"l": 70, "r": 10, "t": 34, "b": 40},
        title={"text": title, "x": 0.01, "font": {"size": 13}},
        xaxis={"type": "category", "title": {"text": x_title, "standoff": 4}},
        yaxis={"type": "category", "autorange": "reversed",
               "title": {"text": y_title, "standoff": 4}},
        plot_bgcolor="#eeeeee")
    return {"data": [trace], "layout": layout}


def _decades(losses) -> dict:
    """Ticks of a log axis over ``losses`` (arrays): the powers of ten alone when they
    span more than a decade (Plotly would also write 2 and 5 in each, crowded)."""
    if not len(losses):
        return {}
    lo, hi = loss_range(np.concatenate([np.ravel(v) for v in losses]))
    return {"dtick": 1} if hi - lo > 1 else {}


def curves_figure(curves, groups, group_labels, *, title, group_title, log_y=True,
                  height=360) -> dict:
    """Test loss curves overlaid, coloured by a setting.

    Parameters
    ----------
    curves : list of (ndarray (n,), ndarray (n,), str)
        Each run's epochs, test losses and hover name.
    groups : list of int
        Each curve's group (the index of its value of the colouring setting).
    group_labels : list of str
        The setting's values, one legend entry each.
    """
    n_groups = max(1, len(group_labels))
    lut = colour_lut(CURVE_SCALE, max(2, n_groups))
    colours = ["#{:02x}{:02x}{:02x}".format(*row[:3]) for row in lut]
    data, shown = [], set()
    for (epochs, loss, name), g in zip(curves, groups, strict=True):
        data.append({"type": "scatter", "mode": "lines", "x": epochs,
                     "y": np.maximum(loss, 1e-12) if log_y else loss,
                     "name": str(group_labels[g]), "legendgroup": str(g),
                     "showlegend": g not in shown, "line": {"color": colours[g], "width": 1.5},
                     "opacity": 0.85,
                     "hovertemplate": f"{name}<br>epoch %{{x}}<br>test loss %{{y:.4g}}"
                                      "<extra></extra>"})
        shown.add(g)
    layout = base_layout(
        height=height, margin={"l": 55, "r": 10, "t": 34, "b": 40},
        title={"text": title, "x": 0.01, "font": {"size": 13}},
        xaxis={"title": {"text": "epoch"}, "rangemode": "nonnegative"},
        yaxis={"title": {"text": "test loss"}, "type": "log" if log_y else "linear",
               "exponentformat": "power", **(_decades([c[1] for c in curves]) if log_y else {})},
        legend={"title": {"text": group_title}, "x": 1.0, "xanchor": "left", "y": 1},
        hovermode="closest")
    return {"data": data, "layout": layout}
