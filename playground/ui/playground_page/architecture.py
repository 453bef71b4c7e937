"""The + / − buttons on the network diagram: a neuron more or fewer in a hidden layer,
a hidden layer more or fewer (within the sidebar's limits). A click changes the
sidebar's widgets on the next run (see :meth:`~.state.PlaygroundState.set_widget_next_run`),
and the run restarts as for any change of the network, with the same message."""

from __future__ import annotations

from playground.figures.diagram_buttons import LAYER, NEURON, TRACE, with_buttons
from playground.ui.playground_page.controls import MAX_UI_LAYERS, MAX_UI_WIDTH
from playground.ui.playground_page.state import PlaygroundState
from playground.ui.playground_page.view_state import View
from playground.ui.playground_page.views import DIAGRAM_ASPECT


def shown(state: PlaygroundState) -> bool:
    """Whether the diagram has the buttons (not when a link hides the network's
    settings: the diagram then only shows the network)."""
    hide = View(hide=state.hide)
    return not (hide.hides("network") or hide.hides("hidden"))


def decorate(figs: dict, state: PlaygroundState) -> None:
    """Put the buttons on the diagram (if shown), for the run's hidden layers."""
    fig = figs.get("network")
    if fig is None or not shown(state) or "columns" not in fig["layout"].get("meta", {}):
        return
    height = fig["layout"]["height"]
    with_buttons(fig, state.trainer.config.hidden, MAX_UI_LAYERS, MAX_UI_WIDTH,
                 box=(DIAGRAM_ASPECT * height, height))


def handle_click(event, state: PlaygroundState) -> bool:
    """Park the change a button asks for in the widgets; True if the app should rerun."""
    if not event or event.get("figure") != "network" or not event.get("points"):
        return False
    point = event["points"][0]
    if point.get("traceName") != TRACE or not shown(state):
        return False
    try:
        kind, layer, change = (int(v) for v in point["customdata"])
    except (KeyError, TypeError, ValueError):
        return False
    hidden = state.trainer.config.hidden
    if kind == NEURON and 1 <= layer <= len(hidden) and change:
        width = min(max(hidden[layer - 1] + change, 1), MAX_UI_WIDTH)
        state.set_widget_next_run(f"w_width_{layer - 1}", width)
    elif kind == LAYER and change:
        state.set_widget_next_run("w_n_layers", min(max(len(hidden) + change, 0), MAX_UI_LAYERS))
    else:
        return False
    return True
