"""End-to-end: the stage's stream of frames in headless Chromium. At 10 epochs per
second every epoch is painted, in order; after Pause the painted epoch is the run's.

The painted epoch is read where the stage paints it: the element with
``aria-label="Epoch"`` (while playing), and the decision regions' title."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

# Every text the stage's Epoch number shows, in order, from a MutationObserver.
WATCH = """() => {
  const el = document.querySelector('[aria-label="Epoch"]');
  window.paintedEpochs = [];
  new MutationObserver(() => window.paintedEpochs.push(el.textContent))
    .observe(el, {childList: true, characterData: true, subtree: true});
}"""


def _painted(app) -> list[int]:
    return [int(t.replace(",", "")) for t in app.page.evaluate("window.paintedEpochs")]


def test_every_epoch_is_painted_in_order_and_pause_shows_the_runs_epoch(server, browser):
    from conftest import App

    app = App(browser, server.url + "?speed=10", viewport={"width": 1280, "height": 720})
    try:
        app.page.wait_for_selector('[aria-label="Epoch"]', state="attached")
        app.page.evaluate(WATCH)
        app.click("play")
        app.wait_until(lambda: len(_painted(app)) >= 30, timeout=30,
                       what="30 epochs painted at 10 epochs/s")
        painted = _painted(app)
        start = painted[0]
        assert painted == list(range(start, start + len(painted))), (
            f"epochs skipped or out of order: {painted}")
        assert app.page.locator('[aria-label="Epoch"]').is_visible()
        app.click("play")  # Pause
        app.wait_until(lambda: app.play_label().endswith("Play"), what="the Play label")
        title = app.page.locator('.np-plot[data-figure="regions"] .gtitle')
        app.wait_until(lambda: title.text_content() == f"Output at epoch {app.epoch():,}",
                       timeout=5, what="the regions' title at the run's epoch")
        run_epoch = app.epoch()
        number = app.page.locator('[aria-label="Epoch"]').text_content()
        assert int(number.replace(",", "")) == run_epoch  # the last frame painted
        app.page.wait_for_timeout(600)  # nothing more is painted after Pause
        assert app.epoch() == run_epoch
        assert title.text_content() == f"Output at epoch {run_epoch:,}"
        app.assert_no_errors()
    finally:
        app.close()
