"""Shared fixtures: a real `streamlit run` server on 127.0.0.1 and headless Chromium.

The helpers live in ``tests/harness.py`` (also used by ``benchmarks/``).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from harness import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    StreamlitServer,
    choose_option,
    paint_probe,
)

__all__ = ["ARTIFACTS", "CHROMIUM", "CHROMIUM_ARGS", "ROOT", "App", "StreamlitServer",
           "all_plots_drawn", "button", "run_app"]


@pytest.fixture(autouse=True)
def _main_module():
    """AppTest leaves the script it ran as ``sys.modules["__main__"]``, and a process a
    later test spawns (a sweep's pool) would import that as its main module: put the
    test run's own back after each test."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


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


# ---------------------------------------------------------------------- AppTest
APP = str(ROOT / "app.py")


def run_app(query=None):
    """The app through Streamlit's AppTest, opened with URL ``query``, after its first run."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def button(at, key):
    """The AppTest button with Streamlit key ``key``."""
    return next(b for b in at.button if b.key == key)


# ---------------------------------------------------------------------- a page of the app
N_PLOTS = 4  # network, regions, curves and the panel below them
VIEWPORT = {"width": 1400, "height": 1900}  # tall: the main area scrolls inside the page
READ_MS, ACT_MS = 2_000, 30_000  # Playwright's timeout inside wait_until, and elsewhere


# ---------------------------------------------------------------------- helpers
_METRIC_JS = """(label) => {
  const painted = document.querySelector(`.np-numbers:not([hidden]) [aria-label="${label}"]`);
  if (painted) return painted.innerText.trim();
  for (const box of document.querySelectorAll('[data-testid="stMetric"]')) {
    const name = box.querySelector('[data-testid="stMetricLabel"]');
    const value = box.querySelector('[data-testid="stMetricValue"]');
    if (name && value && name.innerText.toLowerCase().includes(label.toLowerCase())) {
      return value.innerText.trim();
    }
  }
  return null;
}"""


class App:
    """One page of the app in its own browser context, with console error capture."""

    def __init__(self, browser, url: str, viewport=None):
        self.context = browser.new_context(viewport=viewport or VIEWPORT)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.add_init_script(paint_probe(N_PLOTS))
        self.page.goto(url)
        self.page.wait_for_function("window.__probe && window.__probe.firstPaint !== null",
                                    timeout=30_000)

    def _on_console(self, msg) -> None:
        if msg.type == "error":
            self.errors.append(f"console.error: {msg.text} ({msg.location.get('url', '')})")

    def close(self) -> None:
        self.context.close()

    # ---- reading
    def metric(self, label: str) -> str:
        """A number of the stage: painted by the stage while playing, else Streamlit's.
        Read in one step in the page: the stage hides its numbers when a paused run's
        batch lands, and a two-step read (is it shown? then its text) could find them
        shown and then wait for them in vain."""
        return self.page.wait_for_function(_METRIC_JS, arg=label).json_value()

    def epoch(self) -> int:
        return int(self.metric("Epoch").replace(",", ""))

    def loss(self) -> float:
        return float(self.metric("Training loss"))

    def play_label(self) -> str:
        return self.button("play").inner_text()

    def query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.page.url).query).items()}

    def input_value(self, label: str) -> str:
        return self.page.get_by_label(label, exact=True).input_value()

    # ---- waiting
    def wait_until(self, cond, timeout: float = 10.0, what: str = "condition"):
        """Poll ``cond`` until it is truthy. A read inside it that finds no element (one
        being drawn anew by a rerun) gives up after READ_MS and is tried again, rather
        than waiting Playwright's 30 s past this deadline."""
        deadline = time.monotonic() + timeout
        while True:
            self.page.set_default_timeout(READ_MS)
            try:
                value = cond()
            except Exception:  # noqa: BLE001 - the element may be re-rendering
                value = None
            finally:
                self.page.set_default_timeout(ACT_MS)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
            self.page.wait_for_timeout(50)

    def wait_query(self, **expected: str) -> None:
        self.wait_until(lambda: all(self.query().get(k) == v for k, v in expected.items()),
                        what=f"URL query {expected} (have {self.query()})")

    # ---- acting
    def button(self, key: str):
        return self.page.locator(f'.st-key-{key} button[data-testid^="stBaseButton"]:visible')

    def click(self, key: str) -> None:
        self.button(key).click()

    def choose(self, label: str, option: str) -> None:
        """Pick ``option`` in the selectbox labelled ``label``."""
        choose_option(self.page, label, option)

    def type_into(self, label: str, text: str) -> None:
        """Replace the text of an input (selectbox combobox, number input) and press Enter."""
        box = self.page.get_by_label(label, exact=True)
        box.click()
        box.press("ControlOrMeta+a")
        box.press_sequentially(text)
        box.press("Enter")

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"e2e-{name}.png"))

    def assert_no_errors(self) -> None:
        assert not self.errors, "browser errors:\n" + "\n".join(self.errors)


@pytest.fixture
def app(server, browser):
    a = App(browser, server.url)
    yield a
    try:
        a.assert_no_errors()
    finally:
        a.close()


@pytest.fixture
def page_at(server, browser):
    """``page_at(viewport, query)`` opens a page of the app; all are checked for browser
    errors and closed at the end."""
    opened = []

    def open_page(viewport, query=""):
        a = App(browser, server.url + query, viewport=viewport)
        opened.append(a)
        return a

    yield open_page
    try:
        for a in opened:
            a.assert_no_errors()
    finally:
        for a in opened:
            a.close()


def all_plots_drawn(page) -> bool:
    """At least N_PLOTS live plots, all drawn (Plotly data, SVG and heatmap images)."""
    return page.evaluate("window.__probe.allDrawn()")


