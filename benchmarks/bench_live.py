"""Live-stage benchmark: the real app (`streamlit run`) in headless Chromium, 1280x720.

usage: python benchmarks/bench_live.py [--seconds 8] [--speeds 30,100,max] [--query ""]
       python benchmarks/bench_live.py --compare   (compare mode: both runs at 30 epochs/s)
                                       [--pauses 3]

Prints, next to the targets of the live stream:
  * first paint: seconds from navigation until the four plots are drawn;
  * per speed (a pace in epochs/s, or max), while playing: decision regions and network
    diagram painted per second (their ``data-frames`` counters), epochs trained per second
    (from the painted Epoch, a batch behind the run's), frames the stage received and painted per
    second, and the browser main thread's time per painted regions frame (CDP
    ``Performance.getMetrics``: TaskDuration, everything of the page included);
  * Pause latency (``--pauses`` presses per speed): from the press on Pause until the
    Epoch shown (the stage's while playing, then Streamlit's metric) equals the run's
    epoch for good, and until the painted Epoch stops moving; and whether the painted
    epoch then equals the run's.

Numbers are noisy on a small shared machine: server and browser share the cores.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # harness.py

from harness import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    StreamlitServer,
    choose_option,
    paint_probe,
)
from playwright.sync_api import sync_playwright  # noqa: E402

N_PLOTS = 4
VIEWPORT = {"width": 1280, "height": 720}
COMPARE = "compare=1&b.learning_rate=0.3"  # --compare: two runs, B's learning rate x10
TARGETS = {"regions@30": 27.0, "regions": 30.0, "diagram": 15.0, "epochs@max": 1000.0,
           "task_ms": 16.0, "pause": 0.2, "first_paint": 3.0, "compare regions": 25.0}

READ = """() => {
  const frames = (name) => Number((document.querySelector(
    `.np-plot[data-figure="${name}"]`) || {dataset: {}}).dataset.frames || 0);
  const metric = [...document.querySelectorAll('.stMetric')].find(
    (m) => m.querySelector('label') && m.querySelector('label').innerText.trim() === 'Epoch');
  const run = metric ? Number(metric.querySelector('label + div').innerText.replace(/,/g, ''))
                     : null;
  const painted = document.querySelector('[aria-label="Epoch"]');
  return {regions: frames('regions'), network: frames('network'), run,
          regions_a: frames('regions_a'),
          painted: painted ? Number(painted.textContent.replace(/,/g, '')) : null,
          stream: {...(window.npStream || {})}, t: performance.now()};
}"""

# From the press on (pointerdown, before the stage sees it): [time, text] of the Epoch
# shown (see HELPERS) at the press and after every change of the page.
WATCH = """() => {
  const shown = window.epochShown = [];
  const note = () => shown.push([performance.now(), window.__epochText()]);
  window.pauseWatch = new MutationObserver(note);
  document.addEventListener('pointerdown', () => {
    window.pressedAt = performance.now();
    note();
    window.pauseWatch.observe(document.body,
      {childList: true, characterData: true, subtree: true});
  }, {capture: true, once: true});
}"""


# In-page helpers (also for bench_classroom.py): the Epoch shown (painted by the stage
# while playing, else Streamlit's metric) and a toolbar button by key.
HELPERS = """
(() => {
  window.__epochText = () => {
    const painted = document.querySelector('.np-numbers:not([hidden]) [aria-label="Epoch"]');
    if (painted) return painted.textContent.trim();
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
})();
"""

# Click Pause, then watch the Epoch shown until it has not changed for `quiet` ms.
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


def speed_label(speed: str) -> str:
    return "max speed" if speed == "max" else f"{speed} epochs/s"


def choose_speed(page, speed: str) -> None:
    """Pick ``speed`` in the Speed selectbox (retrying: a rerun may close the list)."""
    choose_option(page, "Speed", speed_label(speed))
    page.wait_for_timeout(800)


def epoch(page) -> int:
    """The Epoch shown (needs :data:`HELPERS` in the page)."""
    return int(page.evaluate("window.__epochText()").replace(",", ""))


def task_seconds(cdp) -> float:
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return next(m["value"] for m in metrics if m["name"] == "TaskDuration")


def click(page, key: str) -> None:
    page.locator(f".st-key-{key} button:visible").click()


def measure(page, cdp, seconds: float) -> dict:
    a, ta = page.evaluate(READ), task_seconds(cdp)
    page.wait_for_timeout(seconds * 1000)
    b, tb = page.evaluate(READ), task_seconds(cdp)
    dt = (b["t"] - a["t"]) / 1000
    regions = (b["regions"] - a["regions"]) / dt
    return {"regions/s": regions, "diagram/s": (b["network"] - a["network"]) / dt,
            "A regions/s": (b["regions_a"] - a["regions_a"]) / dt,  # (compare mode)
            "epochs/s": (b["painted"] - a["painted"]) / dt,  # (the run's, a batch later)
            "received/s": (b["stream"]["received"] - a["stream"]["received"]) / dt,
            "painted/s": (b["stream"]["painted"] - a["stream"]["painted"]) / dt,
            "main thread busy": (tb - ta) / dt,
            "task ms/regions frame": 1000 * (tb - ta) / max(regions * dt, 1)}


def pause_latency(page) -> dict:
    """Seconds from the press on Pause until the painted Epoch stops moving (its last
    change to another value than the one it ends at), and until the Epoch shown (the
    stage's while playing, Streamlit's metric once paused) equals the run's epoch for
    good; and both epochs then."""
    page.evaluate(WATCH)
    click(page, "play")
    page.locator(".st-key-play button:visible", has_text="Play").wait_for(timeout=10_000)
    page.wait_for_timeout(1500)
    t0 = page.evaluate("window.pressedAt")  # the press itself, not the driver's way to it
    shown = page.evaluate("window.pauseWatch.disconnect() || window.epochShown")
    state = page.evaluate(READ)
    final = f"{state['run']:,}" if state["run"] is not None else None
    off = [i for i, (_, text) in enumerate(shown) if text != final]
    moving = [t for t, text in shown[1:] if text != final]
    settled = t0 if not off else (shown[off[-1] + 1][0] if off[-1] + 1 < len(shown) else None)
    return {"pause s": (max(moving, default=t0) - t0) / 1000,
            "shown s": None if settled is None else (settled - t0) / 1000,
            "painted": state["painted"], "run": state["run"]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--speeds", default="30,100,max")
    ap.add_argument("--query", default="")
    ap.add_argument("--pauses", type=int, default=3, help="Pause presses per speed")
    ap.add_argument("--compare", action="store_true",
                    help=f"compare mode ({COMPARE}) at 30 epochs/s: both runs' regions")
    args = ap.parse_args()
    if args.compare:
        args.query, args.speeds = COMPARE, "30"
    with StreamlitServer() as srv, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        for script in (paint_probe(N_PLOTS), HELPERS):
            page.add_init_script(script)
        t0 = time.monotonic()
        page.goto(srv.url + (f"?{args.query}" if args.query else ""))
        page.wait_for_function("window.__probe.firstPaint !== null", timeout=60_000)
        print(f"first paint: {time.monotonic() - t0:.2f} s "
              f"(target <= {TARGETS['first_paint']:g} s)")
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")
        for speed in args.speeds.split(","):
            choose_speed(page, speed)
            click(page, "play")
            page.wait_for_timeout(3000)  # warm up: the buffer fills, the run gets going
            got = measure(page, cdp, args.seconds)
            pauses = [pause_latency(page)]
            for _ in range(args.pauses - 1):  # Pause lands anywhere in a batch: a few times
                click(page, "play")
                page.wait_for_timeout(2500)
                pauses.append(pause_latency(page))
            want = TARGETS["regions@30"] if speed == "30" else TARGETS["regions"]
            if args.compare:  # regions/s is B's, A regions/s A's
                want = TARGETS["compare regions"]
            print(f"speed {speed}: " + ", ".join(f"{k} {v:.2f}" for k, v in got.items())
                  + f" | targets: regions/s >= {want:g}"
                  + ("" if speed == "30" else f", diagram/s >= {TARGETS['diagram']:g}")
                  + (f", epochs/s >= {TARGETS['epochs@max']:g}" if speed == "max" else "")
                  + f", task ms <= {TARGETS['task_ms']:g}")
            print("  pause: the run's epoch shown after "
                  + ", ".join("never" if q["shown s"] is None else f"{q['shown s']:.2f}"
                              for q in pauses)
                  + f" s (target <= {TARGETS['pause']:g} s); painting stopped after "
                  + ", ".join(f"{q['pause s']:.2f}" for q in pauses) + " s; painted = run: "
                  + ", ".join(f"{q['painted']} = {q['run']}" if q["painted"] == q["run"]
                              else f"{q['painted']} != {q['run']}" for q in pauses))
            click(page, "reset")
            page.wait_for_timeout(800)
        browser.close()


if __name__ == "__main__":
    main()
