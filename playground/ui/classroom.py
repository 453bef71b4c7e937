"""One server, many sessions: a class that opens the same link.

All sessions of a Streamlit server share one Python process, and Python runs one
thread at a time. Left alone, ten playing pages each ask for a frame every 60 ms, each
frame trains and draws, and the process drowns: Pause waits its turn behind the frames,
and a late student's page never paints. So the sessions share out the process:

* **Frames**: the server draws at most ``FRAMES_PER_SECOND`` frames in all; with n
  pages playing, each page gets a frame every ``n / FRAMES_PER_SECOND`` seconds (never
  faster than its own pace asks).
* **Training**: at speed *max*, the pages playing share the training time of one page
  evenly: with n pages playing, each frame trains for 1/n of what it would alone.
* **One frame at a time**: the pages' frames take turns (a frame waiting for its turn
  sleeps), so the server's own thread, which serves pages and websockets, and the
  script runs people wait for never queue behind ten frames at once.
* **Controls first**: while any session runs its script for a person (a click, a slider,
  a page opening), training everywhere steps aside between slices.
* **Memory back**: a session whose browser has gone (closed tab) keeps its run only for
  ``server.disconnectedSessionTTL`` seconds; then the janitor drops it, even if no other
  session ever connects again (Streamlit itself only evicts on its next write).

Shared on purpose: the registry holds each session's last frame time and a handle to
release its run, never a session's data for another to read.
"""

from __future__ import annotations

import threading
import time

from streamlit.logger import get_logger

FRAME = 0.06  # seconds between frames of one page playing alone
FRAMES_PER_SECOND = 18.0  # frames the server draws per second, all pages together
LIVE_WINDOW = 2.0  # seconds: a page that drew a frame this recently is playing
RELEASED_KEYS = ("trainer", "last_figures", "_live_plot_sent", "_live_plot_memo", "pace",
                 "sw_owner",  # a sweep running for the session is cancelled (sweep_job.py)
                 "halted", "gif")

log = get_logger(__name__)


class Classroom:
    """The sessions of one server process and their shares of it."""

    def __init__(self):
        self._lock = threading.Lock()
        self._frames: dict[str, float] = {}  # session id -> time of its last frame
        self._seats: dict[str, tuple] = {}  # session id -> (state, last seen active)
        self._interactive: dict[str, int] = {}  # session id -> script runs for a person
        self._janitor: threading.Thread | None = None
        self._turns = threading.Lock()  # one page's frame at a time

    # ------------------------------------------------------------------ frames
    def playing(self, now: float | None = None) -> int:
        """Pages that drew a frame in the last ``LIVE_WINDOW`` seconds."""
        now = time.monotonic() if now is None else now
        with self._lock:
            for sid in [s for s, t in self._frames.items() if now - t > LIVE_WINDOW]:
                del self._frames[sid]
            return len(self._frames)

    def frame(self, session_id: str, now: float | None = None) -> tuple[float, int]:
        """Note a frame of ``session_id``; returns the time to its next frame and the
        number of pages playing (which share the training time)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._frames[session_id] = now
        n = self.playing(now)
        return max(FRAME, n / FRAMES_PER_SECOND), n

    def stopped(self, session_id: str) -> None:
        """``session_id`` paused: it no longer counts as playing."""
        with self._lock:
            self._frames.pop(session_id, None)

    def turn(self, stale, longest: float = 2.0):
        """A context in which one page draws its frame, the others waiting (asleep) for
        their turn; gives up waiting when ``stale()`` (a newer run of that page has
        started: it draws instead) or after ``longest`` seconds. Yields whether the
        turn was had."""
        return _Turn(self._turns, stale, longest)

    # ------------------------------------------------------------------ controls first
    def interactive(self, session_id: str):
        """A context for a script run a person is waiting for (not a live frame)."""
        return _Interactive(self, session_id)

    def busy(self, session_id: str) -> bool:
        """Whether another session waits for a script run: ``session_id`` steps aside."""
        with self._lock:  # (another thread may be adding or removing a session's count)
            return any(n > 0 for sid, n in self._interactive.items() if sid != session_id)

    def step_aside(self, session_id: str, longest: float = 1.0) -> None:
        """Sleep (letting other threads run) while another session waits for a script
        run, at most ``longest`` seconds."""
        end = time.monotonic() + longest
        while self.busy(session_id) and time.monotonic() < end:
            time.sleep(0.005)

    # ------------------------------------------------------------------ memory back
    def seat(self, session_id: str, state, is_active, ttl: float) -> None:
        """Watch a session: ``state`` (its session state, item deletion thread-safe),
        ``is_active(session_id)`` (whether its browser is still connected) and the
        seconds ``ttl`` a disconnected session keeps its run."""
        with self._lock:
            self._seats[session_id] = (state, time.monotonic())
            if self._janitor is None:
                self._janitor = threading.Thread(target=self._sweep, args=(is_active, ttl),
                                                 name="classroom-janitor", daemon=True)
                self._janitor.start()

    def seated(self) -> int:
        """Sessions whose runs are kept."""
        with self._lock:
            return len(self._seats)

    def _sweep(self, is_active, ttl: float) -> None:
        period = max(0.5, min(10.0, ttl / 4))
        while True:
            time.sleep(period)
            self.release_gone(is_active, ttl)

    def release_gone(self, is_active, ttl: float, now: float | None = None) -> int:
        """Drop the runs of sessions disconnected for more than ``ttl`` seconds; returns
        how many were released."""
        now = time.monotonic() if now is None else now
        gone = []
        with self._lock:
            for sid, (state, seen) in list(self._seats.items()):
                if is_active(sid):
                    self._seats[sid] = (state, now)
                elif now - seen > ttl:
                    gone.append((sid, state))
                    del self._seats[sid]
                    self._frames.pop(sid, None)
        for _, state in gone:
            for key in RELEASED_KEYS:
                try:
                    del state[key]
                except (KeyError, AttributeError):
                    pass
        if gone:
            log.info("released the runs of %d ended session(s); %d kept", len(gone),
                     self.seated())
        return len(gone)


class _Turn:
    def __init__(self, lock, stale, longest):
        self.lock, self.stale, self.longest, self.got = lock, stale, longest, False

    def __enter__(self) -> bool:
        end = time.monotonic() + self.longest
        while not self.got and not self.stale() and time.monotonic() < end:
            self.got = self.lock.acquire(timeout=0.02)
        return self.got

    def __exit__(self, *exc):
        if self.got:
            self.lock.release()


class _Interactive:
    def __init__(self, room: Classroom, session_id: str):
        self.room, self.sid = room, session_id

    def __enter__(self):
        with self.room._lock:
            self.room._interactive[self.sid] = self.room._interactive.get(self.sid, 0) + 1

    def __exit__(self, *exc):
        with self.room._lock:
            left = self.room._interactive.get(self.sid, 1) - 1
            if left:
                self.room._interactive[self.sid] = left
            else:
                self.room._interactive.pop(self.sid, None)


CLASSROOM = Classroom()  # one per server process


def join(ss) -> str:
    """This script run's session id; on the session's first run, seat it (so that its
    run is released once its browser has gone)."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    sid = ctx.session_id if ctx is not None else "local"
    if not ss.get("seated") and ctx is not None and Runtime.exists():
        import streamlit as st

        ttl = float(st.get_option("server.disconnectedSessionTTL"))
        CLASSROOM.seat(sid, ctx.session_state, Runtime.instance().is_active_session, ttl)
        ss.seated = True
    return sid
