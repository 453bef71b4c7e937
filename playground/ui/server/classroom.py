"""One server, many sessions: a class that opens the same link.

All sessions of a Streamlit server share one Python process, and Python runs one
thread at a time. Left alone, ten playing pages each ask for a batch of frames several
times a second, each trains and makes its frames, and the process drowns: Pause waits
its turn behind the batches, and a late student's page never paints. So the sessions
share out the process:

* **Batches**: a page playing asks for its frames in batches (see stream_view.py and
  stream.js: the page asks for the next batch once the last has come, so batches never
  queue up), one every ``BATCH`` seconds alone; with n pages playing (n > 1), the server
  takes ``RATE`` batches per second in all, each page one every ``n / RATE`` seconds,
  and each page gets fewer frames per second (down to ``MIN_FPS``): a batch and a frame
  cost a browser far more than the server (a batch 75-250 ms of its CPU, a frame
  8-10 ms: see docs/performance.md), and a class whose pages run on the server's own
  machine keeps room for training, a click and a late student's page.
* **Training**: at speed *max*, the pages playing share the training time of one page
  evenly: with n pages playing, each batch trains for 1/n of what it would alone.
* **One batch at a time**: the pages' batches take turns (a batch waiting for its turn
  sleeps), so the server's own thread, which serves pages and websockets, and the
  script runs people wait for never queue behind ten batches at once.
* **Controls first**: while any session runs its script for a person (a click, a slider,
  a page opening), and for ``WELCOME`` seconds after a page opened (while its browser
  loads Plotly and draws), the other pages' batches and training step aside; runs
  people wait for never step aside for each other (pages clicked at once).
* **Memory back**: a session whose browser has gone (closed tab: no script run and no
  heartbeat of its paused page for ``ALIVE`` seconds) keeps its run only for
  ``server.disconnectedSessionTTL`` seconds more; then the janitor drops the run, even if
  no other session ever connects again (Streamlit itself evicts a disconnected session
  only when a new one connects), and hands the freed memory back. A page's fragments
  read its state anew on each run, so the ones Streamlit keeps hold none of it.

Shared on purpose: the registry holds each session's last frame time and a handle to
release its run, never a session's data for another to read.
"""

from __future__ import annotations

import gc
import threading
import time
from contextlib import contextmanager
from functools import partial

from streamlit.logger import get_logger

from playground.ui.server.machine import fewer_arenas, give_back_to_system

BATCH = 0.5  # seconds between batches of frames of one page playing alone
RATE = 2.0  # batches per second, all pages playing together (when more than one plays)
WELCOME = 3.0  # seconds a page that just opened goes first (its browser loads and draws)
HEARTBEAT = 5.0  # seconds between a paused page's signs of life, at most...
ALIVE = 45.0  # ...and a page unseen this long has gone (a page still loading, a browser
# that runs a hidden tab's timers late, are seen again well within it)
LIVE_WINDOW = 5.0  # seconds: a page that drew a frame this recently is playing (or 3
# times its frame interval if longer: a busy browser draws late, and a page counted in and
# out at every late frame would re-time every page, over and over)
# the pages' states (the playground's run and figures; the Sweep page's job, cancelled
# with its owner: see job.py) and what the stage component keeps of its figures
RELEASED_KEYS = ("playground", "sweep_page", "stream_sent")

log = get_logger(__name__)


class Classroom:
    """The sessions of one server process and their shares of it."""

    def __init__(self):
        self._lock = threading.Lock()
        self._frames: dict[str, float] = {}  # session id -> time of its last frame
        self._seats: dict[str, tuple] = {}  # session id -> (state, last seen active)
        self._interactive: dict[str, int] = {}  # session id -> script runs for a person
        self._seen: dict[str, float] = {}  # session id -> its last script run or heartbeat
        self._janitor: threading.Thread | None = None
        self._turns = threading.Lock()  # one page's frame at a time
        self._arriving: dict[str, float] = {}  # session id -> end of its welcome
        self._is_active = lambda session_id: True  # until a session is seated

    # ------------------------------------------------------------------ frames
    def playing(self, now: float | None = None) -> int:
        """Pages playing: they drew a frame in the last ``LIVE_WINDOW`` seconds (or three
        of their frame intervals), did not stop since, and are still open."""
        now = time.monotonic() if now is None else now
        with self._lock:
            window = max(LIVE_WINDOW, 3 * len(self._frames) / RATE)
            for sid in [s for s, t in self._frames.items()
                        if now - t > window or not self._is_active(s)]:  # (a closed tab)
                del self._frames[sid]
            return len(self._frames)

    def frame(self, session_id: str, now: float | None = None) -> tuple[float, int]:
        """Note a batch of ``session_id``; returns the seconds to its next batch and the
        number of pages playing (which share the training time)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._frames[session_id] = now
        n = self.playing(now)
        return (BATCH if n == 1 else max(BATCH, n / RATE)), n

    def seen(self, session_id: str, now: float | None = None) -> None:
        """``session_id`` ran a script or sent a heartbeat: its browser is there."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._seen[session_id] = now

    def alive(self, session_id: str, window: float, now: float | None = None) -> bool:
        """Whether ``session_id`` was seen in the last ``window`` seconds."""
        now = time.monotonic() if now is None else now  # (no lock: called under it)
        return now - self._seen.get(session_id, now) <= window

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
    @contextmanager
    def interactive(self, session_id: str):
        """A context for a script run a person is waiting for (not a live frame)."""
        with self._lock:
            self._interactive[session_id] = self._interactive.get(session_id, 0) + 1
        try:
            yield
        finally:
            with self._lock:
                left = self._interactive.get(session_id, 1) - 1
                if left:
                    self._interactive[session_id] = left
                else:
                    self._interactive.pop(session_id, None)

    def welcome(self, session_id: str, now: float | None = None) -> None:
        """A page has just opened: for ``WELCOME`` seconds, while its browser loads and
        draws it, the others' frames and training step aside."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._arriving[session_id] = now + WELCOME

    def busy(self, session_id: str, now: float | None = None) -> bool:
        """Whether another session waits for a script run or has just opened:
        ``session_id`` steps aside. A script run a person waits for steps aside for no
        one (pages clicked at once would each wait for the others' runs, in turn)."""
        now = time.monotonic() if now is None else now
        with self._lock:  # (another thread may be adding or removing a session's count)
            for sid in [s for s, until in self._arriving.items() if until <= now]:
                del self._arriving[sid]
            if self._interactive.get(session_id):
                return False
            return (any(n > 0 for sid, n in self._interactive.items() if sid != session_id)
                    or any(sid != session_id for sid in self._arriving))

    def step_aside(self, session_id: str, longest: float = 1.0) -> None:
        """Sleep (letting other threads run) while another session waits for a script
        run, at most ``longest`` seconds."""
        end = time.monotonic() + longest
        while self.busy(session_id) and time.monotonic() < end:
            time.sleep(0.005)

    # ------------------------------------------------------------------ memory back
    def seat(self, session_id: str, state, is_active, ttl: float, close=None) -> None:
        """Watch a session: ``state`` (its session state, item deletion thread-safe),
        ``is_active(session_id)`` (whether its browser is still connected), the seconds
        ``ttl`` a disconnected session keeps its run, and ``close(session_id)``, which
        ends a disconnected session for good (or None)."""
        with self._lock:
            self._seats[session_id] = (state, time.monotonic())
            self._is_active = is_active
            if self._janitor is None:
                self._janitor = threading.Thread(target=self._sweep,
                                                 args=(is_active, ttl, close),
                                                 name="classroom-janitor", daemon=True)
                self._janitor.start()

    def seated(self) -> int:
        """Sessions whose runs are kept."""
        with self._lock:
            return len(self._seats)

    def _sweep(self, is_active, ttl: float, close) -> None:
        period = max(0.5, min(10.0, ttl / 4))
        while True:
            time.sleep(period)
            self.release_gone(is_active, ttl, close=close)

    def release_gone(self, is_active, ttl: float, now: float | None = None,
                     close=None) -> int:
        """Drop the runs of sessions disconnected for more than ``ttl`` seconds, and end
        those sessions with ``close(session_id)`` if given (what the server still kept
        of them: their widgets' state, their last unsent messages); returns how many
        were released."""
        now = time.monotonic() if now is None else now
        gone = []
        with self._lock:
            for sid, (state, seen) in list(self._seats.items()):
                if is_active(sid):
                    self._seats[sid] = (state, now)
                elif now - seen > ttl:
                    gone.append((sid, state))
                    del self._seats[sid]
                    self._seen.pop(sid, None)
                    self._frames.pop(sid, None)
        for sid, state in gone:
            for key in RELEASED_KEYS:
                try:
                    del state[key]
                except (KeyError, AttributeError):
                    pass
            if close is not None:
                close(sid)
        if gone:
            gc.collect()  # the runs' cycles too (no collection after each script run)
            give_back_to_system()
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


fewer_arenas()
CLASSROOM = Classroom()  # one per server process


def heartbeat(ttl: float) -> float:
    """Seconds between the signs of life a paused page sends (see stream.js): a page
    that sent none for ``ALIVE`` seconds has gone (its tab closed)."""
    return min(max(ttl / 4, 0.5), HEARTBEAT)


def session_id() -> str:
    """This script run's session id ("local" outside a server)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "local"


def alive() -> None:
    """A sign of life of this script run's session (a paused page's heartbeat)."""
    CLASSROOM.seen(session_id())


def join(ss) -> str:
    """This script run's session id; on the session's first run, seat it (so that its
    run is released once its browser has gone: no script run and no heartbeat for
    ``ALIVE`` seconds, then the TTL)."""
    import streamlit as st
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    sid = session_id()
    CLASSROOM.seen(sid)
    if not ss.get("seated") and ctx is not None and st.runtime.exists():
        ttl = float(st.get_option("server.disconnectedSessionTTL"))
        CLASSROOM.seat(sid, ctx.session_state, partial(CLASSROOM.alive, window=ALIVE), ttl)
        CLASSROOM.welcome(sid)
        ss.seated = True
    return sid
