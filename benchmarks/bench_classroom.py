"""Classroom benchmark: one server, many live pages, every page playing at speed max.

usage: python benchmarks/bench_classroom.py [--pages 1,5,10,20] [--seconds 15]
                                            [--ttl 5] [--query "..."]

For each number of pages N: open N pages (each its own browser context, i.e. its own
Streamlit session) in one headless Chromium, press Play at speed max in each, let them
run, then measure over ``--seconds``:

  * epochs/s per page (median) and summed over the pages (Epoch metric deltas);
  * decision regions painted per second on the first page (the watched one);
  * a new page's first paint while the N pages play (all four live plots drawn);
  * Pause: from the click until the Epoch stops changing, in every page in turn (the
    others still playing);
  * server RSS while playing, and after the pages closed and their sessions ended
    (the server runs with ``server.disconnectedSessionTTL=--ttl`` so that the janitor
    releases them within the benchmark).

Server and browser share the machine's cores, as they would on a lecturer's laptop.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # harness.py
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_live import HELPERS, PAUSE_WATCH, choose_speed, epoch  # noqa: E402
from harness import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    StreamlitServer,
    paint_probe,
    rss_mb,
)
from playwright.sync_api import sync_playwright  # noqa: E402

N_PLOTS = 4
TARGETS = {"summed": 1000.0, "pause": 1.0, "first_paint": 8.0}  # at 10 pages
GROWTH = 15  # MB: RSS after a round's pages closed, above the first round's, still "back"
VIEWPORT = {"width": 1280, "height": 720}


def open_page(browser, url, timeout=120):
    """A new context (a new session) on ``url``; returns (context, page, first paint s)."""
    ctx = browser.new_context(viewport=VIEWPORT)
    page = ctx.new_page()
    for script in (paint_probe(N_PLOTS, every_ms=100), HELPERS):
        page.add_init_script(script)
    t0 = time.monotonic()
    try:
        page.goto(url, timeout=timeout * 1000, wait_until="commit")
        page.wait_for_function("window.__probe.firstPaint !== null", timeout=timeout * 1000)
        first = time.monotonic() - t0
    except Exception:  # noqa: BLE001 - a page that never paints is a measurement
        first = None
    return ctx, page, first


def regions_frames(page) -> int:
    return page.evaluate("Number((document.querySelector('.js-plotly-plot.np-plot"
                         "[data-figure=\"regions\"]') || {dataset: {}}).dataset.frames || 0)")


def safe_epoch(page):
    try:
        return epoch(page)
    except Exception:  # noqa: BLE001 - metric re-rendering
        return None


def one_round(browser, server, n, seconds, query):
    url = server.url + (f"?{query}" if query else "") + ("&" if query else "?") + "speed=max"
    pages, firsts = [], []
    for _ in range(n):
        ctx, page, first = open_page(browser, url)
        pages.append((ctx, page))
        firsts.append(first)
        if first is not None:  # (the toolbar may be re-rendering as the plots are drawn)
            page.wait_for_function("!!window.__button('play')", timeout=30_000)
            page.evaluate("window.__button('play').click()")
    time.sleep(3)  # everyone playing
    e0 = [safe_epoch(p) for _, p in pages]
    f0, t0 = [regions_frames(p) for _, p in pages], time.monotonic()
    time.sleep(seconds)
    e1 = [safe_epoch(p) for _, p in pages]
    f1, t1 = [regions_frames(p) for _, p in pages], time.monotonic()
    rates = [(b - a) / (t1 - t0) for a, b in zip(e0, e1, strict=True)
             if a is not None and b is not None]
    rss_playing = rss_mb(server.pids())
    late_ctx, _, late_first = open_page(browser, url)  # a student who arrives late
    late_ctx.close()
    pauses = []
    for _, page in pages:
        try:
            pauses.append(page.evaluate(PAUSE_WATCH, 1000)["stop"])
        except Exception:  # noqa: BLE001
            pauses.append(None)
    for ctx, _ in pages:
        ctx.close()
    return {"n": n, "rates": rates, "summed": sum(rates),
            "median": statistics.median(rates) if rates else 0.0,
            "fps": (f1[0] - f0[0]) / (t1 - t0),
            "all_fps": (sum(f1) - sum(f0)) / (t1 - t0), "late_first": late_first,
            "first_paints": firsts, "pauses": pauses, "rss_playing": rss_playing}


def releases(server) -> int:
    return server.log_path.read_text().count("released the runs")


def wait_released(server, ttl, before, timeout):
    """Wait until the janitor has released the ended sessions' runs (a new line in the
    server log after ``before`` such lines); returns the RSS then."""
    end = time.monotonic() + timeout
    time.sleep(ttl)
    while time.monotonic() < end and releases(server) <= before:
        time.sleep(0.5)
    time.sleep(1.0)
    return rss_mb(server.pids())


def fmt(x, spec=".2f", none="never"):
    return none if x is None else format(x, spec)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", default="1,5,10,20")
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--ttl", type=int, default=5, help="server.disconnectedSessionTTL")
    ap.add_argument("--query", default="", help="extra URL query for every page")
    a = ap.parse_args(argv)
    counts = [int(s) for s in a.pages.split(",") if s.strip()]
    rows = []
    with StreamlitServer(options={"server.disconnectedSessionTTL": a.ttl}) as server, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        warm_ctx, warm, _ = open_page(browser, server.url)  # imports, plotly.js, caches
        choose_speed(warm, "max")
        warm_ctx.close()
        idle = wait_released(server, a.ttl, releases(server), 60)
        for n in counts:
            before = releases(server)
            r = one_round(browser, server, n, a.seconds, a.query)
            r["rss_after"] = wait_released(server, a.ttl, before, 60)
            rows.append(r)
            print(f"  {n} pages done", flush=True)
        browser.close()

    print(f"\nbench_classroom: pages at speed max, {a.seconds:g} s each, cores="
          f"{os.cpu_count()}, idle server RSS {idle:.0f} MB (after a first page came and "
          f"went), TTL {a.ttl} s")
    print("| live pages | epochs/s per page (median) | summed | regions painted/s (watched "
          "page; all pages) | Pause takes (worst) | a new page's first paint | "
          "server RSS playing | RSS after they closed |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        pauses = [x for x in r["pauses"] if x is not None]
        worst = max(pauses) if len(pauses) == len(r["pauses"]) and pauses else None
        print(f"| {r['n']} | {r['median']:,.0f} | {r['summed']:,.0f} | {r['fps']:.1f}; "
              f"{r['all_fps']:.1f} | {fmt(worst)} s | {fmt(r['late_first'], '.1f')} s | "
              f"{r['rss_playing']:.0f} MB | {r['rss_after']:.0f} MB |")
    ten = next((r for r in rows if r["n"] == 10), None)
    if ten:
        pauses = [x for x in ten["pauses"] if x is not None]
        worst = max(pauses) if len(pauses) == len(ten["pauses"]) and pauses else None
        ok = lambda c: "OK" if c else "MISS"  # noqa: E731
        print(f"\ntargets at 10 pages: summed >= {TARGETS['summed']:g} epochs/s: "
              f"{ok(ten['summed'] >= TARGETS['summed'])}; Pause <= {TARGETS['pause']:g} s in "
              f"every page: {ok(worst is not None and worst <= TARGETS['pause'])}; a new "
              f"page's first paint <= {TARGETS['first_paint']:g} s: "
              f"{ok(ten['late_first'] is not None and ten['late_first'] <= 8)}; memory back "
              f"after closing (each round within {GROWTH:g} MB of the first): "
              f"{ok(max(r['rss_after'] for r in rows) <= rows[0]['rss_after'] + GROWTH)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
