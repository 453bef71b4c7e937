"""Under the stage, the lenses: *By the numbers* (one training point's forward and
backward pass written out with the network's real numbers, see
:mod:`playground.run.explain_text`; the stage's panel shows the point's path:
point_path.py) and the controls of the *Loss landscape* (whose map is the stage's panel:
landscape.py).

By the numbers is text, drawn in a fragment of its own: paused, it follows the page;
while playing it reruns once every :data:`EVERY` seconds. It shows the run as the stage
does (the replayed epoch while paused on one). A point is picked by its index or by a
click on a training point of the decision regions (where a ring marks it), a neuron by
a click in the diagram or the picker.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from playground.figures.run_figures import ring_trace
from playground.run.explain import explain_point
from playground.run.explain_text import explanation_lines
from playground.ui.playground_page import landscape, replay
from playground.ui.playground_page.point_path import NEURON_KEY, POINT_KEY
from playground.ui.playground_page.state import PlaygroundState

EVERY = 1.0  # seconds between redraws of By the numbers while playing


# ---------------------------------------------------------------------- clicks
def handle_click(event, state: PlaygroundState, trainer, panel) -> bool:
    """While *By the numbers* is open, a click on a training point of the decision
    regions picks it, and one on a neuron of the point's path (the panel) picks that
    neuron. Returns True if the app should rerun."""
    if panel != "numbers" or not event:
        return False
    if event.get("figure") == "panel":
        cd = next(iter(event.get("points") or ()), {}).get("customdata")
        if not isinstance(cd, list | tuple) or len(cd) != 2:
            return False
        sizes = trainer.network.layer_sizes
        layer, unit = int(cd[0]), int(cd[1])
        if not (1 <= layer < len(sizes) and 0 <= unit < sizes[layer]):
            return False
        pick_neuron(state, layer, unit)
        return True
    if event.get("figure") != "regions":
        return False
    point = next((p for p in event.get("points") or () if p.get("traceName") == "train"),
                 None)
    if point is None:
        return False
    try:
        at = np.array([float(point["x"]), float(point["y"])])
    except (KeyError, TypeError, ValueError):
        return False
    state.set_widget_next_run(POINT_KEY, nearest_point(trainer.X_train, at))
    return True


def nearest_point(X: np.ndarray, at: np.ndarray) -> int:
    """The index of the row of ``X`` (n, 2) nearest to ``at`` (2,)."""
    return int(np.argmin(((np.asarray(X) - at) ** 2).sum(axis=1)))


def pick_neuron(state: PlaygroundState, layer: int, unit: int) -> None:
    """A neuron clicked in the diagram (diagram numbering): the one *By the numbers*
    writes the gradients of (the inputs, layer 0, have none)."""
    if layer >= 1:
        state.set_widget_next_run(NEURON_KEY, (int(layer), int(unit)))


def decorate(figs: dict, ss, state: PlaygroundState) -> None:
    """While *By the numbers* is open, a ring on the decision regions shows which
    training point it follows (not while drawing your own points: a click adds one).
    ``state.lens.marked`` is the point the stage was drawn for."""
    state.lens.marked = None
    if ss.get("panel") != "numbers":
        return
    index = ss.get(POINT_KEY)
    state.lens.marked = index = index if isinstance(index, int) else 0  # (its default)
    X = state.trainer.X_train
    fig = figs.get("regions")
    if fig is not None and not ss.get("own_draw") and 0 <= index < len(X):
        fig["data"] = [*fig["data"], ring_trace(X[index])]


# ---------------------------------------------------------------------- the panel
def panel(ss, state: PlaygroundState) -> None:
    """Under the stage: By the numbers (a fragment of its own, which follows a playing
    run once every :data:`EVERY` seconds), or the landscape's controls."""
    if ss.get("panel") == "landscape":
        with st.container(key="lens"):
            landscape.controls(ss, state)
        return
    if ss.get("panel") != "numbers":
        return

    @st.fragment(run_every=EVERY if state.playing else None)
    def lens():  # (reads the state anew: a fragment keeps no hold of a released run)
        state = PlaygroundState.of(ss)
        if state is not None:
            with st.container(key="lens"):
                numbers(ss, state)

    lens()


def _shown(state: PlaygroundState):
    """The run as the stage shows it (the replayed epoch while paused on one)."""
    with state.guard.lock:
        return replay.shown(state, state.trainer)


def neurons(labels) -> dict[tuple[int, int], str]:
    """Every neuron with incoming weights, (layer, unit) -> its diagram label."""
    return {(layer, unit): label for layer, column in enumerate(labels) if layer
            for unit, label in enumerate(column)}


def numbers(ss, state: PlaygroundState) -> None:
    """By the numbers: one training point through the network at the shown epoch, forward
    and backward, and the chosen neuron's updates."""
    run = _shown(state)
    n = len(run.X_train)
    c = st.columns([1, 1, 3], vertical_alignment="bottom")
    if not isinstance(ss.get(POINT_KEY), int):
        ss[POINT_KEY] = 0
    c[0].number_input("Training point", min_value=0, step=1, key=POINT_KEY,
                      persist_state="session",
                      help=f"Its index, 0 to {n - 1}; or click a training point on the "
                           "decision regions")
    index = ss[POINT_KEY]
    if index != state.lens.marked and not state.in_page:  # typed here: ring it on the stage
        st.rerun(scope="app")
    try:
        with state.guard.lock, np.errstate(all="ignore"):
            e = explain_point(run, index)
    except ValueError as err:
        st.warning(f"{err}: this run has {n:,} training points.")
        return
    units = neurons(e.labels)
    if ss.get(NEURON_KEY) not in units:
        ss[NEURON_KEY] = _default_neuron(ss, units)
    c[1].selectbox("Neuron", list(units), key=NEURON_KEY, format_func=units.get,
                   persist_state="session",
                   help="Whose incoming weights' gradients are written out (or click a "
                        "neuron in the diagram)")
    x1, x2 = (f"{v:.4g}" for v in e.x)
    c[2].caption(f"**Point {index}** at x1 = {x1}, x2 = {x2}, target {_target(e.target)}; "
                 f"the network at epoch {e.epoch:,}, loss of this point "
                 f"**{e.loss:.4g}**. Numbers to 4 significant digits; a long sum keeps its "
                 "largest terms.")
    for line in explanation_lines(e, neuron=ss[NEURON_KEY]):
        st.markdown(line)  # a heading, a sentence or one $$…$$ formula


def _default_neuron(ss, units) -> tuple[int, int]:
    """The focused hidden neuron (``h1.3``), else the output's first unit."""
    focus = ss.get("focus", "")
    found = next((key for key, label in units.items() if label == focus), None)
    last = max(layer for layer, _ in units)
    return found or (last, 0)


def _target(value) -> str:
    value = np.asarray(value)
    return f"{float(value):.4g}" if value.dtype.kind == "f" else f"class {int(value)}"
