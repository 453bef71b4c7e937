"""Speed of the loss landscape (``playground.loss_landscape``) against a plain batched
forward pass.

    python benchmarks/bench_landscape.py            # full run
    python benchmarks/bench_landscape.py --quick    # fewer repeats

Both compute the training loss on a 41 x 41 grid of ``θ + α d1 + β d2`` (1,681 networks)
over the run's training points (of a float64 run), in the same process and in the same
dtype, float64 then float32 (``loss_landscape(run, dtype="float32")``):

* **ours** is ``playground.loss_landscape(run)`` exactly as the app calls it, directions
  and path projection included: blocks of 16 networks, one product per layer per block,
  the first layer's ``z`` from three precomputed matrices (it is linear in α and β),
  scratch arrays reused from block to block.
* **plain** is what one writes first: the 1,681 parameter vectors stacked, then per layer
  one ``np.matmul`` over the whole stack plus the bias, the activation, a new array per
  layer; the same loss (``output.point_loss``), penalty included.

The largest difference between the two grids is printed (it must stay below 1e-9 in
float64). Figures are medians over interleaved repeats (ours, plain, ours, plain, ...).
Targets: default network (circle, 4-2, 500 points, 250 for training) <= 50 ms; 6 x 32
hidden <= 300 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402

import playground  # noqa: E402
from playground.data.features import feature_matrix  # noqa: E402

RESOLUTION = 41


def plain_landscape(run, directions, grid, dtype) -> np.ndarray:
    """The plain batched forward pass over every grid point at once: (R, R) losses."""
    net, c = run.network, run.config
    X = feature_matrix(run.X_train, c.features, dtype)
    Y = net.targets(run.y_train).T
    ga, gb = np.meshgrid(grid, grid, indexing="ij")
    P = (net.params + ga.ravel()[:, None] * directions[0]
         + gb.ravel()[:, None] * directions[1]).astype(dtype)  # (G, n_params)
    G = len(P)
    a = np.broadcast_to(X.T, (G, *X.T.shape))
    start = 0
    for i, A in enumerate(net.layers):
        n_in, n_out = A.shape[0] - 1, A.shape[1]
        block = P[:, start:start + (n_in + 1) * n_out].reshape(G, n_in + 1, n_out)
        start += (n_in + 1) * n_out
        z = np.matmul(block[:, :-1].transpose(0, 2, 1), a) + block[:, -1][:, :, None]
        a = net.activation.fn(z) if i < net.n_layers - 1 else z
    flat = a.transpose(1, 0, 2).reshape(a.shape[1], -1)
    loss = net.output.point_loss(flat, np.tile(Y, G)).reshape(G, -1).mean(axis=1)
    w = P[:, net.weight_mask.astype(bool)]
    loss += c.l1 * np.abs(w).sum(axis=1) + 0.5 * c.l2 * (w * w).sum(axis=1)
    return loss.reshape(ga.shape)


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    """``(seconds, result)`` of one call ``fn(*args, **kwargs)``."""
    t = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - t, result


def compare(name: str, run, repeats: int, target_ms: float, dtype: str) -> None:
    ours_t, plain_t = [], []
    with np.errstate(all="ignore"):
        for _ in range(repeats):  # interleaved, so that load on the machine hits both
            t, land = timed(playground.loss_landscape, run, resolution=RESOLUTION,
                            dtype=dtype)
            ours_t.append(t)
            t, plain = timed(plain_landscape, run, land.directions, land.alpha, dtype)
            plain_t.append(t)
    ours, peer = 1000 * statistics.median(ours_t), 1000 * statistics.median(plain_t)
    diff = float(np.max(np.abs(land.loss - plain)))
    verdict = "meets" if ours <= target_ms else "MISSES"
    print(f"{name:<36} {dtype:>8} {ours:8.1f} ms {peer:8.1f} ms "
          f"{peer / ours:6.2f}x  max diff {diff:.1e}  {verdict} {target_ms:g} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    repeats = 5 if args.quick else 15
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"41 x 41 loss landscape ({RESOLUTION ** 2} networks), median of {repeats}; "
          f"load average {load} on {os.cpu_count()} cores")
    print(f"{'setup':<36} {'dtype':>8} {'ours':>11} {'plain':>11} {'plain/ours':>7}")
    for name, hidden, epochs, target in (("default (4-2, 250 training points)", (4, 2), 20, 50),
                                         ("6 x 32 hidden (250 training points)", (32,) * 6, 5,
                                          300)):
        run = playground.Trainer(hidden=hidden)  # float64, as the app trains
        run.step(epochs)
        for dtype in ("float64", "float32"):  # the landscape's arithmetic
            compare(name, run, repeats, target, dtype)


if __name__ == "__main__":
    main()
