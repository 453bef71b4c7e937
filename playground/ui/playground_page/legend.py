"""The decision regions' colour legend on the stage: what orange and blue mean (the
class names, your own data's too) and the output's scale; for regression, or a
neuron's map, the value scale (your own data's target units when they were scaled)."""

from __future__ import annotations

from playground.data.datasets import GIVEN
from playground.figures.legend import legend_text, with_legend
from playground.figures.run_figures import CLASS_COLORS
from playground.ui.playground_page import inside
from playground.ui.playground_page.state import PlaygroundState


def class_names(trainer) -> list[str]:
    """The names of the run's classes: your own data's, or "class 0", "class 1", …"""
    points = trainer.points if trainer.config.dataset in GIVEN else None
    if points is not None and points.classes:
        return list(points.classes)
    return [f"class {i}" for i in range(max(trainer.config.num_classes, 2))]


def text_for(trainer, values: dict, focus) -> str:
    """The legend of a regions figure whose picture is ``values`` (its colour scale and
    range), showing the output or the neuron ``focus`` (layer, unit)."""
    c = trainer.config
    scale = values["colorscale"]
    if focus is not None:
        name = inside.unit_name(*focus, trainer)
        return legend_text("values", scale, value_range=(values["zmin"], values["zmax"]),
                           value_name=name)
    if c.task == "regression":
        points = trainer.points if c.dataset in GIVEN else None
        lo, hi = -1.0, 1.0
        if points is not None and points.targets() is not points.y:  # scaled into -1 … 1
            lo, hi = float(points.y.min()), float(points.y.max())
        return legend_text("values", scale, value_range=(lo, hi), value_name="output")
    names = class_names(trainer)
    colors = [CLASS_COLORS[i % len(CLASS_COLORS)] for i in range(len(names))]
    kind = "binary" if trainer.network.layer_sizes[-1] == 1 else "classes"
    return legend_text(kind, scale, classes=names, colors=colors)


def decorate(figs: dict, ss, state: PlaygroundState) -> None:
    """Put the legend on the decision regions (if shown)."""
    fig = figs.get("regions")
    if fig is None or "values" not in fig:
        return
    trainer = state.trainer
    with_legend(fig, text_for(trainer, fig["values"], inside.focus_of(ss, trainer)))
