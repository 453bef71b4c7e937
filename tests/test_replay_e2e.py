"""End-to-end: replay (scrub, play back, continue from here) and run files (download
in one page, open in another) in headless Chromium against `streamlit run`.
Screenshots go to ``artifacts/e2e-replay-*.png``."""

from __future__ import annotations

import json

import pytest
from conftest import ARTIFACTS, App

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1280, "height": 720}
REGIONS = '[aria-label="Decision regions"]'
DIAGRAM = '[aria-label="Network diagram"]'
RUN_FILE_INPUT = '[data-testid="stPopoverBody"] [data-testid="stFileUploaderDropzoneInput"]'


def regions_title(app: App) -> str:
    return app.page.locator(f"{REGIONS} .gtitle").first.text_content()


def _inside(box, viewport) -> bool:
    return (box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= viewport["width"]
            and box["y"] + box["height"] <= viewport["height"])


def _scrub(app: App, key: str) -> None:
    """Focus the scrubber's thumb and press ``key`` (Home, End, ArrowLeft, ...)."""
    thumb = app.page.locator('.st-key-replay input[type="range"]').first
    thumb.focus()
    thumb.press(key)


def test_scrubbing_shows_earlier_epochs_and_continue_branches(page_at):
    app = page_at(LAPTOP, "?at=120")  # a link to epoch 120: trained there, paused
    app.wait_until(lambda: regions_title(app) == "Output at epoch 120", what="epoch 120")
    assert app.epoch() == 120
    # the stage still fits one screen with the scrubber row
    for sel in (REGIONS, DIAGRAM, ".st-key-replay"):
        box = app.page.locator(sel).first.bounding_box()
        assert _inside(box, LAPTOP), (sel, box)
    app.screenshot("replay-1280x720")
    loss_at_120 = app.loss()
    _scrub(app, "Home")
    app.wait_until(lambda: regions_title(app) == "Output at epoch 0", what="scrub to 0")
    app.wait_query(at="0")
    assert app.epoch() == 0 and app.loss() != loss_at_120
    for epoch in range(1, 6):  # one key press at a time, each shown before the next
        _scrub(app, "ArrowRight")
        app.wait_until(lambda e=epoch: regions_title(app) == f"Output at epoch {e}",
                       what=f"→ to scrub to epoch {epoch}")
    app.wait_query(at="5")
    curves = app.page.locator('[aria-label="Loss and accuracy curves"]')
    assert "epoch 5" in curves.inner_text()  # the marker on the curves
    app.screenshot("replay-scrubbed")
    app.click("replay_continue")
    app.page.get_by_text("Continuing from epoch 5").wait_for()
    app.wait_until(lambda: app.query().get("at") is None, what="at= to leave the URL")
    assert app.epoch() == 5
    app.click("step")
    app.wait_until(lambda: app.epoch() == 6, what="one epoch after the branch")


def test_play_back_walks_through_the_history(page_at):
    app = page_at(LAPTOP, "?at=60")
    app.wait_until(lambda: regions_title(app) == "Output at epoch 60", what="epoch 60")
    app.choose("Replay length", "in 5 s")
    app.click("replay_play")
    seen = set()
    app.wait_until(lambda: seen.add(regions_title(app)) or len(seen) >= 4,
                   what="the play-back to show several epochs")
    app.wait_until(lambda: app.button("replay_play").inner_text().endswith("Replay"),
                   timeout=15, what="the play-back to end")
    app.wait_until(lambda: regions_title(app) == "Output at epoch 60",
                   what="the play-back to end at the latest epoch")
    app.page.wait_for_timeout(1000)
    assert regions_title(app) == "Output at epoch 60" and app.epoch() == 60  # it stays
    assert app.query().get("at") is None


def test_a_downloaded_run_opens_in_a_new_page(page_at, tmp_path):
    first = page_at(LAPTOP, "?dataset=xor&optimizer=adam&at=80")
    first.wait_until(lambda: regions_title(first) == "Output at epoch 80", what="epoch 80")
    first.page.locator(".st-key-toolbar").get_by_role("button", name="Run").click()
    with first.page.expect_download() as info:
        first.page.get_by_role("button", name="Download this run").click()
    path = tmp_path / "run.json"
    info.value.save_as(path)
    body = json.loads(path.read_text())
    assert body["epoch"] == 80 and body["config"]["dataset"] == "xor"
    # a fresh page (default settings) opens it: settings, weights, curves come back
    second = page_at(LAPTOP)
    assert second.epoch() == 0
    second.page.locator(".st-key-toolbar").get_by_role("button", name="Run").click()
    second.page.locator(RUN_FILE_INPUT).set_input_files(path)
    second.page.get_by_text("Opened 'run.json'").wait_for()
    second.wait_until(lambda: second.epoch() == 80, what="the opened run's epoch")
    assert second.loss() == first.loss()
    second.wait_query(dataset="xor", optimizer="adam")
    assert second.input_value("Dataset") == "Exclusive or"
    ARTIFACTS.mkdir(exist_ok=True)
    second.screenshot("replay-opened")
    # a tampered file: a plain message, and the run stays
    bad = tmp_path / "bad.json"
    bad.write_text(path.read_text().replace('"epoch":80', '"epoch":81'))
    second.page.keyboard.press("Escape")
    second.page.locator(".st-key-toolbar").get_by_role("button", name="Run").click()
    second.page.locator(RUN_FILE_INPUT).set_input_files(bad)
    second.page.get_by_text("was changed after it was saved").wait_for()
    assert second.epoch() == 80
    second.screenshot("replay-bad-file")


def test_plots_save_as_png_and_svg_offline(page_at, tmp_path):
    app = page_at(LAPTOP, "?at=10")
    page = app.page
    for title, suffix in (("Download plot as SVG", ".svg"), ("Download plot as a png", ".png")):
        page.hover(REGIONS)
        button = page.locator(f'{REGIONS} .modebar-btn[data-title="{title}" i]')
        with page.expect_download() as info:
            button.click()
        path = tmp_path / f"regions{suffix}"
        info.value.save_as(path)
        assert info.value.suggested_filename == f"playground-regions{suffix}"
        head = path.read_bytes()[:200]
        assert (b"<svg" in head) if suffix == ".svg" else head.startswith(b"\x89PNG")
