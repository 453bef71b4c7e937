"""Where a layer sends the input square: the images of its grid lines and of the data.

A hidden layer maps every input point to a vector of activations. Drawing the images
of the square's grid lines in two coordinates of that space (two neurons, or the first
two principal axes of the layer's activations on the data) shows the network bending
the plane until the classes come apart: "the network untangles the spiral".

Layers are numbered as in the network diagram: 0 is the input features, ``1 .. L`` the
hidden layers, ``L + 1`` the output. This module is pure NumPy (plus the package's own
NumPy-only feature map); the figure is drawn by
:func:`playground.diagram.hidden_space_figure`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from playground.data.features import FEATURES, feature_matrix


class HiddenSpace(NamedTuple):
    """Result of :func:`hidden_space`.

    Attributes
    ----------
    lines_xy : ndarray (2 * n_lines * (samples + 1), 2)
        The images of ``n_lines`` horizontal then ``n_lines`` vertical grid lines, each
        ``samples`` points followed by a NaN row (a gap for Plotly).
    points_xy : ndarray (n, 2)
        The images of ``X_points``.
    basis : ndarray (n_units, 2)
        Coordinates are ``(activation - center) @ basis``.
    center : ndarray (n_units,)
        Zero for neuron axes, the activations' mean on ``X_points`` for PCA.
    axis_labels : tuple of str
        Names of the two coordinates, e.g. ``("h2.1", "h2.3")`` or ``("PC1 (71%)", ...)``.
    """

    lines_xy: np.ndarray
    points_xy: np.ndarray
    basis: np.ndarray
    center: np.ndarray
    axis_labels: tuple[str, str]


def grid_lines(n_lines: int = 21, samples: int = 60, extent: float = 6.0) -> np.ndarray:
    """Points on the square's grid lines: (2 * n_lines, samples, 2), horizontal lines
    (constant x2, bottom to top) first, then vertical ones (constant x1, left to right)."""
    levels = np.linspace(-extent, extent, n_lines)
    along = np.linspace(-extent, extent, samples)
    lines = np.empty((2, n_lines, samples, 2))
    lines[0, :, :, 0], lines[0, :, :, 1] = along[None, :], levels[:, None]
    lines[1, :, :, 0], lines[1, :, :, 1] = levels[:, None], along[None, :]
    return lines.reshape(2 * n_lines, samples, 2)


def layer_activations(network, features, layer: int, X: np.ndarray) -> np.ndarray:
    """Activations (m, n_units) of ``layer`` (0 = input features) for points ``X`` (m, 2)."""
    n_layers = len(network.layer_sizes)
    if not 0 <= layer < n_layers:
        raise ValueError(f"layer: expected 0..{n_layers - 1}, got {layer}")
    F = feature_matrix(X, features, network.dtype)
    if layer == 0:
        return F.astype(np.float64)
    return network.layer_outputs(F)[layer - 1].astype(np.float64)


def pca_axes(A: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The first two principal axes of activations ``A`` (m, n).

    Returns
    -------
    center : ndarray (n,)
        Mean of the rows.
    basis : ndarray (n, 2)
        Orthonormal columns (the second is 0 when n == 1), each signed so that its
        largest-magnitude entry is positive: the same data always gives the same axes.
    explained : ndarray (2,)
        Fraction of the variance along each axis.
    """
    center = A.mean(axis=0)
    _, s, vt = np.linalg.svd(A - center, full_matrices=False)
    basis = np.zeros((A.shape[1], 2))
    k = min(2, vt.shape[0])
    basis[:, :k] = vt[:k].T
    biggest = np.abs(basis).argmax(axis=0)
    basis *= np.where(basis[biggest, [0, 1]] < 0, -1.0, 1.0)
    var = np.zeros(2)
    var[:k] = s[:k] ** 2
    total = float((s**2).sum())
    return center, basis, var / total if total > 0 else var


def unit_label(layer: int, unit: int, layer_sizes, features) -> str:
    """Display name of a unit, as in the diagram: ``x1²``, ``h2.3``, ``out`` / ``out2``."""
    if layer == 0:
        return FEATURES[features[unit]].label
    if layer == len(layer_sizes) - 1:
        return "out" if layer_sizes[-1] == 1 else f"out{unit + 1}"
    return f"h{layer}.{unit + 1}"


def hidden_space(network, features, layer: int, axes=(0, 1), X_points=None,
                 n_lines: int = 21, samples: int = 60, extent: float = 6.0) -> HiddenSpace:
    """The input square's grid lines and the data, seen in a layer's activation space.

    Parameters
    ----------
    network : playground.MLP
    features : sequence of str
        The network's input feature names (``trainer.config.features``).
    layer : int
        0 = input features, ``1 .. L`` = hidden layers, ``L + 1`` = output.
    axes : (int, int) or "pca"
        Two unit indices of the layer, or ``"pca"``: the first two principal axes of
        the layer's activations on ``X_points`` (on the grid points if none), centred.
    X_points : ndarray (n, 2), optional
        Data points to map (e.g. ``trainer.X_train``).
    n_lines, samples : int
        Lines per direction, points per line.
    extent : float
        The square is ``[-extent, extent]²``.

    Returns
    -------
    HiddenSpace
    """
    grid = grid_lines(n_lines, samples, extent)
    X = np.zeros((0, 2)) if X_points is None else np.asarray(X_points, dtype=np.float64)
    A_grid = layer_activations(network, features, layer, grid.reshape(-1, 2))
    A_pts = layer_activations(network, features, layer, X) if len(X) else A_grid[:0]
    n_units = A_grid.shape[1]
    if isinstance(axes, str):
        if axes != "pca":
            raise ValueError(f"axes: expected two unit indices or 'pca', got {axes!r}")
        center, basis, explained = pca_axes(A_pts if len(A_pts) >= 2 else A_grid)
        last = len(network.layer_sizes) - 1
        where = "inputs" if layer == 0 else "output" if layer == last else f"h{layer}"
        labels = tuple(f"PC{i + 1} of {where} ({100 * e:.0f}%)" for i, e in enumerate(explained))
        lines, points = (A_grid - center) @ basis, (A_pts - center) @ basis
    else:
        units = [int(a) for a in axes]
        if len(units) != 2 or not all(0 <= u < n_units for u in units):
            raise ValueError(f"axes: two units of layer {layer} in 0..{n_units - 1}, got {axes}")
        center, basis = np.zeros(n_units), np.zeros((n_units, 2))
        basis[units, [0, 1]] = 1.0
        labels = tuple(unit_label(layer, u, network.layer_sizes, features) for u in units)
        lines, points = A_grid[:, units], A_pts[:, units]  # exact: no product with 0s
    lines = np.concatenate([lines.reshape(2 * n_lines, samples, 2),
                            np.full((2 * n_lines, 1, 2), np.nan)], axis=1)
    return HiddenSpace(lines.reshape(-1, 2), points, basis, center, labels)
