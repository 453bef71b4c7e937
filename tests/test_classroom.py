"""Sharing one server among many sessions: frames, training shares, controls first,
memory given back (the scheduler alone; tests/test_classroom_e2e.py runs a server)."""

import threading
import time

import pytest

from playground.ui.server.classroom import (
    ADJUST,
    BATCH,
    LIVE_WINDOW,
    MAX_RATE,
    MIN_RATE,
    WELCOME,
    Classroom,
)
from playground.ui.server.machine import MachineLoad


class StatFile:
    """A stand-in for /proc/stat whose CPU counters the test moves on."""

    def __init__(self, path):
        self.path, self.total, self.idle = path, 0, 0
        self.write()

    def write(self):
        busy = self.total - self.idle  # user, nice, system, idle, iowait, ...
        self.path.write_text(f"cpu  {busy} 0 0 {self.idle} 0 0 0 0 0 0\ncpu0 1 2 3 4\n")

    def spend(self, busy_share, ticks=1000):
        self.total += ticks
        self.idle += round(ticks * (1 - busy_share))
        self.write()


@pytest.fixture
def stat(tmp_path):
    return StatFile(tmp_path / "stat")


def test_pages_playing_share_the_frames(stat):
    room = Classroom(MachineLoad(str(stat.path)))
    assert room.frame("a", now=100.0) == (BATCH, 1)  # alone: every frame
    for i in range(9):
        room.frame(f"p{i}", now=100.0)
    every, playing = room.frame("a", now=100.1)
    assert playing == 10 and every == 10 / MAX_RATE
    room.stopped("p0")
    assert room.playing(now=100.1) == 9
    assert room.playing(now=100.1 + LIVE_WINDOW + 0.1) == 0  # pages that stopped drawing


def test_a_page_drawing_late_still_counts_as_playing(stat):
    room = Classroom(MachineLoad(str(stat.path)))
    for i in range(10):
        room.frame(f"p{i}", now=100.0)
    # a busy browser draws some pages' frames late: they stay counted (no re-timing of
    # every page each time one frame is late)
    room.frame("p0", now=100.0 + LIVE_WINDOW - 0.5)
    assert room.playing(now=100.0 + LIVE_WINDOW - 0.4) == 10
    # a tab closed while playing stops counting at once (its frames just stop coming)
    room.seat("p9", {}, lambda sid: sid != "p9", ttl=60)
    assert room.playing(now=100.0 + LIVE_WINDOW - 0.3) == 9


def test_the_frame_rate_follows_how_busy_the_machine_is(stat):
    room = Classroom(MachineLoad(str(stat.path)))
    t = 1000.0
    for i in range(10):
        room.frame(f"p{i}", now=t)
    rates = []
    for _ in range(12):  # the pages' browsers and the server keep the machine busy
        t += ADJUST
        stat.spend(0.95)
        for i in range(10):
            room.frame(f"p{i}", now=t)
        rates.append(room.rate)
    assert rates == sorted(rates, reverse=True) and rates[-1] == MIN_RATE
    every, playing = room.frame("p1", now=t)
    assert playing == 10 and every == pytest.approx(10 / MIN_RATE)
    stat.spend(0.7)  # between the two marks: the rate stays
    t += ADJUST
    room.frame("p0", now=t)
    assert room.rate == MIN_RATE
    for _ in range(40):  # room again (fewer pages, a browser closed): more frames
        t += ADJUST
        stat.spend(0.3)
        room.frame("p0", now=t)
    assert room.rate == MAX_RATE
    # a page playing alone is never held back, however busy the machine
    lone = Classroom(MachineLoad(str(stat.path)))
    for _ in range(12):
        t += ADJUST
        stat.spend(1.0)
        assert lone.frame("a", now=t) == (BATCH, 1)


def test_machine_load_reads_the_cpu_counters(stat, tmp_path):
    load = MachineLoad(str(stat.path))
    stat.spend(0.25)
    assert load.busy() == pytest.approx(0.25)
    assert load.busy() is None  # no time passed
    assert MachineLoad(str(tmp_path / "missing")).busy() is None  # not Linux: unknown
    (tmp_path / "odd").write_text("cpu  x y\n")
    assert MachineLoad(str(tmp_path / "odd")).busy() is None


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
