"""Your own data in the app: upload a CSV, draw points by clicking on the decision
regions, download them, and share them in the link.

The run holds the points (``trainer.points``, see :mod:`playground.points`). Drawing
edits a draft (the page state's ``own.draft``): with two points or more, every click
retrains on it from epoch 0; below that, the regions show the draft's points over the
previous run. An upload or a click changes the run in a callback or under the session's
lock; a file that cannot be used leaves the previous data and run as they were and
says why.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from playground.data.csv_data import MAX_BYTES, ColumnsError, read_csv, to_csv
from playground.data.datasets import DOMAIN, GIVEN, MAX_CLASSES, make_dataset
from playground.data.points import (
    MAX_LINK_POINTS,
    Points,
    as_points,
    decode_points,
    encode_points,
    square_points,
)
from playground.figures.run_figures import CLASS_COLORS, points_trace
from playground.ui.playground_page.state import KEY, PlaygroundState

URL_KEY = "points"
ERASER = -1
MIN_RUN = 2  # a drawn set trains from this many points on
SCALE_NOTE = ("Axes in your data's units; the network sees each input scaled into "
              "−6 … 6{targets}. Noise, number of points and Regenerate do not apply.")


def class_dot(c: int) -> str:
    """Markdown of a dot in class ``c``'s colour on the plots (CLASS_COLORS)."""
    return f':color[⬤]{{foreground="{CLASS_COLORS[c % len(CLASS_COLORS)]}"}}'


# ---------------------------------------------------------------------- the URL
def from_query(query, config):
    """The points a link carries, for ``config``: ``(config, points or None, problems)``.
    A link that names your own data without (usable) points opens the default dataset."""
    if config.dataset not in GIVEN:
        return config, None, []
    text = query.get(URL_KEY)
    text = text[-1] if isinstance(text, list) and text else text
    why = "this link does not carry them (too many for a link)"
    if text:
        try:
            points = decode_points(text)
            if points.task == GIVEN[config.dataset].task and len(points) >= MIN_RUN:
                return config, points, []
            why = "the link's points do not fit its settings"
        except ValueError as err:
            why = str(err).removeprefix("points: ")
    default = type(config)().dataset
    return (config.replace(dataset=default),
            None, [f"dataset: your own points could not be opened: {why} — using {default!r}"])


def to_query(trainer) -> dict[str, str]:
    """The URL part of the points (nothing if the run is not on them or they are too
    many for a link)."""
    if trainer.config.dataset not in GIVEN or trainer.points is None:
        return {}
    text = encode_points(trainer.points)
    return {URL_KEY: text} if text else {}


# ---------------------------------------------------------------------- changing the run
def _set_points(state: PlaygroundState, points: Points) -> None:
    """Train on ``points`` from epoch 0 (as a newer script run, under the lock), and show
    them in the Dataset box."""
    state.guard.claim()
    with state.guard.lock:
        state.trainer.set_points(points)
    state.reseed_widgets = True  # the widgets show the new config before they render
    state.playing = False


def upload_key(state: PlaygroundState) -> str:
    """The uploader's widget key: a new one after a refused file, which empties it."""
    return "own_upload" if not state.own.refused else f"own_upload_{state.own.refused}"


def _read_upload(columns=None) -> None:
    ss = st.session_state
    state: PlaygroundState = ss[KEY]
    file = ss.get(upload_key(state))
    if file is None:  # the file was removed: the run keeps its points
        state.own.columns = None
        return
    data = file.getvalue()
    try:
        table = read_csv(data, columns)
        points = as_points(table)
    except ColumnsError as err:
        state.own.columns, state.own.suggested = (file.name, err.columns), err.suggested
        for key in ("own_col_x1", "own_col_x2", "own_col_label"):
            ss.pop(key, None)  # the new file's columns, as suggested
        state.notify("info", f"{file.name}: {err}")
        return
    except ValueError as err:
        state.own.columns = None
        state.own.refused += 1  # an empty uploader: the data in use is not that file
        state.notify("error", f"{file.name} was not used: {err} The previous data and run "
                              "are unchanged.")
        return
    state.own.columns = None
    _set_points(state, points)
    state.own.draft = points
    kind = (f"{points.n_classes} classes ({', '.join(points.classes)})" if points.classes
            else "a regression target")
    state.notify("success", f"{file.name}: {len(points):,} points, {kind}. Training starts "
                            "from epoch 0.")


def _use_columns() -> None:
    ss = st.session_state
    _read_upload([ss.own_col_x1, ss.own_col_x2, ss.own_col_label])


def _draft(state: PlaygroundState) -> Points:
    """The points being drawn: the run's own, or an empty square to draw on."""
    draft = state.own.draft
    trainer = state.trainer
    if trainer.config.dataset in GIVEN and (draft is None or len(draft) >= MIN_RUN):
        draft = trainer.points  # the run's points are the ones shown
    if draft is None:
        draft = square_points(np.empty((0, 2)), np.empty(0, np.int64), 2)
    state.own.draft = draft
    return draft


def _commit(state: PlaygroundState, draft: Points) -> None:
    state.own.draft = draft
    if len(draft) >= MIN_RUN:
        _set_points(state, draft)


def _start_from_current() -> None:
    state: PlaygroundState = st.session_state[KEY]
    c, trainer = state.trainer.config, state.trainer
    if c.dataset in GIVEN:
        draft = trainer.points
    else:
        X, y = make_dataset(c.dataset, c.n_samples, c.noise, c.data_seed, c.n_classes)
        draft = square_points(X, y, c.num_classes)
    _commit(state, draft)


def _clear() -> None:
    state: PlaygroundState = st.session_state[KEY]
    state.own.draft = _draft(state).cleared()


def _add_class() -> None:
    ss = st.session_state
    state: PlaygroundState = ss[KEY]
    d = _draft(state)
    if d.classes is not None and len(d.classes) < MAX_CLASSES:
        more = Points(d.X, d.y, (*d.classes, str(len(d.classes))), d.columns, d.bounds)
        ss.own_tool = len(d.classes)  # (a callback: the radio is drawn after it)
        _commit(state, more)


def _new_clicks(event, state: PlaygroundState) -> list[np.ndarray]:
    """The clicked points of ``event`` not taken in yet, in the order they were made.
    The browser sends every click the page has not confirmed (``clicks``: ``{"at": [x1,
    x2], "seq": n}``, numbered per ``page``), so a click whose message another one
    replaced still arrives; those already taken in are skipped."""
    page = event.get("page")
    seen_page, seen = state.own.clicks_seen
    if page != seen_page:
        seen = 0
    clicks = event.get("clicks") or [{"at": event.get("at"), "seq": seen + 1}]
    points = []
    for click in clicks:
        try:
            seq = int(click["seq"])
            S = np.array([float(click["at"][0]), float(click["at"][1])])
        except (TypeError, ValueError, IndexError, KeyError):
            continue
        if seq <= seen:
            continue
        seen = seq
        if np.isfinite(S).all() and (np.abs(S) <= DOMAIN).all():
            points.append(S)
    state.own.clicks_seen = (page, seen)
    return points


def handle_click(event, ss, state: PlaygroundState) -> bool:
    """Clicks on the decision regions while drawing: add a point of the chosen class
    (or value) where each was made, or erase the nearest. Returns True if the app
    should rerun."""
    if not ss.get("own_draw") or not event or event.get("figure") != "regions":
        return False
    clicked = _new_clicks(event, state)
    if not clicked:
        return False
    draft = start = _draft(state)
    tool = ss.get("own_tool", 0)
    try:
        for S in clicked:
            if tool == ERASER:
                draft = draft.erased(S)
            elif draft.classes is None:
                draft = draft.added(S, float(ss.get("own_value", 0.0)))
            else:
                draft = draft.added(S, min(int(tool), draft.n_classes - 1))
    except ValueError as err:
        state.notify("warning", str(err))
    if draft is not start:
        _commit(state, draft)
    return True


# ---------------------------------------------------------------------- the sidebar
def controls(ss, state: PlaygroundState) -> None:
    """Upload, draw, download: under the Data section's settings."""
    own = state.trainer.config.dataset in GIVEN
    if own:
        p = state.trainer.points
        scaled = p.targets() is not p.y  # regression targets beyond ±1
        targets = ", targets into −1 … 1" if scaled else ""
        st.caption(SCALE_NOTE.format(targets=targets))
    st.file_uploader(f"Your own data (CSV: x1, x2, label; up to {MAX_BYTES // 2**20} MB)",
                     type=["csv", "tsv", "txt"], key=upload_key(state), on_change=_read_upload,
                     help="Two number columns and a label (classes 0/1, −1/1, names…) or a "
                          "number target; a header row is optional; comma, semicolon or "
                          "tab.")
    if state.own.columns:  # one box a row: the columns' names read whole
        name, cols = state.own.columns
        for i, (key, label) in enumerate((("own_col_x1", "Input x1"),
                                          ("own_col_x2", "Input x2"),
                                          ("own_col_label", "Label"))):
            st.selectbox(label, cols, index=min(state.own.suggested[i], len(cols) - 1),
                         key=key)
        st.button(f"Use these columns of {name}", on_click=_use_columns, key="own_use_cols")
    st.toggle("Draw points", key="own_draw",
              help="Click on the decision regions to add a point; pick a class (or a "
                   "value) or the eraser below.")
    if ss.get("own_draw"):
        _draw_tools(ss, state)
    if own:
        p = state.trainer.points
        # made when clicked: bytes given here would be a new media file every run, and a
        # quick run after it (drawing) would drop the file the page still points to
        st.download_button("Download points (CSV)",
                           lambda: to_csv(p.X, p.y, p.classes, p.columns),
                           file_name="points.csv", mime="text/csv", key="own_download",
                           on_click="ignore", icon=":material/download:")
        if len(p) > MAX_LINK_POINTS:
            st.caption(f":material/link_off: The link carries the settings but not these "
                       f"{len(p):,} points (a link holds up to {MAX_LINK_POINTS}): share "
                       "the CSV too.")


def _draw_tools(ss, state: PlaygroundState) -> None:
    draft = _draft(state)
    if draft.classes is None:
        st.slider("Value of new points", -1.0, 1.0, 0.5, 0.1, key="own_value")
        tools = [0, ERASER]
        fmt = {0: "Add", ERASER: "Eraser"}.get
    else:
        tools = [*range(draft.n_classes), ERASER]

        def fmt(t):
            if t == ERASER:
                return ":material/ink_eraser: Eraser"
            return f"{class_dot(t)} {draft.classes[t]}"
    if ss.get("own_tool") not in tools:
        ss.own_tool = tools[0]
    st.radio("Click adds", tools, key="own_tool", horizontal=True, format_func=fmt)
    c = st.columns(2)
    c[0].button("From data", key="own_start", on_click=_start_from_current,
                icon=":material/content_copy:", width="stretch",
                help="Start drawing from the current dataset's points")
    c[1].button("Clear all", key="own_clear", on_click=_clear, width="stretch",
                icon=":material/delete:")
    if draft.classes is not None and draft.n_classes < MAX_CLASSES:
        c[0].button("Add class", key="own_add_class", on_click=_add_class,
                    icon=":material/add:", width="stretch")
    if len(draft) < MIN_RUN:
        st.caption(f"Click on the decision regions to add points: training starts with "
                   f"{MIN_RUN}.")


# ---------------------------------------------------------------------- the figure
def decorate(figs: dict, ss, state: PlaygroundState) -> None:
    """The decision regions in your data's units, clickable while drawing, showing the
    draft's points while it is too small to train on."""
    fig = figs.get("regions")
    if fig is None:
        return
    trainer = state.trainer
    layout = fig["layout"]
    drawing = bool(ss.get("own_draw"))
    layout["meta"] = {"draw": drawing, "ack": list(state.own.clicks_seen)}  # see stream.js
    if drawing:  # a click adds a point instead of starting a zoom box
        layout["dragmode"] = False
    else:
        layout.pop("dragmode", None)
    draft = state.own.draft
    if drawing and draft is not None and len(draft) < MIN_RUN:
        S = draft.to_square(draft.X)
        k = max(draft.n_classes, 2)
        fig["data"] = [points_trace(S, draft.y, draft.task, "drawn", "white", "circle", k)]
    points = trainer.points if trainer.config.dataset in GIVEN else None
    if drawing and draft is not None and len(draft) < MIN_RUN:
        points = draft
    if points is None:
        return
    a, b = points.columns[:2]
    for trace in fig["data"]:  # hover in your units
        S = np.column_stack([trace["x"], trace["y"]])
        trace["customdata"] = points.from_square(S)
        trace["hovertemplate"] = (f"{trace['name']}<br>{a}=%{{customdata[0]:.4g}}<br>"
                                  f"{b}=%{{customdata[1]:.4g}}<extra></extra>")
    for axis, j in (("xaxis", 0), ("yaxis", 1)):
        vals, text = _ticks(points.bounds[j])
        layout[axis] = {**layout[axis], "tickvals": points.to_square(
            np.column_stack([vals, vals]))[:, j], "ticktext": text,
            "title": {"text": points.columns[j]}}


def _ticks(bounds, count: int = 5):
    """Round tick values in own units inside ``bounds`` and their labels."""
    lo, hi = float(bounds[0]), float(bounds[1])
    raw = (hi - lo) / count
    step = 10 ** np.floor(np.log10(raw))
    step *= next(m for m in (1, 2, 2.5, 5, 10) if m * step >= raw)
    vals = np.arange(np.ceil(lo / step), np.floor(hi / step) + 1) * step
    return vals, [f"{v + 0.0:.6g}" for v in vals]  # (+ 0.0: no "-0")
