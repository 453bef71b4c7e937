"""A frame: what the stage shows of one epoch, as plain arrays, made in one place.

While a run plays, the app sends frames to the browser in batches, which paints them at
the display's pace (see ``ui/live/stream.py``). A frame holds everything the stage paints
for that epoch, so the decision regions, the diagram, the numbers and the curves always
show the same epoch:

>>> from playground.run.trainer import Trainer
>>> run = Trainer()
>>> run.step(3)
3
>>> f = frame_of(run)
>>> f.epoch, f.regions.shape, [m.shape[-1] for m in f.maps]
(3, (100, 100, 1), [2, 4, 2, 1])

NumPy only; colours and pictures are the figures' business (``figures/``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.data.datasets import DOMAIN
from playground.data.features import FEATURES, feature_matrix

GRID = 100  # decision-region resolution (points per axis)...
BIG_GRID, BIG_NET = 64, 2000  # ...and for networks of more parameters than BIG_NET
DIAGRAM_GRID = 20  # the diagram's neuron maps (points per axis)


@dataclass(frozen=True)
class Frame:
    """One epoch of a run as the stage shows it.

    Attributes
    ----------
    epoch : int
    metrics : dict
        ``train_loss``, ``test_loss``, ``train_acc``, ``test_acc`` at this epoch.
    xs : ndarray (r,)
        Grid coordinates along each axis of the decision regions.
    regions : ndarray (r, r, k)
        What the main view shows over the input square, ``[i, j]`` at ``(xs[j], xs[i])``:
        the output (probabilities or values, k = n_out), or one neuron's map (k = 1).
    focus : (int, int) or None
        The neuron ``regions`` shows (layer 0 = the inputs), None for the output.
    maps : list of ndarray (d, d, n_l)
        Every layer's neuron maps on the diagram's grid, inputs first, output last.
    weights, biases : list of ndarray
        Copies of ``network.weights`` (n_l, n_{l+1}) and ``network.biases`` (n_{l+1},).
    """

    epoch: int
    metrics: dict
    xs: np.ndarray
    regions: np.ndarray
    focus: tuple | None
    maps: list
    weights: list
    biases: list

    @property
    def curve_point(self) -> tuple:
        """``(epoch, train_loss, test_loss, train_acc, test_acc)``: the curves' new point."""
        m = self.metrics
        return (self.epoch, m["train_loss"], m["test_loss"], m["train_acc"], m["test_acc"])


def grid_resolution(run) -> int:
    """Points per axis of the decision regions: a big network's forward pass over the
    grid is the costliest part of a frame, and the picture is smoothed anyway."""
    return GRID if run.network.params.size <= BIG_NET else BIG_GRID


def focus_values(run, focus, xs: np.ndarray, out: np.ndarray, hidden: list) -> np.ndarray:
    """What the main view shows over the grid ``xs``: the output ``out`` (r, r, n_out)
    when ``focus`` is None, else the map (r, r, 1) of neuron ``focus = (layer, unit)``:
    an input feature's values (layer 0) or a hidden neuron's activations ``hidden``."""
    if focus is None:
        return out
    layer, unit = focus
    if layer == 0:
        g1, g2 = np.meshgrid(xs, xs)
        return FEATURES[run.config.features[unit]].fn(g1, g2)[..., None]
    return hidden[layer - 1][..., unit:unit + 1]


def frame_of(run, *, focus=None, grid: int | None = None,
             diagram_grid: int = DIAGRAM_GRID) -> Frame:
    """The frame of ``run`` (a Trainer, or a replayed epoch of one) as it is now.

    Parameters
    ----------
    focus : (int, int), optional
        The neuron the main view shows instead of the output.
    grid : int, optional
        Points per axis of the regions (default: :func:`grid_resolution`).
    diagram_grid : int
        Points per axis of the diagram's neuron maps.
    """
    net = run.network
    xs, out, hidden = run.predict_grid(grid or grid_resolution(run), DOMAIN)
    regions = focus_values(run, focus, xs, out, hidden)
    dxs, d_out, d_hidden = run.predict_grid(diagram_grid, DOMAIN)
    g1, g2 = np.meshgrid(dxs, dxs)
    inputs = feature_matrix(np.column_stack([g1.ravel(), g2.ravel()]), run.config.features)
    maps = [inputs.reshape(diagram_grid, diagram_grid, -1), *d_hidden, d_out]
    return Frame(epoch=int(run.epoch), metrics=dict(run.metrics), xs=xs, regions=regions,
                 focus=None if focus is None else tuple(focus), maps=maps,
                 weights=[w.copy() for w in net.weights],
                 biases=[b.copy() for b in net.biases])


__all__ = ["DIAGRAM_GRID", "Frame", "focus_values", "frame_of", "grid_resolution"]
