"""End-to-end: the real app (`streamlit run`) in headless Chromium.

Each test opens a fresh browser context (= a fresh Streamlit session) on the shared
server, waits until all four live plots are painted, and fails on any browser
console error or uncaught page error. Screenshots go to ``artifacts/e2e-*.png``.
"""

from __future__ import annotations

import math
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from playground.ui.harness import ARTIFACTS, choose_option, paint_probe

pytestmark = pytest.mark.e2e

N_PLOTS = 4  # network, regions, curves and the panel below them
VIEWPORT = {"width": 1400, "height": 1900}  # tall: the main area scrolls inside the page


# ---------------------------------------------------------------------- helpers
class App:
    """One page of the app in its own browser context, with console error capture."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(viewport=VIEWPORT)
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
        box = self.page.locator('[data-testid="stMetric"]').filter(
            has=self.page.locator('[data-testid="stMetricLabel"]', has_text=label)).first
        return box.locator('[data-testid="stMetricValue"]').inner_text().strip()

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
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = cond()
            except Exception:  # noqa: BLE001 - the element may be re-rendering
                value = None
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


def _all_plots_drawn(page) -> bool:
    """At least N_PLOTS live plots, all drawn (Plotly data, SVG and heatmap images)."""
    return page.evaluate("window.__probe.allDrawn()")


# ---------------------------------------------------------------------- tests
def test_first_paint_play_and_pause(app):
    assert _all_plots_drawn(app.page)
    assert app.epoch() == 0
    assert app.play_label().endswith("Play")
    loss0 = app.loss()
    app.screenshot("initial")

    app.click("play")
    app.wait_until(lambda: app.play_label().endswith("Pause"), what="the Pause label")
    app.wait_until(lambda: app.epoch() > 0, timeout=5, what="the Epoch to rise")
    app.wait_until(lambda: app.epoch() > 100 and app.loss() < loss0, timeout=8,
                   what=f"training loss to fall below {loss0}")
    first = app.epoch()
    app.wait_until(lambda: app.epoch() > first, timeout=3, what="the Epoch to keep rising")
    app.wait_until(lambda: _all_plots_drawn(app.page), timeout=3, what="all plots drawn")
    app.screenshot("playing")

    app.click("play")
    app.wait_until(lambda: app.play_label().endswith("Play"), what="the Play label")
    # The target is "Pause stops within 0.3 s": the label is drawn first in the rerun the
    # click starts, the metrics of that same rerun follow; then nothing may change.
    app.page.wait_for_timeout(300)
    samples = []
    t_end = time.monotonic() + 1.0
    while time.monotonic() < t_end:
        samples.append(app.epoch())
        app.page.wait_for_timeout(100)
    assert len(set(samples)) == 1, f"Epoch still changing after Pause: {samples}"
    app.wait_until(lambda: _all_plots_drawn(app.page), timeout=3, what="all plots drawn")
    # paused, every view shows the same epoch: the decision regions' title included
    title = app.page.locator('.lp-cell[data-figure="regions"] .gtitle')
    app.wait_until(lambda: title.text_content() == f"Output at epoch {samples[-1]:,}",
                   timeout=3, what=f"the regions' title at epoch {samples[-1]:,} "
                                   f"(have {title.text_content()!r})")
    app.screenshot("paused")


def test_step_and_reset(app):
    assert app.epoch() == 0
    app.click("step")
    app.wait_until(lambda: app.epoch() == 1, what="Epoch 1 after Step")
    app.page.wait_for_timeout(300)
    assert app.epoch() == 1, "Step must train exactly one epoch"
    app.click("step")
    app.wait_until(lambda: app.epoch() == 2, what="Epoch 2 after a second Step")
    app.page.wait_for_timeout(300)
    assert app.epoch() == 2
    app.click("reset")
    app.wait_until(lambda: app.epoch() == 0, what="Epoch 0 after Reset")
    assert app.play_label().endswith("Play")


def test_shared_url_reproduces_setup(app, browser):
    app.choose("Dataset", "Exclusive or")
    app.wait_query(dataset="xor")
    app.choose("Learning rate", "0.1")
    app.wait_query(learning_rate="0.1")
    app.type_into("Layer 1", "7")
    app.wait_query(hidden="7,2")
    app.wait_until(lambda: app.epoch() == 0, what="Epoch 0")
    metrics = {k: app.metric(k) for k in ("Epoch", "Training loss", "Test loss")}
    url = app.page.url
    app.screenshot("shared-setup")

    other = App(browser, url)
    try:
        assert other.input_value("Dataset") == "Exclusive or"
        assert other.input_value("Learning rate") == "0.1"
        assert other.input_value("Layer 1") == "7"
        assert other.input_value("Layer 2") == "2"
        assert other.query() == app.query()
        other_metrics = {k: other.metric(k) for k in metrics}
        assert other_metrics == metrics, "same URL (same seeds) must give the same numbers"
        other.screenshot("shared-opened")
        other.assert_no_errors()
    finally:
        other.close()


def test_typed_learning_rate(app):
    app.type_into("Learning rate", "0.07")
    app.wait_query(learning_rate="0.07")
    assert app.input_value("Learning rate") == "0.07"

    app.type_into("Learning rate", "fast")
    alert = app.page.locator('[data-testid="stAlert"]').filter(has_text="learning_rate")
    alert.first.wait_for(timeout=10_000)
    text = alert.first.inner_text()
    assert re.search(r"learning_rate.*fast", text, re.S), text
    app.screenshot("bad-learning-rate")
    # the app keeps working: the previous value stays and Step still trains
    app.wait_query(learning_rate="0.07")
    app.click("step")
    app.wait_until(lambda: app.epoch() == 1, what="Epoch 1 after Step")
    assert app.query()["learning_rate"] == "0.07"
    app.wait_until(lambda: _all_plots_drawn(app.page), timeout=3, what="all plots drawn")


def _node_position(page, layer: int, unit: int):
    """Page coordinates of a neuron in the network diagram (its marker's centre)."""
    return page.evaluate("""([layer, unit]) => {
      const gd = document.querySelector('.js-plotly-plot.lp-cell[data-figure="network"]');
      const trace = gd._fullData[gd._fullData.length - 1];  // the neurons, drawn last
      const i = trace.customdata.findIndex(c => c[0] === layer && c[1] === unit);
      const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
      const box = gd.getBoundingClientRect();
      return {x: box.left + xa._offset + xa.l2p(trace.x[i]),
              y: box.top + ya._offset + ya.l2p(trace.y[i])};
    }""", [layer, unit])


def test_diagram_renders_and_a_neuron_can_be_focused(app):
    drawn = app.page.evaluate("""() => {
      const gd = document.querySelector('.js-plotly-plot.lp-cell[data-figure="network"]');
      return {atlas: gd.querySelectorAll('.imagelayer image').length,
              links: gd.querySelectorAll('.shapelayer path').length,
              nodes: gd._fullData[gd._fullData.length - 1].x.length};
    }""")
    assert drawn["atlas"] == 1 and drawn["links"] >= 1
    assert drawn["nodes"] == 2 + 4 + 2 + 1  # default 2-4-2-1 network
    svg_title = app.page.locator('.lp-cell[data-figure="regions"] .gtitle')

    def title() -> str:  # an SVG <text>: textContent, not innerText
        return svg_title.text_content()

    assert title().startswith("Output")
    pos = _node_position(app.page, 1, 2)  # hidden neuron h1.3
    app.page.mouse.move(pos["x"], pos["y"])
    app.page.mouse.click(pos["x"], pos["y"])
    app.wait_until(lambda: title().startswith("Neuron h1.3"), timeout=10,
                   what="the main view to show neuron h1.3")
    focus = app.page.get_by_label("Main view", exact=True)
    app.wait_until(lambda: "h1.3" in focus.input_value() or "h1.3" in app.page.locator(
        '.st-key-focus').inner_text(), what="the Main view select to follow the click")
    app.screenshot("focused-neuron")
    pos = _node_position(app.page, 3, 0)  # the output unfocuses
    app.page.mouse.move(pos["x"], pos["y"])
    app.page.mouse.click(pos["x"], pos["y"])
    app.wait_until(lambda: title().startswith("Output"), timeout=10,
                   what="the main view back on the output")


def test_divergence_pauses_with_a_message(server, browser):
    page = App(browser, server.url + "?dataset=plane&learning_rate=10&hidden=4")
    try:
        page.click("play")
        alert = page.page.locator('[data-testid="stAlert"]').filter(has_text="diverged")
        alert.first.wait_for(timeout=15_000)
        assert "learning rate (10)" in alert.first.inner_text()
        page.wait_until(lambda: page.play_label().endswith("Play"), what="training paused")
        epoch = page.epoch()
        page.page.wait_for_timeout(500)
        assert page.epoch() == epoch  # stays on the last finite state
        assert math.isfinite(page.loss())  # a number on screen, not NaN or inf
        page.screenshot("diverged")
        page.assert_no_errors()
    finally:
        page.close()
