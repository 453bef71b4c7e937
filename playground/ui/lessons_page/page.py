"""The Lessons page: the built-in lessons (title, one line, number of steps), each with
an Open button, and an upload box for a lecturer's own lesson file.

An uploaded lesson is read in memory (never written to disk) and only parsed: nothing
in it runs. A malformed file shows the parser's message, which names the line. Opening
a lesson switches to the playground with the lesson beside the stage (see steps.py);
the address bar then links to the step shown, except for an uploaded lesson.
"""

from __future__ import annotations

import streamlit as st

from playground import lessons
from playground.lessons import Lesson
from playground.ui import pages
from playground.ui.lessons_page import steps
from playground.ui.live.stream import resend_all
from playground.ui.playground_page.state import PlaygroundState

UPLOAD_MB = 1  # a lesson file is at most 200,000 characters (well under this)
_STYLE = """<style>
.stMainBlockContainer { padding-top: 4.2rem; padding-bottom: 1rem; max-width: 72rem; }
</style>"""


def main() -> None:
    """The whole Lessons page."""
    pages.run_page("Lessons", _page)


def _page(ss) -> None:
    st.html(_STYLE)
    st.markdown("### Lessons")
    st.markdown("A lesson opens beside the playground's stage, one step at a time: read, "
                "**predict**, play, and watch the step's **goal** turn green when your run "
                "meets it. The address bar then holds a link to the step you are on, "
                "such as `?lesson=xor&step=2`: put it on a slide.")
    _current(ss)
    rows = st.columns(2)
    for i, info in enumerate(lessons.builtin()):
        with rows[i % 2].container(border=True, key=f"lesson_row_{info.name}"):
            c = st.columns([4, 1], vertical_alignment="top")
            c[0].markdown(f"**{info.title}**  \n{info.summary}")
            c[0].caption(f"{info.steps} steps · `?lesson={info.name}`")
            if c[1].button("Open", key=f"lesson_open_{info.name}", type="primary",
                           width="stretch"):
                _open(ss, lessons.load(info.name))
    _upload(ss)


def _current(ss) -> None:
    """The lesson open in the playground, if any, and the way back to it."""
    playground = PlaygroundState.of(ss)
    lesson = playground.lesson.lesson if playground is not None else None
    if lesson is None:
        return
    c = st.columns([6, 1.4], vertical_alignment="center")
    c[0].info(f"Open in the playground: **{lesson.title}**, step "
              f"{playground.lesson.number} of {len(lesson.steps)}.", icon=":material/school:")
    c[1].page_link(pages.playground(), label="Continue")


def _upload(ss) -> None:
    st.markdown("#### Your own lesson")
    st.markdown("Write a lesson as a Markdown file (the format is in the README and in "
                "`playground.lessons`) and open it here. It is read, never run, and not "
                "stored.")
    file = st.file_uploader("A lesson file (.md)", type=["md"], key="lesson_upload",
                            max_upload_size=UPLOAD_MB)
    st.caption(":material/link_off: A link cannot carry an uploaded lesson: the address "
               "bar will keep the settings of the step, not the lesson. Share the file "
               "itself (or make it a built-in lesson).")
    if file is None:
        return
    try:
        lesson = lessons.load(file.getvalue(), name="")
    except ValueError as err:
        st.error(f"{file.name}: {err}", icon=":material/error:")
        return
    with st.container(border=True, key="lesson_row_upload"):
        c = st.columns([6, 1], vertical_alignment="center")
        c[0].markdown(f"**{lesson.title}**  \n{lesson.summary}")
        c[0].caption(f"{len(lesson.steps)} steps · from {file.name}")
        if c[1].button("Open", key="lesson_open_upload", type="primary", width="stretch"):
            _open(ss, lesson)


def _open(ss, lesson: Lesson) -> None:
    """Open ``lesson`` at its first step in the playground (a fresh run)."""
    steps.request(ss, lesson)
    resend_all("stage")  # the stage mounts afresh: send every figure
    st.switch_page(pages.playground(), query_params=lesson.query(1))

