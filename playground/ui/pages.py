"""The app's two pages: the playground (the default) and the Sweep, in the top bar.

``streamlit run app.py`` runs :func:`main`. The playground keeps its URL rules (its
query keys, short links, ``hide=``); ``hide=all`` leaves out the page links too.
"""

from __future__ import annotations

import streamlit as st

from . import app

SWEEP_SCRIPT = "playground/ui/sweep_entry.py"  # relative to app.py
_PAGES: dict[str, st.Page] = {}


def playground() -> st.Page:
    """The playground page (to switch to it)."""
    return _PAGES["playground"]


def main() -> None:
    """Both pages, and the one the URL asks for."""
    _PAGES["playground"] = st.Page(app.main, title="Playground", icon=":material/neurology:",
                                   url_path="playground", default=True)
    _PAGES["sweep"] = st.Page(SWEEP_SCRIPT, title="Sweep", icon=":material/grid_view:",
                              url_path="sweep")
    hide = st.query_params.get("hide", "")
    position = "hidden" if "all" in hide.split(",") else "top"
    st.navigation(list(_PAGES.values()), position=position).run()
