"""Drive the real app for end-to-end tests and benchmarks (no Streamlit import here).

* :class:`StreamlitServer`: ``streamlit run app.py`` on 127.0.0.1 and a free port; the
  one who starts it stops it (``stop()`` or ``with StreamlitServer() as srv:``).
* :data:`CHROMIUM` / :data:`CHROMIUM_ARGS`: the system Chromium for Playwright
  (``executable_path=CHROMIUM``; never ``playwright install``).
* :data:`PAINT_PROBE`: an init script that watches every graph div of the stage in a
  ``requestAnimationFrame`` loop: painted updates per plot (its ``data-frames`` counter
  changes), blank frames, remounts and the time of the first full paint
  (:data:`PROBE_START` / :data:`PROBE_STOP` bracket a measurement).
* ``/proc`` helpers: process trees, CPU ticks and resident memory.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """`streamlit run app.py` on 127.0.0.1 and a free port (or ``port``); stop() ends
    it. ``options`` are Streamlit config options, e.g. ``{"server.disconnectedSessionTTL":
    2}``. Output goes to ``artifacts/streamlit-<port>.log``. ``started_at`` is the
    ``time.monotonic()`` at which the health endpoint first answered.
    """

    def __init__(self, app: Path = ROOT / "app.py", *, timeout: float = 60.0,
                 options: dict | None = None, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"streamlit-{self.port}.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(app), "--server.address",
             "127.0.0.1", "--server.port", str(self.port), "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
             *(f"--{k}={v}" for k, v in (options or {}).items())],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        self.pid = self.proc.pid
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + "_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        self.started_at = time.monotonic()
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"streamlit did not start within {timeout:g} s (see {self.log_path})")

    def pids(self) -> list[int]:
        """The server process and its descendants."""
        return [self.pid, *descendants(self.pid)]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not self.log.closed:
            self.log.close()

    def __enter__(self) -> StreamlitServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# ------------------------------------------------------------------ /proc helpers
def _stat_fields(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def descendants(root: int) -> list[int]:
    """All descendant pids of ``root`` (children, grandchildren, ...)."""
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                kids.setdefault(int(_stat_fields(int(d))[1]), []).append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [root]
    while todo:
        for child in kids.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def cpu_seconds(pids) -> float:
    """User + system CPU seconds used so far by ``pids`` (vanished pids count 0)."""
    ticks = 0
    for pid in pids:
        try:
            parts = _stat_fields(pid)
            ticks += int(parts[11]) + int(parts[12])
        except (OSError, IndexError, ValueError):
            pass
    return ticks / CLK_TCK


def rss_mb(pids) -> float:
    """Resident memory of ``pids`` in MB (sum; shared pages count once per process)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1])
        except (OSError, IndexError, ValueError):
            pass
    return total * PAGE_SIZE / 1e6


# ------------------------------------------------------------------ in-page probe
PAINT_PROBE = """
(() => {
  if (window.__probe) return;
  const MIN_PLOTS = %(min_plots)d;
  const NEXT = %(next)s;
  const P = window.__probe = {samples: 0, blank: 0, remountFrames: 0, changes: {},
    names: {}, mounts: 0, firstPaint: null, last: new Map(), measuring: false,
    blankKinds: {}, watched: [], t0: performance.now(), tm: null};
  P.why = (gd) => {
    if (!gd || !gd.isConnected || !gd.calcdata || !gd._fullLayout || gd.clientHeight === 0)
      return 'nocalc';
    if (!gd.querySelector('.main-svg')) return 'nosvg';
    const hm = (gd._fullData || []).some(t => t.type === 'heatmap' && t.visible !== false);
    if (hm && !gd.querySelector('.hm image')) return 'noimage';
    const pictures = (gd._fullLayout.images || []).length;
    if (pictures && !gd.querySelector('.imagelayer image')) return 'noimage';
    return null;
  };
  const nameOf = (gd) => gd.dataset.figure || gd.id || 'plot';
  // Every plot of the stage (a Plotly graph div) by figure name.
  P.plots = () => {
    const out = {};
    for (const gd of document.querySelectorAll('.js-plotly-plot.np-plot')) out[nameOf(gd)] = gd;
    return out;
  };
  // All plots drawn: at least MIN_PLOTS cells and every cell drawn.
  P.allDrawn = () => {
    const gds = Object.values(P.plots());
    return gds.length >= MIN_PLOTS && gds.every(gd => !P.why(gd));
  };
  function tick() {
    const plots = P.plots();
    let remounted = false, missing = false;
    for (const [n, gd] of Object.entries(plots)) {
      if (!gd.__pid) {
        gd.__pid = ++P.mounts;
        if (P.measuring && P.watched.includes(n)) remounted = true;
        P.names[gd.__pid] = n;
      }
      // data-frames: updates the stage applied to this plot (drawn, or a frame painted)
      const frames = Number(gd.dataset.frames || 0);
      if (frames && P.last.get(gd.__pid) !== frames) {
        P.last.set(gd.__pid, frames);
        if (P.measuring) P.changes[n] = (P.changes[n] || 0) + 1;
      }
    }
    if (P.measuring) {
      for (const n of P.watched) {
        const w = P.why(plots[n]);
        if (w) { missing = true; P.blankKinds[n + ':' + w] = (P.blankKinds[n + ':' + w] || 0) + 1; }
      }
      P.samples++;
      if (missing || remounted) P.blank++;
      if (remounted) P.remountFrames++;
    }
    if (P.firstPaint === null && P.allDrawn()) P.firstPaint = performance.now();
    NEXT(tick);
  }
  NEXT(tick);
})();
"""

# Start measuring: watch the plots drawn right now; blank = one of them missing or not drawn.
PROBE_START = """(() => { const P = window.__probe; P.measuring = true; P.samples = 0;
  P.blank = 0; P.remountFrames = 0; P.changes = {}; P.blankKinds = {};
  P.watched = Object.entries(P.plots()).filter(([n, gd]) => !P.why(gd)).map(([n]) => n);
  P.mounts0 = P.mounts; P.tm = performance.now();
  P.stream0 = {...(window.npStream || {})}; })()"""

PROBE_STOP = """(() => { const P = window.__probe; P.measuring = false;
  const s = window.npStream || {}, s0 = P.stream0 || {};
  const delta = Object.fromEntries(Object.keys(s).map(k => [k, s[k] - (s0[k] || 0)]));
  return {seconds: (performance.now() - P.tm) / 1000, samples: P.samples, blank: P.blank,
          remountFrames: P.remountFrames, changes: P.changes, blankKinds: P.blankKinds,
          watched: P.watched, newDivs: P.mounts - P.mounts0, stream: delta}; })()"""


def paint_probe(min_plots: int = 4, every_ms: int | None = None) -> str:
    """The init script of :data:`PAINT_PROBE`: first paint = at least ``min_plots`` live
    plots and all of them drawn (``window.__probe.allDrawn()`` tells the same any time).

    The probe looks at every animation frame, or every ``every_ms`` milliseconds: a
    light probe for many pages in one browser, where 60 looks a second in each page
    would cost the browser more than the pages themselves."""
    step = ("requestAnimationFrame" if every_ms is None
            else f"(f) => setTimeout(f, {int(every_ms)})")
    return PAINT_PROBE % {"min_plots": min_plots, "next": step}


def choose_option(page, label: str, option: str, attempts: int = 5) -> None:
    """Pick ``option`` in the Streamlit selectbox labelled ``label`` (a Playwright page).

    Retries: a rerun landing right after the click may close the list again.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.locator('[data-testid="stSelectbox"]').filter(
        has=page.get_by_label(label, exact=True))
    item = page.get_by_role("option", name=option, exact=True)
    for _ in range(attempts):
        box.get_by_role("button", name="Open").click()
        try:
            item.wait_for(timeout=2_000)
        except PlaywrightTimeout:
            continue
        item.click()
        return
    raise AssertionError(f"selectbox {label!r} did not open")
