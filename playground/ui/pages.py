"""The app's pages in the top bar: the playground (the default), the Sweep and the
Lessons.

``streamlit run app.py`` runs :func:`main`. The playground keeps its URL rules (its
query keys, short links, ``hide=``); ``hide=all`` leaves out the page links too. The
page links have no icons: a Material icon there is fetched from Google's servers (the
app works offline), and emoji need a font that headless browsers lack.
"""

from __future__ import annotations

import streamlit as st

from playground.ui.playground_page import app
from playground.ui.server.classroom import CLASSROOM, join

SWEEP_SCRIPT = "playground/ui/sweep_page/entry.py"  # relative to app.py
LESSONS_SCRIPT = "playground/ui/lessons_page/entry.py"
_PAGES: dict[str, st.Page] = {}


def playground() -> st.Page:
    """The playground page (to switch to it)."""
    return _PAGES["playground"]


def run_page(title: str, body) -> None:
    """Run a page beside the playground: its title, and ``body(session_state)`` as a
    script run a person waits for (training elsewhere steps aside: see classroom.py)."""
    st.set_page_config(page_title=f"{title} · Neural Playground", page_icon="🧠", layout="wide")
    ss = st.session_state
    with CLASSROOM.interactive(join(ss)):
        body(ss)


def main() -> None:
    """Every page, and the one the URL asks for."""
    _PAGES["playground"] = st.Page(app.main, title="Playground",
                                   url_path="playground", default=True)
    _PAGES["sweep"] = st.Page(SWEEP_SCRIPT, title="Sweep",
                              url_path="sweep")
    _PAGES["lessons"] = st.Page(LESSONS_SCRIPT, title="Lessons", url_path="lessons")
    hide = st.query_params.get("hide", "")
    position = "hidden" if "all" in hide.split(",") else "top"
    st.navigation(list(_PAGES.values()), position=position).run()
