"""Shared fixtures: a real `streamlit run` server on 127.0.0.1 and headless Chromium.

The helpers live in :mod:`playground.ui.harness` (also used by ``benchmarks/``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from playground.ui.harness import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, ROOT, StreamlitServer

__all__ = ["ARTIFACTS", "CHROMIUM", "CHROMIUM_ARGS", "ROOT", "StreamlitServer"]


@pytest.fixture(scope="module")
def server():
    srv = StreamlitServer()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (.ci/run does)")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
