"""The decision regions' colour legend: what each colour means, in one line of text
above the plot (a Plotly annotation: nothing the browser redraws per frame).

Two classes: the two colours and their class names, and the scale of the output
(P(second class) from 0 to 1, white at 0.5 where the boundary is). More classes: each
class's colour (the region takes the most likely class's colour, paler where the
network is less sure). Regression, or one neuron's map: the value scale from its low
end (orange) to its high end (blue).
"""

from __future__ import annotations

from playground.figures.png import colour_lut

BAR_STEPS = 9  # blocks of the little colour bar
MAX_NAME = 14  # characters of a class name shown


def _swatch(color: str, text: str = "■") -> str:
    return f'<span style="color:{color}">{text}</span>'


def colour_bar(colorscale, steps: int = BAR_STEPS) -> str:
    """Text of ``steps`` blocks coloured along ``colorscale`` (Plotly's [[t, colour]]),
    low end first."""
    lut = colour_lut(colorscale, steps)
    return "".join(_swatch("#{:02x}{:02x}{:02x}".format(*row[:3]), "█") for row in lut)


def _short(name: str) -> str:
    name = str(name)
    return name if len(name) <= MAX_NAME else name[:MAX_NAME - 1] + "…"


def _number(value: float) -> str:
    return f"{value:.3g}".replace("-", "−")


def legend_text(kind: str, colorscale, *, classes=(), colors=(), value_range=(-1.0, 1.0),
                value_name: str = "value") -> str:
    """The legend's text (Plotly's HTML subset).

    Parameters
    ----------
    kind : str
        ``"binary"`` (two classes, the output is P(second class)), ``"classes"`` (k
        classes, argmax), or ``"values"`` (a value scale: regression, a neuron's map).
    colorscale : list of [float, str]
        The regions' colour scale, for the bar (``"binary"``, ``"values"``).
    classes, colors : sequences of str
        Class names and their colours (``"binary"``, ``"classes"``).
    value_range : (float, float)
        The values at the bar's two ends (``"values"``).
    value_name : str
        What the values are (``"values"``).
    """
    if kind == "values":
        lo, hi = value_range
        return f"{value_name}: {_number(lo)} {colour_bar(colorscale)} {_number(hi)}"
    names = [f"{_swatch(c)} {_short(n)}" for n, c in zip(classes, colors, strict=False)]
    if kind == "binary":
        return (f"{'  '.join(names)}   P({_short(classes[1])}): 0 "
                f"{colour_bar(colorscale)} 1")
    return "  ".join(names) + "   (paler: less sure)"


def legend_annotation(text: str) -> dict:
    """The legend as a layout annotation at the plot's top right."""
    return {"text": text, "name": "legend", "xref": "paper", "yref": "paper", "x": 1.0,
            "y": 1.0, "xanchor": "right", "yanchor": "bottom", "showarrow": False,
            "align": "right", "font": {"size": 11}}


def with_legend(fig: dict, text: str) -> dict:
    """``fig`` (a decision-regions figure dict) with its legend annotation (replacing
    one it has)."""
    layout = fig["layout"]
    kept = [a for a in layout.get("annotations", []) if a.get("name") != "legend"]
    layout["annotations"] = [*kept, legend_annotation(text)]
    return fig


__all__ = ["colour_bar", "legend_annotation", "legend_text", "with_legend"]
