"""The live figures of a run: what the playground shows each frame."""

from __future__ import annotations

import numpy as np

from .. import figures as F
from ..datasets import DATASETS, DOMAIN, make_dataset
from ..features import FEATURES

GRID = 100  # decision-region resolution (points per axis)
CURVE_POINTS = 500  # at most this many points per drawn curve


def curve_arrays(trainer, column: str, max_points: int = CURVE_POINTS):
    """History of ``column`` for train and test, thinned to at most ``max_points`` for
    drawing, with the current epoch last (the decimated history may not hold it yet)."""
    h = trainer.history
    step = -(-h.n // max_points)
    epochs = h.epochs[::step]
    tr, te = getattr(h, f"train_{column}")[::step], getattr(h, f"test_{column}")[::step]
    if h.n and epochs[-1] == trainer.epoch:
        return epochs, tr, te
    m = trainer.metrics
    return (np.append(epochs, trainer.epoch), np.append(tr, m[f"train_{column}"]),
            np.append(te, m[f"test_{column}"]))


def live_figures(trainer, *, show_test=True, discretize=False, log_loss=False) -> dict:
    """Figure dicts for the live view: decision regions, loss, accuracy, weights."""
    c = trainer.config
    xs, out, _ = trainer.predict_grid(GRID, DOMAIN)
    regions = F.decision_figure(
        xs, out, c.task, (trainer.X_train, trainer.y_train), (trainer.X_test, trainer.y_test),
        discretize=discretize, show_test=show_test,
        title=f"Output at epoch {trainer.epoch:,}")
    ep, tr, te = curve_arrays(trainer, "loss")
    loss = F.curves_figure(ep, tr, te, title="Loss", log_y=log_loss)
    ep, tr, te = curve_arrays(trainer, "acc")
    score = "R²" if c.task == "regression" else "Accuracy"
    acc = F.curves_figure(ep, tr, te, title=score,
                          y_range=None if c.task == "regression" else (0, 1.02))
    net = trainer.network
    weights = F.weights_figure(net.weights, net.biases,
                               [FEATURES[f].label for f in c.features])
    return {"regions": regions, "loss": loss, "accuracy": acc, "weights": weights}


def gallery_figure(n_classes: int = 3) -> dict:
    """Small previews of every dataset (noise 0.1, 300 points), one panel each."""
    names = list(DATASETS)
    cols = 3
    rows = -(-len(names) // cols)
    data, layout = [], F.base_layout(height=110 * rows, showlegend=False,
                                      margin={"l": 4, "r": 4, "t": 18, "b": 4})
    annotations = []
    for i, name in enumerate(names):
        spec = DATASETS[name]
        X, y = make_dataset(name, 300, 0.1, 0, n_classes)
        ax = "" if i == 0 else str(i + 1)
        trace = F.points_trace(X, y, spec.task, spec.label, "white", "circle", n_classes)
        trace.update(xaxis=f"x{ax}", yaxis=f"y{ax}", type="scatter", hoverinfo="skip",
                     hovertemplate=None)
        trace["marker"].update(size=3, line={"width": 0})
        data.append(trace)
        r, c = divmod(i, cols)
        x0, y1 = c / cols, 1 - r / rows
        layout[f"xaxis{ax}"] = {"domain": [x0 + 0.01, x0 + 1 / cols - 0.01], "visible": False,
                                "range": [-DOMAIN, DOMAIN]}
        layout[f"yaxis{ax}"] = {"domain": [y1 - 1 / rows + 0.03, y1 - 0.03], "visible": False,
                                "range": [-DOMAIN, DOMAIN], "anchor": f"x{ax}"}
        annotations.append({"text": spec.label, "x": x0 + 0.5 / cols, "y": y1,
                            "xref": "paper", "yref": "paper", "showarrow": False,
                            "font": {"size": 10}, "yanchor": "bottom"})
    layout["annotations"] = annotations
    return {"data": data, "layout": layout}
