"""Two lenses below the stage: *By the numbers* (one training point's forward and backward
pass written out with the network's real numbers, see :mod:`playground.run.explain_text`)
and the *Loss landscape* (the training loss on a plane through the weights, see
:mod:`playground.run.landscape`).

They are text and a figure of their own, drawn in a fragment under the live view: paused,
it follows the page; while playing it reruns once every :data:`EVERY` seconds, so the
stage keeps its pace. Both show the run as the stage does (the replayed epoch while
paused on one). A point is picked by its index or by a click on a training point of the
decision regions; a neuron by a click in the diagram or the picker.
"""

from __future__ import annotations

import time

import numpy as np
import streamlit as st

from playground.figures.landscape import landscape_figure
from playground.run.explain import explain_point
from playground.run.explain_text import explanation_lines
from playground.run.landscape import DIRECTIONS, loss_landscape
from playground.ui.playground_page import replay
from playground.ui.playground_page.state import PlaygroundState
from playground.ui.playground_page.view_state import LENS_PANELS

EVERY = 1.0  # seconds between redraws of a lens while playing
RESOLUTION = 41  # landscape grid points per axis
SPANS = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)  # the landscape's range, ±span
BIG_NET = 2000  # networks of more parameters compute their landscape in float32
DIRECTION_LABELS = {"random": "Random (filter-normalised)", "pca": "Principal axes of the path"}
POINT_KEY, NEURON_KEY = "lens_point", "lens_neuron"  # the widgets' keys


# ---------------------------------------------------------------------- clicks
def handle_click(event, state: PlaygroundState, trainer, panel) -> bool:
    """A click on a training point of the decision regions picks it for *By the
    numbers* (when that panel is open). Returns True if the app should rerun."""
    if panel != "numbers" or not event or event.get("figure") != "regions":
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


# ---------------------------------------------------------------------- the panel
def panel(ss, state: PlaygroundState) -> None:
    """The lens chosen in the View menu, if one is (below the live view)."""
    if ss.get("panel") not in LENS_PANELS:
        return

    @st.fragment(run_every=EVERY if state.playing else None)
    def lens():
        with st.container(key="lens"):
            if ss.get("panel") == "numbers":
                numbers(ss, state)
            elif ss.get("panel") == "landscape":
                landscape(ss, state)

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
                      help=f"Its index, 0 to {n - 1}; or click a training point on the "
                           "decision regions")
    index = ss[POINT_KEY]
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


# ---------------------------------------------------------------------- the landscape
def landscape(ss, state: PlaygroundState) -> None:
    """The loss on a plane through the shown epoch's weights, with the projected path:
    the map (square: α and β on one scale) beside its controls and what it shows."""
    lens = state.lens
    plot, side = st.columns([3, 2], gap="medium")
    with side:
        st.radio("Directions", list(DIRECTIONS), key="lens_directions",
                 format_func=DIRECTION_LABELS.get,
                 help="Two random directions, each neuron's scaled to its weights' norm "
                      "(Li et al. 2018), fixed until New directions; or the two directions "
                      "the weights moved most along the training path")
        directions = ss.lens_directions
        if st.button("New directions", key="lens_new", icon=":material/casino:",
                     disabled=directions != "random",
                     help="Draw two other random directions (a new seed)"):
            lens.seed += 1
        if ss.get("lens_span") not in SPANS:
            ss.lens_span = 1.0
        st.select_slider("Range (± span)", SPANS, key="lens_span",
                         help="α and β run from −span to +span")
    run = _shown(state)
    found = _landscape(state, run, directions, float(ss.lens_span))
    if isinstance(found, str):
        plot.info(found)
        return
    fig = landscape_figure(found.alpha, found.beta, found.loss, found.path,
                           found.path_epochs, alpha_label=found.alpha_label,
                           beta_label=found.beta_label, height=460,
                           title=f"Training loss around the weights at epoch {run.epoch:,}")
    fig["layout"]["yaxis"].update(scaleanchor="x", scaleratio=1, constrain="domain")
    fig["layout"]["xaxis"].update(constrain="domain")
    plot.plotly_chart(fig, key="lens_landscape", width="stretch",
                      config={"displayModeBar": False})
    side.caption(f"The × is the network at epoch {run.epoch:,} (loss "
                 f"{found.center_loss:.4g}); the orange line is its path so far, one dot "
                 f"per recorded epoch. Each pixel is the training loss (with the penalty) "
                 f"of the weights θ + α·d1 + β·d2; colours on a log scale. {found.note}")


def _landscape(state: PlaygroundState, run, directions: str, span: float):
    """The landscape of ``run`` (cached; recomputed at most every :data:`EVERY` seconds
    while playing), or a message saying why there is none."""
    lens = state.lens
    trainer = state.trainer
    where = (id(trainer), id(trainer.X_train), trainer.config, len(trainer.edits))
    key = (where, run.epoch, directions, lens.seed if directions == "random" else None, span)
    cached = lens.landscape
    now = time.monotonic()
    if cached is not None:
        if cached[0] == key:
            return cached[2]
        same_settings = cached[0][0] == where and cached[0][2:] == key[2:]
        if state.playing and same_settings and now - cached[1] < EVERY:
            return cached[2]
    dtype = "float32" if run.network.params.size > BIG_NET else None
    try:
        with state.guard.lock, np.errstate(all="ignore"):
            found = loss_landscape(run, directions, RESOLUTION, span, lens.seed, dtype)
    except ValueError as err:
        found = str(err)
    if not isinstance(found, str) and not np.isfinite(found.center_loss):
        found = ("The loss at the current weights is not a finite number (the run "
                 "diverged): lower the learning rate and press Reset to see a landscape.")
    lens.landscape = (key, now, found)
    return found
