"""Compare mode: two runs side by side, in lockstep, differing only in what was changed.

*Compare* pins the run's settings as run A (a copy of the run as it is); the sidebar's
settings then edit run B, the page's own run. Both train the same epochs from the same
data, shuffling and initial weights (see :mod:`playground.compare.pair`), so what differs
on the stage is the setting alone. The stage shows A's and B's decision regions side by
side, the numbers with B's difference from A, one loss chart with both runs, and the
diagrams below. A line above names what differs; the Compare menu swaps A and B, makes
B the new A, makes B from A by a preset, or leaves keeping either.

Everything that changes the pair holds the session's lock, as a newer script run.
"""

from __future__ import annotations

import math

import streamlit as st

from playground.compare.differences import describe
from playground.compare.pair import Lockstep
from playground.compare.presets import PRESETS
from playground.figures.run_figures import RUN_COLORS, compare_curves_figure
from playground.run.health import diagnose
from playground.run.trainer import Trainer
from playground.ui.playground_page.state import PlaygroundState
from playground.ui.playground_page.views import curve_arrays

HEIGHT = 330  # px of each run's regions (and the chart): A, B and the chart fit 1280x720
MIN_WIDTH = 250  # px of a figure at least: three in a row at 1280 with the sidebar open
DIGITS = [None, 4, 4, 4, 3, 3, 3]  # decimals of the numbers (see numbers())
PART = {"a": "A", "b": "B"}
PART_SWAP = {"a": "b", "b": "a"}  # the other run


def numbers(task: str) -> list[str]:
    """The live numbers' labels in compare mode (a "Δ" label shows its sign)."""
    score = "R²" if task == "regression" else "accuracy"
    return ["Epoch", "Test loss A", "Test loss B", "Δ test loss", f"Test {score} A",
            f"Test {score} B", f"Δ test {score}"]


def values(epoch: int, a: dict, b: dict) -> list:
    """The numbers of :func:`numbers` from the two runs' metrics."""
    def finite(v):
        return v if v is not None and math.isfinite(v) else None

    def diff(key):
        d = b[key] - a[key]
        return finite(d)

    return [epoch, finite(a["test_loss"]), finite(b["test_loss"]), diff("test_loss"),
            finite(a["test_acc"]), finite(b["test_acc"]), diff("test_acc")]


def frame(a_message: dict, b_message: dict, a, b) -> dict:
    """One frame of the pair as the stage paints it: the frames of A and B (each as
    :func:`~.stream_view.frame_message` makes them) and the numbers, at the pair's epoch
    (the later of the two: a run held after diverging stays where it stopped)."""
    epoch = max(int(a.epoch), int(b.epoch))
    return {"epoch": epoch, "n": values(epoch, a.metrics, b.metrics), "a": a_message,
            "b": b_message}


def focus_for_a(focus, a, b):
    """The neuron B's focus names, on A (None when A's shape differs: its output)."""
    same = tuple(a.network.layer_sizes) == tuple(b.network.layer_sizes)
    return focus if same else None


# ---------------------------------------------------------------------- the pair
def runner(state: PlaygroundState):
    """What Play, Step and Reset act on: the pair in compare mode, else the run."""
    return state.pair if state.pair is not None else state.trainer


def _copy(run: Trainer) -> Trainer:
    """A run of the same settings and data, continuing exactly as ``run`` would."""
    twin = Trainer(run.config, data=run.points)
    twin.load_state(run.state())
    return twin


def enter(state: PlaygroundState, preset: str | None = None) -> None:
    """Pin the run's settings as A (a copy of the run as it is); the run becomes B. With
    ``preset``, B is made from A by it at once."""
    state.guard.claim()
    with state.guard.lock:
        run = state.trainer
        state.pair = Lockstep.of(_copy(run), run)
    state.held_notes = {}
    if preset is not None:
        make_b(state, preset)
    else:
        state.notify("info", "Compare: A is pinned at these settings. Change a setting in "
                             "the sidebar and B trains beside A, in lockstep.")


def make_b(state: PlaygroundState, preset: str) -> None:
    """B made from A by the preset ``preset`` (one change)."""
    pair = state.pair
    found = PRESETS.get(preset)
    if pair is None or found is None:
        return
    set_b(state, found.make(pair.config_a))
    state.reseed_widgets = True  # the sidebar shows B's new settings


def set_b(state: PlaygroundState, config) -> str:
    """Give B ``config`` (under the lock): B restarts and catches up with A, or both
    restart (see :meth:`~playground.compare.pair.Lockstep.set_b`); says what happened.
    Returns the kind of change."""
    pair = state.pair
    state.guard.claim()
    with state.guard.lock:
        kind, message = pair.set_b(config)
    if kind != "none":
        state.held_notes.pop("b", None)
        if kind == "both":
            state.held_notes.clear()
        state.notify("info", message)
    return kind


def swap(state: PlaygroundState) -> None:
    """A and B exchange places (the sidebar then edits the other run)."""
    with state.guard.lock:
        state.pair.swap()
    state.held_notes = {PART_SWAP[k]: v for k, v in state.held_notes.items()}
    state.replace_run(state.pair.b)



def promote(state: PlaygroundState) -> None:
    """B becomes the new A (both then have B's settings: change one to compare again)."""
    state.guard.claim()
    with state.guard.lock:
        state.pair.promote_b()
    state.held_notes = {}
    state.replace_run(state.pair.b)
    state.notify("info", "B is the new A: change a setting to compare against it.")


def leave(state: PlaygroundState, keep: str) -> None:
    """Leave compare mode with run ``keep`` ("a" or "b") as the page's run."""
    pair = state.pair
    if pair is None:
        return
    run = pair.a if keep == "a" else pair.b
    state.pair, state.held_notes = None, {}
    state.replace_run(run)
    state.notify("info", f"Left compare mode, keeping run {PART[keep]}.")


def stop_broken(state: PlaygroundState) -> bool:
    """A run of the pair that overflowed or ran away is taken back to its last sane
    epoch and held (it stays there while the other goes on), with the usual diagnosis;
    both held: the pair pauses. Returns whether the page should be drawn again."""
    pair, changed = state.pair, False
    for part, run in (("a", pair.a), ("b", pair.b)):
        if part in state.held_notes:  # already stopped and said so
            continue
        found = diagnose(run)
        if found is None or found.kind not in ("overflow", "absurd"):
            continue
        message = found.cause
        if found.kind == "absurd":
            message = f"Training diverged at epoch {run.epoch:,}. {message}"
        with state.guard.lock:
            if found.rewind_epoch is not None:
                shown = run.rewind(found.rewind_epoch)
                message += f" {PART[part]} went back to epoch {shown:,}, its last sane state."
            pair.hold(part)
        other = PART[PART_SWAP[part]]
        state.held_notes[part] = (f"Run {PART[part]} stopped: {message} It waits while "
                                  f"{other} goes on; change {PART[part]}'s settings "
                                  "to try it again.")
        changed = True
    if changed and {"a", "b"} <= set(pair.held):
        state.playing = False
    return changed


# ---------------------------------------------------------------------- what it shows
def line(state: PlaygroundState) -> None:
    """The line naming what differs, in the runs' colours, above the stage."""
    pair = state.pair
    text = describe(pair.config_a, pair.config_b)
    badge = " ".join(
        f'<span style="color:{RUN_COLORS[p]};font-weight:700">━ {PART[p]}</span>'
        for p in ("a", "b"))
    with st.container(key="compare_line"):
        st.html(f'<div style="font-size:0.92rem">{badge} &nbsp; {_escape(text)}</div>')


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sidebar_note() -> None:
    """Above the settings in compare mode: they are run B's."""
    st.html(f'<div style="font-size:0.9rem">Comparing: these settings are run '
            f'<b style="color:{RUN_COLORS["b"]}">B</b>\'s; run '
            f'<b style="color:{RUN_COLORS["a"]}">A</b> stays as pinned.</div>')


def notes(state: PlaygroundState) -> None:
    """Why a run of the pair waits (in the messages' slot)."""
    for note in state.held_notes.values():
        st.warning(note, icon=":material/warning:")


def metrics(a, b, live: bool = False) -> None:
    """The paused numbers (Streamlit's): the epoch, A's and B's test loss and score, and
    B's difference from A; ``live``: out of sight, while the stage paints them."""
    task = b.config.task
    labels = numbers(task)
    shown = values(max(int(a.epoch), int(b.epoch)), a.metrics, b.metrics)
    cols = st.container(key="metrics_live" if live else "metrics").columns(len(labels))
    cols[0].metric(labels[0], f"{shown[0]:,}")
    for col, label, value, digits in zip(cols[1:], labels[1:], shown[1:], DIGITS[1:],
                                         strict=True):
        sign = "+" if label.startswith("Δ") else ""  # a difference shows its sign
        col.metric(label, "nan" if value is None else f"{value:{sign}.{digits}f}")


def decorate(figs: dict, a_regions: dict) -> None:
    """In place: A's regions beside B's, each framed and titled in its run's colour."""
    figs["regions_a"] = a_regions
    for name, part in (("network_a", "a"), ("network", "b")):  # the diagrams: a label
        fig = figs.get(name)
        if fig is not None:
            layout = fig["layout"] = dict(fig["layout"])
            layout["annotations"] = [*layout.get("annotations", []), {
                "xref": "paper", "yref": "paper", "x": 0, "y": 1, "xanchor": "left",
                "yanchor": "top", "showarrow": False, "text": f"<b>{PART[part]}</b>",
                "font": {"color": RUN_COLORS[part], "size": 15}}]
    for name, part in (("regions_a", "a"), ("regions", "b")):
        fig = figs.get(name)
        if fig is None:
            continue
        layout = fig["layout"] = dict(fig["layout"])
        title = dict(layout.get("title") or {})
        title["text"] = f"{PART[part]} · {title.get('text', '')}"
        title["font"] = {**title.get("font", {}), "color": RUN_COLORS[part]}
        layout["title"] = title
        layout["shapes"] = [*layout.get("shapes", []),
                            {"type": "rect", "xref": "paper", "yref": "paper", "x0": 0,
                             "x1": 1, "y0": 0, "y1": 1,
                             "line": {"color": RUN_COLORS[part], "width": 4}}]


def curves(a, b, log_loss: bool, height: int) -> dict:
    """One loss chart with both runs; the stage extends it from the frames' ``a`` and
    ``b`` (``layout.meta.series``: per trace, the run and the metric)."""
    runs = {}
    for part, run in (("a", a), ("b", b)):
        epochs, train, test = curve_arrays(run, "loss")
        runs[part] = (epochs, train, test)
    fig = compare_curves_figure(runs, log_y=log_loss, height=height)
    # traces: A test, A train, B test, B train (see compare_curves_figure); m: the
    # frame's metrics (train loss 0, test loss 1)
    fig["layout"]["meta"] = {"series": [["a", 1], ["a", 0], ["b", 1], ["b", 0]]}
    return fig


# ---------------------------------------------------------------------- the menu
def menu(ss, state: PlaygroundState) -> None:
    """The Compare menu (a popover of the toolbar)."""
    pair = state.pair
    options = list(PRESETS)
    if pair is None:
        st.caption("Pin these settings as run A; the settings then edit run B, which "
                   "trains beside A in lockstep: same data, shuffling and start.")
        st.button("Compare: pin these settings as A", key="compare_enter", type="primary",
                  icon=":material/compare:", width="stretch", on_click=_enter)
        st.selectbox("…or compare at once", options, index=None, key="compare_preset_new",
                     format_func=lambda name: PRESETS[name].label,
                     placeholder="A classic comparison", on_change=_enter_with_preset)
        return
    st.selectbox("Make B from A by", options, index=None, key="compare_preset",
                 format_func=lambda name: PRESETS[name].label,
                 placeholder="A classic comparison", on_change=_preset_chosen)
    st.button("Swap A and B", key="compare_swap", icon=":material/swap_horiz:",
              width="stretch", on_click=_do, args=(swap,))
    st.button("Make B the new A", key="compare_promote", icon=":material/push_pin:",
              width="stretch", on_click=_do, args=(promote,))
    c = st.columns(2)
    c[0].button("Leave, keep A", key="compare_keep_a", width="stretch", on_click=_do,
                args=(leave, "a"))
    c[1].button("Leave, keep B", key="compare_keep_b", width="stretch", on_click=_do,
                args=(leave, "b"))


def _page_state() -> PlaygroundState | None:
    return PlaygroundState.of(st.session_state)


def _do(action, *args) -> None:
    state = _page_state()
    if state is None or state.pair is None:
        return
    action(state, *args)


def _enter() -> None:
    state = _page_state()
    if state is not None and state.pair is None:
        enter(state)


def _enter_with_preset() -> None:
    ss = st.session_state
    state, name = _page_state(), ss.get("compare_preset_new")
    ss["compare_preset_new"] = None
    if state is not None and state.pair is None and name in PRESETS:
        enter(state, name)


def _preset_chosen() -> None:
    ss = st.session_state
    name = ss.get("compare_preset")
    ss["compare_preset"] = None
    if name in PRESETS:
        _do(make_b, name)


__all__ = ["HEIGHT", "curves", "decorate", "enter", "frame", "leave", "line",
           "make_b", "menu", "metrics", "notes", "numbers", "promote", "runner", "set_b",
           "sidebar_note",
           "stop_broken", "swap"]
