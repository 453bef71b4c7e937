"""End-to-end: compare mode in headless Chromium at 1280x720. A compare link opens with
the line naming what differs; Play paints both runs' decision regions and the loss
chart with both; A, B and the chart sit on the first screen; Pause shows the pair's
epoch. The README's screenshot of compare mode is taken here (docs/compare.png)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

DOCS = Path(__file__).resolve().parents[1] / "docs"
LINK = "?compare=1&b.learning_rate=0.3&speed=30"


def _frames(app, name: str) -> int:
    return int(app.page.locator(f'.np-plot[data-figure="{name}"]').get_attribute(
        "data-frames"))


def test_a_compare_link_plays_both_runs_side_by_side(server, browser):
    from conftest import App

    app = App(browser, server.url + LINK, viewport={"width": 1280, "height": 720})
    try:
        line = app.page.locator(".st-key-compare_line")
        app.wait_until(lambda: "B: learning rate 0.3 — A: 0.03" in line.inner_text(),
                       what="the line naming what differs")
        assert app.page.get_by_role("figure", name="Decision regions of run A").count() == 1
        for name in ("regions_a", "regions", "curves"):  # on the first screen
            box = app.page.locator(f'.np-plot[data-figure="{name}"]').bounding_box()
            assert box is not None and box["y"] + 0.8 * box["height"] <= 720, (name, box)
        before = {name: _frames(app, name) for name in ("regions_a", "regions", "curves")}
        app.click("play")
        app.wait_until(lambda: app.epoch() >= 40, timeout=30, what="40 epochs on the stage")
        for name, count in before.items():  # each run's picture (and the chart) painted
            assert _frames(app, name) > count + (10 if name != "curves" else 1), name
        app.wait_until(lambda: app.metric("Δ test loss").startswith(("+", "-", "0")),
                       what="B's difference in test loss")
        DOCS.mkdir(exist_ok=True)
        app.page.mouse.move(330, 700)  # no tooltip or mode bar over the page
        app.page.wait_for_timeout(300)
        app.page.screenshot(path=str(DOCS / "compare.png"))
        app.click("play")  # Pause
        app.wait_until(lambda: app.play_label().endswith("Play"), what="the Play label")
        title = app.page.locator('.np-plot[data-figure="regions_a"] .gtitle')
        app.wait_until(lambda: title.text_content() == f"A · Output at epoch {app.epoch():,}",
                       timeout=15, what="A's title at the pair's epoch")
        b_title = app.page.locator('.np-plot[data-figure="regions"] .gtitle')
        app.wait_until(lambda: b_title.text_content() == f"B · Output at epoch {app.epoch():,}",
                       timeout=15, what="B's title at the pair's epoch")
        assert app.query()["b.learning_rate"] == "0.3"
        app.assert_no_errors()
    finally:
        app.close()
