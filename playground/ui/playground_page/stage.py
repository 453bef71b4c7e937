"""The stage: what a class sees on one screen. The toolbar (Play, Step, Reset, the
pace, the view options), the metrics, the page's compact style and the keyboard
shortcuts; and the view state (:class:`~.view_state.View`) read from and written to
the widgets."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from playground.run.health import diagnose
from playground.ui.playground_page import compare_view, inside, run_files
from playground.ui.playground_page.code_view import code_view
from playground.ui.playground_page.state import KEY, PlaygroundState
from playground.ui.playground_page.view_state import SPEEDS, View

LABELS = {"regions": "Decision regions", "network": "Network diagram",
          "curves": "Loss and accuracy curves", "panel": "Panel",
          "regions_a": "Decision regions of run A", "network_a": "Network diagram of run A"}
# the diagram pans and zooms by dragging and double-click; a mode bar would cover its
# layer titles
CONFIGS = {"network": {"displayModeBar": False}, "network_a": {"displayModeBar": False}}
SHORTCUTS = "Keyboard: Space play/pause · → or S one step · R reset"
# widget key -> View field (the URL keys of the view; ``at`` is replay's, not a widget's)
VIEW_KEYS = {"speed": "speed", "show_test": "test", "discretize": "discretize",
             "log_loss": "log_loss", "show_network": "diagram", "panel": "panel",
             "focus": "focus"}
_STYLE = """<style>
/* one screen: little room above the stage, compact metrics */
.stMainBlockContainer { padding-top: 4rem; padding-bottom: 1rem; }
.stMetric { padding: 0; }
/* eight controls in the toolbar's row at 1280x720 with the sidebar open */
.st-key-toolbar .stHorizontalBlock { gap: 0.5rem; }
.st-key-toolbar button { padding-left: 0.5rem; padding-right: 0.5rem; }
.stMetric label + div { font-size: 1.45rem; line-height: 1.2; }
.stMetric label p { font-size: 0.8rem; }
.stMain .stVerticalBlock { gap: 0.6rem; }
.stSidebar h2 { font-size: 1.15rem; padding: 0.4rem 0 0 0; }
/* while playing, the stage paints the numbers: Streamlit's own stay out of sight */
.st-key-metrics_live { position: absolute !important; width: 1px; height: 1px;
                       overflow: hidden; clip-path: inset(50%); }
/* messages: one slot in the header's empty strip, scrolling when long (never pushing
   the stage down), right of the page links; toasts at the bottom right, off the toolbar */
.st-key-messages { position: fixed; top: 0.3rem; right: 3.4rem; z-index: 999991;
  width: min(calc(100vw - 38rem), 54rem); max-height: 3.6rem; overflow-y: auto;
  gap: 0.2rem; border-radius: 0.5rem; }
.st-key-messages:hover { max-height: 70vh; }  /* all of a long message, over the toolbar */
.st-key-messages .stAlert [role="alert"] { padding: 0.3rem 0.6rem; }
.st-key-messages .stAlert p { font-size: 0.82rem; line-height: 1.3; }
.st-key-messages .stAlert ul { margin-top: 0; padding-left: 1.2rem; }
.st-key-messages .stAlert li { margin: 0; padding: 0; }
div:has(> .st-key-messages) { display: contents; }  /* (its wrapper takes no room) */
.stToastContainer { top: auto !important; bottom: 1rem; }
/* a tooltip never catches a click meant for what it covers (the page links above Play) */
[role="tooltip"] * { pointer-events: none; }
/* a phone: the toolbar in two rows (Play, Step, Reset; the pace, wide enough to read,
   and View, Code, Run without icons), the five metrics in one small row, so that the
   regions start on the first screen */
@media (max-width: 640px) {
  .st-key-toolbar .stHorizontalBlock { flex-flow: row wrap; gap: 0.5rem; }
  .st-key-toolbar .stColumn { min-width: 0 !important; flex: 1 1 30% !important; }
  .st-key-toolbar .stColumn:nth-child(n+5) button { padding: 0 0.4rem; }
  .st-key-toolbar .stColumn:nth-child(n+5)
    span:has(> [translate="no"][aria-hidden="true"]) { display: none; }
  /* Compare: its icon alone, in the row of View, Code and Run */
  .st-key-toolbar .stColumn:nth-child(4) { flex: 1 1 34% !important; }
  .st-key-toolbar .stColumn:nth-child(n+5) { flex: 1 1 12% !important; }
  .st-key-toolbar .stColumn:nth-child(8) { flex: 0 0 2.6rem !important; }
  .st-key-toolbar .stColumn:nth-child(8)
    span:has(> [translate="no"][aria-hidden="true"]) { display: inline; }
  .st-key-toolbar .stColumn:nth-child(8) button p { display: none; }
  .st-key-metrics { min-height: 4rem; justify-content: flex-end; }  /* as the painted */
  .st-key-metrics .stHorizontalBlock { flex-flow: row nowrap; gap: 0.3rem;
    align-items: flex-end; }
  .st-key-metrics .stColumn { min-width: 0 !important; flex: 1 1 0 !important; }
  .st-key-metrics .stMetric label + div { font-size: 0.95rem; }
  .st-key-metrics .stMetric label p { font-size: 0.62rem; line-height: 1.15;
    white-space: normal; }
  .st-key-messages { top: auto; bottom: 0; left: 0; right: 0; width: auto;
    max-height: 30vh; padding: 0.3rem; background: rgba(255, 255, 255, 0.92); }
}
</style>"""
_SHORTCUTS_JS = Path(__file__).with_name("shortcuts.js")


def style(*more: str) -> None:
    """The page's compact style and ``more`` style blocks (one style-only block, drawn
    once per run of the page, not every frame; it takes no room)."""
    st.html(_STYLE + "".join(more))


def seed_view(view: View, ss, state: PlaygroundState) -> None:
    """Put ``view``'s values into the view widgets' session state (before they render)
    and its epoch into replay's."""
    for key, field in VIEW_KEYS.items():
        ss[key] = getattr(view, field)
    state.replay.at = view.at


def read_view(ss, state: PlaygroundState) -> View:
    """The view the widgets show (the URL form of what the page shows)."""
    return View(hide=state.hide, at=state.replay.at,
                **{field: ss[key] for key, field in VIEW_KEYS.items() if key in ss})


# ---------------------------------------------------------------------- callbacks
def _page_state() -> PlaygroundState:
    return st.session_state[KEY]


def _locked(action, **changes):
    """Set ``changes`` of the page's state (e.g. ``playing=False``), then run
    ``action(run)`` as a newer script run: an older one still training gives way (see
    session.py), and the run is changed under the session's lock. ``run`` is the page's
    run, or in compare mode both runs (see compare_view.py)."""
    state = PlaygroundState.of(st.session_state)
    if state is None:  # the run was released (a page gone quiet): the page rebuilds it
        return None
    for name, value in changes.items():
        setattr(state, name, value)
    state.guard.claim()
    with state.guard.lock:
        return action(compare_view.runner(state))


def _play_pause(play: bool):
    state = PlaygroundState.of(st.session_state)
    if state is None:  # the run was released (a page gone quiet): the page rebuilds it
        return
    halted = state.halted
    stuck = state.trainer.diverged or (halted and halted[0] == state.trainer.config)
    if state.pair is not None:  # a pair plays while one of its runs can
        stuck = state.pair.diverged is not None
    if play and stuck:
        state.notify("warning", "Play would only diverge again with these settings: "
                     "lower the learning rate (or change the optimizer) first, or "
                     "press Reset.")
    state.playing = bool(play and not stuck)
    state.pace = None


def _step():
    _locked(lambda t: t.step(1), playing=False)


def _reset():
    _locked(lambda t: t.reset(), playing=False, halted=None, held_notes={})


def _rewind(epoch: int):
    _locked(lambda t: t.rewind(epoch), playing=False)  # (a pair: both, in lockstep)


def messages(state: PlaygroundState, trainer) -> None:
    """The page's messages: the notices of its last run, why Play waits after a
    divergence, or what is wrong with the run. They sit in one slot that floats in the
    header's empty strip (at the bottom of a phone's screen; see ``_STYLE``) and
    scrolls when long, so a message never moves the stage."""
    with st.container(key="messages"):
        for kind, text in state.shown_notices:
            getattr(st, kind)(text)
        if state.pair is not None:
            compare_view.notes(state)
        if state.halted:
            st.error(state.halted[1], icon=":material/warning:")
        else:
            health(trainer)


def health(trainer) -> None:
    """What is wrong with the run, if anything (see health.py), and the way out: back to
    the last sane epoch (or Reset, in the toolbar)."""
    found = diagnose(trainer)
    if found is None:
        return
    severe = found.kind in ("overflow", "absurd")
    if found.rewind_epoch is None:
        (st.error if severe else st.warning)(found.message, icon=":material/warning:")
        return
    c = st.columns([4, 1.4], vertical_alignment="center")
    (c[0].error if severe else c[0].warning)(found.message, icon=":material/warning:")
    c[1].button(f"Back to epoch {found.rewind_epoch:,}", key="rewind", on_click=_rewind,
                args=(found.rewind_epoch,), type="primary" if severe else "secondary",
                icon=":material/history:", width="stretch")


def toolbar(ss, state: PlaygroundState) -> None:
    """Play/Pause, Step, Reset, the speed, the view options, the Code view and the Run
    menu (run files, GIF: see run_files.py), in one row."""
    hide = View(hide=state.hide)
    playing = state.playing
    c = st.container(key="toolbar").columns([1.0, 0.9, 0.95, 1.4, 1, 0.95, 0.95, 1.2],
                                            vertical_alignment="center")
    c[0].button("Pause" if playing else "Play", key="play", on_click=_play_pause,
                args=(not playing,), type="primary", width="stretch",
                icon=":material/pause:" if playing else ":material/play_arrow:",
                help="Train on, or pause (Space)")
    c[1].button("Step", key="step", on_click=_step, icon=":material/skip_next:",
                width="stretch", help="Train exactly one epoch (→ or S)")
    c[2].button("Reset", key="reset", on_click=_reset, icon=":material/replay:",
                width="stretch", help="Fresh weights from the init seed, epoch 0 (R)")
    if not hide.hides("speed"):
        c[3].selectbox("Speed", SPEEDS, key="speed", label_visibility="collapsed",
                       format_func=speed_label,
                       help="Epochs per second; max trains as many as fit each frame")
    if not hide.hides("all"):  # hide=all: only the stage
        with c[4].popover("View", icon=":material/tune:", width="stretch"):
            view_options(ss, state, hide)
        c[5].button("Code", key="code_open", icon=":material/code:", width="stretch",
                    on_click=_open_code, help="This run as a standalone NumPy script")
        with c[6].popover("Run", icon=":material/save:", width="stretch",
                          help="Download or open a run file; make a GIF"):
            run_files.run_menu(state)
        with c[7].popover("Compare", icon=":material/compare:", width="stretch",
                          type="primary" if state.pair is not None else "secondary",
                          help="Two runs side by side, in lockstep, differing in one "
                               "setting"):
            compare_view.menu(ss, state)
    shortcuts()


def speed_label(speed: str) -> str:
    """The pace as the Speed box shows it: ``1 epoch/s``, ``30 epochs/s``, ``max speed``."""
    if speed == "max":
        return "max speed"
    return f"{speed} epoch/s" if speed == "1" else f"{speed} epochs/s"


def _open_code():
    _page_state().show_code = True


@st.dialog("This run as a NumPy script", width="large")
def code_dialog(state: PlaygroundState) -> None:
    """The Code view: the run as a script (its changes replayed), to read or download."""
    code_view(state.trainer, state.guard.lock)


def view_options(ss, state: PlaygroundState, hide: View) -> None:
    """Toggles, the main view, the panel below the stage, and the weight editor.

    The browser mounts these widgets only while the menu is open, and a value the page
    puts into one (from the link) travels with that one script run; so each keeps its
    value in the session (``persist_state``), which Streamlit then sends along on every
    run the browser has not reported the widget, and the menu shows the page's state
    when it opens, however many runs came before."""
    st.caption(f":material/keyboard: {SHORTCUTS}")
    for key, label in (("show_test", "Test points"), ("discretize", "Discretize"),
                       ("log_loss", "Log loss"), ("show_network", "Show the diagram")):
        if not hide.hides(VIEW_KEYS[key]):
            st.toggle(label, key=key, persist_state="session")
    if not hide.hides("focus"):
        inside.focus_control(ss, state.trainer)
    if not hide.hides("panel"):
        inside.panel_controls(ss, state.trainer)
    if st.button("Edit a weight or bias…", key="edit_open_button",
                 help="Or click a link in the network diagram"):
        state.edit_open = True


def metrics(trainer, live: bool = False) -> None:
    """Epoch, losses and accuracy (R² for regression); ``live``: out of sight, while the
    live stage paints the numbers of every frame in their place."""
    m = trainer.metrics
    score = "R²" if trainer.config.task == "regression" else "accuracy"
    cols = st.container(key="metrics_live" if live else "metrics").columns(5)
    cols[0].metric("Epoch", f"{trainer.epoch:,}")
    cols[1].metric("Training loss", _number(m["train_loss"], 4))
    cols[2].metric("Test loss", _number(m["test_loss"], 4))
    cols[3].metric(f"Training {score}", _number(m["train_acc"], 3))
    cols[4].metric(f"Test {score}", _number(m["test_acc"], 3))


def _number(value: float, digits: int) -> str:
    """A metric's text: fixed decimals, or scientific when tiny or huge."""
    if 0 < abs(value) < 10 ** -digits:  # a tiny loss: its digits, not 0.0000
        return f"{value:.2e}"
    return f"{value:.{digits}f}" if abs(value) < 1e4 else f"{value:.3g}"


# ---------------------------------------------------------------------- shortcuts
def _shortcut_component():
    if "component" not in _shortcut_component.__dict__:
        _shortcut_component.component = st.components.v2.component(
            "neural_playground.shortcuts", js=_SHORTCUTS_JS.read_text(encoding="utf-8"))
    return _shortcut_component.component


def shortcuts() -> None:
    """Space, → / S and R press Play/Pause, Step and Reset (not while typing); and
    setting changes replace the browser's history entry instead of pushing one."""
    _shortcut_component()(key="shortcuts", data={"keys": {" ": "play", "ArrowRight": "step",
                                                          "s": "step", "r": "reset"}})


__all__ = ["LABELS", "health", "messages", "metrics", "read_view", "seed_view", "style",
           "toolbar"]
