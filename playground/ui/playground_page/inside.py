"""Seeing inside the network: the focus of the main view, the panel below the stage
(weights, hidden space, gradients; the lenses are lenses.py), clicks on the diagram, and
hand edits of a weight or bias in a dialog that opens where the link was clicked.

A click on the diagram happens inside the live fragment, but the widgets it should
change live outside it; so a click is parked in the page state's widget values for the
next run (:meth:`~.state.PlaygroundState.set_widget_next_run`) and the app reruns,
which writes them into the widgets before they render.
"""

from __future__ import annotations

import math

import streamlit as st

from playground.run.hidden_space import unit_label
from playground.run.trainer import EDIT_LIMIT
from playground.ui.playground_page import lenses
from playground.ui.playground_page.state import KEY, PlaygroundState
from playground.ui.playground_page.view_state import PANELS

OUTPUT = "output"


def unit_name(layer: int, unit: int, trainer) -> str:
    """A unit's name in the URL and the widgets: an input feature's key (x1, x1sq),
    ``h1.3`` for a hidden neuron, ``output`` for the output layer."""
    sizes, feats = trainer.network.layer_sizes, trainer.config.features
    if layer == 0:
        return feats[unit]
    if layer == len(sizes) - 1:
        return OUTPUT
    return unit_label(layer, unit, sizes, feats)


def units(trainer) -> dict[str, tuple[int, int]]:
    """Every unit the main view can show, by name -> (layer, unit): inputs and hidden."""
    sizes = trainer.network.layer_sizes
    return {unit_name(layer, u, trainer): (layer, u)
            for layer in range(len(sizes) - 1) for u in range(sizes[layer])}


def handle_click(event, state: PlaygroundState, trainer) -> bool:
    """Park what a diagram click picked: a neuron to focus or a link to edit.
    Returns True if the app should rerun to show it."""
    if lenses.handle_click(event, state, trainer, st.session_state.get("panel")):
        return True  # a training point (or a neuron of its path) for By the numbers
    if not event or event.get("figure") != "network" or not event.get("points"):
        return False
    cd = event["points"][0].get("customdata")
    if not isinstance(cd, list | tuple):
        return False
    cd = [int(v) for v in cd]
    sizes = trainer.network.layer_sizes
    if len(cd) == 2:  # a neuron: focus it (the output unfocuses)
        layer, unit = cd
        if not (0 <= layer < len(sizes) and 0 <= unit < sizes[layer]):
            return False
        state.set_widget_next_run("focus", unit_name(layer, unit, trainer))
        lenses.pick_neuron(state, layer, unit)
        return True
    if len(cd) == 3:  # a link: open the editor on it
        layer, i, j = cd
        if not (1 <= layer < len(sizes) and 0 <= i <= sizes[layer - 1] and 0 <= j < sizes[layer]):
            return False
        for key, value in (("edit_layer", layer), ("edit_from", i), ("edit_to", j)):
            state.set_widget_next_run(key, value)
        state.edit_open = True
        return True
    return False


def focus_of(ss, trainer):
    """(layer, unit) the main view shows, or None for the network's output."""
    return units(trainer).get(ss.get("focus", OUTPUT))


def focus_control(ss, trainer) -> None:
    """Pick what the main view shows: the output, or one neuron's map."""
    sizes, feats = trainer.network.layer_sizes, trainer.config.features
    found = units(trainer)
    labels = {name: f"Neuron {unit_label(layer, u, sizes, feats)}"
              for name, (layer, u) in found.items()}
    options = [OUTPUT, *found]
    if ss.get("focus") not in options:
        ss.focus = OUTPUT
    st.selectbox("Main view", options, key="focus", persist_state="session",
                 format_func=lambda v: "Output" if v == OUTPUT else labels.get(v, v),
                 help="Show one neuron's activation over the input square "
                      "(or click a neuron in the network diagram).")


def panel_controls(ss, trainer) -> None:
    """Pick the panel below the stage (and the layer/axes of the hidden space)."""
    net = trainer.network
    st.radio("Panel", list(PANELS), key="panel", horizontal=True, format_func=PANELS.get,
             persist_state="session")
    if ss.get("panel") == "hidden":
        if net.n_layers == 1:
            st.caption("No hidden layer to look into.")
            return
        layers = list(range(1, net.n_layers))
        if ss.get("hs_layer") not in layers:
            ss.hs_layer = layers[-1]
        c = st.columns(2)
        c[0].selectbox("Layer", layers, key="hs_layer", format_func=lambda i: f"hidden {i}",
                            persist_state="session")
        c[1].selectbox("Axes", ["pca", "units"], key="hs_axes", persist_state="session",
                       format_func={"pca": "Principal axes", "units": "First two units"}.get)


# ---------------------------------------------------------------------- editing
def _names(trainer, layer: int) -> tuple[list[str], list[str]]:
    """The diagram's names of the sources (inputs or units, then ``bias``) and targets
    of weight layer ``layer`` (1-based)."""
    sizes, feats = trainer.network.layer_sizes, trainer.config.features
    sources = [unit_label(layer - 1, i, sizes, feats) for i in range(sizes[layer - 1])]
    return sources + ["bias"], [unit_label(layer, j, sizes, feats) for j in range(sizes[layer])]


def describe_edit(trainer, layer: int, row: int, col: int, value: float) -> str:
    """``x1→h1.1 = 0.5`` or ``bias of h2.1 = -1``, in the diagram's names."""
    sources, targets = _names(trainer, layer)
    name = (f"bias of {targets[col]}" if row == len(sources) - 1
            else f"{sources[row]}→{targets[col]}")
    return f"{name} = {value:g}"


def current_value(trainer, layer: int, row: int, col: int) -> float:
    """The weight (``row`` < n_in) or bias (``row`` == n_in) of weight layer ``layer``."""
    net = trainer.network
    if row == net.layer_sizes[layer - 1]:
        return float(net.biases[layer - 1][col])
    return float(net.weights[layer - 1][row, col])


def _close_editor():
    st.session_state[KEY].edit_open = False


@st.dialog("Edit a weight or bias", on_dismiss=_close_editor)
def edit_dialog(ss, state: PlaygroundState) -> None:
    """The editor, opened by a click on a link (or from the View menu); it stays open
    until Apply or until dismissed."""
    edit_form(ss, state)


def edit_form(ss, state: PlaygroundState) -> None:
    """Set one weight or bias by hand; applies at once, training continues from there."""
    trainer = state.trainer
    net = trainer.network
    layers = list(range(1, net.n_layers + 1))
    if ss.get("edit_layer") not in layers:
        ss.edit_layer = layers[-1]
    layer = int(ss.edit_layer)
    sources, targets = _names(trainer, layer)
    if ss.get("edit_from") not in range(len(sources)):
        ss.edit_from = len(sources) - 1
    if ss.get("edit_to") not in range(len(targets)):
        ss.edit_to = 0
    target = (layer, ss.edit_from, ss.edit_to, trainer.epoch)
    current = current_value(trainer, *target[:3])
    if state.edit_target != target:  # a new weight picked: its value in the box
        state.edit_target = target
        ss.edit_value = max(-EDIT_LIMIT, min(EDIT_LIMIT, round(current, 4)))
    c = st.columns(3)
    c[0].selectbox("Layer", layers, key="edit_layer", format_func=lambda i: f"layer {i}")
    c[1].selectbox("From", list(range(len(sources))), key="edit_from",
                   format_func=sources.__getitem__)
    c[2].selectbox("To", list(range(len(targets))), key="edit_to",
                   format_func=targets.__getitem__)
    value = ss.get("edit_value")
    if not isinstance(value, int | float) or math.isnan(value):
        ss.edit_value = round(current, 4)  # an empty box: the current value again
    elif abs(value) > EDIT_LIMIT:
        ss.edit_value = math.copysign(EDIT_LIMIT, value)
        st.caption(f"Kept within −{EDIT_LIMIT:g} … {EDIT_LIMIT:g}.")
    c = st.columns([3, 1], vertical_alignment="bottom")
    c[0].number_input(f"Value (now {current:.4f})", min_value=-EDIT_LIMIT,
                      max_value=EDIT_LIMIT, step=0.1, format="%.4f", key="edit_value",
                      help=f"Any value from −{EDIT_LIMIT:g} to {EDIT_LIMIT:g}; training "
                           "continues from it.")
    if c[1].button("Apply", key="edit_apply", type="primary"):
        if _apply_edit(ss, state):
            state.edit_open = False
        st.rerun()
    if trainer.edits:
        st.caption("Earlier edits: " + "; ".join(
            f"epoch {e.epoch}: " + describe_edit(trainer, e.layer + 1, e.row, e.col, e.new)
            for e in trainer.edits[-3:]))


def _apply_edit(ss, state: PlaygroundState) -> bool:
    """Apply the edit in the form; False (with a notice) if the run refused it."""
    trainer = state.trainer
    layer, row, col = int(ss.edit_layer), int(ss.edit_from), int(ss.edit_to)
    state.guard.claim()  # an older script run still training gives way
    try:
        with state.guard.lock:
            trainer.edit(layer - 1, row, col, ss.edit_value)
    except ValueError as err:
        state.notify("error", str(err))
        return False
    state.edit_target = None
    st.toast("Set " + describe_edit(trainer, layer, row, col, float(ss.edit_value))
             .replace(" = ", " to "))
    return True
