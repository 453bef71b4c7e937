"""The Streamlit playground: controls in the sidebar, a live view in the main area.

State lives in ``st.session_state``: the :class:`~playground.trainer.Trainer` (the
whole run), ``playing``, and one key per widget (see :mod:`.controls`). The live view
is a fragment that, while playing, reruns every ``FRAME`` seconds: it trains for a
slice of the frame, then sends fresh arrays to figures that stay mounted.
"""

from __future__ import annotations

import time

import streamlit as st

from ..config import Config
from ..health import diagnose
from ..trainer import Trainer
from . import controls, inside
from .live_plot import live_plot
from .views import PANELS, dataset_previews, live_figures

FRAME = 0.06  # seconds between frames while playing (the browser may take longer)
# per frame: the main view, and one of the other figures in turn
SECONDARY = ({"regions", "network"}, {"regions", "curves"}, {"regions", "panel"})
AUTO_SHARE = 0.3  # in "auto" speed, train for this share of the time between frames...
AUTO_MIN, AUTO_MAX = 0.015, 0.3  # ...within these bounds (seconds)
FRAME_CAP = 0.5  # seconds: a frame never trains longer, so Pause and sliders stay responsive
SPEEDS = ("auto", 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)


def _init_session(ss) -> None:
    config, problems = Config.from_query_lenient(st.query_params.to_dict())
    controls.seed_widgets(config, ss)
    shown = controls.read_config(ss, config)  # the widgets' ranges are narrower (6 x 32)
    if shown.hidden != config.hidden:
        widths = ",".join(map(str, shown.hidden))
        problems.append(f"hidden: the app shows up to {controls.MAX_UI_LAYERS} layers of "
                        f"{controls.MAX_UI_WIDTH} neurons — using {widths}")
    ss.trainer = Trainer(shown)
    ss.playing = False
    ss.notices = [("warning", "This link had settings that could not be used:\n\n- "
                   + "\n- ".join(problems))] if problems else []
    for key, value in (("speed", "auto"), ("show_test", True), ("discretize", False),
                       ("log_loss", False), ("show_network", True)):
        ss.setdefault(key, value)


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
    if trainer.update(config) == "reset" and epoch:
        st.toast(f"Data or network changed: training restarted at epoch 0 (was {epoch:,}).")
    query = config.to_query()
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


# ---------------------------------------------------------------------- callbacks
def _play_pause(play: bool):
    ss = st.session_state
    ss.playing = play and ss.trainer.diverged is None


def _step():
    st.session_state.playing = False
    st.session_state.trainer.step(1)


def _reset():
    st.session_state.playing = False
    st.session_state.trainer.reset()


def _rewind(epoch: int):
    st.session_state.playing = False
    st.session_state.trainer.rewind(epoch)


def _health(trainer) -> None:
    """What is wrong with the run, if anything, and the way out: back to the last sane
    epoch, or Reset."""
    found = diagnose(trainer)
    if found is None:
        return
    severe = found.kind in ("overflow", "absurd")
    c = st.columns([6, 1.4, 1], vertical_alignment="center")
    (c[0].error if severe else c[0].warning)(found.message, icon=":material/warning:")
    if found.rewind_epoch is not None:
        c[1].button(f"Back to epoch {found.rewind_epoch:,}", key="rewind", on_click=_rewind,
                    args=(found.rewind_epoch,), type="primary" if severe else "secondary",
                    icon=":material/history:", width="stretch")
    c[2].button("Reset", key="health_reset", on_click=_reset, icon=":material/replay:",
                width="stretch")


def _toolbar(ss) -> None:
    c = st.columns([1, 1, 1, 1.6, 1.2, 1.2, 1.2], vertical_alignment="bottom")
    c[0].button("Pause" if ss.playing else "Play", key="play", on_click=_play_pause,
                args=(not ss.playing,), type="primary", icon=":material/pause:" if ss.playing else
                ":material/play_arrow:", width="stretch")
    c[1].button("Step", key="step", on_click=_step, icon=":material/skip_next:",
                width="stretch", help="Train exactly one epoch")
    c[2].button("Reset", key="reset", on_click=_reset, icon=":material/replay:",
                width="stretch", help="Fresh weights from the init seed, epoch 0")
    c[3].selectbox("Speed (epochs per frame)", SPEEDS, key="speed",
                   help="auto: as many epochs as fit in a smooth frame")
    c[4].toggle("Test points", key="show_test")
    c[5].toggle("Discretize", key="discretize")
    c[6].toggle("Log loss", key="log_loss")
    c = st.columns([1.6, 1.2, 4.2], vertical_alignment="bottom")
    inside.focus_control(ss, ss.trainer, c[0])
    c[1].toggle("Network diagram", key="show_network")
    with c[2]:
        inside.panel_controls(ss, ss.trainer)


def _number(value: float, digits: int) -> str:
    """A metric's text: fixed decimals, or scientific when huge (a diverging run)."""
    return f"{value:.{digits}f}" if abs(value) < 1e4 else f"{value:.3g}"


def _metrics(trainer) -> None:
    m = trainer.metrics
    score = "R²" if trainer.config.task == "regression" else "accuracy"
    cols = st.columns(5)
    cols[0].metric("Epoch", f"{trainer.epoch:,}")
    cols[1].metric("Training loss", _number(m["train_loss"], 4))
    cols[2].metric("Test loss", _number(m["test_loss"], 4))
    cols[3].metric(f"Training {score}", _number(m["train_acc"], 3))
    cols[4].metric(f"Test {score}", _number(m["test_acc"], 3))


def _train_frame(ss, trainer) -> None:
    """Train one frame's worth: a fixed number of epochs (within ``FRAME_CAP``), or in
    "auto" a share of the time between frames (which the browser's pace sets), so big
    networks still train fast."""
    if ss.speed != "auto":  # that many epochs, unless they would freeze the page
        trainer.step_for(FRAME_CAP, max_epochs=int(ss.speed))
        return
    now = time.perf_counter()
    interval = now - ss.get("last_frame", now - FRAME)
    ss.last_frame = now
    trainer.step_for(min(max(AUTO_SHARE * interval, AUTO_MIN), AUTO_MAX))


def _live_view(ss) -> None:
    @st.fragment(run_every=FRAME if ss.playing else None)
    def view():
        trainer = ss.trainer
        if ss.playing:
            _train_frame(ss, trainer)
            if trainer.diverged:
                ss.playing = False
                st.rerun(scope="app")
        else:
            ss.pop("last_frame", None)
        _health(trainer)
        _metrics(trainer)
        # While playing, the main view is redrawn every frame and the other figures in
        # turn: the browser's time per frame (Plotly.react) is what limits the rate.
        ss.frame = ss.get("frame", 0) + 1
        only = SECONDARY[ss.frame % len(SECONDARY)] if ss.playing else None
        figs = live_figures(trainer, focus=inside.focus_of(ss, trainer),
                            show_test=ss.show_test, discretize=ss.discretize,
                            log_loss=ss.log_loss, panel=ss.get("panel", PANELS[0]),
                            hs_layer=ss.get("hs_layer"), hs_axes=ss.get("hs_axes", "pca"),
                            show_network=ss.show_network, previous=ss.get("last_figures"),
                            only=only)
        ss.last_figures = figs
        # One component for every figure: it stays mounted, and only what changed is
        # redrawn (see live_plot.js).
        heights = {name: fig["layout"].get("height", 300) for name, fig in figs.items()}
        heights.update(regions=460, curves=460)
        event = live_plot(figs, key="live", columns=2, heights=heights,
                          spans={"network": 2, "panel": 2})
        if inside.handle_click(event, ss, trainer):
            st.rerun(scope="app")

    view()


@st.cache_data(show_spinner=False)
def _previews():
    return dataset_previews()


def main() -> None:
    """The whole page."""
    st.set_page_config(page_title="Neural Playground", page_icon="🧠",
                       layout="wide")
    ss = st.session_state
    if "trainer" not in ss:
        _init_session(ss)
    if ss.pop("reseed", False):
        controls.seed_widgets(ss.trainer.config, ss)
    inside.apply_pending(ss)
    with st.sidebar:
        st.header("Data")
        controls.data_controls(ss)
        with st.expander("Preview datasets"):
            labels, images = zip(*_previews(), strict=True)
            st.image(list(images), caption=list(labels), width=72)
        st.header("Network")
        controls.network_controls(ss)
        st.header("Training")
        controls.training_controls(ss)
    _apply_widgets(ss)
    st.title("Neural Playground")
    for kind, text in ss.notices:
        getattr(st, kind)(text)
    ss.notices = []
    _toolbar(ss)
    _live_view(ss)
    with st.expander("Edit a weight or bias (or click a link in the diagram)"):
        inside.edit_form(ss, ss.trainer)
