"""The stage's panel while *By the numbers* is open (the write-up is under the stage:
lenses.py): the chosen training point's path through the network at the shown epoch,
each neuron filled with the point's activation and each link drawn as its share ``w·a``
(see :mod:`playground.figures.point_path`); the chosen neuron is outlined."""

from __future__ import annotations

import numpy as np
import streamlit as st

from playground.figures.landscape import note_figure
from playground.figures.point_path import point_path_figure
from playground.run.explain import explain_point

POINT_KEY, NEURON_KEY = "lens_point", "lens_neuron"  # the widgets of the point and neuron
HEIGHT = 420  # px (the stage's other panels' height)


def panel_figure(run) -> dict:
    """The point's path for ``run`` (the live run or a replayed epoch), with the point and
    neuron of the session's widgets; a note if the point is not one of the run's."""
    ss = st.session_state
    index = ss.get(POINT_KEY, 0)
    try:
        with np.errstate(all="ignore"):
            e = explain_point(run, index)
    except ValueError as err:
        return note_figure(f"{err}: this run has {len(run.X_train):,} training points.",
                           HEIGHT)
    c = run.config
    return point_path_figure(e.inputs, e.activations, e.weights, e.biases, e.labels,
                             task=c.task, n_classes=c.num_classes, activation=c.activation,
                             focus=ss.get(NEURON_KEY), height=HEIGHT,
                             title=f"Point {index} through the network at epoch "
                                   f"{e.epoch:,} (links: w·a)")
