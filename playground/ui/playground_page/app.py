"""The Streamlit playground: a stage (toolbar, metrics, decision regions and network
diagram on one screen) and the settings in the sidebar.

State lives in ``st.session_state``: the :class:`~playground.trainer.Trainer` (the
whole run), its :class:`~.session.RunGuard` (the lock every mutation holds), ``playing``,
and one key per widget (see :mod:`.controls` and :mod:`.stage`). The live view is a
fragment that, while playing, reruns every frame: it trains the epochs the pace asks
for, then sends fresh arrays to figures that stay mounted.
"""

from __future__ import annotations

import time
from contextlib import nullcontext
from functools import partial

import streamlit as st

from playground.config import Config
from playground.run.health import diagnose
from playground.run.trainer import Trainer
from playground.ui.live.live_plot import live_plot
from playground.ui.playground_page import controls, inside, own_data, replay, stage
from playground.ui.playground_page.view_state import View
from playground.ui.playground_page.views import dataset_previews, live_figures
from playground.ui.server.classroom import CLASSROOM, FRAME, join
from playground.ui.server.session import Pace, RunGuard, train_for

# per frame: the main view, and one of the other figures in turn
SECONDARY = ({"regions", "network"}, {"regions", "curves"}, {"regions", "panel"})
MAX_SHARE = 0.5  # at speed "max", train for this share of the time between frames (shared
MAX_MIN, MAX_MAX = 0.003, 0.3  # by the pages playing), within these bounds (seconds)
RETIME = 1.5  # a page re-times its frames when its share changes by more than this
FRAME_CAP = 0.5  # seconds: a frame never trains longer, so Pause and sliders stay responsive
STAGE_HEIGHT = 470  # px of the decision regions and the diagram: both fit 1280x720


def _init_session(ss) -> None:
    query = st.query_params.to_dict()
    config, problems = Config.from_query_lenient(query)
    config, points, point_problems = own_data.from_query(query, config)
    problems += point_problems
    view, view_problems = View.from_query(query)
    problems += view_problems
    controls.seed_widgets(config, ss)
    shown = controls.read_config(ss, config)  # the widgets' ranges are narrower (6 x 32)
    if shown.hidden != config.hidden:
        widths = ",".join(map(str, shown.hidden))
        problems.append(f"hidden: the app shows up to {controls.MAX_UI_LAYERS} layers of "
                        f"{controls.MAX_UI_WIDTH} neurons — using {widths}")
    ss.guard = RunGuard()
    ss.trainer = Trainer(shown, data=points)
    ss.playing = False
    ss.hide = view.hide  # what the link hides stays hidden for the session
    stage.seed_view(view, ss)
    problems += filter(None, [replay.open_at(ss, ss.trainer, view.at)])
    ss.notices = [("warning", "This link had settings that could not be used:\n\n- "
                   + "\n- ".join(problems))] if problems else []


def _apply_widgets(ss) -> None:
    """Read the config from the widgets and bring the run and the URL up to date."""
    trainer = ss.trainer
    try:
        config = controls.read_config(ss, trainer.config)
    except ValueError as err:
        # keep the last good config; show the widgets' values as they were
        ss.notices.append(("error", f"{err}. Kept the previous value."))
        ss.reseed = True
        st.rerun()
    epoch = trainer.epoch
    with ss.guard.lock:
        changed = trainer.update(config)
    if changed == "reset" and epoch:
        st.toast(f"Data or network changed: training restarted at epoch 0 (was {epoch:,}).")
    _sync_url(ss)


def _sync_url(ss) -> None:
    """Settings and view in the URL, leaving out defaults (short links)."""
    query = {**ss.trainer.config.to_query(short=True), **stage.read_view(ss).to_query(),
             **own_data.to_query(ss.trainer)}
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def _train_frame(ss, trainer, ticket: int, sid: str, playing: int) -> None:
    """Train one frame's worth: the epochs the pace asks for (within ``FRAME_CAP``), or
    at speed "max" a share of the time between frames (which the browser's pace sets),
    so big networks still train fast; ``playing`` pages share that share evenly."""
    now = time.perf_counter()
    between = partial(CLASSROOM.step_aside, sid, 0.5)  # another page's click goes first
    if ss.speed != "max":
        pace = ss.get("pace")
        if pace is None or pace.rate != float(ss.speed):
            pace = ss.pace = Pace(float(ss.speed), now, trainer.epoch)
        due = pace.due(now, trainer.epoch)
        if due:
            train_for(ss.guard, ticket, trainer, FRAME_CAP, max_epochs=due, between=between)
        return
    interval = now - ss.get("last_frame", now - FRAME)
    ss.last_frame = now
    seconds = min(max(MAX_SHARE * interval / max(playing, 1), MAX_MIN), MAX_MAX)
    train_for(ss.guard, ticket, trainer, seconds, between=between)


def _stop_if_broken(ss, trainer) -> bool:
    """Pause a run that overflowed or whose loss became absurd (finite, far beyond where
    it started: a regression loss of 9e+245), take it back to its last sane epoch so the
    screen never shows nonsense numbers, and hold Play until the settings change."""
    found = diagnose(trainer)
    if found is None or found.kind not in ("overflow", "absurd"):
        return False
    ss.playing = False
    message = found.cause  # the way out is taken here: back to the last sane epoch
    if found.kind == "absurd":  # the loss ran away without overflowing: diverging too
        message = f"Training diverged at epoch {trainer.epoch:,}. {message}"
    if found.rewind_epoch is not None:
        with ss.guard.lock:
            shown = trainer.rewind(found.rewind_epoch)
        message += (f" The run went back to epoch {shown:,}, its last sane state (the "
                    "later epochs are dropped).")
    ss.halted = (trainer.config, message + " Change a setting (a smaller learning rate, "
                 "another optimizer) before playing again, or Reset.")
    return True


def _frame_interval(ss) -> float:
    """Seconds between frames: slow paces need fewer frames (one per epoch), and many
    pages playing on one server share its frames (see classroom.py)."""
    shared = ss.get("frame_every", FRAME)
    return shared if ss.speed == "max" else max(shared, 1.0 / float(ss.speed))


def _frame(ss, sid: str, ticket: int) -> None:
    """One frame of the live view: train what is due, then the metrics and the figures."""
    trainer = ss.trainer
    CLASSROOM.step_aside(sid, 0.5)  # another page's click or first paint goes first
    if ss.playing:
        every, playing = CLASSROOM.frame(sid)
        if not 1 / RETIME < every / ss.get("frame_every", FRAME) < RETIME:
            ss.frame_every = every  # more or fewer pages playing: re-time the frames
            st.rerun(scope="app")
        _train_frame(ss, trainer, ticket, sid, playing)
        if _stop_if_broken(ss, trainer):
            st.rerun(scope="app")
    else:
        CLASSROOM.stopped(sid)
        ss.pop("last_frame", None)
        ss.pop("pace", None)
    replay.advance(ss, trainer)
    with ss.guard.lock:
        shown = replay.shown(ss, trainer)  # the run, or a paused replay of an epoch
    if not ss.playing:
        replay.controls(ss, trainer, shown)
    stage.health(trainer)
    stage.metrics(shown)
    # While playing, the main view is redrawn every frame and the other figures in
    # turn: the browser's time per frame (Plotly.react) is what limits the rate.
    ss.frame = ss.get("frame", 0) + 1
    moving = ss.playing or ss.get("replaying")
    only = SECONDARY[ss.frame % len(SECONDARY)] if moving else None
    with ss.guard.lock:
        figs = live_figures(shown, focus=inside.focus_of(ss, trainer),
                            show_test=ss.show_test, discretize=ss.discretize,
                            log_loss=ss.log_loss, panel=ss.panel,
                            hs_layer=ss.get("hs_layer"), hs_axes=ss.get("hs_axes", "pca"),
                            show_network=ss.show_network, previous=ss.get("last_figures"),
                            only=only, stage_height=STAGE_HEIGHT)
        replay.figures(figs, trainer, shown, ss.log_loss, STAGE_HEIGHT)
    replay.sync_url(ss)
    own_data.decorate(figs, ss)
    ss.last_figures = figs
    # One component for every figure: it stays mounted, and only what changed is
    # redrawn (see live_plot.js). The grid has as many columns as fit (min width).
    event = live_plot(figs, key="live", columns=0, heights=stage.heights(figs),
                      labels=stage.LABELS, configs=stage.CONFIGS)
    if inside.handle_click(event, ss, trainer) or own_data.handle_click(event, ss):
        st.rerun(scope="app")


def _live_view(ss, sid: str) -> None:
    @st.fragment(run_every=_frame_interval(ss) if ss.playing
                 else replay.frame_interval(ss))
    def view():
        ticket = ss.guard.claim()
        # A frame of a page playing waits for its turn (one frame at a time on the
        # server); the frame inside a run a person waits for does not.
        gate = (CLASSROOM.turn(lambda: not ss.guard.is_newest(ticket))
                if ss.playing and not ss.get("in_page") else nullcontext())
        with gate:
            _frame(ss, sid, ticket)

    view()


@st.cache_data(show_spinner=False)
def _previews():
    return dataset_previews()


def _sidebar(ss) -> None:
    hide = View(hide=ss.hide)
    if hide.hides("data") and hide.hides("network") and hide.hides("training"):
        return  # nothing to show: the sidebar stays away
    with st.sidebar:
        st.markdown("#### Neural Playground")
        if not hide.hides("data"):
            st.header("Data")
            controls.data_controls(ss, hide)
            own_data.controls(ss)
            with st.expander("Preview datasets"):
                labels, images = zip(*_previews(), strict=True)
                st.image(list(images), caption=list(labels), width=72)
        if not hide.hides("network"):
            st.header("Network")
            controls.network_controls(ss, hide)
        if not hide.hides("training"):
            st.header("Training")
            controls.training_controls(ss, hide)


def main() -> None:
    """The whole page (a script run a person waits for: see classroom.py)."""
    st.set_page_config(page_title="Neural Playground", page_icon="🧠", layout="wide")
    ss = st.session_state
    sid = join(ss)
    with CLASSROOM.interactive(sid):  # a person waits for this run: others step aside
        ss.in_page = True
        try:
            _page(ss, sid)
        finally:
            ss.in_page = False


def _page(ss, sid: str) -> None:
    if "trainer" not in ss:
        _init_session(ss)
    ss.guard.claim()  # a newer script run: an older one still training gives way
    if ss.pop("reseed", False):
        controls.seed_widgets(ss.trainer.config, ss)
    inside.apply_pending(ss)
    stage.style(replay.STYLE)
    controls.clamp_widgets(ss)
    _sidebar(ss)
    _apply_widgets(ss)
    for kind, text in ss.notices:
        getattr(st, kind)(text)
    ss.notices = []
    halted = ss.get("halted")
    if halted and halted[0] == ss.trainer.config and not ss.playing:
        st.error(halted[1], icon=":material/warning:")
    else:
        ss.halted = None
    stage.toolbar(ss)
    if ss.playing:  # the replay row stands still while playing: drawn here, not per frame
        replay.controls(ss, ss.trainer, ss.trainer)
    _live_view(ss, sid)
    if ss.get("edit_open"):
        inside.edit_dialog(ss)
    elif ss.pop("show_code", False):
        stage.code_dialog(ss)
