"""The live figures of a run: what the playground shows each frame."""

from __future__ import annotations

import numpy as np

from playground.data.datasets import DATASETS, DOMAIN, make_dataset
from playground.data.features import FEATURES
from playground.figures import run_figures as F
from playground.figures.diagram import hidden_space_figure, trainer_diagram
from playground.figures.png import rgba
from playground.run.frames import focus_values, grid_resolution
from playground.run.hidden_space import hidden_space, unit_label
from playground.ui.playground_page import landscape, point_path

DIAGRAM_ASPECT = 0.95  # width / height of the diagram's box on the stage (1280x720: ~1)
CURVE_POINTS = 300  # at most this many points per drawn curve


def curve_arrays(trainer, column: str, max_points: int = CURVE_POINTS):
    """History of ``column`` for train and test, thinned to at most ``max_points`` for
    drawing, with the current epoch last (the decimated history may not hold it yet)."""
    h = trainer.history
    step = max(1, -(-h.n // max_points))
    epochs = h.epochs[::step]
    tr, te = getattr(h, f"train_{column}")[::step], getattr(h, f"test_{column}")[::step]
    if h.n and epochs[-1] == trainer.epoch:
        return epochs, tr, te
    m = trainer.metrics
    return (np.append(epochs, trainer.epoch), np.append(tr, m[f"train_{column}"]),
            np.append(te, m[f"test_{column}"]))


def live_figures(trainer, *, focus=None, show_test=True, discretize=False, log_loss=False,
                 panel="weights", hs_layer=None, hs_axes="pca", show_network=True,
                 previous=None, only=None, stage_height=460) -> dict:
    """Every figure of one frame, in the order the page lays them out: the main view
    (output or ``focus`` = (layer, unit)), the network diagram (if shown), loss and
    accuracy curves, and the panel. The first three are ``stage_height`` px tall.

    ``only`` (a set of names) rebuilds just those figures and takes the others from
    ``previous``: the live view redraws the secondary figures every other frame.
    """
    def wanted(name):
        return only is None or previous is None or name in only or name not in previous

    names = ["regions"] + (["network"] if show_network else []) + ["curves", "panel"]
    figs = {}
    for name in names:
        if not wanted(name):
            figs[name] = previous[name]
        elif name == "network":
            figs[name] = trainer_diagram(trainer, focus=focus, height=stage_height,
                                         aspect=DIAGRAM_ASPECT)
        elif name == "regions":
            xs, out, hidden = trainer.predict_grid(grid_resolution(trainer), DOMAIN)
            figs[name] = main_view(trainer, focus, xs, out, hidden, show_test=show_test,
                                   discretize=discretize, height=stage_height)
        elif name == "curves":
            figs[name] = curves_figure(trainer, log_loss, stage_height)
        else:
            fig = panel_figure(trainer, panel, hs_layer, hs_axes)
            # a new panel starts from its own axes, not the previous panel's zoom
            fig["layout"]["uirevision"] = f"panel:{panel}"
            figs[name] = fig
    return figs


def curves_figure(trainer, log_loss=False, height=460) -> dict:
    """Loss and accuracy (R²) over the run's epochs, training and test."""
    ep, loss_tr, loss_te = curve_arrays(trainer, "loss")
    _, acc_tr, acc_te = curve_arrays(trainer, "acc")
    regression = trainer.config.task == "regression"
    return F.curves_pair_figure(ep, (loss_tr, loss_te), (acc_tr, acc_te),
                                score_title="R²" if regression else "accuracy",
                                log_y=log_loss, score_range=None if regression else (0, 1.02),
                                height=height)


def main_view(trainer, focus, xs, out, hidden, *, show_test, discretize, height=420) -> dict:
    """The decision regions, or the focused neuron's map over the input square."""
    c = trainer.config
    train, test = (trainer.X_train, trainer.y_train), (trainer.X_test, trainer.y_test)
    if focus is None:
        return F.decision_figure(xs, out, c.task, train, test, discretize=discretize,
                                 show_test=show_test, height=height,
                                 title=f"Output at epoch {trainer.epoch:,}")
    layer, unit = focus
    label = unit_label(layer, unit, trainer.network.layer_sizes, c.features)
    values = focus_values(trainer, focus, xs, out, hidden)
    return F.decision_figure(xs, values, c.task, train, test, show_test=show_test,
                             title=f"Neuron {label} at epoch {trainer.epoch:,}", height=height,
                             zrange=focus_range(trainer, focus, values))


def focus_range(trainer, focus, values) -> tuple[float, float]:
    """The fixed colour range of neuron ``focus``'s map ``values``."""
    return _value_range(trainer.config.activation if focus[0] else "linear", values)


def _value_range(activation, values):
    if activation == "tanh":
        return -1.0, 1.0
    if activation == "sigmoid":
        return 0.0, 1.0
    m = float(np.abs(values).max()) or 1.0
    return -m, m


# the lenses' figures in the panel's place: a run -> a figure (their settings are widgets)
LENS_FIGURES = {"numbers": point_path.panel_figure, "landscape": landscape.panel_figure}


def panel_figure(trainer, panel="weights", hs_layer=None, hs_axes="pca") -> dict:
    """The panel below the stage: weight heatmaps (``"weights"``), a hidden layer's
    space (``"hidden"``), gradients (``"gradients"``), or a lens's figure (``"numbers"``,
    ``"landscape"``: :data:`LENS_FIGURES`, with the session's settings)."""
    net, c = trainer.network, trainer.config
    if panel in LENS_FIGURES:
        return LENS_FIGURES[panel](trainer)
    if panel == "hidden" and net.n_layers > 1:
        last = net.n_layers - 1  # the last hidden layer shows the most untangling
        layer = last if hs_layer is None else min(max(int(hs_layer), 1), last)
        axes = hs_axes
        n = net.layer_sizes[layer]
        if axes != "pca":
            axes = (0, 1) if n > 1 else (0, 0)
        hs = hidden_space(net, c.features, layer, axes, trainer.X_train, extent=DOMAIN)
        return hidden_space_figure(hs.lines_xy, hs.points_xy, trainer.y_train, c.task,
                                   max(c.num_classes, 2), f"Hidden layer {layer}: the input square "
                                   "and the data as it sees them", hs.axis_labels,
                                   height=420)
    if panel == "gradients":
        g = trainer.gradients
        step = max(1, -(-g.n // CURVE_POINTS))  # thinned for drawing, like the curves
        return F.gradients_figure(g.epochs[::step], g.grad_norms[::step],
                                  g.update_ratios[::step])
    return F.weights_figure(net.weights, net.biases, [FEATURES[f].label for f in c.features])


def dataset_previews(size: int = 72, n_classes: int = 3) -> list[tuple[str, np.ndarray]]:
    """A small picture (size, size, 3) uint8 of every dataset (300 points, noise 0.1):
    plain images, so the page loads no chart library for them."""
    previews = []
    for name, spec in DATASETS.items():
        X, y = make_dataset(name, 300, 0.1, 0, n_classes)
        img = np.full((size, size, 3), 255, np.uint8)
        if spec.task == "regression":  # orange (low) to blue (high)
            t = np.clip((y + 1) / 2, 0, 1)[:, None]
            colors = (1 - t) * _rgb(F.CLASS_COLORS[0]) + t * _rgb(F.CLASS_COLORS[1])
        else:
            colors = np.array([_rgb(F.CLASS_COLORS[c % len(F.CLASS_COLORS)]) for c in y])
        col = np.clip(((X[:, 0] + DOMAIN) / (2 * DOMAIN) * (size - 2)).astype(int), 0, size - 2)
        row = np.clip(((DOMAIN - X[:, 1]) / (2 * DOMAIN) * (size - 2)).astype(int), 0, size - 2)
        for dr in (0, 1):  # 2 x 2 pixel dots
            for dc in (0, 1):
                img[row + dr, col + dc] = colors.astype(np.uint8)
        previews.append((spec.label, img))
    return previews


def _rgb(hex_color: str) -> np.ndarray:
    return np.array(rgba(hex_color)[:3], float)
