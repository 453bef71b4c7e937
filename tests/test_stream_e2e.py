"""End-to-end: the stage's stream of frames in headless Chromium. At 10 epochs per
second every epoch is painted, in order; after Pause the painted epoch is the run's, and at
speed max it is the epoch painted as Pause is pressed (the run goes back to it).

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


def _pause(app):
    """Press Pause and wait for the paused stage; returns the regions' title and the
    run's epoch."""
    app.click("play")
    app.wait_until(lambda: app.play_label().endswith("Play"), what="the Play label")
    title = app.page.locator('.np-plot[data-figure="regions"] .gtitle')
    app.wait_until(lambda: title.text_content() == f"Output at epoch {app.epoch():,}",
                   timeout=5, what="the regions' title at the run's epoch")
    return title, app.epoch()


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
        title, run_epoch = _pause(app)
        number = app.page.locator('[aria-label="Epoch"]').text_content()
        assert int(number.replace(",", "")) == run_epoch  # the last frame painted
        app.page.wait_for_timeout(600)  # nothing more is painted after Pause
        assert app.epoch() == run_epoch
        assert title.text_content() == f"Output at epoch {run_epoch:,}"
        app.assert_no_errors()
    finally:
        app.close()


# The Epoch the stage paints as Pause is pressed (read after the stage's own handler of
# the press), and every text it shows after.
AT_PRESS = """() => {
  const el = document.querySelector('[aria-label="Epoch"]');
  window.afterPress = null;
  document.addEventListener('pointerdown', () => {
    window.afterPress = [el.textContent];
    new MutationObserver(() => window.afterPress.push(el.textContent))
      .observe(el, {childList: true, characterData: true, subtree: true});
  }, {capture: true, once: true});
}"""


def test_pause_at_max_paints_the_runs_epoch(server, browser):
    """At speed max a batch trains most of the time: Pause paints the newest frame the
    stage holds and the run goes back to that epoch (the batch then training is
    dropped), so the epoch painted at the press is the run's, and stays."""
    from conftest import App

    app = App(browser, server.url + "?speed=max", viewport={"width": 1280, "height": 720})
    try:
        app.page.wait_for_selector('[aria-label="Epoch"]', state="attached")
        app.click("play")
        painted = app.page.locator('[aria-label="Epoch"]')
        app.wait_until(lambda: int(painted.text_content().replace(",", "") or 0) > 2000,
                       timeout=30, what="the run past epoch 2,000")
        app.page.evaluate(AT_PRESS)
        _, run_epoch = _pause(app)
        after = [int(t.replace(",", "")) for t in app.page.evaluate("window.afterPress")]
        # the press painted the newest frame held; only a batch on its way then (sent
        # before the press) may paint a later one, never one the run went back from
        assert after and after[-1] == run_epoch, (after, run_epoch)
        assert after == sorted(after), f"the painted epoch went back: {after}"
        app.page.wait_for_timeout(800)  # the run stays where it was paused
        assert app.epoch() == run_epoch
        assert int(painted.text_content().replace(",", "")) == run_epoch
        app.assert_no_errors()
    finally:
        app.close()
