"""Speed of ``playground.sweep`` against a serial loop over ``Trainer``.

    python benchmarks/bench_sweep.py            # 5 interleaved rounds (a few minutes)
    python benchmarks/bench_sweep.py --quick    # 3 rounds

Workloads (300 epochs each, the default setup otherwise: circle, 4-2 tanh, SGD, batch 10):

* **32 runs**: 8 learning rates (0.001 … 3, log-spaced) x 4 init seeds: one shape;
* **64 runs**: 8 learning rates x 8 init seeds;
* **mixed shapes, 48 runs**: 8 learning rates x hidden widths 1, 2, 4, 8, 16, 32 (two
  layers each): six stacks, from 2-1-1-1 to 2-32-32-1 (the Sweep page's default grid).

Candidates, run interleaved (A, B, C, A, B, C, ...) in this one process, each figure the
median of the rounds:

* **serial Trainer loop**: ``Trainer(config).step(300)`` for every config in turn, what a
  notebook would write;
* **sweep**: ``playground.sweep(...)`` as a caller runs it, its process pool (one worker
  per core) started and stopped inside the timed call;
* **sweep, kept pool**: the same with a ``ProcessPoolExecutor`` made once and passed as
  ``executor`` (as the app would reuse one);
* **sweep, one process**: ``workers=1``: the stacks alone, no pool.

Every sweep run's final parameters are checked to equal the serial Trainer's, bit for
bit. The target: 32 runs in at most a third of the serial loop's time on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

_args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
_args.add_argument("--quick", action="store_true", help="3 rounds instead of 5")
ARGS = _args.parse_args()
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # tiny matrices: one BLAS thread per process is fastest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402

from playground import Config, Trainer, sweep  # noqa: E402
from playground.sweeps.grid import default_workers, grid_points, point_config, process_pool  # noqa: E402

EPOCHS = 300
RATES = [float(f"{v:.3g}") for v in np.geomspace(0.001, 3, 8)]
WORKLOADS = {
    "32 runs (8 learning rates x 4 seeds)": ({"learning_rate": RATES}, 4),
    "64 runs (8 learning rates x 8 seeds)": ({"learning_rate": RATES}, 8),
    "mixed shapes, 48 runs (8 learning rates x widths 1-32)":
        ({"learning_rate": RATES, "hidden": [(w, w) for w in (1, 2, 4, 8, 16, 32)]}, None),
}


def serial(base, grid, seeds):
    configs = [point_config(base, p) for p in grid_points(grid, seeds)]
    runs = []
    for c in configs:
        run = Trainer(c)
        run.step(EPOCHS)
        runs.append(run.network.params.copy())
    return runs


def main() -> None:
    rounds = 3 if ARGS.quick else 5
    base = Config()
    pool = process_pool()
    sweep(base, {"learning_rate": [0.1, 0.2]}, 1, executor=pool)  # start its workers
    print(f"{default_workers()} cores, {rounds} interleaved rounds, {EPOCHS} epochs, "
          f"medians; load average at start {os.getloadavg()[0]:.1f}\n")
    rows = []
    for title, (grid, seeds) in WORKLOADS.items():
        candidates = {
            "serial Trainer loop": lambda g=grid, s=seeds: serial(base, g, s),
            "sweep": lambda g=grid, s=seeds: [r.params for r in sweep(base, g, EPOCHS, seeds=s)],
            "sweep, kept pool": lambda g=grid, s=seeds: [
                r.params for r in sweep(base, g, EPOCHS, seeds=s, executor=pool)],
            "sweep, one process": lambda g=grid, s=seeds: [
                r.params for r in sweep(base, g, EPOCHS, seeds=s, workers=1)],
        }
        times = {name: [] for name in candidates}
        outputs = {}
        for _ in range(rounds):
            for name, run in candidates.items():
                t0 = time.perf_counter()
                outputs[name] = run()
                times[name].append(time.perf_counter() - t0)
        reference = outputs["serial Trainer loop"]
        for name, params in outputs.items():
            assert all(np.array_equal(a, b) for a, b in zip(params, reference, strict=True)), \
                f"{name}: a run differs from its lone Trainer run"
        med = {name: float(np.median(ts)) for name, ts in times.items()}
        n_runs = len(reference)
        print(f"{title}: {n_runs} runs x {EPOCHS} epochs (all equal to the serial runs, "
              "bit for bit)")
        for name, t in med.items():
            ratio = t / med["serial Trainer loop"]
            print(f"  {name:22s} {t:7.2f} s  {n_runs * EPOCHS / t:9,.0f} run-epochs/s  "
                  f"{ratio:5.2f} x the serial time  (rounds: "
                  f"{', '.join(f'{x:.2f}' for x in times[name])})")
        rows.append((title, med))
        print()
    pool.shutdown()
    t32 = rows[0][1]
    ratio = t32["sweep"] / t32["serial Trainer loop"]
    print(f"target: 32 runs in at most 1/3 of the serial loop: {ratio:.2f} "
          f"({'met' if ratio <= 1 / 3 else 'NOT met'}), load average now "
          f"{os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
