"""A class on one server, as used: a real `streamlit run` and headless Chromium. Pages
playing at once all train, Pause stops one page while the others play on, and the runs
of closed tabs are released once their TTL is over, with no other session connecting
(the scheduler's rules alone: tests/test_classroom.py)."""

from __future__ import annotations

import re
import time

import pytest
from conftest import App, StreamlitServer

pytestmark = pytest.mark.e2e

TTL = 2  # seconds a closed tab keeps its run (60 in .streamlit/config.toml)


@pytest.fixture(scope="module")
def short_ttl_server():
    srv = StreamlitServer(options={"server.disconnectedSessionTTL": TTL})
    yield srv
    srv.stop()


def released(server) -> int:
    """Sessions whose runs the janitor released, from the server's log."""
    text = server.log_path.read_text()
    return sum(int(n) for n in re.findall(r"released the runs of (\d+) ended", text))


def test_a_class_plays_together_pauses_alone_and_gives_its_runs_back(short_ttl_server,
                                                                      browser):
    server = short_ttl_server
    before = released(server)
    pages = [App(browser, server.url + "?speed=max") for _ in range(3)]
    try:
        for app in pages:
            app.click("play")
        for app in pages:  # every page trains while the others play
            start = app.wait_until(app.epoch, what="an epoch shown")
            app.wait_until(lambda a=app, s=start: a.epoch() > s + 20, timeout=60,
                           what="this page training while two others play")

        first, others = pages[0], pages[1:]
        first.click("play")  # Pause
        first.wait_until(lambda: first.play_label().endswith("Play"), timeout=30,
                         what="the Play label back after Pause")
        first.page.wait_for_timeout(1500)  # a frame asked for before the click may land
        paused_at = first.epoch()
        marks = [app.epoch() for app in others]
        first.page.wait_for_timeout(2000)
        assert first.epoch() == paused_at  # stopped...
        for app, mark in zip(others, marks, strict=True):  # ...while the others play on
            app.wait_until(lambda a=app, m=mark: a.epoch() > m, timeout=30,
                           what="another page still training after one paused")
        for app in pages:
            app.assert_no_errors()
    finally:
        for app in pages:
            app.close()

    # the tabs are closed and nobody connects again: the runs still go, after the TTL
    deadline = time.monotonic() + 60
    while released(server) < before + len(pages) and time.monotonic() < deadline:
        time.sleep(0.25)
    assert released(server) == before + len(pages)
