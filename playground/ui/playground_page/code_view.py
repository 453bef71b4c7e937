"""The Code view: the run as a standalone NumPy script to read, copy or download
(written by :func:`playground.export_script`), what changed while it trained included."""

from __future__ import annotations

from contextlib import nullcontext

import streamlit as st

from playground.data.datasets import GIVEN
from playground.export.script import count_changes, export_script, replayed_changes

DEFAULT_EPOCHS = 300  # what the script trains for while the run is at epoch 0
SHOWN_POINTS = 2000  # a script with more of your own points is offered as a download only
_SCRIPTS: dict = {}  # the last scripts, by what they are made of: the page reruns often


def _script(trainer, epochs: int) -> tuple[str, int]:
    """The script of ``trainer`` for ``epochs`` epochs and the number of changes it
    replays; kept while the run's settings, changes, edits and points stay the same."""
    points = trainer.points if trainer.config.dataset in GIVEN else None
    changes = trainer.changes
    key = (trainer.config, epochs, None if changes is None else tuple(changes),
           tuple(trainer.edits), points)
    if key not in _SCRIPTS:
        if len(_SCRIPTS) >= 16:
            _SCRIPTS.clear()
        _SCRIPTS[key] = (export_script(trainer, epochs),
                         count_changes(replayed_changes(trainer, epochs)))
    return _SCRIPTS[key]


def _what(epochs: int, n_changes: int, known: bool) -> str:
    """What the script holds, in a sentence or two."""
    if not known:
        return (f"A standalone NumPy script that trains this run's settings for {epochs} "
                "epochs from epoch 0. This run was opened from a file that does not "
                "record what changed while it trained (or it changed too often to keep): "
                "the script matches it only if its settings never changed.")
    changes = (f": {n_changes} change{'s' if n_changes > 1 else ''} during the run, "
               "replayed at their epochs (CHANGES)" if n_changes else " with these settings")
    return (f"A standalone NumPy script that reproduces this run for {epochs} epochs from "
            f"epoch 0{changes}. It prints the losses as it trains: the same as the run's "
            "up to rounding, which a run at the edge of stability (a high learning rate) "
            "can amplify until they differ.")


def code_view(trainer, lock=None) -> None:
    """Show the script that reproduces ``trainer`` (a run) up to its epoch
    (:data:`DEFAULT_EPOCHS` at epoch 0), with a download button; ``lock``, if given, is
    held while the script is made from the run."""
    with lock or nullcontext():
        epochs = trainer.epoch or DEFAULT_EPOCHS
        script, n_changes = _script(trainer, epochs)
        known, points = trainer.changes is not None, trainer.points
        own = trainer.config.dataset in GIVEN
    st.caption(_what(epochs, n_changes, known))
    if own and len(points) > SHOWN_POINTS:  # megabytes of literals
        st.caption(f"It holds your {len(points):,} points: download it to read it.")
    else:
        st.code(script, language="python")
    st.download_button("Download script", script, file_name="playground_run.py",
                       mime="text/x-python", key="code_download", on_click="ignore",
                       icon=":material/download:")
