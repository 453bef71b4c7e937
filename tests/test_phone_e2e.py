"""End-to-end: a phone's 390x844. The toolbar's labels read whole (the pace says
"30 epochs/s", not "30 epochs/"), and the decision regions are on the first screen,
whole, without scrolling; the diagram has no bands of empty room around it. Screenshot:
``artifacts/e2e-phone-first-screen.png``."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
REGIONS = '[aria-label="Decision regions"]'


def test_a_phone_reads_the_toolbar_and_sees_the_regions_on_its_first_screen(page_at):
    app = page_at(PHONE)
    page = app.page
    cut = page.evaluate("""() => {
      const cut = [];
      const speed = document.querySelector('.st-key-speed input');
      if (speed.scrollWidth > speed.clientWidth + 1) cut.push('speed: ' + speed.value);
      for (const p of document.querySelectorAll('.st-key-toolbar button p')) {
        const box = p.parentElement;
        if (box.scrollWidth > box.clientWidth + 1) cut.push(p.textContent);
      }
      return cut;
    }""")
    assert not cut, f"labels cut short: {cut}"
    assert app.input_value("Speed") == "30 epochs/s"
    regions = page.locator(REGIONS).first.bounding_box()
    assert regions["y"] >= 0 and regions["y"] + regions["height"] <= PHONE["height"], regions
    assert page.evaluate("window.scrollY") == 0
    app.screenshot("phone-first-screen")


DIAGRAM = '[aria-label="Network diagram"]'


def _room_around_drawing(page, selector: str) -> dict:
    """The figure's height and its drawing's (the diagram's picture of neurons, a layout
    image), in CSS pixels."""
    return page.evaluate("""(sel) => {
      const gd = document.querySelector(sel);
      const drawing = gd.querySelector('.imagelayer image, .layer-below image');
      return {figure: gd.getBoundingClientRect().height,
              drawing: drawing.getBoundingClientRect().height};
    }""", selector)


def test_a_phone_draws_the_diagram_without_bands_of_empty_room(page_at):
    """One column: a figure whose drawing keeps its shape is no taller than the drawing
    needs at the phone's width (its fixed height left 240 px around the diagram)."""
    app = page_at(PHONE)
    page = app.page
    room = _room_around_drawing(page, DIAGRAM)
    assert room["figure"] - room["drawing"] < 110, room  # the titles, the +/- rows (85)
    regions = page.locator(REGIONS).first.bounding_box()
    diagram = page.locator(DIAGRAM).first.bounding_box()
    assert regions["y"] + regions["height"] <= diagram["y"] + 1
    assert diagram["y"] < PHONE["height"]  # the diagram starts on the first screen
