"""End-to-end: a phone's 390x844. The toolbar's labels read whole (the pace says
"30 epochs/s", not "30 epochs/"), and the decision regions are on the first screen,
whole, without scrolling. Screenshot: ``artifacts/e2e-phone-first-screen.png``."""

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
