"""+ and − buttons drawn on the network diagram, as in TF Playground: above every hidden
layer one pair adds or removes a neuron, and below the drawing one pair (around "2
hidden layers") adds or removes a hidden layer.

The buttons are one marker trace (:data:`TRACE`, just before the neurons', which stay
the last trace) whose points carry ``customdata =
[kind, layer, change]``: kind :data:`NEURON` (``layer`` 1-based, a hidden layer) or
:data:`LAYER` (``layer`` 0), ``change`` +1 or −1, or 0 for a button at its limit (drawn
grey, it does nothing).
"""

from __future__ import annotations

import numpy as np

TRACE = "architecture"
NEURON, LAYER = -1, -2  # (negative: never a layer of a neuron's or a link's customdata)
ENABLED, DISABLED = "#31333f", "#c4c7cc"


def _button(x: float, y: float, kind: int, layer: int, change: int, allowed: bool,
            hover: str) -> tuple:
    return (x, y, "+" if change > 0 else "−", [kind, layer, change if allowed else 0],
            hover if allowed else f"{hover} — {'at most' if change > 0 else 'at least'} "
            "reached", ENABLED if allowed else DISABLED)


def with_buttons(fig: dict, hidden, max_layers: int, max_width: int,
                 box: tuple[float, float] | None = None) -> dict:
    """``fig`` (a :func:`~playground.figures.diagram.network_diagram`) with its + / −
    buttons for the hidden layers ``hidden`` (widths) within ``max_layers`` layers of
    ``max_width`` neurons; the drawing grows to make room. Buttons it has are replaced.
    ``box``: the (width, height) in screen pixels the diagram is drawn in, about
    (default: a square of the figure's height), to space the buttons on screen."""
    layout, meta = fig["layout"], fig["layout"]["meta"]
    columns, p = meta["columns"], meta["thumbnail"]
    xaxis, yaxis = layout["xaxis"], layout["yaxis"]
    bottom, top = meta.setdefault("drawn_y", list(yaxis["range"]))  # before any buttons
    width, height = box or (layout["height"], layout["height"])
    spans = (xaxis["range"][1] - xaxis["range"][0], top - bottom)
    px = max(spans[0] / width, spans[1] / (height - 100))  # data units per screen pixel
    y = top + 20 * px  # above the tallest column, under the layer's title
    step = max(0.42 * p, 12 * px)  # from the column's centre to each button
    buttons = []
    for i, w in enumerate(hidden):
        x = columns[i + 1]
        buttons.append(_button(x - step, y, NEURON, i + 1, -1, w > 1,
                               f"One neuron fewer in hidden layer {i + 1} ({w} now)"))
        buttons.append(_button(x + step, y, NEURON, i + 1, +1, w < max_width,
                               f"One neuron more in hidden layer {i + 1} ({w} now; "
                               f"at most {max_width})"))
    n = len(hidden)
    # below the drawing, centred under the hidden layers: − "2 hidden layers" +
    middle = 0.5 * (columns[1] + columns[-2]) if n else 0.5 * (columns[0] + columns[-1])
    low = bottom - 22 * px
    buttons.append(_button(middle - 62 * px, low, LAYER, 0, -1, n > 0,
                           f"Remove the last hidden layer ({n} now)"))
    buttons.append(_button(middle + 62 * px, low, LAYER, 0, +1, n < max_layers,
                           f"Add a hidden layer ({n} now; at most {max_layers})"))
    label = {"type": "scatter", "mode": "text", "name": f"{TRACE} label", "showlegend": False,
             "x": np.array([middle]), "y": np.array([low]), "hoverinfo": "skip",
             "text": [f"{n} hidden layer{'' if n == 1 else 's'}"], "textfont": {"size": 11}}
    xs, ys, text, custom, hover, colors = zip(*buttons, strict=True)
    trace = {"type": "scatter", "mode": "markers+text", "name": TRACE, "showlegend": False,
             "x": np.array(xs, float), "y": np.array(ys, float), "text": list(text),
             "textposition": "middle center",
             "textfont": {"size": 15, "color": list(colors)},
             "customdata": [list(c) for c in custom], "hovertext": list(hover),
             "hovertemplate": "%{hovertext}<extra></extra>",
             "marker": {"symbol": "circle", "size": 19, "color": "#f0f2f6",
                        "line": {"width": 1, "color": list(colors)}}}
    data = [t for t in fig["data"] if not t.get("name", "").startswith(TRACE)]
    fig["data"] = [*data[:-1], label, trace, data[-1]]  # the neurons stay last
    yaxis["range"] = [low - 14 * px, y + 14 * px]
    return fig


__all__ = ["LAYER", "NEURON", "TRACE", "with_buttons"]
