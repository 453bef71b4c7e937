"""Sharing one server among many sessions: frames, training shares, controls first,
memory given back (the scheduler alone; tests/test_classroom_e2e.py runs a server)."""

import gc
import threading
import time
import weakref

import pytest
from conftest import button, run_app

from playground.ui.server.classroom import (
    BATCH,
    LIVE_WINDOW,
    RATE,
    WELCOME,
    Classroom,
)


def test_pages_playing_share_the_batches():
    room = Classroom()
    assert room.frame("a", now=100.0) == (BATCH, 1)  # alone: a batch every BATCH seconds
    for i in range(9):
        room.frame(f"p{i}", now=100.0)
    every, playing = room.frame("a", now=100.1)
    assert playing == 10 and every == 10 / RATE  # RATE batches a second in all
    assert room.frame("p1", now=100.2)[0] * RATE / 10 == pytest.approx(1.0)
    room.stopped("p0")
    assert room.playing(now=100.1) == 9
    assert room.frame("a", now=100.2) == (max(BATCH, 9 / RATE), 9)
    for i in range(1, 9):
        room.stopped(f"p{i}")
    assert room.frame("a", now=100.3) == (BATCH, 1)  # alone again: never held back
    assert room.playing(now=100.3 + LIVE_WINDOW + 0.1) == 0  # pages that stopped drawing


def test_a_page_drawing_late_still_counts_as_playing():
    room = Classroom()
    for i in range(10):
        room.frame(f"p{i}", now=100.0)
    # a busy browser asks for some pages' batches late: they stay counted (the others'
    # batches are not re-spaced each time one is late)
    room.frame("p0", now=100.0 + LIVE_WINDOW - 0.5)
    assert room.playing(now=100.0 + LIVE_WINDOW - 0.4) == 10
    # a tab closed while playing stops counting at once (its batches just stop coming)
    room.seat("p9", {}, lambda sid: sid != "p9", ttl=60)
    assert room.playing(now=100.0 + LIVE_WINDOW - 0.3) == 9


def test_training_steps_aside_while_another_session_waits():
    room, waited = Classroom(), []
    assert not room.busy("a")
    with room.interactive("b"):
        assert room.busy("a") and not room.busy("b")  # never for one's own run
        t0 = time.monotonic()
        room.step_aside("a", longest=0.05)
        waited.append(time.monotonic() - t0)
    assert waited[0] >= 0.05 and not room.busy("a")

    def click():
        with room.interactive("b"):
            time.sleep(0.05)

    t = threading.Thread(target=click)
    t.start()
    time.sleep(0.01)
    room.step_aside("a", longest=10)  # returns as soon as the click's run is done
    t.join()
    assert not room.busy("a")


def test_runs_people_wait_for_never_wait_for_each_other():
    # three pages clicked at once: each page's run trains its first batch, stepping aside
    # between slices; were they to step aside for each other, each slice would wait
    room = Classroom()
    room.welcome("new", now=time.monotonic())
    with room.interactive("a"), room.interactive("b"):
        assert not room.busy("a") and not room.busy("b")
        assert room.busy("c")  # a page's batch still steps aside for them
        t0 = time.monotonic()
        room.step_aside("a", longest=5)
        assert time.monotonic() - t0 < 0.5
    assert room.busy("a")  # the page that just opened still goes first


def test_a_page_that_just_opened_goes_first():
    room = Classroom()
    room.welcome("new", now=100.0)
    assert room.busy("a", now=100.5) and not room.busy("new", now=100.5)
    assert not room.busy("a", now=100.0 + WELCOME + 0.01)  # welcomed: back to sharing


def test_ended_sessions_give_their_runs_back():
    room = Classroom()
    active = {"a": True, "b": True}
    states = {sid: {"playground": object(), "stream_sent": {}, "w_noise": 0.1}
              for sid in active}
    for sid in active:
        room._seats[sid] = (states[sid], 0.0)  # seated at t=0 (no janitor thread here)
    assert room.release_gone(active.get, ttl=60, now=10.0) == 0
    active["b"] = False  # b's tab closed at about t=10
    assert room.release_gone(active.get, ttl=60, now=50.0) == 0  # within the TTL
    ended = []
    assert room.release_gone(active.get, ttl=60, now=80.0, close=ended.append) == 1
    assert ended == ["b"]  # the session itself ends too (what the server kept of it)
    assert "playground" not in states["b"] and "stream_sent" not in states["b"]
    assert states["b"]["w_noise"] == 0.1  # only the run and its figures go
    assert "playground" in states["a"] and room.seated() == 1


def test_frames_take_turns_and_a_stale_one_gives_up_waiting():
    room, order = Classroom(), []

    def frame(name, hold):
        with room.turn(lambda: False) as mine:
            order.append((name, mine, "in"))
            time.sleep(hold)
            order.append((name, mine, "out"))

    first = threading.Thread(target=frame, args=("a", 0.1))
    first.start()
    time.sleep(0.02)
    frame("b", 0)  # waits (asleep) for a's frame to end
    first.join()
    assert [o[0] + o[2] for o in order] == ["ain", "aout", "bin", "bout"]
    assert all(o[1] for o in order)
    with room.turn(lambda: False):  # someone holds the turn...
        with room.turn(lambda: True) as mine:  # ...and a stale frame does not wait
            assert not mine


def test_a_released_run_is_held_by_none_of_the_pages_fragments():
    # the live view, By the numbers and a lesson's goal are fragments, which Streamlit
    # keeps for a session until it ends (a closed tab's: long after its run is released)
    at = run_app({"lesson": "circle", "step": "2", "panel": "numbers"})
    button(at, "play").click().run()
    state = at.session_state["playground"]
    assert state.playing
    gone = weakref.ref(state)
    del state
    room = Classroom()
    room.seat("closed", at.session_state, lambda sid: False, ttl=1.0)
    assert room.release_gone(lambda sid: False, 1.0, now=time.monotonic() + 5) == 1
    gc.collect()
    assert gone() is None
