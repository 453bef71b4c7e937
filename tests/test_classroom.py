"""Sharing one server among many sessions: frames, training shares, controls first,
memory given back (the scheduler alone; tests/test_classroom_e2e.py runs a server)."""

import threading
import time

from playground.ui.classroom import FRAME, FRAMES_PER_SECOND, LIVE_WINDOW, Classroom


def test_pages_playing_share_the_frames():
    room = Classroom()
    assert room.frame("a", now=100.0) == (FRAME, 1)  # alone: every frame
    for i in range(9):
        room.frame(f"p{i}", now=100.0)
    every, playing = room.frame("a", now=100.1)
    assert playing == 10 and every == 10 / FRAMES_PER_SECOND
    room.stopped("p0")
    assert room.playing(now=100.1) == 9
    assert room.playing(now=100.1 + LIVE_WINDOW + 0.1) == 0  # pages that stopped drawing


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


def test_ended_sessions_give_their_runs_back():
    room = Classroom()
    active = {"a": True, "b": True}
    states = {sid: {"trainer": object(), "last_figures": {}, "w_noise": 0.1} for sid in active}
    for sid in active:
        room._seats[sid] = (states[sid], 0.0)  # seated at t=0 (no janitor thread here)
    assert room.release_gone(active.get, ttl=60, now=10.0) == 0
    active["b"] = False  # b's tab closed at about t=10
    assert room.release_gone(active.get, ttl=60, now=50.0) == 0  # within the TTL
    assert room.release_gone(active.get, ttl=60, now=80.0) == 1
    assert "trainer" not in states["b"] and "last_figures" not in states["b"]
    assert states["b"]["w_noise"] == 0.1  # only the run and its figures go
    assert "trainer" in states["a"] and room.seated() == 1


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
