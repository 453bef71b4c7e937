"""The loss landscape lens: the training loss on a plane through the weights (see
:mod:`playground.run.landscape`), as the stage's panel, and its controls under the stage.

The map is the stage's panel figure (it stays mounted and follows the run: views.py asks
:func:`panel_figure` for it), of the run the stage shows (the replayed epoch while paused
on one). While the run moves it is recomputed at most once every :data:`EVERY` seconds
and at most :data:`SHARE` of the time, so the stage keeps its pace; otherwise it is
computed once per epoch and setting (directions, their seed, the range).
"""

from __future__ import annotations

import time

import numpy as np
import streamlit as st

from playground.figures.landscape import landscape_figure, note_figure
from playground.run.landscape import DIRECTIONS, loss_landscape
from playground.ui.playground_page.state import KEY, PlaygroundState

EVERY = 1.0  # seconds between redraws of the landscape while playing, at least...
SHARE = 0.25  # ...and it takes at most this share of the time
HEIGHT = 420  # px of the landscape (the stage's other panels' height)
RESOLUTION = 41  # landscape grid points per axis
SPANS = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)  # the landscape's range, ±span
BIG_NET = 2000  # networks of more parameters compute their landscape in float32
DIRECTION_LABELS = {"random": "Random", "pca": "The path's principal axes"}
NOTES = {"random": "α and β move along two random directions, each neuron's scaled to the "
                   "size of its weights (Li et al. 2018): α = 1 moves every neuron by as "
                   "much as its own weights. The surface is a slice and the path is "
                   "projected onto it, so the path need not lie in its valleys.",
         "pca": "α and β move along the two directions the weights moved most so far "
                "(their share of the movement in the axis titles): α = 1 reaches the "
                "path's farthest point. The path is projected and the surface is a slice, "
                "so the path need not lie on it."}


def controls(ss, state: PlaygroundState) -> None:
    """The landscape's directions, New directions and range, and what the map shows (the
    map itself is the stage's panel: :func:`panel_figure`)."""
    c = st.columns([2, 1, 1.6], vertical_alignment="bottom")
    c[0].radio("Directions", list(DIRECTIONS), key="lens_directions", horizontal=True,
               format_func=DIRECTION_LABELS.get, persist_state="session",
               help="Two random directions, each neuron's scaled to its weights' norm "
                    "(Li et al. 2018), fixed until New directions; or the two directions "
                    "the weights moved most along the training path")
    directions = ss.lens_directions
    c[1].button("New directions", key="lens_new", icon=":material/casino:",
                disabled=directions != "random", width="stretch", on_click=_new_directions,
                help="Draw two other random directions (a new seed)")
    if ss.get("lens_span") not in SPANS:
        ss.lens_span = 1.0
    c[2].select_slider("Range (± span)", SPANS, key="lens_span", persist_state="session",
                       help="α and β run from −span to +span")
    st.caption("The loss landscape (the panel above): each pixel is the training loss (with "
               "the penalty) of the weights θ + α·d1 + β·d2, colours on a log scale; the × "
               "is the network the stage shows (α = β = 0), the orange line its path so far, "
               "one dot per recorded epoch. " + NOTES[directions])


def _new_directions() -> None:
    """A new seed for the random directions (a callback: the stage, drawn before the
    button, shows them in the same run)."""
    st.session_state[KEY].lens.seed += 1


def panel_figure(run) -> dict:
    """The stage's panel figure for ``run`` (the live run or a replayed epoch): its loss
    landscape with the session's settings (the ``lens_*`` widgets, ``state.lens``), or
    a note saying why there is none. Called by the stage's figures, in a script run."""
    ss = st.session_state
    state = PlaygroundState.of(ss)
    directions = ss.get("lens_directions", "random")
    span = ss.get("lens_span", 1.0)
    return _landscape(state, run, directions if directions in DIRECTIONS else "random",
                      float(span) if span in SPANS else 1.0)


def _landscape(state: PlaygroundState, run, directions: str, span: float) -> dict:
    """The landscape's figure: the last one again if it was made for these weights, data
    and settings, or (while the run moves) less than :data:`EVERY` seconds ago and
    :data:`SHARE` of the time; else a new one."""
    lens, data = state.lens, state.trainer.X_train  # (replay shares the run's data)
    seed = lens.seed if directions == "random" else None
    settings = (run.config, directions, seed, span)
    params = run.network.params
    now = time.monotonic()
    if lens.landscape is not None:
        (made_for, epoch, made_params, made_data), at, cost, fig = lens.landscape
        if made_data is data and made_for == settings:
            moving = state.playing or state.replay.playing_back
            if (epoch == run.epoch and np.array_equal(made_params, params)) or (
                    moving and now - at < max(EVERY, cost / SHARE)):
                return fig
    dtype = "float32" if params.size > BIG_NET else None
    try:
        with state.guard.lock, np.errstate(all="ignore"):
            found = loss_landscape(run, directions, RESOLUTION, span, lens.seed, dtype)
    except ValueError as err:
        fig = note_figure(str(err), HEIGHT)
    else:
        fig = _figure(found, run.epoch)
    made = (settings, run.epoch, params.copy(), data)
    lens.landscape = (made, now, time.monotonic() - now, fig)
    return fig


def _figure(found, epoch: int) -> dict:
    """The landscape's figure, α and β on one scale (a square map)."""
    if not np.isfinite(found.center_loss):
        return note_figure("The loss at these weights is not a finite number (the run "
                           "diverged): lower the learning rate and press Reset to see a "
                           "landscape.", HEIGHT)
    fig = landscape_figure(found.alpha, found.beta, found.loss, found.path,
                           found.path_epochs, alpha_label=found.alpha_label,
                           beta_label=found.beta_label, height=HEIGHT,
                           title=f"Loss landscape at epoch {epoch:,}")
    fig["layout"]["xaxis"]["constrain"] = "domain"
    fig["layout"]["yaxis"].update(scaleanchor="x", scaleratio=1, constrain="domain")
    return fig
