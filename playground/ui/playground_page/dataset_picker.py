"""The datasets' thumbnails as the dataset picker, as in TF Playground: a click (or
Enter on a focused thumbnail) picks that dataset, and the current one is
framed. It sets the Dataset box's widget (``w_dataset``), so the box, the URL's
``dataset=`` and everything else work as before."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import streamlit as st
from PIL import Image

from playground.data.datasets import DATASETS
from playground.ui.playground_page.views import dataset_previews

KEY = "dataset_picker"  # the component's key
_JS = Path(__file__).with_name("dataset_picker.js")
_CSS = """
.dp-grid { display: grid; gap: 6px; margin-bottom: 0.25rem;
  grid-template-columns: repeat(auto-fill, minmax(38px, 1fr)); }
.dp-option { padding: 2px; border: 2px solid transparent; border-radius: 6px;
  background: none; cursor: pointer; line-height: 0; }
.dp-option img { width: 100%; aspect-ratio: 1; border-radius: 3px;
  box-shadow: 0 0 0 1px rgba(49, 51, 63, 0.2); }
.dp-option:hover { border-color: rgba(49, 51, 63, 0.35); }
.dp-option:focus-visible { outline: 2px solid var(--st-primary-color, #ff4b4b);
  outline-offset: 1px; }
.dp-option.dp-current { border-color: var(--st-primary-color, #ff4b4b); }
"""


@st.cache_data(show_spinner=False)
def thumbnails() -> list[dict]:
    """Every dataset's name, label and picture (a PNG data URI), in the registry's order."""
    options = []
    for name, (label, image) in zip(DATASETS, dataset_previews(), strict=True):
        buffer = io.BytesIO()
        Image.fromarray(image).save(buffer, format="PNG", optimize=True)
        src = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
        options.append({"name": name, "label": label, "src": src})
    return options


def _component():
    if "component" not in _component.__dict__:
        _component.component = st.components.v2.component(
            "neural_playground.dataset_picker", js=_JS.read_text(encoding="utf-8"), css=_CSS)
    return _component.component


def _picked() -> None:
    """A thumbnail was clicked: its dataset into the Dataset box (a callback: before the
    thumbnails and the box are drawn, so both show it)."""
    ss = st.session_state
    picked = ss[KEY].get("pick")
    if picked in DATASETS:
        ss["w_dataset"] = picked


def picker(widgets) -> None:
    """The thumbnails (``widgets``: the session state, whose ``w_dataset`` a click sets)."""
    _component()(key=KEY, data={"label": "Datasets", "current": widgets.get("w_dataset"),
                                "options": thumbnails()}, on_pick_change=_picked)
