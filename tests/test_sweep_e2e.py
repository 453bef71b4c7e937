"""End-to-end: the Sweep page in headless Chromium against `streamlit run`: a 3x3 sweep
fills in nine thumbnails, one click opens a run in the playground; the page stays live
while a sweep trains, and Cancel stops it. Screenshots go to ``artifacts/sweep-*.png``."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import ARTIFACTS

pytestmark = pytest.mark.e2e

THUMBS = '[aria-label="Sweep thumbnails"] .imagelayer image'
# Opening /sweep directly, Streamlit's page first probes /sweep/_stcore/health and
# /sweep/_stcore/host-config (404) before finding the server's root: its own, harmless.
PROBES = ("/sweep/_stcore/health", "/sweep/_stcore/host-config")


class SweepPage:
    def __init__(self, browser, url: str, viewport=None):
        self.context = browser.new_context(viewport=viewport or {"width": 1280, "height": 720})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.goto(url)

    def _console(self, msg) -> None:
        url = msg.location.get("url", "")
        if msg.type == "error" and not url.endswith(PROBES):
            self.errors.append(f"{msg.text} ({url})")

    def button(self, key: str):
        return self.page.locator(f".st-key-{key} button:visible").first

    def query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.page.url).query).items()}

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"sweep-{name}.png"))

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def sweep_page(server, browser):
    opened = []

    def open_page(query: str, viewport=None):
        p = SweepPage(browser, server.url + "sweep?" + query, viewport)
        opened.append(p)
        p.button("sw_run").wait_for(timeout=30_000)
        return p

    yield open_page
    try:
        for p in opened:
            assert not p.errors, "browser errors:\n" + "\n".join(p.errors)
    finally:
        for p in opened:
            p.close()


def test_a_3x3_sweep_shows_nine_thumbnails_and_one_click_opens_a_run(sweep_page):
    s = sweep_page("x_values=0.03,0.3,3&y_values=2,4,8&epochs=150")
    page = s.page
    s.button("sw_run").click()
    page.wait_for_function(f"document.querySelectorAll('{THUMBS}').length === 9",
                           timeout=90_000)
    page.get_by_text("done: 9 of 9 runs").wait_for(timeout=30_000)
    # (the figures and the table may land a rerun after the message: wait for each)
    for label in ("Test loss heatmap", "Loss curves of every run"):
        page.locator(f'[aria-label="{label}"] .main-svg').first.wait_for(timeout=15_000)
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=15_000)
    assert page.locator('[data-testid="stDataFrame"]').count() == 1
    s.shot("3x3-1280x720")
    # the middle thumbnail: learning rate 0.3, hidden width 4
    box = page.locator(THUMBS).nth(4).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    s.button("play").wait_for(timeout=30_000)
    page.wait_for_function("new URLSearchParams(location.search).get('learning_rate') === '0.3'",
                           timeout=10_000)
    assert not urlsplit(page.url).path.rstrip("/").endswith("sweep")
    assert s.query()["hidden"] == "4,4"
    assert page.get_by_label("Layer 1", exact=True).input_value() == "4"
    epoch = page.locator('[data-testid="stMetric"]').filter(has_text="Epoch").first
    # at its trained state, not a fresh run at epoch 0
    assert epoch.locator('[data-testid="stMetricValue"]').inner_text().strip() == "150"
    s.shot("opened-1280x720")


def test_the_page_stays_live_while_a_sweep_trains_and_cancel_stops_it(sweep_page):
    s = sweep_page("x=width&x_values=1,2,4,8,16,32&y_values=0.01,0.1,1&y=learning_rate"
                   "&epochs=3000")
    page = s.page
    s.button("sw_run").click()
    bar = page.locator('[data-testid="stProgress"]')
    bar.wait_for(timeout=30_000)
    first = bar.inner_text()
    page.wait_for_function("(t) => { const p = document.querySelector("
                           "'[data-testid=\"stProgress\"]'); return p && p.innerText !== t; }",
                           arg=first, timeout=20_000)  # the elapsed time ticks on
    s.button("sw_cancel").click()
    page.get_by_text("cancelled after").wait_for(timeout=60_000)
    # Run comes back (the rerun that re-enables it may land just after the message)
    page.wait_for_function("() => [...document.querySelectorAll('.st-key-sw_run button')]"
                           ".some(b => b.offsetWidth > 0 && !b.disabled)", timeout=15_000)
    assert s.button("sw_run").is_enabled()
    s.shot("cancelled-1280x720")


def test_the_top_bar_links_both_pages_and_hide_all_leaves_only_the_stage(server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        page.goto(server.url + "?dataset=xor")
        page.locator(".st-key-play button:visible").first.wait_for(timeout=30_000)
        page.get_by_role("link", name="Sweep").click()
        page.locator(".st-key-sw_run button:visible").first.wait_for(timeout=30_000)
        # the sweep varies the playground's settings, and its link says so
        assert "xor" in page.locator('[data-testid="stSidebar"]').inner_text()
        page.wait_for_function("location.search.includes('dataset=xor')", timeout=10_000)
        page.goto(server.url + "?hide=all")
        page.locator(".st-key-play button:visible").first.wait_for(timeout=30_000)
        assert page.get_by_role("link", name="Sweep").count() == 0
    finally:
        context.close()
