"""End-to-end: messages never move the stage, and nothing floating catches a click meant
for what it covers. At a laptop's 1280x720 the decision regions and Play stay exactly
where they were when a warning, a divergence or a link's notice appears; a tooltip over
the page links lets a click through; a toast keeps off the toolbar. Screenshots go to
``artifacts/messages-*.png``."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1280, "height": 720}
REGIONS = '[aria-label="Decision regions"]'


def _boxes(app) -> dict:
    regions = app.page.locator(REGIONS).first.bounding_box()
    play = app.button("play").bounding_box()
    return {"regions": regions, "play": play}


def _whole_on_screen(box: dict, viewport: dict) -> bool:
    return (box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= viewport["width"]
            and box["y"] + box["height"] <= viewport["height"])


def _message(app, text: str):
    return app.page.get_by_role("alert").filter(has_text=text)


def _overlap(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def test_a_too_high_learning_rate_warns_without_moving_the_stage(page_at):
    app = page_at(LAPTOP)
    before = _boxes(app)
    app.choose("Learning rate", "10")
    app.wait_until(lambda: float(app.query().get("learning_rate", 0)) == 10,
                   what="learning rate 10 in the URL")
    app.click("play")
    app.wait_until(lambda: _message(app, "too high").count(), timeout=30,
                   what="the learning-rate warning")
    app.click("play")
    app.wait_until(lambda: app.play_label().endswith("Play"), what="Pause")
    assert _boxes(app) == before
    assert _whole_on_screen(_boxes(app)["regions"], LAPTOP)
    slot = app.page.locator(".st-key-messages").bounding_box()
    for name in ("Playground", "Sweep", "Lessons"):  # the page links stay visible
        assert not _overlap(slot, app.page.get_by_role("link", name=name).bounding_box()), name
    app.screenshot("messages-learning-rate-10")


def test_a_divergence_leaves_the_regions_whole_on_the_first_screen(page_at):
    app = page_at(LAPTOP, "?dataset=plane&learning_rate=10&hidden=4&speed=max")
    before = _boxes(app)
    app.click("play")
    app.wait_until(lambda: _message(app, "went back to epoch").count(), timeout=30,
                   what="the divergence message")
    app.wait_until(lambda: app.play_label().endswith("Play"), what="the run to pause")
    assert _boxes(app) == before
    assert _whole_on_screen(_boxes(app)["regions"], LAPTOP)
    app.screenshot("messages-diverged")


def test_a_stale_link_notice_leaves_the_stage_where_a_clean_link_has_it(page_at):
    clean = _boxes(page_at(LAPTOP))
    app = page_at(LAPTOP, "?speed=warp&panel=nowhere&focus=h9.x&learning_rate=99")
    assert _message(app, "could not be used").count()
    assert _boxes(app) == clean
    app.screenshot("messages-stale-link")


def test_the_play_tooltip_lets_a_click_through_to_the_page_links(page_at):
    app = page_at(LAPTOP)
    page = app.page
    play = app.button("play").bounding_box()
    link = page.get_by_role("link", name="Sweep").bounding_box()
    x = play["x"] + 0.5 * play["width"]
    page.mouse.move(x, play["y"] + play["height"] / 2)
    page.wait_for_timeout(1200)  # the tooltip shows
    page.mouse.move(link["x"] + link["width"] / 2, link["y"] + link["height"] / 2, steps=8)
    page.mouse.down()
    page.mouse.up()
    page.wait_for_function("location.pathname.endsWith('/sweep')", timeout=10_000)


def test_a_toast_keeps_off_the_toolbar(page_at):
    app = page_at(LAPTOP)
    page = app.page
    app.click("step")
    app.wait_until(lambda: app.epoch() == 1, what="a step")
    app.type_into("Points", "300")
    toast = page.get_by_text("training restarted at epoch 0")
    toast.wait_for(timeout=10_000)
    box = toast.bounding_box()
    for key in ("play", "step", "reset", "code_open"):
        assert not _overlap(box, app.button(key).bounding_box()), key
    for name in ("View", "Run"):
        assert not _overlap(box, page.get_by_role("button", name=name).bounding_box()), name
