"""The Streamlit playground: a stage (toolbar, metrics, decision regions and network
diagram on one screen) and the settings in the sidebar.

State lives in one :class:`~.state.PlaygroundState` per session, under one session key
(the :class:`~playground.run.trainer.Trainer`, its :class:`~.session.RunGuard` whose lock
every mutation holds, ``playing``, replay, …), beside one key per widget (see
:mod:`.controls` and :mod:`.stage`). The live view is a fragment that, while playing,
reruns a few times a second: it trains the epochs the pace asks for and sends their
frames (see stream_view.py) to the stage, one component that paints them at the
display's pace (see ui/live/stream.py).
"""

from __future__ import annotations

import itertools
import math
import time
from contextlib import nullcontext
from functools import partial

import streamlit as st

from playground.compare import link as compare_link
from playground.compare.pair import Lockstep
from playground.config import LABELS, Config
from playground.data.datasets import DOMAIN
from playground.figures.diagram import trainer_diagram
from playground.run.frames import frame_of, grid_resolution
from playground.run.health import diagnose
from playground.run.trainer import Trainer
from playground.ui.lessons_page import link as lesson_link
from playground.ui.lessons_page import panel as lesson_panel
from playground.ui.lessons_page import steps as lesson_steps
from playground.ui.live.stream import stage_stream
from playground.ui.playground_page import (
    architecture,
    compare_view,
    controls,
    dataset_picker,
    inside,
    legend,
    lenses,
    own_data,
    replay,
    stage,
)
from playground.ui.playground_page.state import HANDED_OVER, KEY, PlaygroundState
from playground.ui.playground_page.stream_view import (
    MAX_FPS,
    MIN_FPS,
    frame_message,
    link_ends,
    title_prefix,
    train_frames,
)
from playground.ui.playground_page.view_state import View
from playground.ui.playground_page.views import DIAGRAM_ASPECT, live_figures, main_view
from playground.ui.server.classroom import CLASSROOM, join
from playground.ui.server.session import Pace

MAX_SHARE = 0.5  # at speed "max", train for this share of the time between frames (shared
MAX_MIN, MAX_MAX = 0.003, 0.6  # by the pages playing), within these bounds (seconds)
FRAME_CAP = 0.5  # seconds: a batch never trains longer, so Pause and sliders stay responsive
FRAME_SHARE = 0.25  # at most this share of the server's time goes into making frames
PANEL_EVERY = 2.0  # seconds between renewals of the panel while playing
STAGE_HEIGHT = 470  # px of the decision regions and the diagram: both fit 1280x720


def _init_session(ss) -> PlaygroundState:
    # a lesson's link (lesson=xor&step=2) opens at that step's settings and view
    query, lesson, step, problems = lesson_link.read(st.query_params.to_dict())
    config, config_problems = Config.from_query_lenient(query)
    problems += config_problems
    config, points, point_problems = own_data.from_query(query, config)
    problems += point_problems
    view, view_problems = View.from_query(query)
    problems += view_problems
    controls.seed_widgets(config, ss)
    shown = controls.read_config(ss, config)  # the widgets' ranges are narrower (6 x 32)
    if shown.hidden != config.hidden:
        widths = ",".join(map(str, shown.hidden))
        problems.append(f"{LABELS['hidden']}: the app shows up to {controls.MAX_UI_LAYERS} "
                        f"hidden layers of {controls.MAX_UI_WIDTH} neurons — using {widths}")
    b_config, b_problems = compare_link.from_query_lenient(query, shown)
    problems += b_problems
    run = ss.pop(HANDED_OVER, None)  # a run opened on another page (the Sweep's)
    pair = None
    if b_config is not None:  # a compare link: A's settings, and B's differences
        b_shown = controls.read_config(_widget_values(b_config), b_config)
        pair = Lockstep(shown, b_shown, data=points)
        run = pair.b
        controls.seed_widgets(b_shown, ss)  # the sidebar edits B
    elif run is None or run.config != shown:
        run = Trainer(shown, data=points)
    state = ss[KEY] = PlaygroundState(run, hide=view.hide, pair=pair)
    stage.seed_view(view, ss, state)
    problems += filter(None, [replay.open_at(state, state.trainer, view.at,
                                             runner=compare_view.runner(state))])
    if lesson is not None:
        lesson_steps.start(state, lesson, step)
    if problems:
        state.notify("warning", "This link had settings that could not be used:\n\n- "
                     + "\n- ".join(problems))
    return state


def _widget_values(config: Config) -> dict:
    """The sidebar's widget values for ``config`` (to read back what the app shows)."""
    return {f"w_{k}": v for k, v in controls.seed_values(config).items()}


def _apply_widgets(ss, state: PlaygroundState) -> None:
    """Read the config from the widgets and bring the run and the URL up to date."""
    trainer = state.trainer
    try:
        config = controls.read_config(ss, trainer.config)
    except ValueError as err:
        # keep the last good config; show the widgets' values as they were
        state.notify("error", f"{err}. Kept the previous value.")
        state.reseed_widgets = True
        st.rerun()
    if state.pair is not None:  # compare mode: the settings are B's
        if config != trainer.config:
            compare_view.set_b(state, config)
        _sync_url(ss, state)
        return
    epoch = trainer.epoch
    with state.guard.lock:
        changed = trainer.update(config)
    if changed == "reset" and epoch:
        st.toast(f"Data or network changed: training restarted at epoch 0 (was {epoch:,}).")
    _sync_url(ss, state)


def _sync_url(ss, state: PlaygroundState) -> None:
    """Settings and view in the URL, leaving out defaults (short links); in a lesson,
    the lesson and step, leaving out what is as the step starts."""
    config, view, lesson = state.trainer.config, stage.read_view(ss, state), state.lesson
    if state.pair is not None:  # A's settings and B's differences
        query = {**compare_link.to_query(state.pair.config_a, config), **view.to_query()}
    else:
        query = lesson_link.write(lesson.lesson, lesson.number, config, view) or {
            **config.to_query(short=True), **view.to_query()}
    query.update(own_data.to_query(state.trainer))
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def _train_batch(ss, state: PlaygroundState, ticket: int, sid: str, playing: int,
                 make) -> tuple[list, float]:
    """Train one batch: the epochs the pace asks for (within ``FRAME_CAP``), or at speed
    "max" a share of the time between batches (``playing`` pages share that share
    evenly), so big networks still train fast. Returns its frames (``make()`` of the
    run) and the frames per second to paint them at: every epoch up to ``MAX_FPS``
    epochs/s, then as many as the display shows, fewer when frames cost the server
    much (a big network) or many pages share it."""
    trainer, now = compare_view.runner(state), time.perf_counter()  # (or the pair)
    if state.pair is None and trainer.epoch == state.sent_epoch:  # the browser holds this
        with state.guard.lock:  # epoch: Pause's way back (one run; a pair plays on)
            state.resume = trainer.state()
    between = partial(CLASSROOM.step_aside, sid, 0.5)  # another page's click goes first
    if playing > 1:  # pages share the machine: half the diagram's bytes and making
        make = _diagram_every_other(make)
    fps = max(min(MAX_FPS / max(playing, 1), FRAME_SHARE / state.frame_cost), MIN_FPS)
    if ss.speed != "max":
        rate = float(ss.speed)
        pace = state.pace
        if pace is None or pace.rate != rate:
            pace = state.pace = Pace(rate, now, trainer.epoch)
        due = pace.due(now, trainer.epoch)
        every = max(1, math.ceil(rate / fps))
        frames = (train_frames(state.guard, ticket, trainer, make, epochs=due, every=every,
                               seconds=FRAME_CAP, between=between) if due else [])
        return frames, rate / every
    last = state.last_frame
    interval = min(now - (now - state.frame_every if last is None else last),
                   2 * state.frame_every)
    state.last_frame = now
    seconds = min(max(MAX_SHARE * interval / max(playing, 1), MAX_MIN), MAX_MAX)
    frames = train_frames(state.guard, ticket, trainer, make, seconds=seconds,
                          frames=max(1, round(fps * interval)), between=between)
    return frames, len(frames) / interval


def _diagram_every_other(make):
    """``make`` giving the diagram's pictures with every other frame (the stage paints
    the diagram of the frames that have it: see stream.js)."""
    count = itertools.count()
    return lambda: make(diagram=next(count) % 2 == 1)


def _stop_if_broken(state: PlaygroundState) -> bool:
    """Pause a run that overflowed or whose loss became absurd (finite, far beyond where
    it started: a regression loss of 9e+245), take it back to its last sane epoch so the
    screen never shows nonsense numbers, and hold Play until the settings change."""
    if state.pair is not None:  # one run of a pair stops, the other goes on
        return compare_view.stop_broken(state)
    trainer = state.trainer
    found = diagnose(trainer)
    if found is None or found.kind not in ("overflow", "absurd"):
        return False
    state.playing = False
    message = found.cause  # the way out is taken here: back to the last sane epoch
    if found.kind == "absurd":  # the loss ran away without overflowing: diverging too
        message = f"Training diverged at epoch {trainer.epoch:,}. {message}"
    if found.rewind_epoch is not None:
        with state.guard.lock:
            shown = trainer.rewind(found.rewind_epoch)
        message += (f" The run went back to epoch {shown:,}, its last sane state (the "
                    "later epochs are dropped).")
    state.halted = (trainer.config, message + " Change a setting (a smaller learning rate, "
                 "another optimizer) before playing again, or Reset.")
    return True


def _batch_every(ss, state: PlaygroundState) -> float:
    """Seconds between batches: slow paces need fewer (one per epoch), and many pages
    playing on one server share its batches (see classroom.py)."""
    shared = state.frame_every
    return shared if ss.speed == "max" else max(shared, 1.0 / float(ss.speed))


def _frame(ss, state: PlaygroundState, sid: str, ticket: int) -> None:
    """One batch of the live view: train what is due, then send its frames (and the
    figures, when they changed) to the stage, which paints them at the display's pace."""
    trainer = state.trainer
    CLASSROOM.seen(sid)  # the page is open (see classroom.py)
    CLASSROOM.step_aside(sid, 0.5)  # another page's click or first paint goes first
    focus = inside.focus_of(ss, trainer)
    frames, fps = [], float(MAX_FPS)
    if state.playing:
        state.frame_every, playing = CLASSROOM.frame(sid)  # (more pages: fewer batches)
        frames, fps = _train_batch(ss, state, ticket, sid, playing,
                                   partial(_make_frame, ss, state, trainer, focus,
                                           state.pair and state.pair.a))
        lesson_panel.check(state)  # a lesson's goal met at this epoch (even by diverging,
        if _stop_if_broken(state):  # which the run is then taken back from) stays met
            state.resume = None
            st.rerun(scope="app")
    else:
        CLASSROOM.stopped(sid)
        state.last_frame = state.pace = None
        _back_to_sent(state)
    replay.advance(state, trainer)
    with state.guard.lock:
        shown = replay.shown(state, trainer)  # the run, or a paused replay of an epoch
        shown_a = _shown_a(state, shown)  # in compare mode, A at the same epoch
    if not state.playing:
        replay.controls(ss, state, trainer, shown)
    stage.messages(state, trainer)  # in a slot that never moves the stage
    # while playing, the stage paints the numbers of every frame; Streamlit's own are
    # drawn paused, and (out of sight) in a run of the page
    if not state.playing or state.in_page:
        if shown_a is not None:
            compare_view.metrics(shown_a, shown, live=state.playing)
        else:
            stage.metrics(shown, live=state.playing)
    if not state.playing:
        with state.guard.lock:
            frames = [_make_frame(ss, state, shown, focus, shown_a)]
    figs = _stage_figures(ss, state, shown, focus, shown_a)
    replay.sync_url(state)
    if state.playing and ss.speed != "max" and float(ss.speed) <= MAX_FPS:
        # every epoch is a frame: the last batch's go again, in case the browser missed
        # that batch (it paints each epoch once)
        frames, state.last_batch = state.last_batch + frames, frames
    else:
        state.last_batch = []
    score = "R²" if trainer.config.task == "regression" else "accuracy"
    numbers = ["Epoch", "Training loss", "Test loss", f"Training {score}", f"Test {score}"]
    prefix = title_prefix(shown, focus)
    more = {}
    if shown_a is not None:  # two runs: each picture takes its run's part of a frame
        numbers = compare_view.numbers(trainer.config.task)
        more = {"digits": compare_view.DIGITS, "min_width": compare_view.MIN_WIDTH,
                "sources": {"regions_a": "a", "regions": "b", "network_a": "a",
                            "network": "b"},
                "prefixes": {"regions_a": f"A · {title_prefix(shown_a, None)}",
                             "regions": f"B · {prefix}"}}
    event = stage_stream(figs, frames, key="stage", playing=state.playing, fps=fps,
                         every=_batch_every(ss, state),
                         labels=stage.LABELS, configs=stage.CONFIGS, numbers=numbers,
                         prefix=prefix, **more)
    if state.playing and frames and state.guard.is_newest(ticket):  # (else never delivered)
        state.sent_epoch = frames[-1]["epoch"]  # the run's epoch (the batch's last frame)
    if (architecture.handle_click(event, state) or inside.handle_click(event, state, trainer)
            or own_data.handle_click(event, ss, state)):
        st.rerun(scope="app")


def _back_to_sent(state: PlaygroundState) -> None:
    """Pause paints the newest frame the browser holds (see stream.js), the run's epoch
    as of the last batch sent. A batch still training when Pause was pressed has taken
    the run further, out of sight: the run goes back to that epoch, exactly (its state
    then: it continues bit for bit as if paused there), so the painted epoch is the
    run's. Only training happened since (same settings and edits), or it stays."""
    resume, state.resume = state.resume, None
    trainer = state.trainer
    if resume is None or state.pair is not None:  # (a pair: its paused frame tells)
        return
    if not resume["epoch"] == state.sent_epoch < trainer.epoch:
        return
    with state.guard.lock:
        if resume["changes"] == trainer.changes and resume["edits"] == trainer.edits:
            trainer.load_state(resume)


def _shown_a(state: PlaygroundState, shown):
    """In compare mode, run A as the stage shows it beside ``shown`` (B, or a replayed
    epoch of B): A itself, or A at that epoch. None outside compare mode."""
    pair = state.pair
    if pair is None:
        return None
    a = pair.a
    return a if shown is state.trainer or shown.epoch >= a.epoch else a.at(shown.epoch)


def _stage_height(state: PlaygroundState) -> int:
    return compare_view.HEIGHT if state.pair is not None else STAGE_HEIGHT


def _make_frame(ss, state: PlaygroundState, run, focus, run_a=None, *,
                diagram: bool = True) -> dict:
    """The frame of ``run`` as the stage paints it (see stream_view.py), or with
    ``run_a`` (compare mode) the frame of the pair; without the diagram's pictures
    unless ``diagram``. The time it took goes into ``state.frame_cost``."""
    start = time.perf_counter()
    height = _stage_height(state)
    diagram = diagram and ss.show_network
    message = frame_message(frame_of(run, focus=focus), run, discretize=ss.discretize,
                            height=height, diagram=diagram)
    if run_a is not None:
        focus_a = compare_view.focus_for_a(focus, run_a, run)
        a_message = frame_message(frame_of(run_a, focus=focus_a), run_a,
                                  discretize=ss.discretize, height=height,
                                  diagram=diagram)
        message = compare_view.frame(a_message, message, run_a, run)
    state.frame_cost = 0.8 * state.frame_cost + 0.2 * (time.perf_counter() - start)
    return message


def _stage_figures(ss, state: PlaygroundState, shown, focus, shown_a=None) -> dict:
    """The stage's figures. While playing, a batch keeps the figures it sent before
    (the frames change only their pictures, paths and curves) and renews the panel
    every ``PANEL_EVERY`` seconds; a run of the page (a click, a setting) and a paused
    stage build them afresh."""
    now = time.monotonic()
    kept = state.last_figures
    if state.playing and not state.in_page and kept is not None:
        if now - state.panel_at < PANEL_EVERY:
            return kept
        with state.guard.lock:
            panel = live_figures(shown, panel=ss.panel, hs_layer=ss.get("hs_layer"),
                                 hs_axes=ss.get("hs_axes", "pca"), show_network=False,
                                 previous=kept, only={"panel"}, stage_height=STAGE_HEIGHT)
        state.panel_at = now
        kept = state.last_figures = {**kept, "panel": panel["panel"]}
        return kept
    height = _stage_height(state)
    with state.guard.lock:
        figs = live_figures(shown, focus=focus, show_test=ss.show_test,
                            discretize=ss.discretize, log_loss=ss.log_loss, panel=ss.panel,
                            hs_layer=ss.get("hs_layer"), hs_axes=ss.get("hs_axes", "pca"),
                            show_network=ss.show_network, stage_height=height)
        if shown_a is None:
            replay.figures(figs, state.trainer, shown, ss.log_loss, height)
        else:
            figs = _compare_figures(ss, state, figs, shown, shown_a, focus, height)
        for name, run in (("network", shown), ("network_a", shown_a)):
            if name in figs:  # the links the frames redraw
                figs[name]["links"] = link_ends(run.network.layer_sizes, run.network.weights,
                                                height)
    own_data.decorate(figs, ss, state)
    legend.decorate(figs, ss, state)
    lenses.decorate(figs, ss, state)  # the point By the numbers follows
    architecture.decorate(figs, state)
    state.panel_at = now
    state.last_figures = figs
    return figs


def _compare_figures(ss, state: PlaygroundState, figs: dict, shown, shown_a, focus,
                     height: int) -> dict:
    """The stage in compare mode: A's regions beside B's, one loss chart with both runs
    (marked at a replayed epoch), then A's and B's diagrams and the panel."""
    focus_a = compare_view.focus_for_a(focus, shown_a, shown)
    xs, out, hidden = shown_a.predict_grid(grid_resolution(shown_a), DOMAIN)
    regions_a = main_view(shown_a, focus_a, xs, out, hidden, show_test=ss.show_test,
                          discretize=ss.discretize, height=height)
    figs["curves"] = compare_view.curves(state.pair.a, state.trainer, ss.log_loss, height)
    if shown is not state.trainer:
        replay.mark_curves(figs, shown.epoch)
    if "network" in figs:
        figs["network_a"] = trainer_diagram(shown_a, focus=focus_a, height=height,
                                            aspect=DIAGRAM_ASPECT)
    compare_view.decorate(figs, regions_a)
    order = ("regions_a", "regions", "curves", "network_a", "network", "panel")
    return {name: figs[name] for name in order if name in figs}


def _live_view(ss, state: PlaygroundState, sid: str) -> None:
    # while playing, the stage asks for each next batch itself once the last has come
    # (see stream.js): batches never queue up behind a busy server or browser
    @st.fragment(run_every=None if state.playing else replay.frame_interval(state))
    def view():  # (reads the state anew: a fragment keeps no hold of a released run)
        state = PlaygroundState.of(ss)
        if state is None:
            return
        ticket = state.guard.claim()
        # A batch of a page playing waits for its turn (one batch at a time on the
        # server); the batch inside a run a person waits for does not.
        gate = (CLASSROOM.turn(lambda: not state.guard.is_newest(ticket))
                if state.playing and not state.in_page else nullcontext())
        with gate:
            _frame(ss, state, sid, ticket)

    view()


def _sidebar(ss, state: PlaygroundState):
    """The settings; returns the place above them for the open lesson (None without
    one), filled once the widgets' changes have reached the run."""
    hide = View(hide=state.hide)
    settings = not (hide.hides("data") and hide.hides("network") and hide.hides("training"))
    if not settings and state.lesson.lesson is None:
        return None  # nothing to show: the sidebar stays away
    with st.sidebar:
        lesson_box = st.container() if state.lesson.lesson is not None else None
        if not settings:
            return lesson_box
        st.markdown("#### Neural Playground")
        if state.pair is not None:  # compare mode: say whose settings these are
            compare_view.sidebar_note()
        if not hide.hides("data"):
            st.header("Data")
            if not hide.hides("dataset"):
                dataset_picker.picker(ss)
            controls.data_controls(ss, state.trainer, hide)
            own_data.controls(ss, state)
        if not hide.hides("network"):
            st.header("Network")
            controls.network_controls(ss, hide)
        if not hide.hides("training"):
            st.header("Training")
            controls.training_controls(ss, hide)
    return lesson_box


def main() -> None:
    """The whole page (a script run a person waits for: see classroom.py)."""
    st.set_page_config(page_title="Neural Playground", page_icon="🧠", layout="wide")
    ss = st.session_state
    sid = join(ss)
    with CLASSROOM.interactive(sid):  # a person waits for this run: others step aside
        state = PlaygroundState.of(ss) or _init_session(ss)
        state.in_page = True
        try:
            _page(ss, state, sid)
        finally:
            state.in_page = False


def _page(ss, state: PlaygroundState, sid: str) -> None:
    state.guard.claim()  # a newer script run: an older one still training gives way
    lesson_steps.take_request(ss, state)  # a lesson opened on the Lessons page
    if state.reseed_widgets:
        state.reseed_widgets = False
        controls.seed_widgets(state.trainer.config, ss)
    state.put_widget_values(ss)  # a diagram click's focus or link (see inside.py)
    stage.style(replay.STYLE)
    controls.clamp_widgets(ss, state)
    lesson_box = _sidebar(ss, state)
    _apply_widgets(ss, state)
    lesson_panel.sidebar(lesson_box, state)  # the lesson's step; its goal on the run as it is
    state.shown_notices, state.notices = state.notices, []  # shown in the live view
    halted = state.halted
    if not (halted and halted[0] == state.trainer.config and not state.playing):
        state.halted = None
    stage.toolbar(ss, state)
    if state.pair is not None:
        compare_view.line(state)
    if state.playing:  # the replay row stands still while playing: drawn here, not per frame
        replay.controls(ss, state, state.trainer, state.trainer)
    _live_view(ss, state, sid)
    lenses.panel(ss, state)  # By the numbers or the loss landscape, under the stage
    if state.edit_open:
        inside.edit_dialog(ss, state)
    elif state.show_code:
        state.show_code = False
        stage.code_dialog(state)
