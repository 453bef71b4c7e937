"""Live-view benchmark: the real app (`streamlit run`) driven by headless Chromium.

usage: python benchmarks/bench_live.py [--seconds 10] [--speeds max,30,300]
                                       [--query "hidden=32,32,32,32,32,32"] [--minutes N]

Prints, next to its target:
  * first paint: seconds from navigation start until all four live plots are drawn
    (the server is already up; the first session also pays for imports and plotly.js);
  * per speed (max, and paces in epochs per second), while playing: frames painted per
    second of each plot (``gd.__lpFrames`` changes seen in a rAF loop), the
    blank/flicker ratio (share of animation frames where a plot is missing, blank or
    was remounted), epochs trained per second (Epoch metric delta / time), server and
    browser CPU (% of one core), websocket kB/s, JS time per Plotly.react per plot;
  * Pause latency: from the click on Pause until the Epoch metric stops changing;
  * slider latency: Noise slider moved with the keyboard (paused) until the Epoch
    shows 0 and the decision-region plot was redrawn;
  * server memory (RSS of the streamlit process tree) over the whole run; with
    ``--minutes N`` an extra N-minute play at speed max to check it stays flat.

Numbers are noisy on a small shared machine: server and browser share the cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # harness.py

from harness import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    PROBE_START,
    PROBE_STOP,
    StreamlitServer,
    choose_option,
    cpu_seconds,
    descendants,
    paint_probe,
    rss_mb,
)
from playwright.sync_api import sync_playwright  # noqa: E402

N_PLOTS = 4
# epochs: at speed max on the default setup; a pace (epochs/s) must be kept within 10 %
TARGETS = {"fps": 10.0, "epochs": 1000.0, "pause": 0.3, "slider": 0.5, "first_paint": 3.0}

# JS time of every Plotly.react / newPlot call, per figure name. Wraps window.Plotly and
# keeps watching: plotly.min.js (live_plot) may replace an earlier Plotly object.
REACT_TIMER = """
(() => {
  window.__reactMs = {};
  const wrap = () => {
    const P = window.Plotly;
    if (!P || P.__timed) return;
    for (const fn of ['react', 'newPlot']) {
      const orig = P[fn];
      P[fn] = function (gd, ...rest) {
        const t0 = performance.now();
        const name = (gd && gd.dataset && gd.dataset.figure) || 'other';
        const done = () => { (window.__reactMs[name] = window.__reactMs[name] || [])
          .push(performance.now() - t0); };
        const out = orig.call(this, gd, ...rest);
        if (out && out.then) out.then(done, done); else done();
        return out;
      };
    }
    P.__timed = true;
  };
  setInterval(wrap, 20);
})();
"""

# In-page helpers: read the Epoch metric, click a toolbar button, watch for changes.
HELPERS = """
(() => {
  window.__epochText = () => {
    for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
      const label = m.querySelector('[data-testid="stMetricLabel"]');
      if (label && label.innerText.trim() === 'Epoch')
        return m.querySelector('[data-testid="stMetricValue"]').innerText.trim();
    }
    return null;
  };
  window.__button = (key) => Array.from(
      document.querySelectorAll(`.st-key-${key} button[data-testid^="stBaseButton"]`))
    .find(b => b.offsetWidth > 0);
  window.__lastKey = null;
  document.addEventListener('keydown', () => { window.__lastKey = performance.now(); }, true);
})();
"""

# Click Pause, then watch the Epoch metric until it has not changed for `quiet` ms.
PAUSE_WATCH = """
async (quiet) => {
  const t0 = performance.now();
  window.__button('play').click();
  let last = window.__epochText(), lastChange = t0, label = null;
  while (performance.now() - lastChange < quiet) {
    await new Promise(r => requestAnimationFrame(r));
    const now = window.__epochText();
    if (now !== last) { last = now; lastChange = performance.now(); }
    if (label === null && window.__button('play').innerText.trim().endsWith('Play'))
      label = performance.now();
    if (performance.now() - t0 > 20000) break;
  }
  return {stop: (lastChange - t0) / 1000, label: label === null ? null : (label - t0) / 1000,
          epoch: last};
}
"""

# After a key press: time until Epoch shows 0 and the regions plot was updated.
SLIDER_WATCH = """
() => { window.__sliderWatch = (async () => {
  const calc0 = window.__calc0;
  const t0 = performance.now();
  let zero = null, redraw = null;
  while ((zero === null || redraw === null) && performance.now() - t0 < 10000) {
    await new Promise(r => requestAnimationFrame(r));
    const now = performance.now();
    const g = document.querySelector('.js-plotly-plot.lp-cell[data-figure="regions"]');
    if (zero === null && window.__epochText() === '0') zero = now;
    if (redraw === null && g && g.__lpFrames !== calc0) redraw = now;
  }
  const key = window.__lastKey;
  return {zero: zero === null ? null : (zero - key) / 1000,
          redraw: redraw === null ? null : (redraw - key) / 1000};
})(); }
"""


class MemorySampler(threading.Thread):
    """Samples the server tree's RSS (MB) every ``every`` seconds, tagged by phase."""

    def __init__(self, server: StreamlitServer, every: float = 1.0):
        super().__init__(daemon=True)
        self.server, self.every = server, every
        self.samples: list[tuple[float, str, float]] = []
        self.phase = "start"
        self._halt = threading.Event()

    def run(self) -> None:
        t0 = time.monotonic()
        while not self._halt.is_set():
            self.samples.append((time.monotonic() - t0, self.phase,
                                 rss_mb(self.server.pids())))
            self._halt.wait(self.every)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def mark(value, target, higher_is_better):
    if value is None:
        return "n/a"
    ok = value >= target if higher_is_better else value <= target
    if ok:
        return "OK"
    if higher_is_better:
        return f"MISS by {target - value:.3g} ({100 * (target - value) / target:.0f}% short)"
    return f"MISS by {value - target:.3g} ({value / target:.1f}x the target)"


def percentile(values, q):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def speed_label(speed: str) -> str:
    """The Speed box's text for a URL value: ``max`` -> ``max speed``, ``30`` ->
    ``30 epochs/s``."""
    return "max speed" if speed == "max" else f"{speed} epochs/s"


def choose_speed(page, speed: str) -> None:
    """Pick ``speed`` in the Speed selectbox (retrying: a rerun may close the list)."""
    choose_option(page, "Speed", speed_label(speed))
    page.wait_for_function(
        "(s) => { const i = document.querySelector('input[aria-label=\"Speed\"]');"
        " return i && i.value === s; }", arg=speed_label(speed), timeout=10_000)
    page.wait_for_timeout(500)


def epoch(page) -> int:
    return int(page.evaluate("window.__epochText()").replace(",", ""))


def play_phase(page, server, browser_pids, ws, speed, seconds, warmup):
    """Play at ``speed`` for ``seconds`` (after ``warmup``), then measure Pause latency."""
    choose_speed(page, speed)
    page.evaluate("window.__button('reset').click()")
    page.wait_for_function("window.__epochText() === '0'", timeout=10_000)
    page.wait_for_timeout(300)
    page.evaluate("window.__button('play').click()")
    page.wait_for_function("window.__button('play').innerText.trim().endsWith('Pause')",
                           timeout=10_000)
    page.wait_for_timeout(warmup * 1000)
    lp0 = page.evaluate("({...window.__livePlot, renderMs: null})")
    page.evaluate("window.__reactMs = {}")
    page.evaluate(PROBE_START)
    e0, t0 = epoch(page), time.monotonic()
    c_srv0, c_br0 = cpu_seconds(server.pids()), cpu_seconds(browser_pids)
    ws["bytes"], ws["frames"], ws["on"] = 0, 0, True
    page.wait_for_timeout(seconds * 1000)
    ws["on"] = False
    e1, t1 = epoch(page), time.monotonic()
    c_srv1, c_br1 = cpu_seconds(server.pids()), cpu_seconds(browser_pids)
    st = page.evaluate(PROBE_STOP)
    react = page.evaluate("window.__reactMs")
    lp1 = page.evaluate("({...window.__livePlot, renderMs: null})")
    pause = page.evaluate(PAUSE_WATCH, 1500)
    dt = st["seconds"]
    return {
        "speed": speed,
        "fps": {name: st["changes"].get(name, 0) / dt for name in st["watched"]},
        "raf_fps": st["samples"] / dt,
        "blank": st["blank"] / max(1, st["samples"]),
        "blank_kinds": st["blankKinds"],
        "remounts": st["newDivs"],
        "adoptions": lp1["adoptions"] - lp0["adoptions"],
        "mounts": lp1["mounts"] - lp0["mounts"],
        "epochs_per_s": (e1 - e0) / (t1 - t0),
        "cpu_server": 100 * (c_srv1 - c_srv0) / (t1 - t0),
        "cpu_browser": 100 * (c_br1 - c_br0) / (t1 - t0),
        "ws_kB_s": ws["bytes"] / dt / 1000,
        "ws_msgs_s": ws["frames"] / dt,
        "render_ms": {k: (statistics.median(v), percentile(v, 0.9), len(v))
                      for k, v in react.items() if v},
        "component_ms": (statistics.median(st["renderMs"]) if st["renderMs"] else None),
        "pause": pause,
    }


def slider_latency(page, repeats=3):
    """Move the Noise slider (keyboard) while paused; seconds until the view shows it."""
    out = []
    thumb = page.get_by_role("slider", name="Noise")
    if not thumb.count():
        thumb = page.locator('[data-testid="stSlider"]').filter(has_text="Noise") \
            .get_by_role("slider")
    for i in range(repeats):
        page.evaluate("window.__button('step').click()")
        page.wait_for_function("window.__epochText() !== '0'", timeout=10_000)
        page.wait_for_timeout(800)
        thumb.focus()
        page.evaluate("window.__calc0 = document.querySelector("
                      "'.js-plotly-plot.lp-cell[data-figure=\"regions\"]').__lpFrames")
        page.evaluate(SLIDER_WATCH)  # starts watching, does not wait
        page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        out.append(page.evaluate("window.__sliderWatch"))
        page.wait_for_timeout(800)
    return out


def long_play(page, mem, minutes):
    """Play at speed max for ``minutes``; the sampler records RSS meanwhile."""
    choose_speed(page, "max")
    mem.phase = "long"
    e0, t0 = epoch(page), time.monotonic()
    page.evaluate("window.__button('play').click()")
    end = t0 + minutes * 60
    while time.monotonic() < end:
        page.wait_for_timeout(5000)
    e1 = epoch(page)
    page.evaluate(PAUSE_WATCH, 1000)
    mem.phase = "after"
    return (e1 - e0) / (time.monotonic() - t0)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=10, help="play time per speed")
    ap.add_argument("--warmup", type=float, default=2, help="play time before measuring")
    ap.add_argument("--speeds", default="max,30,300",
                    help="comma-separated speeds: max, or epochs per second")
    ap.add_argument("--query", default="", help='URL settings, e.g. "hidden=32,32,32"')
    ap.add_argument("--minutes", type=float, default=0,
                    help="extra long play (speed max) to watch server memory")
    a = ap.parse_args(argv)

    with StreamlitServer() as server, sync_playwright() as p:
        mem = MemorySampler(server, every=1.0 if a.minutes < 2 else 5.0)
        mem.start()
        mine = os.getpid()
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        server_tree = set(server.pids())
        browser_pids = [q for q in descendants(mine) if q not in server_tree]
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        ws = {"bytes": 0, "frames": 0, "on": False}

        def on_ws(sock):
            def received(payload):
                if ws["on"]:
                    ws["bytes"] += len(payload)
                    ws["frames"] += 1
            sock.on("framereceived", received)

        page.on("websocket", on_ws)
        for script in (paint_probe(N_PLOTS), REACT_TIMER, HELPERS):
            page.add_init_script(script)
        url = server.url + (f"?{a.query.lstrip('?')}" if a.query else "")
        t_goto = time.monotonic()
        page.goto(url)
        page.wait_for_function("window.__probe.firstPaint !== null", timeout=60_000)
        first_paint = page.evaluate("window.__probe.firstPaint") / 1000
        first_paint_wall = time.monotonic() - t_goto
        since_up = time.monotonic() - server.started_at
        page.wait_for_timeout(1000)
        mem.phase = "play"
        browser_pids = [q for q in descendants(mine) if q not in set(server.pids())]
        runs = [play_phase(page, server, browser_pids, ws, s.strip(), a.seconds, a.warmup)
                for s in a.speeds.split(",") if s.strip()]
        mem.phase = "slider"
        slider = slider_latency(page)
        long_eps = long_play(page, mem, a.minutes) if a.minutes > 0 else None
        page.screenshot(path=str(server.log_path.parent / "bench-live-end.png"))
        mem.stop()
        browser.close()

    # ------------------------------------------------------------------ report
    print(f"bench_live: query={a.query or '(defaults)'}  seconds={a.seconds:g}  "
          f"warmup={a.warmup:g}  cores={os.cpu_count()}")
    print(f"first paint of all plots: {first_paint:.2f} s after navigation start "
          f"(wall {first_paint_wall:.2f} s from goto; {since_up:.1f} s since server up)  "
          f"target <= {TARGETS['first_paint']:g} s: "
          f"{mark(first_paint, TARGETS['first_paint'], False)}")
    for r in runs:
        print(f"\n-- playing, speed {r['speed']} --")
        fps = r["fps"]
        print("  frames painted/s: " + "  ".join(f"{k} {v:.1f}" for k, v in fps.items())
              + f"  (rAF {r['raf_fps']:.0f}/s)   target >= {TARGETS['fps']:g}: "
              + mark(fps.get("regions"), TARGETS["fps"], True)
              + f" (regions), {mark(min(fps.values()), TARGETS['fps'], True)} (slowest)")
        print(f"  blank/flicker frames: {100 * r['blank']:.2f}% {r['blank_kinds'] or ''}  "
              f"new graph divs {r['remounts']}, component mounts {r['mounts']}, "
              f"adoptions {r['adoptions']}   target 0: "
              + ("OK" if r["blank"] == 0 and not r["remounts"] else "MISS"))
        if r["speed"] == "max":
            print(f"  epochs/s: {r['epochs_per_s']:.0f}   target >= {TARGETS['epochs']:g}: "
                  + mark(r["epochs_per_s"], TARGETS["epochs"], True))
        else:
            pace = float(r["speed"])
            kept = abs(r["epochs_per_s"] - pace) <= 0.1 * pace
            print(f"  epochs/s: {r['epochs_per_s']:.1f}   target: the pace {pace:g} "
                  f"(within 10 %): " + ("OK" if kept else "MISS"))
        pause = r["pause"]
        label = f"{pause['label']:.2f} s" if pause["label"] is not None else "never"
        print(f"  pause latency: {pause['stop']:.2f} s until Epoch stopped (label 'Play' "
              f"after {label})   target <= {TARGETS['pause']:g} s: "
              + mark(pause["stop"], TARGETS["pause"], False))
        print(f"  CPU (% of one core): server {r['cpu_server']:.0f}  browser "
              f"{r['cpu_browser']:.0f}   websocket {r['ws_kB_s']:.0f} kB/s, "
              f"{r['ws_msgs_s']:.1f} msgs/s")
        rm = "  ".join(f"{k} {v[0]:.1f}/{v[1]:.1f} ms (n={v[2]})"
                       for k, v in sorted(r["render_ms"].items()))
        comp = f"{r['component_ms']:.1f} ms" if r["component_ms"] is not None else "n/a"
        print(f"  JS Plotly.react median/p90 per plot: {rm}; per component update {comp}")
    zeros = [s["zero"] for s in slider if s["zero"] is not None]
    redraws = [s["redraw"] for s in slider if s["redraw"] is not None]
    worst = max(zeros + redraws) if zeros and redraws else None
    print("\n-- Noise slider (keyboard, paused) --")
    print("  until Epoch 0: " + ", ".join(f"{z:.2f}" for z in zeros) + " s;  until regions "
          "redrawn: " + ", ".join(f"{z:.2f}" for z in redraws) + " s"
          f"   target <= {TARGETS['slider']:g} s: {mark(worst, TARGETS['slider'], False)}"
          " (worst)")
    print("\n-- server memory (RSS of the streamlit tree, MB) --")
    by_phase: dict[str, list[float]] = {}
    for _, phase, v in mem.samples:
        by_phase.setdefault(phase, []).append(v)
    print("  " + "  ".join(f"{ph}: {min(v):.0f}-{max(v):.0f}" for ph, v in by_phase.items()))
    if long_eps is not None:
        long = [(t, v) for t, ph, v in mem.samples if ph == "long"]
        if len(long) >= 4:
            k = max(1, len(long) // 10)
            head = statistics.mean(v for _, v in long[:k])
            tail = statistics.mean(v for _, v in long[-k:])
            minutes = (long[-1][0] - long[0][0]) / 60
            print(f"  long play {a.minutes:g} min at max ({long_eps:.0f} epochs/s): "
                  f"first {head:.0f} MB -> last {tail:.0f} MB "
                  f"({(tail - head) / max(minutes, 1e-9):+.1f} MB/min)   target flat: "
                  + ("OK" if tail - head < 20 else "MISS"))
            step = max(1, len(long) // 10)
            print("  samples (min, MB): " + "  ".join(
                f"{t / 60:.1f}:{v:.0f}" for t, v in long[::step]))
    if errors:
        print(f"\nbrowser errors ({len(errors)}): " + " | ".join(sorted(set(errors)))[:600])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
