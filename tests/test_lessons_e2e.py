"""End-to-end: a lesson in headless Chromium at a projector's 1280x720 — opened from a
link, a prediction, a step's solution played until its goal turns green, a reload; and
the Lessons page. Screenshots go to ``artifacts/e2e-lessons-*.png``."""

from __future__ import annotations

import pytest
from conftest import ARTIFACTS

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1280, "height": 720}
REGIONS = '[aria-label="Decision regions"]'
DIAGRAM = '[aria-label="Network diagram"]'
GOAL = ".st-key-lesson_goal"
GOAL_MET = f'{GOAL} [data-testid="stAlertContentSuccess"]'


def _on_first_screen(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    return bool(box) and box["x"] >= 0 and box["y"] >= 0 and \
        box["x"] + box["width"] <= LAPTOP["width"] and box["y"] + box["height"] <= LAPTOP["height"]


def _sidebar_text(app) -> str:
    return app.page.locator('[data-testid="stSidebar"]').inner_text()


def all_drawn(page) -> bool:
    return page.evaluate("window.__probe.allDrawn()")


def _heading(app) -> str:
    return app.page.locator('[data-testid="stSidebar"] h5').first.inner_text()


def test_a_lesson_link_predict_play_until_the_goal_is_green_and_reload(page_at):
    app = page_at(LAPTOP, "?lesson=xor")
    page = app.page
    app.wait_until(lambda: "Step 1 of 4" in _heading(app), what="the lesson's first step")
    assert _on_first_screen(page, REGIONS) and _on_first_screen(page, DIAGRAM)
    assert app.query() == {"lesson": "xor", "step": "1"}
    # predict: the answer shows only after a choice
    assert "Right:" not in _sidebar_text(app) and "The answer" not in _sidebar_text(app)
    page.locator('[data-testid="stSidebar"] [data-testid="stRadio"]').get_by_text(
        "No", exact=True).click()
    app.wait_until(lambda: "Right: No" in _sidebar_text(app), what="the answer")
    assert "opposite quadrants" in _sidebar_text(app)  # the explanation
    # the next step: a goal, not met yet
    app.click("lesson_next")
    app.wait_query(lesson="xor", step="2")
    app.wait_until(lambda: "not met yet" in page.locator(GOAL).inner_text(), what="the goal")
    assert "1 too few" in page.locator(GOAL).inner_text()
    # a way that works: a fresh run with one hidden layer of 4
    page.get_by_text("Stuck? A way that works").click()
    app.click("lesson_solution")
    app.wait_query(lesson="xor", step="2", hidden="4")
    app.wait_until(lambda: app.epoch() == 0 and all_drawn(page), what="the fresh run")
    # Play with the stage's shortcut (Space), until the goal turns green
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press(" ")
    app.wait_until(lambda: app.play_label().endswith("Pause"), what="Space to play")
    app.wait_until(lambda: page.locator(GOAL_MET).is_visible(), timeout=60,
                   what="the goal to turn green")
    page.keyboard.press(" ")
    app.wait_until(lambda: app.play_label().endswith("Play"), what="Space to pause")
    assert "Goal met" in page.locator(GOAL).inner_text()
    page.locator('[data-testid="stSidebar"] h5').first.scroll_into_view_if_needed()
    page.get_by_text("Stuck? A way that works").click()  # fold the solution away again
    page.wait_for_timeout(800)
    page.mouse.move(900, 700)  # no tooltip over the stage
    assert _on_first_screen(page, REGIONS) and _on_first_screen(page, DIAGRAM)
    assert page.locator(GOAL_MET).is_visible() and _on_first_screen(page, GOAL_MET)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "e2e-lessons-goal-met.png"))
    # a reload: the same lesson, step and settings
    page.reload()
    app.wait_until(lambda: "Step 2 of 4" in _heading(app), timeout=30,
                   what="the lesson after a reload")
    assert app.query() == {"lesson": "xor", "step": "2", "hidden": "4"}
    app.wait_until(lambda: all_drawn(page), what="the stage after a reload")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("ArrowRight")  # the stage's shortcuts still work in a lesson
    app.wait_until(lambda: app.epoch() == 1, what="→ to train one epoch")


def test_the_lessons_page_opens_a_lesson_and_shows_a_bad_upload(server, browser, tmp_path):
    context = browser.new_context(viewport=LAPTOP)
    errors = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(server.url + "lessons")
        page.wait_for_selector(".st-key-lesson_open_xor button", timeout=30_000)
        bad = tmp_path / "bad.md"
        bad.write_text("---\ntitle: A\n---\n\n## One\n\ntext\n", encoding="utf-8")
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(bad))
        error = page.locator('[data-testid="stAlertContentError"]')
        error.wait_for(timeout=15_000)
        assert "bad.md: line 1: front matter: no summary" in error.inner_text()
        page.screenshot(path=str(ARTIFACTS / "e2e-lessons-page.png"))
        page.locator(".st-key-lesson_open_circle button").click()
        page.wait_for_selector(".st-key-lesson_next button", timeout=30_000)
        page.wait_for_function("location.search.includes('lesson=circle')", timeout=10_000)
        heading = page.locator('[data-testid="stSidebar"] h5').first
        assert heading.inner_text().startswith("Step 1 of 4")
        page.wait_for_selector(REGIONS, timeout=30_000)
        assert not errors, errors
    finally:
        context.close()
