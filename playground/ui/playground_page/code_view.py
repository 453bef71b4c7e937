"""The Code view: the current settings as a standalone NumPy script to read, copy or
download (written by :func:`playground.export_script`)."""

from __future__ import annotations

from functools import lru_cache

import streamlit as st

from playground.config import Config
from playground.data.datasets import GIVEN
from playground.export.script import export_script

DEFAULT_EPOCHS = 300  # what the script trains for while the run is at epoch 0
SHOWN_POINTS = 2000  # a script with more of your own points is offered as a download only


@lru_cache(maxsize=16)
def _script(config: Config, epochs: int, points=None) -> str:
    """The script text, kept per (config, epochs, points): the page reruns often."""
    return export_script(config, epochs, data=points)


def code_view(config: Config, epochs: int, points=None) -> None:
    """Show the script that reproduces a run with ``config`` for ``epochs`` epochs (the
    run's current epoch; :data:`DEFAULT_EPOCHS` at epoch 0), with a download button;
    ``points``: the run's own points (used if ``config`` is on them)."""
    epochs = int(epochs) or DEFAULT_EPOCHS
    points = points if config.dataset in GIVEN else None
    script = _script(config, epochs, points)
    st.caption(f"A standalone NumPy script that reproduces this run for {epochs} epochs "
               f"from epoch 0 with these settings (it prints the losses as it trains).")
    if points is not None and len(points) > SHOWN_POINTS:  # megabytes of literals
        st.caption(f"It holds your {len(points):,} points: download it to read it.")
    else:
        st.code(script, language="python")
    st.download_button("Download script", script, file_name="playground_run.py",
                       mime="text/x-python", key="code_download", on_click="ignore",
                       icon=":material/download:")
