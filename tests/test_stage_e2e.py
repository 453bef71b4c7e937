"""End-to-end: the stage in headless Chromium, at a laptop/projector's 1280x720, at
1920x1080 and at a phone's 390x844. Screenshots go to ``artifacts/stage-*.png``."""

from __future__ import annotations

import time

import pytest
from conftest import all_plots_drawn
from harness import choose_option

pytestmark = pytest.mark.e2e

LAPTOP, FULL_HD, PHONE = ({"width": 1280, "height": 720}, {"width": 1920, "height": 1080},
                          {"width": 390, "height": 844})


def _box(page, selector: str) -> dict:
    box = page.locator(selector).first.bounding_box()
    assert box, f"{selector} is not on the page"
    return box


def _on_first_screen(box: dict, viewport: dict) -> bool:
    """The whole box inside the viewport, without scrolling."""
    return (box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= viewport["width"]
            and box["y"] + box["height"] <= viewport["height"])


REGIONS = '[aria-label="Decision regions"]'
DIAGRAM = '[aria-label="Network diagram"]'
CURVES = '[aria-label="Loss and accuracy curves"]'


@pytest.mark.parametrize("viewport,name", [(LAPTOP, "1280x720"), (FULL_HD, "1920x1080")])
def test_everything_that_matters_is_on_the_first_screen(page_at, viewport, name):
    app = page_at(viewport)
    page = app.page
    for key in ("play", "step", "reset"):
        assert _on_first_screen(app.button(key).bounding_box(), viewport), key
    assert _on_first_screen(_box(page, ".st-key-speed"), viewport)
    for label in ("Epoch", "Training loss", "Test accuracy"):
        metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
        assert _on_first_screen(metric.bounding_box(), viewport), label
    assert _on_first_screen(_box(page, REGIONS), viewport), "the decision regions"
    assert _on_first_screen(_box(page, DIAGRAM), viewport), "the network diagram"
    if viewport is FULL_HD:
        assert _on_first_screen(_box(page, CURVES), viewport), "the curves"
    # nothing scrolls at all to see them: the page opens at its top
    assert page.evaluate("window.scrollY") == 0
    app.screenshot(f"stage-{name}")


def test_a_phone_scrolls_down_only_and_shows_the_regions_before_the_diagram(page_at):
    app = page_at(PHONE)
    page = app.page
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a 390 px screen"
    regions, diagram = _box(page, REGIONS), _box(page, DIAGRAM)
    assert regions["y"] + regions["height"] <= diagram["y"] + 1
    assert regions["x"] >= 0 and regions["x"] + regions["width"] <= PHONE["width"]
    app.screenshot("stage-390x844")


def test_a_big_network_keeps_its_diagram_inside_its_box(page_at):
    app = page_at(LAPTOP, "?hidden=32,32,32,32,32,32")
    page = app.page
    box = _box(page, DIAGRAM)
    drawn = page.evaluate("""(sel) => {
      const gd = document.querySelector(sel);
      const r = gd.querySelector('.imagelayer image').getBoundingClientRect();
      return {x: r.x, y: r.y, w: r.width, h: r.height};
    }""", DIAGRAM)
    assert drawn["x"] >= box["x"] - 1 and drawn["y"] >= box["y"] - 1
    assert drawn["x"] + drawn["w"] <= box["x"] + box["width"] + 1
    assert drawn["y"] + drawn["h"] <= box["y"] + box["height"] + 1
    assert _on_first_screen(box, LAPTOP)
    app.screenshot("stage-6x32")


def test_default_pace_is_one_a_class_can_watch(page_at):
    app = page_at(LAPTOP)
    app.click("play")
    app.wait_until(lambda: app.epoch() > 0, what="training to start")
    e0, t0 = app.epoch(), time.monotonic()
    app.page.wait_for_timeout(3000)
    e1, t1 = app.epoch(), time.monotonic()
    rate = (e1 - e0) / (t1 - t0)
    assert 5 <= rate <= 300, f"the default pace trained {rate:.0f} epochs/s"
    app.click("play")


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280x720", "390x844"])
def test_the_stage_stays_put_at_play_and_pause(page_at, viewport):
    """While playing the stage paints the numbers itself; Streamlit's paused metrics take
    the same room, so the pictures under them do not jump at every Play and Pause."""
    app = page_at(viewport)
    painted = app.page.locator(".np-numbers:not([hidden])")
    top = {"paused": _box(app.page, REGIONS)["y"]}
    app.click("play")
    app.wait_until(lambda: painted.count() and app.epoch() > 1, what="the painted numbers")
    top["playing"] = _box(app.page, REGIONS)["y"]
    app.click("play")
    app.wait_until(lambda: not painted.count() and app.play_label().endswith("Play"),
                   what="Streamlit's metrics after Pause")
    top["paused again"] = _box(app.page, REGIONS)["y"]
    assert max(top.values()) - min(top.values()) < 1, top


def test_keyboard_shortcuts_and_not_while_typing(page_at):
    app = page_at(LAPTOP)
    page = app.page
    for key in ("play", "step", "reset"):  # a key pressed before its button is drawn does nothing
        app.button(key).wait_for()
    page.evaluate("document.activeElement && document.activeElement.blur()")  # no field
    page.keyboard.press("ArrowRight")
    app.wait_until(lambda: app.epoch() == 1, what="→ to train one epoch")
    page.keyboard.press("s")
    app.wait_until(lambda: app.epoch() == 2, what="S to train one epoch")
    page.keyboard.press(" ")
    app.wait_until(lambda: app.play_label().endswith("Pause"), what="Space to play")
    page.keyboard.press(" ")
    app.wait_until(lambda: app.play_label().endswith("Play"), what="Space to pause")
    page.keyboard.press("r")
    app.wait_until(lambda: app.epoch() == 0, what="R to reset")
    # typing in a field: the keys are text, not shortcuts
    box = page.get_by_label("Points", exact=True)
    box.click()
    box.press("ControlOrMeta+a")
    box.press_sequentially("r s ")
    page.wait_for_timeout(800)
    assert app.play_label().endswith("Play") and app.epoch() == 0
    box.press("Escape")


def test_hide_leaves_only_what_the_lecturer_wants(page_at):
    app = page_at(LAPTOP, "?hide=data,learning_rate&dataset=xor&learning_rate=0.3")
    page = app.page
    assert page.get_by_label("Dataset", exact=True).count() == 0
    assert page.get_by_label("Learning rate", exact=True).count() == 0
    assert page.get_by_label("Optimizer", exact=True).count() == 1
    app.click("step")
    app.wait_until(lambda: app.epoch() == 1, what="a step")
    assert app.query()["dataset"] == "xor" and app.query()["learning_rate"] == "0.3"
    app.screenshot("stage-hidden-controls")
    everything = page_at(LAPTOP, "?hide=all")
    assert everything.page.locator('[data-testid="stSidebar"]').count() == 0 or \
        not everything.page.locator('[data-testid="stSidebar"]').is_visible()
    assert _on_first_screen(_box(everything.page, REGIONS), LAPTOP)
    everything.screenshot("stage-hide-all")


def test_a_view_copied_through_the_url_reopens_the_same(page_at):
    query = "?dataset=xor&speed=100&test=false&log_loss=true&panel=gradients&focus=h1.2"
    app = page_at(LAPTOP, query)
    app.click("step")
    app.wait_until(lambda: app.epoch() == 1, what="a step")
    title = app.page.locator(f'{REGIONS} .gtitle')
    app.wait_until(lambda: title.text_content().startswith("Neuron h1.2"),
                   what="the focused neuron")
    other = page_at(LAPTOP, "?" + app.page.url.split("?", 1)[1])
    assert other.query() == app.query()
    assert other.page.locator(f'{REGIONS} .gtitle').text_content().startswith("Neuron h1.2")
    assert other.input_value("Speed") == "100 epochs/s"
    drawn = other.page.evaluate("""(sel) => {
      const gd = document.querySelector(sel);
      return {traces: gd._fullData.length, log: gd._fullLayout.yaxis.type};
    }""", CURVES)
    assert drawn["log"] == "log"
    points = other.page.evaluate(f"""() => document.querySelector('{REGIONS}')
        ._fullData.map(t => t.name)""")
    assert points == ["train"]  # test points off


def test_back_leaves_the_app_after_settings_changes(server, browser):
    context = browser.new_context(viewport=LAPTOP)
    try:
        page = context.new_page()
        page.goto("about:blank")
        page.goto(server.url)
        page.wait_for_selector('.st-key-step button', timeout=30_000)
        page.wait_for_timeout(1000)
        for value in ("0.1", "0.3", "1"):  # three changes, each rewriting the URL
            choose_option(page, "Learning rate", value)
            page.wait_for_function(f"location.search.includes('learning_rate={value}')",
                                   timeout=10_000)
        page.go_back()
        page.wait_for_timeout(500)
        assert page.url == "about:blank", f"Back stayed in the app at {page.url}"
    finally:
        context.close()


def test_the_gradients_panel_at_epoch_0_and_after_reset(page_at):
    app = page_at(LAPTOP, "?panel=gradients")
    assert all_plots_drawn(app.page)
    app.click("step")
    app.wait_until(lambda: app.epoch() == 1, what="a step")
    app.click("reset")
    app.wait_until(lambda: app.epoch() == 0, what="reset")
    app.wait_until(lambda: all_plots_drawn(app.page), what="every plot drawn")
    assert not app.page.locator('[data-testid="stException"]').count()


def test_a_click_on_a_link_opens_the_editor_with_its_value(page_at):
    app = page_at(LAPTOP)
    page = app.page
    hover = page.evaluate(f"""() => {{
      const gd = document.querySelector('{DIAGRAM}');
      const t = gd._fullData.find(d => d.name === 'weights');
      const i = t.customdata.findIndex(c => c.length === 3 && c[0] === 1 && c[1] === 0
                                        && c[2] === 0);
      const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
      const box = gd.getBoundingClientRect();
      return {{x: box.left + xa._offset + xa.l2p(t.x[i]),
               y: box.top + ya._offset + ya.l2p(t.y[i])}};
    }}""")
    page.mouse.move(hover["x"], hover["y"])
    page.mouse.click(hover["x"], hover["y"])
    dialog = page.get_by_role("dialog")
    dialog.wait_for(timeout=10_000)
    box = dialog.get_by_role("spinbutton")
    label = dialog.locator('[data-testid="stNumberInput"] label').inner_text()
    now = float(label.split("now", 1)[1].strip(" )"))
    assert abs(float(box.input_value()) - now) < 1e-4 and now != 0
    app.screenshot("stage-editor")
    dialog.get_by_role("button", name="Apply").click()
    dialog.wait_for(state="hidden", timeout=10_000)


def test_the_mode_bar_stays_offline(page_at):
    app = page_at(LAPTOP)
    page = app.page
    page.hover(CURVES)
    titles = page.evaluate("""() => [...document.querySelectorAll('.modebar-btn')]
        .map(b => b.getAttribute('data-title'))""")
    assert titles, "the mode bar appears on hover"
    assert not [t for t in titles if "Chart Studio" in t or "cloud" in t.lower()]
