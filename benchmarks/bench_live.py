"""Live-stage benchmark: the real app (`streamlit run`) in headless Chromium, 1280x720.

usage: python benchmarks/bench_live.py [--seconds 8] [--speeds 30,100,max] [--query ""]

Prints, next to the targets of the live stream:
  * first paint: seconds from navigation until the four plots are drawn;
  * per speed (a pace in epochs/s, or max), while playing: decision regions and network
    diagram painted per second (their ``data-frames`` counters), epochs trained per second
    (from the painted Epoch, a batch behind the run's), frames the stage received and painted per
    second, and the browser main thread's time per painted regions frame (CDP
    ``Performance.getMetrics``: TaskDuration, everything of the page included);
  * Pause latency: from the click on Pause until the painted Epoch stops moving, and
    until it shows the run's epoch (the painted epoch then equals the run's).

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
TARGETS = {"regions@30": 27.0, "regions": 30.0, "diagram": 15.0, "epochs@max": 1000.0,
           "task_ms": 16.0, "pause": 0.2, "first_paint": 3.0}

READ = """() => {
  const frames = (name) => Number((document.querySelector(
    `.np-plot[data-figure="${name}"]`) || {dataset: {}}).dataset.frames || 0);
  const metric = [...document.querySelectorAll('.stMetric')].find(
    (m) => m.querySelector('label') && m.querySelector('label').innerText.trim() === 'Epoch');
  const run = metric ? Number(metric.querySelector('label + div').innerText.replace(/,/g, ''))
                     : null;
  const painted = document.querySelector('[aria-label="Epoch"]');
  return {regions: frames('regions'), network: frames('network'), run,
          painted: painted ? Number(painted.textContent.replace(/,/g, '')) : null,
          stream: {...(window.npStream || {})}, t: performance.now()};
}"""

# [time, text] of every change of the painted Epoch, from a MutationObserver.
WATCH = """() => {
  const el = document.querySelector('[aria-label="Epoch"]');
  window.epochChanges = [];
  new MutationObserver(() => window.epochChanges.push([performance.now(), el.textContent]))
    .observe(el, {childList: true, characterData: true, subtree: true});
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
            "epochs/s": (b["painted"] - a["painted"]) / dt,  # (the run's, a batch later)
            "received/s": (b["stream"]["received"] - a["stream"]["received"]) / dt,
            "painted/s": (b["stream"]["painted"] - a["stream"]["painted"]) / dt,
            "main thread busy": (tb - ta) / dt,
            "task ms/regions frame": 1000 * (tb - ta) / max(regions * dt, 1)}


def pause_latency(page) -> dict:
    """Seconds from the click on Pause until the painted epoch stops moving (its last
    change to another value than the one it ends at), until it shows the run's epoch,
    and both epochs then."""
    page.evaluate(WATCH)
    page.evaluate("""() => document.addEventListener('pointerdown', () => {
      window.pressedAt = performance.now(); }, {capture: true, once: true})""")
    click(page, "play")
    page.locator(".st-key-play button:visible", has_text="Play").wait_for(timeout=10_000)
    page.wait_for_timeout(1500)
    t0 = page.evaluate("window.pressedAt")  # the press itself, not the driver's way to it
    changes = [(t, text) for t, text in page.evaluate("window.epochChanges") if t > t0]
    state = page.evaluate(READ)
    final = f"{state['run']:,}" if state["run"] is not None else None
    moving = [t for t, text in changes if text != final]
    shown = next((t for t, text in changes if text == final), t0)
    return {"pause s": (max(moving, default=t0) - t0) / 1000, "shown s": (shown - t0) / 1000,
            "painted": state["painted"], "run": state["run"]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--speeds", default="30,100,max")
    ap.add_argument("--query", default="")
    args = ap.parse_args()
    with StreamlitServer() as srv, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        page.add_init_script(paint_probe(N_PLOTS))
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
            paused = pause_latency(page)
            want = TARGETS["regions@30"] if speed == "30" else TARGETS["regions"]
            print(f"speed {speed}: " + ", ".join(f"{k} {v:.2f}" for k, v in got.items())
                  + f" | pause {paused['pause s']:.2f} s (the run's epoch shown after "
                  f"{paused['shown s']:.2f} s), painted {paused['painted']} "
                  f"= run {paused['run']}: {paused['painted'] == paused['run']}"
                  f" | targets: regions/s >= {want:g}"
                  + ("" if speed == "30" else f", diagram/s >= {TARGETS['diagram']:g}")
                  + (f", epochs/s >= {TARGETS['epochs@max']:g}" if speed == "max" else "")
                  + f", task ms <= {TARGETS['task_ms']:g}, pause <= {TARGETS['pause']:g} s")
            click(page, "reset")
            page.wait_for_timeout(800)
        browser.close()


if __name__ == "__main__":
    main()
