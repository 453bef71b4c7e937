"""Replay: while paused, a scrubber over the run's recorded epochs shows the decision
regions, the diagram, the panel and the metrics as they were, with a marker on the
curves; a play-back walks through the history at a chosen pace; "Continue from here"
branches training from the shown epoch (the later history is dropped, and the app says
so). The shown epoch is the view's ``at`` in the URL.

The shown epoch lives in the page state's :class:`~.state.ReplayState` (``at``, None:
the latest) together with the run it belongs to (``run``: the trainer, its epoch and
last edit when scrubbed); once the run moves on (Play, Step, Reset, an edit, another
run) the stage shows the latest state again.
"""

from __future__ import annotations

import time

import numpy as np
import streamlit as st

from playground.ui.playground_page.state import KEY, PlaygroundState
from playground.ui.playground_page.view_state import View
from playground.ui.playground_page.views import curves_figure
from playground.ui.server.session import Pace

# a play-back of the whole recorded history lasts this many seconds
REPLAY_SECONDS = ("5", "10", "20", "60")
DEFAULT_SECONDS = "10"
REPLAY_FRAME = 0.08  # seconds between play-back frames (the browser may take longer)
LINK_SECONDS = 3.0  # a link's ``at=`` trains a fresh run to that epoch for at most this
MARKER = "#d62728"
STYLE = """<style>
.st-key-replay .stHorizontalBlock { gap: 0.6rem; }
.st-key-replay .stSlider { padding: 0 0.4rem; }
@media (max-width: 640px) {  /* a phone: the scrubber, then the three others in a row */
  .st-key-replay .stHorizontalBlock { flex-flow: row wrap; gap: 0.4rem; }
  .st-key-replay .stColumn { min-width: 0 !important; flex: 1 1 28% !important; }
  .st-key-replay .stColumn:first-child { min-width: 100% !important; }
}
</style>"""


def epochs_of(trainer) -> list[int]:
    """Every epoch replay can show: the snapshots (dense early, thinned later), the
    chosen ones (edits), and the latest."""
    epochs = np.union1d(trainer.snapshots.epochs, list(trainer.pinned))
    return sorted({*epochs[epochs < trainer.epoch].astype(int).tolist(), trainer.epoch})


def _where(trainer) -> tuple:
    """Where a run is: the trainer, its epoch, its last hand edit."""
    return id(trainer), trainer.epoch, id(trainer.edits[-1]) if trainer.edits else 0


def show_epoch(state: PlaygroundState, trainer, at: int | None) -> None:
    """Show ``at`` (None: the latest) of ``trainer``'s run while it stays where it is."""
    state.replay.at = at
    state.replay.run = _where(trainer)


def shown(state: PlaygroundState, trainer):
    """The run as the stage shows it: ``trainer`` itself, or the scrubbed epoch's
    read-only :class:`~playground.run.run_at.RunAtEpoch` (while paused). Call under
    the session's lock."""
    replay = state.replay
    at = replay.at
    if at is not None and (state.playing or replay.run != _where(trainer)):
        at = replay.at = None  # the run moved on: the latest again
        replay.playing_back = False
    if at is None or at >= trainer.epoch:
        return trainer
    return trainer.at(at)


def open_at(state: PlaygroundState, trainer, at: int | None, runner=None) -> str | None:
    """A link's ``at=``: train the fresh run (or ``runner``, a compare pair) to that
    epoch (the same settings give the same run) and show it there, paused. Returns a
    notice if it could not get there."""
    if not at:
        return None
    with state.guard.lock:
        (runner or trainer).step_for(LINK_SECONDS, max_epochs=at)
    show_epoch(state, trainer, at)
    if trainer.epoch < at:
        return (f"at: the link shows epoch {at:,}; {trainer.epoch:,} epochs were trained in "
                f"the time allowed. Press Play to go on.")
    return None


def frame_interval(state: PlaygroundState) -> float | None:
    """Seconds between the live view's reruns for a play-back, or None."""
    return REPLAY_FRAME if state.replay.playing_back and not state.playing else None


def advance(state: PlaygroundState, trainer) -> None:
    """One play-back frame: move the shown epoch on by what the pace says is due; at
    the end, stop and show the latest state."""
    replay = state.replay
    if not replay.playing_back:
        return
    with state.guard.lock:
        epochs = epochs_of(trainer)
    if state.playing or len(epochs) < 2:
        replay.playing_back = False
        return
    at = replay.at
    index = epochs.index(at) if at in epochs else 0
    index = min(index + replay.pace.due(time.perf_counter(), index), len(epochs) - 1)
    if index == len(epochs) - 1:
        _stop(state)
        show_epoch(state, trainer, None)
        st.rerun(scope="app")  # stop the frames, and the URL drops at=
    show_epoch(state, trainer, epochs[index])


def sync_url(state: PlaygroundState) -> None:
    """The shown epoch in the URL (``at=``; left out for the latest)."""
    want = View(at=state.replay.at).to_query().get("at")
    if st.query_params.get("at") != want and not state.replay.playing_back:
        if want is None:
            del st.query_params["at"]
        else:
            st.query_params["at"] = want


# ---------------------------------------------------------------------- the row
def controls(ss, state: PlaygroundState, trainer, view) -> None:
    """The scrubber, Replay/Stop, the play-back's length and "Continue from here", in
    one compact row under the toolbar. While playing (or at epoch 0) the row stays,
    disabled, so that the stage does not jump at Play and Pause; while playing it is
    drawn once per run of the page, not every frame (see app.py), its scrubber at
    "live"."""
    if View(hide=state.hide).hides("at"):
        return
    live = state.playing or trainer.epoch == 0
    replaying = state.replay.playing_back
    c = st.container(key="replay").columns([4, 1.3, 1.15, 2.2], vertical_alignment="center")
    if live:  # a light stand-in: no options to send
        if state.playing:
            ss.replay_live = "live"
            c[0].select_slider("Replay epoch", ("epoch 0", "live"), key="replay_live",
                               disabled=True, label_visibility="collapsed",
                               help="Pause to scrub through the recorded epochs")
        else:
            c[0].slider("Replay epoch", 0, 1, 0, disabled=True, format="epoch %d",
                        label_visibility="collapsed",
                        help="Train a little (Play or Step) to scrub through its epochs")
        epochs = []
    else:
        with state.guard.lock:
            epochs = epochs_of(trainer)
        # (during a play-back the scrubber only shows where it is: Stop hands it back)
        key = _scrubber_key(ss, state, view.epoch, replaying)
        c[0].select_slider("Replay epoch", epochs, key=key, on_change=_scrubbed, args=(key,),
                           label_visibility="collapsed", format_func=lambda e: f"epoch {e:,}",
                           disabled=replaying,
                           help="Scrub through the recorded epochs (dense early, thinned "
                                "later)")
    if c[1].button("Stop" if replaying else "Replay", key="replay_play", width="stretch",
                   icon=":material/stop:" if replaying else ":material/slow_motion_video:",
                   disabled=live,
                   help="Play the run's history back from the shown epoch (or the start)"):
        _toggle_playback(ss, state, trainer, epochs)
        st.rerun(scope="app")
    if ss.get("replay_seconds") not in REPLAY_SECONDS:
        ss.replay_seconds = DEFAULT_SECONDS
    c[2].selectbox("Replay length", REPLAY_SECONDS, key="replay_seconds", disabled=live,
                   label_visibility="collapsed", format_func=lambda s: f"in {s} s",
                   help="How long a play-back of the whole history takes")
    if c[3].button("Continue from here", key="replay_continue", width="stretch",
                   icon=":material/call_split:", disabled=live or view.epoch == trainer.epoch,
                   help="Train on from the shown epoch; the later history is dropped"):
        continue_from(state, trainer, view.epoch)
        st.rerun(scope="app")


def _scrubber_key(ss, state: PlaygroundState, epoch: int, replaying: bool) -> str:
    """The scrubber's widget key, its value set to ``epoch``. When the app moves the
    scrubber itself (a play-back, Step, Continue, a link), the browser may still send
    the old position in a frame requested meanwhile; a scrubber with a new key takes
    the new position, and such late values reach no callback."""
    if replaying:
        key = "replay_slider_play"  # no callback: it only shows where the play-back is
    else:
        gen = state.replay.slider_generation
        key = f"replay_slider_{gen}"
        if key in ss and ss[key] != epoch:
            state.replay.slider_generation = gen + 1
            key = f"replay_slider_{gen + 1}"
    ss[key] = epoch
    return key


def _stop(state: PlaygroundState) -> None:
    """End a play-back (the scrubber then gets a new key: see :func:`_scrubber_key`)."""
    state.replay.playing_back = False
    state.replay.slider_generation += 1


def _scrubbed(key: str) -> None:
    ss = st.session_state
    state: PlaygroundState = ss[KEY]
    if state.replay.playing_back:
        return
    trainer, epoch = state.trainer, int(ss[key])
    show_epoch(state, trainer, None if epoch >= trainer.epoch else epoch)


def _toggle_playback(ss, state: PlaygroundState, trainer, epochs) -> None:
    replay = state.replay
    if replay.playing_back:
        _stop(state)
        return
    at = replay.at
    # from the shown epoch; from the latest: from the start
    start = epochs.index(at) if at in epochs and at < trainer.epoch else 0
    show_epoch(state, trainer, epochs[start])
    rate = max(1.0, (len(epochs) - 1 - start) / float(ss.get("replay_seconds",
                                                              DEFAULT_SECONDS)))
    replay.pace = Pace(rate, time.perf_counter(), start)
    replay.playing_back = True


def continue_from(state: PlaygroundState, trainer, epoch: int) -> int:
    """Branch the run at ``epoch`` (:meth:`~playground.Trainer.rewind`, under the lock)
    and say what was dropped. Returns the epoch the run is at."""
    state.guard.claim()  # an older script run still training gives way
    with state.guard.lock:
        latest = trainer.epoch
        # (in compare mode both runs, in lockstep: see compare_view.py)
        at = (state.pair or trainer).rewind(epoch)
    state.replay.playing_back = False
    show_epoch(state, trainer, None)
    state.notify("info", f"Continuing from epoch {at:,}: the {latest - at:,} later "
                         f"epochs (up to {latest:,}: their curves, snapshots and edits) "
                         "were dropped. Press Play to train from here.")
    return at


def mark_curves(figs: dict, epoch: int) -> None:
    """A vertical marker at ``epoch`` on the curves (both panes), in place."""
    fig = figs.get("curves")
    if fig is None:
        return
    fig = figs["curves"] = {**fig, "layout": dict(fig["layout"])}
    axes = ("x", "x2") if "xaxis2" in fig["layout"] else ("x",)  # (one pane or two)
    fig["layout"]["shapes"] = [
        {"type": "line", "xref": axis, "yref": "paper", "x0": epoch, "x1": epoch, "y0": 0,
         "y1": 1, "line": {"color": MARKER, "width": 2, "dash": "dot"}}
        for axis in axes]
    fig["layout"]["annotations"] = [
        {"xref": "x", "yref": "paper", "x": epoch, "y": 1.0, "yanchor": "bottom",
         "text": f"epoch {epoch:,}", "showarrow": False, "font": {"color": MARKER}}]


def figures(figs: dict, trainer, view, log_loss: bool, height: int) -> None:
    """Replay's curves (in place): the whole run's, with a marker at the shown epoch."""
    if view is trainer:
        return
    figs["curves"] = curves_figure(trainer, log_loss, height)
    mark_curves(figs, view.epoch)
