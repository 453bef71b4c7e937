"""The *Run* menu: download the run as a file, open a run file (settings, data,
weights, curves and replay come back), and make an animated GIF of the regions.

An upload is read in memory, never unpickled, evaluated or written to disk; a file
that is too large is refused before it is parsed. A bad file shows a plain message and
leaves the current run as it was.
"""

from __future__ import annotations

import streamlit as st

from playground.compare.pair import Lockstep
from playground.compare.pair_file import is_pair_file, pair_from_json, pair_to_json
from playground.data.datasets import spec_of
from playground.export.gif import export_gif
from playground.run.run_file import MAX_FILE_BYTES
from playground.run.trainer import Trainer
from playground.ui.playground_page import controls
from playground.ui.playground_page.replay import show_epoch
from playground.ui.playground_page.state import KEY, OwnDataState, PlaygroundState

MAX_UPLOAD_MB = MAX_FILE_BYTES // 2**20


def run_text(guard, trainer) -> str:
    """The run file's text (or, for a compare pair, the pair file's), read under the
    session's lock (the download asks for it when clicked, maybe while training goes
    on)."""
    with guard.lock:
        return pair_to_json(trainer) if isinstance(trainer, Lockstep) else trainer.to_json()


def run_menu(state: PlaygroundState) -> None:
    """The menu's content (in a popover of the toolbar)."""
    trainer, guard = state.trainer, state.guard
    saved = state.pair or trainer  # in compare mode, the two runs in one file
    st.download_button("Download these two runs" if state.pair else "Download this run",
                       data=lambda: run_text(guard, saved),
                       file_name=f"playground-{trainer.config.dataset}-"
                                 f"{'compare' if state.pair else 'run'}.json",
                       mime="application/json", key="run_download", on_click="ignore",
                       icon=":material/download:", width="stretch",
                       help="Everything: settings, data, weights, optimizer, curves, "
                            "snapshots (of A and B in compare mode). Open it here to go on "
                            "exactly where it was.")
    n = state.run_upload_count
    st.file_uploader("Open a run file", type=["json"], key=f"run_upload_{n}",
                     max_upload_size=MAX_UPLOAD_MB, on_change=_uploaded, args=(n,),
                     help="A file saved with Download this run")
    st.divider()
    gif_section(state, trainer)


def _uploaded(n: int) -> None:
    upload = st.session_state.get(f"run_upload_{n}")
    if upload is None:
        return
    state: PlaygroundState = st.session_state[KEY]
    # an empty box next time (and the same file can come again)
    state.run_upload_count = n + 1
    open_run_file(state, upload.name, upload)


def open_run_file(state: PlaygroundState, name: str, upload) -> bool:
    """Replace the session's run by the one in ``upload`` (bytes or an uploaded file),
    under the lock; or say why not and touch nothing. Returns whether it opened."""
    size = upload.size if hasattr(upload, "size") else len(upload)
    try:
        if size > MAX_FILE_BYTES:
            raise ValueError(f"This file is {size / 2**20:.0f} MB; a run file is at most "
                             f"{MAX_UPLOAD_MB} MB.")
        data = upload.getvalue() if hasattr(upload, "getvalue") else upload
        pair = pair_from_json(data) if is_pair_file(data) else None
        run = pair.b if pair is not None else Trainer.from_json(data)
        for one in (pair.a, pair.b) if pair is not None else (run,):
            shown = controls.read_config(
                {f"w_{k}": v for k, v in controls.seed_values(one.config).items()}, one.config)
            if shown != one.config:
                raise ValueError("Its settings are beyond what the app's controls show (at "
                                 f"most {controls.MAX_UI_LAYERS} hidden layers of "
                                 f"{controls.MAX_UI_WIDTH} neurons, rates to 10 digits).")
    except ValueError as err:
        state.notify("error", f"Could not open {name!r}: {err} The current run is "
                              "unchanged.")
        return False
    state.pair, state.held_notes = pair, {}  # a pair file opens in compare mode
    state.replace_run(run)  # paused, the sidebar showing the file's settings (B's)
    state.gif = None
    state.own = OwnDataState()  # (own_data.py: the previous points)
    show_epoch(state, run, None)
    what = "two runs compared (A and B)" if pair is not None else \
        spec_of(run.config.dataset).label
    state.notify("success", f"Opened {name!r}: {what}, epoch {run.epoch:,}. Press Play to go "
                            "on where it was, or scrub back through its history.")
    return True


def gif_section(state: PlaygroundState, trainer) -> None:
    """Make a GIF of the regions over the snapshots (with a progress bar), then offer
    it for download."""
    key = (id(trainer), trainer.epoch, trainer.config)
    if st.button("Make a GIF of the regions", key="gif_make", icon=":material/gif_box:",
                 width="stretch", help="The decision regions at every recorded epoch"):
        state.playing = False
        bar = st.progress(0.0, text="Drawing the frames…")

        def progress(done, total):
            bar.progress(done / total, text=f"Drawing frame {done} of {total}…")

        state.guard.claim()
        with state.guard.lock:
            data = export_gif(trainer, progress=progress)
        bar.empty()
        state.gif = (key, data)
    made = state.gif
    if made and made[0] == key:
        st.download_button(f"Download the GIF ({len(made[1]) / 1024:.0f} KB)", made[1],
                           file_name=f"playground-{trainer.config.dataset}.gif",
                           mime="image/gif", key="gif_download", on_click="ignore",
                           icon=":material/download:", width="stretch", type="primary")
