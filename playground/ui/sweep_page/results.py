"""Where each run of a sweep goes on the page: its cell in the grid (column = the first
setting's value, row = the second's, seed 0 shown), the heatmap's mean over seeds, the
curves, the hover texts and the table. Plain Python and NumPy (no Streamlit)."""

from __future__ import annotations

import numpy as np

from playground.figures.sweep_figures import thumbnail
from playground.ui.sweep_page.state import NONE, PARAMS, SweepSpec

THUMB_GRID = 40  # points per axis of a thumbnail's decision regions
CURVE_POINTS = 200  # at most this many points per overlaid curve


class Layout:
    """The grid of a :class:`SweepSpec`: run ``i`` (in :func:`playground.sweep`'s order:
    columns' setting first, seeds innermost) sits at column ``c``, row ``r``, seed ``s``
    with ``i = (c * rows + r) * seeds + s``."""

    def __init__(self, spec: SweepSpec):
        self.spec = spec
        self.C, self.R, self.S = len(spec.x_values), len(spec.rows), spec.seeds

    def run(self, c: int, r: int, s: int = 0) -> int:
        return (c * self.R + r) * self.S + s

    def place(self, index: int) -> tuple[int, int, int]:
        """``(column, row, seed)`` of run ``index``."""
        cr, s = divmod(index, self.S)
        c, r = divmod(cr, self.R)
        return c, r, s

    def cell_runs(self) -> np.ndarray:
        """(R, C) the run each cell shows (seed 0)."""
        return np.array([[self.run(c, r) for c in range(self.C)] for r in range(self.R)])

    def cells(self, per_run: dict) -> list[list]:
        """``per_run[run]`` of each cell's run, ``[r][c]`` (None where missing)."""
        return [[per_run.get(self.run(c, r)) for c in range(self.C)] for r in range(self.R)]

    def losses(self, by_index: dict) -> np.ndarray:
        """(R, C) test loss of each cell's run; NaN where it diverged or is not done."""
        out = np.full((self.R, self.C), np.nan)
        for (r, c), i in np.ndenumerate(self.cell_runs()):
            run = by_index.get(int(i))
            if run is not None and run.diverged is None:
                out[r, c] = run.metrics["test_loss"]
        return out

    def mean_losses(self, by_index: dict) -> np.ndarray:
        """(R, C) mean test loss over the seeds that finished without diverging."""
        total, count = np.zeros((self.R, self.C)), np.zeros((self.R, self.C))
        for i, run in by_index.items():
            c, r, _ = self.place(i)
            if run.diverged is None and np.isfinite(run.metrics["test_loss"]):
                total[r, c] += run.metrics["test_loss"]
                count[r, c] += 1
        with np.errstate(all="ignore"):
            return np.where(count > 0, total / count, np.nan)

    def value(self, index: int) -> tuple[str, str, int]:
        """The column's and row's values and the seed of run ``index``."""
        c, r, s = self.place(index)
        return self.spec.x_values[c], self.spec.rows[r], s

    def name(self, run) -> str:
        """E.g. ``"learning rate 0.1 · hidden width 8 · seed 1 — test loss 0.0312"``."""
        xv, yv, s = self.value(run.index)
        parts = [f"{PARAMS[self.spec.x].label.lower()} {xv}"]
        if self.spec.y != NONE:
            parts.append(f"{PARAMS[self.spec.y].label.lower()} {yv}")
        if self.S > 1:
            parts.append(f"seed {s}")
        tail = "diverged" if run.diverged else f"test loss {run.metrics['test_loss']:.4g}"
        return " · ".join(parts) + f" — {tail}"

    def curves(self, by_index: dict, by: str = "x"):
        """Arguments of :func:`~playground.sweep_figures.curves_figure`: every run's test
        loss curve (thinned), its column (``by="x"``) or row (``"y"``), and their values."""
        curves, groups = [], []
        for i in sorted(by_index):
            h = by_index[i].history
            step = max(1, -(-h.n // CURVE_POINTS))
            curves.append((h.epochs[::step], h.test_loss[::step], self.name(by_index[i])))
            c, r, _ = self.place(i)
            groups.append(c if by == "x" else r)
        return curves, groups, list(self.spec.x_values if by == "x" else self.spec.rows)


def thumbnails(cache: dict, results, task: str) -> dict:
    """Data-URI PNGs of the runs' decision regions, by run index (made once per run into
    ``cache``)."""
    for run in results:
        if run.index not in cache:
            xs, out = run.predict_grid(THUMB_GRID)
            cache[run.index] = thumbnail(xs, out, task)
    return cache


def cell_hover(layout: Layout, by_index: dict) -> list[list[str]]:
    """Each cell's hover text: its values and metrics, or that it is still training."""
    texts = []
    for row in layout.cells(by_index):
        line = []
        for c, run in enumerate(row):
            if run is None:
                line.append(f"{layout.spec.x_values[c]}: training…")
                continue
            m = run.metrics
            line.append(f"{layout.name(run)}<br>train loss {m['train_loss']:.4g} · "
                        f"test accuracy {m['test_acc']:.3f}<br>click to open it in the "
                        "playground")
        texts.append(line)
    return texts


def table_rows(layout: Layout, results) -> dict[str, list]:
    """The table: one row per finished run, in sweep order, columns by name."""
    spec = layout.spec
    regression = bool(results) and results[0].config.task == "regression"
    score = "R²" if regression else "accuracy"
    cols: dict[str, list] = {"run": []}
    x_name = PARAMS[spec.x].label
    y_name = PARAMS[spec.y].label if spec.y != NONE else None
    cols[x_name] = []
    if y_name:
        cols[y_name] = []
    if layout.S > 1:
        cols["seed"] = []
    for name in ("test loss", "train loss", f"test {score}", f"train {score}", "epochs",
                 "diverged"):
        cols[name] = []
    for run in sorted(results, key=lambda r: r.index):
        xv, yv, s = layout.value(run.index)
        m = run.metrics
        cols["run"].append(run.index + 1)
        cols[x_name].append(_as_number(xv))
        if y_name:
            cols[y_name].append(_as_number(yv))
        if layout.S > 1:
            cols["seed"].append(s)
        cols["test loss"].append(m["test_loss"])
        cols["train loss"].append(m["train_loss"])
        cols[f"test {score}"].append(m["test_acc"])
        cols[f"train {score}"].append(m["train_acc"])
        cols["epochs"].append(run.epoch)
        cols["diverged"].append("yes" if run.diverged else "")
    return cols


def _as_number(text: str):
    """A value as a number where it is one (so the table sorts it as a number)."""
    try:
        return float(text)
    except ValueError:
        return text
