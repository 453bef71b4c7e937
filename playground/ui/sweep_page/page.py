"""The Sweep page: train a grid of networks at once and see them side by side.

The sidebar picks one or two settings and their values (the columns and the rows),
seeds and epochs; *Run* starts a :class:`~.sweep_job.SweepJob` in the background and a
fragment redraws the results as runs finish: decision-region thumbnails framed by their
test loss (click one to open it in the playground), the final test loss as a heatmap,
the loss curves overlaid, and a sortable table. The sweep is on the playground's
current settings; both, and the sweep's own settings, are in the URL.
"""

from __future__ import annotations

import streamlit as st

from playground.config import Config
from playground.data.datasets import GIVEN
from playground.data.points import Points, encode_points
from playground.figures.sweep_figures import curves_figure, loss_heatmap_figure, thumbnails_figure
from playground.sweeps.grid import SweepResult
from playground.ui import pages
from playground.ui.live.stream import resend_all, stage_stream
from playground.ui.playground_page import own_data
from playground.ui.playground_page.state import HANDED_OVER, PlaygroundState
from playground.ui.playground_page.view_state import CONFIG_KEYS
from playground.ui.sweep_page.job import Owner, SweepJob
from playground.ui.sweep_page.results import Layout, cell_hover, table_rows, thumbnails
from playground.ui.sweep_page.state import (
    MAX_EPOCHS,
    MAX_RUNS,
    MAX_SEEDS,
    NONE,
    PARAMS,
    STATE_KEY,
    SweepSpec,
    SweepState,
)

POLL = 0.4  # seconds between redraws while a sweep runs
_STYLE = """<style>
.stMainBlockContainer { padding-top: 4.2rem; padding-bottom: 1rem; }
.stMain .stVerticalBlock { gap: 0.6rem; }
</style>"""


# ---------------------------------------------------------------------- state
def _seed_widgets(spec: SweepSpec, ss) -> None:
    ss.sw_x, ss.sw_y, ss.sw_seeds, ss.sw_epochs = spec.x, spec.y, spec.seeds, spec.epochs
    ss[f"sw_values_x_{spec.x}"] = list(spec.x_values)
    if spec.y != NONE:
        ss[f"sw_values_y_{spec.y}"] = list(spec.y_values)


def _read_spec(ss) -> SweepSpec:
    """The sweep the widgets describe (ValueError with a clear message if it cannot be)."""
    x, y = ss.sw_x, ss.sw_y
    return SweepSpec(x=x, x_values=tuple(ss.get(f"sw_values_x_{x}") or ()),
                     y=y, y_values=tuple(ss.get(f"sw_values_y_{y}") or ()) if y != NONE else (),
                     seeds=int(ss.sw_seeds), epochs=int(ss.sw_epochs))


def _base_config(ss, state: SweepState, query) -> tuple[Config, Points | None]:
    """The settings the sweep varies, and your own points if they are on them: the
    link's, or else the playground's."""
    if any(k in query for k in CONFIG_KEYS):
        config, problems = Config.from_query_lenient(query)
        config, points, more = own_data.from_query(query, config)
        problems += more
        if problems and state.base_problems != problems:
            state.notify("warning", "This link had settings that could not be used:\n\n- "
                         + "\n- ".join(problems))
        state.base_problems = problems
        return config, points
    playground = PlaygroundState.of(ss)
    if playground is None:
        return Config(), None
    trainer = playground.trainer
    return trainer.config, trainer.points if trainer.config.dataset in GIVEN else None


def _init(ss, state: SweepState, query) -> None:
    state.notices = []
    spec, problems = SweepSpec.from_query(query)
    if problems:
        state.notify("warning", "This sweep link had values that could not be used:\n\n- "
                     + "\n- ".join(problems))
    _seed_widgets(spec, ss)
    state.widgets_seeded = True


def _sync_url(base: Config, points: Points | None, spec: SweepSpec | None) -> None:
    own = encode_points(points) if points is not None else None
    query = {**base.to_query(short=True), **({own_data.URL_KEY: own} if own else {}),
             **(spec.to_query() if spec else {})}
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


# ---------------------------------------------------------------------- actions
def _run(base: Config, points: Points | None, spec: SweepSpec) -> None:
    state: SweepState = st.session_state[STATE_KEY]
    try:
        base_used, grid, seeds = spec.grid(base)
    except ValueError as err:
        state.notify("error", str(err))
        return
    if state.job is not None:
        state.job.cancel()
    state.job = SweepJob(base_used, grid, spec.epochs, seeds, spec.n_runs,
                         workers=state.workers, data=points)
    state.owner = Owner(state.job)  # a session that goes cancels its sweep
    state.ran = (base_used, spec, points)
    state.thumbs = {}
    state.polling = True


def _cancel() -> None:
    job = st.session_state[STATE_KEY].job
    if job is not None:
        job.cancel()


def open_run(ss, result: SweepResult, points: Points | None = None) -> None:
    """Show the sweep's run ``result`` (on your own ``points``, if given) in the
    playground at its trained state: its epoch, its weights, its history (see
    :meth:`SweepResult.trainer`), in this session (under the session's lock), and the
    playground page with its settings as the query."""
    config = result.config
    try:
        with st.spinner(f"Opening run {result.index + 1} at epoch {result.epoch:,}…"):
            run = result.trainer(points)
    except RuntimeError as err:  # (never expected: a sweep's run is a lone run's)
        ss[STATE_KEY].notify("error", f"{err}: not opened.")
        return
    playground = PlaygroundState.of(ss)
    if playground is None:  # the page was opened on the Sweep: the playground starts on it
        ss[HANDED_OVER] = run
    else:  # a playground thread still training gives way
        playground.replace_run(run)
        resend_all("stage")  # the stage remounts: send every figure
    own = encode_points(points) if points is not None else None
    st.switch_page(pages.playground(), query_params={
        **config.to_query(short=True), **({own_data.URL_KEY: own} if own else {})})


# ---------------------------------------------------------------------- sidebar
def _values_widget(ss, axis: str, param: str) -> None:
    p = PARAMS[param]
    key = f"sw_values_{axis}_{param}"
    if key not in ss:
        ss[key] = list(p.presets)
    options = list(dict.fromkeys([*p.presets, *ss[key]]))
    typed = p.parse is float or p.parse is int
    st.multiselect("Values", options, key=key, accept_new_options=typed,
                   persist_state="session",
                   help="Pick values or type new ones (then Enter)." if typed else None)


def _sidebar(ss, base: Config) -> None:
    with st.sidebar:
        st.markdown("#### Sweep")
        st.caption(f"Trains many runs of the playground's settings ({_describe(base)}), "
                   "varying one or two of them.")
        names = list(PARAMS)
        st.selectbox("Columns: vary", names, key="sw_x", format_func=lambda n: PARAMS[n].label,
                     persist_state="session")
        _values_widget(ss, "x", ss.sw_x)
        if ss.get("sw_y") == ss.sw_x:  # rows and columns must vary different settings
            ss.sw_y = NONE
        st.selectbox("Rows: vary", [NONE, *(n for n in names if n != ss.sw_x)], key="sw_y",
                     persist_state="session",
                     format_func=lambda n: "nothing (one row)" if n == NONE else PARAMS[n].label)
        if ss.sw_y != NONE:
            _values_widget(ss, "y", ss.sw_y)
        c1, c2 = st.columns(2)
        c1.number_input("Seeds", 1, MAX_SEEDS, key="sw_seeds", persist_state="session",
                        help="Repeat every run with init seeds 0, 1, …")
        c2.number_input("Epochs", 1, MAX_EPOCHS, step=50, key="sw_epochs",
                        persist_state="session")


def _describe(c: Config) -> str:
    hidden = "-".join(map(str, c.hidden)) or "no hidden layer"
    return f"{c.dataset}, {hidden} {c.activation}, {c.optimizer} {c.learning_rate:g}, " \
           f"batch {c.batch_size}"


# ---------------------------------------------------------------------- results
def _results(ss) -> None:
    job: SweepJob | None = ss[STATE_KEY].job
    running = job is not None and job.running

    @st.fragment(run_every=POLL if running else None)
    def view():  # (reads the state anew: a fragment keeps no hold of the sweep's owner)
        state: SweepState = ss[STATE_KEY]
        job = state.job
        if job is None:
            st.info("Choose what to vary in the sidebar and press **Run**: every run trains "
                    "at once, and the results fill in as they finish.")
            return
        snap = job.snapshot()
        base, spec, points = state.ran
        if snap.status == "running":
            st.progress(snap.done / snap.total,
                        text=f"{snap.done} of {snap.total} runs trained · "
                             f"{snap.seconds:.1f} s")
        elif snap.status == "failed":
            st.error(f"The sweep stopped: {snap.error}")
        else:
            what = "cancelled after" if snap.status == "cancelled" else "done:"
            st.caption(f"Sweep {what} {snap.done} of {snap.total} runs in "
                       f"{snap.seconds:.1f} s ({spec.describe()}, {spec.epochs} epochs).")
        if snap.results:
            _figures(ss, state, base, spec, points, snap.results)
        if snap.status != "running" and state.polling:
            state.polling = False
            st.rerun(scope="app")  # the fragment stops polling

    view()


def _figures(ss, state: SweepState, base: Config, spec: SweepSpec, points, results) -> None:
    layout = Layout(spec)
    by_index = {r.index: r for r in results}
    thumbs = thumbnails(state.thumbs, results, base.task)
    losses = layout.losses(by_index)
    x_title, y_title = PARAMS[spec.x].label, (PARAMS[spec.y].label if spec.y != NONE else "")
    by = ss.get("sw_colour") if spec.y != NONE else None  # the control under the figures
    by = by or "x"
    # thumbnails as large as fit ~900 x 480 px (one screen at 1280x720), then the
    # heatmap and the curves side by side
    cell = int(min(120, 900 / layout.C, 480 / layout.R))
    mean = f" (mean of {layout.S} seeds)" if layout.S > 1 else ""
    figs = {
        "thumbnails": thumbnails_figure(
            layout.cells(thumbs), losses, layout.cell_runs(), spec.x_values, spec.rows,
            x_title=x_title, y_title=y_title, hover=cell_hover(layout, by_index),
            height=max(cell * layout.R + 90, 220)),
        "heatmap": loss_heatmap_figure(
            layout.mean_losses(by_index), spec.x_values, spec.rows, x_title=x_title,
            y_title=y_title, height=380, title=f"Final test loss{mean}"),
        "curves": curves_figure(*layout.curves(by_index, by), title="Test loss of every run",
                                group_title=x_title if by == "x" else y_title, height=380),
    }
    event = stage_stream(figs, [], key="sweep", playing=False, fps=0, columns=2,
                         spans={"thumbnails": 2},
                         labels={"thumbnails": "Sweep thumbnails",
                                 "heatmap": "Test loss heatmap",
                                 "curves": "Loss curves of every run"})
    if event and event.get("figure") == "thumbnails" and event.get("points"):
        index = int(event["points"][0]["customdata"][0])
        if index in by_index:
            open_run(ss, by_index[index], points)
    if spec.y != NONE:  # the curves' colours: the columns' setting or the rows'
        st.segmented_control("Colour the curves by", ["x", "y"], key="sw_colour", default="x",
                             format_func={"x": x_title, "y": y_title}.get)
    st.dataframe(table_rows(layout, results), hide_index=True, width="stretch",
                 height=min(38 + 35 * len(results), 360))
    done = sorted(results, key=lambda r: r.metrics["test_loss"])
    c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
    c1.selectbox("Open a run in the playground", [r.index for r in done], key="sw_open",
                 format_func=lambda i: layout.name(by_index[i]))
    if c2.button("Open", key="sw_open_button", icon=":material/open_in_new:",
                 width="stretch"):
        open_run(ss, by_index[ss.sw_open], points)


# ---------------------------------------------------------------------- the page
def main() -> None:
    """The whole Sweep page."""
    pages.run_page("Sweep", _page)


def _page(ss) -> None:
    query = st.query_params.to_dict()
    state: SweepState = ss.setdefault(STATE_KEY, SweepState())
    if not state.widgets_seeded:
        _init(ss, state, query)
    st.html(_STYLE)
    base, points = _base_config(ss, state, query)
    _sidebar(ss, base)
    try:
        spec, problem = _read_spec(ss), None
    except ValueError as err:
        spec, problem = None, str(err)
    _sync_url(base, points, spec)
    notices, state.notices = state.notices, []
    for kind, text in notices:
        getattr(st, kind)(text)
    job = state.job
    running = job is not None and job.running
    c = st.columns([1.2, 1.2, 5], vertical_alignment="center")
    if spec is not None:
        c[0].button("Run", key="sw_run", type="primary", icon=":material/play_arrow:",
                    width="stretch", on_click=_run, args=(base, points, spec), disabled=running,
                    help=f"Train {spec.n_runs} runs of {spec.epochs} epochs")
        runs = "1 run" if spec.n_runs == 1 else f"{spec.n_runs} runs"
        c[2].markdown(f"**{runs}** (at most {MAX_RUNS}): {spec.describe()}, "
                      f"{spec.epochs} epochs each")
    else:
        c[2].error(problem, icon=":material/block:")
    c[1].button("Cancel", key="sw_cancel", icon=":material/stop:", width="stretch",
                on_click=_cancel, disabled=not running)
    _results(ss)
