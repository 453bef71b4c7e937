"""Seeing inside the network: the focus of the main view, the bottom panel (weights,
hidden space, gradients), clicks on the diagram, and hand edits of a weight or bias.

A click on the diagram happens inside the live fragment, but the widgets it should
change live outside it; so a click is parked in ``pending_*`` session keys and the
app reruns, and :func:`apply_pending` moves them into the widgets before they render.
"""

from __future__ import annotations

import streamlit as st

from ..hidden_space import unit_label
from .views import PANELS

OUTPUT = "output"


def units(trainer) -> dict[str, tuple[int, int]]:
    """Every unit's label -> (layer, unit); layer 0 = inputs, last = output."""
    sizes, feats = trainer.network.layer_sizes, trainer.config.features
    return {unit_label(layer, u, sizes, feats): (layer, u)
            for layer in range(len(sizes)) for u in range(sizes[layer])}


def apply_pending(ss) -> None:
    """Move a parked diagram click into the widgets (call before they render)."""
    for key in ("focus", "edit_layer", "edit_from", "edit_to"):
        if f"pending_{key}" in ss:
            ss[key] = ss.pop(f"pending_{key}")


def handle_click(event, ss, trainer) -> bool:
    """Park what a diagram click picked: a neuron to focus or a link to edit.
    Returns True if the app should rerun to show it."""
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
        is_output = layer == len(sizes) - 1
        ss.pending_focus = OUTPUT if is_output else unit_label(layer, unit, sizes,
                                                                  trainer.config.features)
        return True
    if len(cd) == 3:  # a link: pick it in the edit form
        layer, i, j = cd
        if not (1 <= layer < len(sizes) and 0 <= i < sizes[layer - 1] and 0 <= j < sizes[layer]):
            return False
        ss.pending_edit_layer, ss.pending_edit_from, ss.pending_edit_to = layer, i, j
        return True
    return False


def focus_of(ss, trainer):
    """(layer, unit) the main view shows, or None for the network's output."""
    label = ss.get("focus", OUTPUT)
    found = units(trainer).get(label)
    if found is None or found[0] == trainer.network.n_layers:
        return None
    return found


def focus_control(ss, trainer, column) -> None:
    """Pick what the main view shows: the output, or one neuron's map."""
    options = [OUTPUT] + [label for label, (layer, _) in units(trainer).items()
                          if layer < trainer.network.n_layers]
    if ss.get("focus") not in options:
        ss.focus = OUTPUT
    column.selectbox("Main view", options, key="focus",
                     format_func=lambda v: "Output" if v == OUTPUT else f"Neuron {v}",
                     help="Show one neuron's activation over the input square "
                          "(or click a neuron in the network diagram).")


def panel_controls(ss, trainer) -> None:
    """Pick the bottom panel (and the layer/axes of the hidden space)."""
    net = trainer.network
    cols = st.columns([2.2, 1, 1], vertical_alignment="bottom")
    cols[0].radio("Panel", PANELS, key="panel", horizontal=True)
    if ss.get("panel") == "Hidden space":
        if net.n_layers == 1:
            cols[1].caption("No hidden layer to look into.")
            return
        layers = list(range(1, net.n_layers))
        if ss.get("hs_layer") not in layers:
            ss.hs_layer = layers[-1]
        cols[1].selectbox("Layer", layers, key="hs_layer", format_func=lambda i: f"hidden {i}")
        cols[2].selectbox("Axes", ["pca", "units"], key="hs_axes",
                          format_func={"pca": "Principal axes", "units": "First two units"}.get)


def edit_form(ss, trainer) -> None:
    """Set one weight or bias by hand; applies at once, training continues from there."""
    net = trainer.network
    layers = list(range(1, net.n_layers + 1))
    if ss.get("edit_layer") not in layers:
        ss.edit_layer = layers[-1]
    layer = int(ss.edit_layer)
    sizes, feats = net.layer_sizes, trainer.config.features
    n_in, n_out = sizes[layer - 1], sizes[layer]
    if ss.get("edit_from") not in range(n_in + 1):
        ss.edit_from = n_in
    if ss.get("edit_to") not in range(n_out):
        ss.edit_to = 0
    c = st.columns([1, 1, 1, 1, 0.8], vertical_alignment="bottom")
    c[0].selectbox("Layer", layers, key="edit_layer", format_func=lambda i: f"layer {i}")
    c[1].selectbox("From", list(range(n_in + 1)), key="edit_from",
                   format_func=lambda i: "bias" if i == n_in else
                   unit_label(layer - 1, i, sizes, feats))
    c[2].selectbox("To", list(range(n_out)), key="edit_to",
                   format_func=lambda j: unit_label(layer, j, sizes, feats))
    current = float(net.layers[layer - 1][ss.edit_from, ss.edit_to])
    c[3].number_input(f"Value (now {current:.4f})", value=round(current, 4), step=0.1,
                      format="%.4f", key="edit_value")
    c[4].button("Apply", key="edit_apply", on_click=_apply_edit)
    if trainer.edits:
        st.caption("Edits: " + "; ".join(e.describe(sizes[e.layer])
                                          for e in trainer.edits[-3:]))


def _apply_edit():
    ss = st.session_state
    trainer = ss.trainer
    layer = int(ss.edit_layer) - 1
    try:
        edit = trainer.edit(layer, int(ss.edit_from), int(ss.edit_to), ss.edit_value)
    except ValueError as err:
        ss.notices.append(("error", str(err)))
        return
    st.toast("Set " + edit.describe(trainer.network.layer_sizes[layer]).split(": ", 1)[1])
