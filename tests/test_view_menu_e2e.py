"""End-to-end: the View menu shows what the page shows, and a toggle changes only its
own setting, even when the run moved on (Play, Step) before the menu was ever opened.

The menu's widgets are not in the browser while it is closed; what the page put into
them from the link has to reach them when they appear, not only in the run that set it.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1280, "height": 720}
REGIONS = '[aria-label="Decision regions"]'
DIAGRAM = '[aria-label="Network diagram"]'
TOGGLES = ("Test points", "Discretize", "Log loss", "Show the diagram")


def _toggles(page) -> dict[str, bool]:
    return {label: page.get_by_role("switch", name=label, exact=True).is_checked()
            for label in TOGGLES}


def _traces(page) -> list[str]:
    return page.evaluate(f"""() => document.querySelector('{REGIONS}')
        ._fullData.map(t => t.name)""")


def _open_view(page) -> None:
    page.get_by_role("button", name="View").click()
    page.get_by_role("switch", name="Discretize", exact=True).wait_for(timeout=10_000)


@pytest.mark.parametrize("first,query", [
    ("play", ""), ("step", ""), ("play", "?log_loss=true"),
])
def test_a_toggle_changes_only_its_own_setting_after_the_run_moved_on(page_at, first, query):
    app = page_at(LAPTOP, query)
    page = app.page
    before = app.query()
    app.click(first)
    if first == "play":
        app.wait_until(lambda: app.epoch() > 3, what="training to start")
        app.click("play")
        app.wait_until(lambda: app.play_label().endswith("Play"), what="Pause")
    else:
        app.wait_until(lambda: app.epoch() == 1, what="a step")
    _open_view(page)
    # the menu shows what the page shows
    log = before.get("log_loss") == "true"
    assert _toggles(page) == {"Test points": True, "Discretize": False, "Log loss": log,
                              "Show the diagram": True}
    page.get_by_role("dialog", name="View").get_by_text("Discretize", exact=True).click()
    app.wait_query(discretize="true")
    page.wait_for_timeout(500)  # (any later rewrite of the URL would show by now)
    assert app.query() == {**before, "discretize": "true"}
    assert _toggles(page) == {"Test points": True, "Discretize": True, "Log loss": log,
                              "Show the diagram": True}
    # and the page still shows the test points and the diagram
    page.keyboard.press("Escape")
    app.wait_until(lambda: "test" in _traces(page), what="the test points on the regions")
    assert page.locator(DIAGRAM).count() == 1
