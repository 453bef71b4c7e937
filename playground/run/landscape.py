"""The loss landscape: the training loss on a plane through the current weights.

A network's loss is a function of all its parameters ``θ`` (n_params numbers), too
many dimensions to draw. A *slice* through them is drawable: pick two directions
``d1``, ``d2`` in parameter space and evaluate

    loss(α, β) = L(θ + α d1 + β d2)        (the training loss, with the penalty)

on a grid of ``α``, ``β``. Two choices of directions, after Li et al. (2018),
"Visualizing the Loss Landscape of Neural Nets":

* ``"random"``: Gaussian directions, *filter-normalised*: each neuron's incoming
  weights in ``d`` are scaled to the norm of that neuron's incoming weights in ``θ``
  (biases zeroed), so that a step of 1 changes every neuron by about its own size
  whatever the scale of its weights. Fixed by a seed: the picture stays put while the
  network trains.
* ``"pca"``: the first two principal axes of the training path (the recorded
  snapshots minus the current weights), along which the weights actually moved. Each is
  scaled so that the path's farthest point along it is at 1. The path is *projected*
  onto the plane; the surface is the loss *on* the plane, so the path need not lie on it.

Computed batched: the R² grid points are R² networks of one shape, evaluated a block
at a time with one product per layer for the whole block. Every parameter is
``[1, α, β] · [θ, d1, d2]``, linear in α and β; the first layer's ``z`` is therefore
linear in them too, ``z = Z_θ + α Z_1 + β Z_2`` with three matrices computed once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.data.features import feature_matrix
from playground.engine.buffers import augment

DIRECTIONS = ("random", "pca")
BLOCK_POINTS = 4096  # (network, point) pairs evaluated together: their arrays stay in the
# cache (16 networks of the default 250 training points)


@dataclass(frozen=True)
class Landscape:
    """Result of :func:`loss_landscape`.

    Attributes
    ----------
    alpha, beta : ndarray (R,)
        The grid's coordinates along ``d1`` and ``d2``.
    loss : ndarray (R, R)
        ``loss[i, j]``: the training loss with the penalty at
        ``params + alpha[i] * d1 + beta[j] * d2``; ``inf`` where the network's output
        overflows there (never NaN).
    path : ndarray (n, 2)
        The recorded snapshots' coordinates ``(α, β)`` on the plane (least-squares
        projection), oldest first; the last row is the current weights, ``(0, 0)``.
    path_epochs : ndarray (n,)
        The epoch of each row of ``path``.
    directions : ndarray (2, n_params)
        ``d1`` and ``d2``, in the layout of ``run.network.params``.
    kind : str
        ``"random"`` or ``"pca"``.
    alpha_label, beta_label : str
        What α and β are, for axis titles.
    center_loss : float
        The loss at the current weights (``loss`` at α = β = 0, also when 0 is not on
        the grid).
    note : str
        One sentence on how to read the picture.
    """

    alpha: np.ndarray
    beta: np.ndarray
    loss: np.ndarray
    path: np.ndarray
    path_epochs: np.ndarray
    directions: np.ndarray
    kind: str
    alpha_label: str
    beta_label: str
    center_loss: float
    note: str


# ---------------------------------------------------------------------- directions
def filter_normalized(network, rng: np.random.Generator) -> np.ndarray:
    """A Gaussian direction (n_params,) in the layout of ``network.params``, each
    neuron's incoming weights scaled to the norm of that neuron's incoming weights in
    the network, biases zero (Li et al. 2018)."""
    d = np.zeros(network.params.size)
    for start, W in zip(network.layer_starts, network.weights, strict=True):
        n_in, n_out = W.shape
        block = d[start:start + (n_in + 1) * n_out].reshape(n_in + 1, n_out)
        w = rng.standard_normal((n_in, n_out))  # one column per neuron
        norm = np.linalg.norm(w, axis=0)
        block[:-1] = w * (np.linalg.norm(W, axis=0) / np.where(norm > 0, norm, 1.0))
    return d


def random_directions(network, seed: int = 0) -> np.ndarray:
    """Two filter-normalised random directions, (2, n_params), fixed by ``seed``."""
    rng = np.random.default_rng([int(seed), 23])
    return np.stack([filter_normalized(network, rng), filter_normalized(network, rng)])


def pca_directions(path: np.ndarray, center: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first two principal axes of the path's displacements ``path - center``.

    Parameters
    ----------
    path : ndarray (n, n_params)
    center : ndarray (n_params,)

    Returns
    -------
    directions : ndarray (2, n_params)
        Each axis scaled so that the path's largest projection on it is 1 (signed so that
        the oldest snapshot lies at negative α and β: the path runs towards +).
    explained : ndarray (2,)
        Fraction of the displacements' variance along each axis.
    """
    moves = np.asarray(path, np.float64) - center
    _, s, vt = np.linalg.svd(moves, full_matrices=False)
    if len(s) < 2 or not s[1] > 1e-12 * max(s[0], 1e-300):
        raise ValueError("PCA directions need a training path that spans two directions: "
                         "train a few more epochs (or use random directions)")
    axes = vt[:2].copy()
    coords = moves @ axes.T  # (n, 2)
    first = coords[0]
    axes *= np.where(first > 0, -1.0, 1.0)[:, None]
    axes *= np.abs(coords).max(axis=0)[:, None]  # the farthest point at 1
    return axes, s[:2] ** 2 / float((s**2).sum())


def project(points: np.ndarray, center: np.ndarray, directions: np.ndarray) -> np.ndarray:
    """Coordinates (n, 2) of ``points`` (n, n_params) on the plane
    ``center + α d1 + β d2``: the least-squares ``(α, β)`` of ``points - center``."""
    D = directions.T  # (n_params, 2)
    coords, *_ = np.linalg.lstsq(D, (np.asarray(points, np.float64) - center).T, rcond=None)
    return coords.T


# ---------------------------------------------------------------------- the batched loss
class PlaneNetworks:
    """The networks ``center + α d1 + β d2`` of a plane, on one data set, evaluated a
    block of ``(α, β)`` at a time: one product per layer for the whole block.

    Every parameter of a network of the plane is ``[1, α, β] @ [center; d1; d2]``. So is
    its first layer's ``z = W.T x + b``, as ``x`` does not depend on the network:
    ``z = [1, α, β] @ [Z_center; Z_1; Z_2]`` with three matrices computed once.

    Parameters
    ----------
    network : MLP
        Gives the architecture, activation and output (its parameters are not used).
    X : ndarray (m, n_in)
        The network's inputs (features); ``y`` (m,) the targets.
    center : ndarray (n_params,)
    directions : ndarray (2, n_params)
    block : int
        Most networks per block (the scratch arrays are made for that many).
    dtype : numpy dtype
    """

    def __init__(self, network, X, y, center, directions, block: int, dtype):
        self.activation, self.output = network.activation, network.output
        self.sizes, self.mask = network.layer_sizes, network.weight_mask.astype(bool)
        Fa = augment(X, dtype)  # (n_in + 1, m): [x; 1]
        self.m = m = Fa.shape[1]
        self.basis = np.stack([center, *directions]).astype(dtype)  # rows center, d1, d2
        # each layer's [W; b] for the three rows, flattened: (3, (n_in + 1) * n_out)
        bounds = [*network.layer_starts.tolist(), network.params.size]
        self.shapes = [A.shape for A in network.layers]
        self.layer_bases = [self.basis[:, s:e] for s, e in zip(bounds[:-1], bounds[1:],
                                                                strict=True)]
        self.first = np.stack([(b.reshape(self.shapes[0]).T @ Fa).ravel()
                               for b in self.layer_bases[0]])  # (3, n_1 * m)
        # Scratch reused from block to block: each hidden layer's [a; 1] (block, n + 1, m),
        # its z written in place of a; each later layer's [W; b] (block, n_in + 1, n_out)
        self.acts = [np.ones((block, n + 1, m), dtype) for n in self.sizes[1:-1]]
        self.mats = [np.empty((block, *shape), dtype) for shape in self.shapes[1:]]
        self.logits = np.empty((block, self.sizes[-1], m), dtype)
        self.first_z = np.empty((block, self.first.shape[1]), dtype)
        self.Y = np.tile(network.targets(y).T, block)  # (k, block * m): once per network

    def forward(self, coeffs: np.ndarray) -> np.ndarray:
        """The logits (g, n_out, m) of the networks ``coeffs`` (g, 3), rows [1, α, β]."""
        g, m, last = len(coeffs), self.m, len(self.shapes) - 1
        # layer 0: z = Z_center + α Z_1 + β Z_2, for every network of the block at once
        z = np.matmul(coeffs, self.first, out=self.first_z[:g]).reshape(g, -1, m)
        for i in range(1, last + 1):
            below = self.acts[i - 1][:g]
            self.activation.apply(z, out=below[:, :-1])  # a = act(z), above a row of ones
            A = self.mats[i - 1][:g]
            np.matmul(coeffs, self.layer_bases[i], out=A.reshape(g, -1))  # each [W; b]
            z = self.logits[:g] if i == last else self.acts[i][:g, :-1]
            np.matmul(A.transpose(0, 2, 1), below, out=z)  # z = W.T a + b
        return z

    def losses(self, coeffs: np.ndarray, l1: float = 0.0, l2: float = 0.0) -> np.ndarray:
        """Mean loss plus penalty (g,) of the networks ``coeffs`` (g, 3)."""
        g, m = len(coeffs), self.m
        z = self.forward(coeffs)
        k_major = np.ascontiguousarray(z.transpose(1, 0, 2)).reshape(self.sizes[-1], g * m)
        loss = self.output.point_loss(k_major, self.Y[:, :g * m]).reshape(g, m).mean(axis=1)
        if l1 or l2:
            w = (coeffs @ self.basis)[:, self.mask]  # the weights (biases have no penalty)
            loss += l1 * np.abs(w).sum(axis=1) + 0.5 * l2 * (w * w).sum(axis=1)
        return loss


def plane_losses(network, X, y, center, directions, alpha, beta, l1=0.0, l2=0.0,
                 block: int | None = None, dtype=None) -> np.ndarray:
    """The mean loss plus penalty at every ``center + alpha[i] d1 + beta[j] d2``.

    Parameters
    ----------
    network : MLP
        Gives the architecture, activation and output (its parameters are not used).
    X : ndarray (m, n_in)
        The network's inputs (features), ``y`` (m,) the targets.
    center : ndarray (n_params,)
    directions : ndarray (2, n_params)
    alpha, beta : ndarray (R_a,), (R_b,)
    l1, l2 : float
        Regularisation rates (the penalty of :meth:`MLP.penalty`).
    block : int, optional
        Grid points evaluated together (by default ``BLOCK_POINTS // m``, at least 1).
    dtype : numpy dtype, optional
        Of the arithmetic; the network's by default.

    Returns
    -------
    ndarray (R_a, R_b), float64
        ``inf`` where the loss overflows (or is NaN).
    """
    dtype = np.dtype(dtype or network.dtype)
    ga, gb = np.meshgrid(np.asarray(alpha, dtype), np.asarray(beta, dtype), indexing="ij")
    coeffs = np.column_stack([np.ones(ga.size, dtype), ga.ravel(), gb.ravel()])  # (G, 3)
    block = min(block or max(1, BLOCK_POINTS // len(X)), len(coeffs))
    plane = PlaneNetworks(network, X, y, center, directions, block, dtype)
    losses = np.empty(len(coeffs))
    with np.errstate(all="ignore"):
        for s in range(0, len(coeffs), block):
            losses[s:s + block] = plane.losses(coeffs[s:s + block], l1, l2)
    losses[~np.isfinite(losses)] = np.inf
    return losses.reshape(ga.shape)


# ---------------------------------------------------------------------- the run's slice
def training_path(run) -> tuple[np.ndarray, np.ndarray]:
    """The run's recorded and chosen snapshots up to its epoch, then its current
    weights: ``(epochs (n,), params (n, n_params))``, oldest first."""
    rows = dict(zip(run.snapshots.epochs.tolist(), run.snapshots.rows, strict=True))
    rows.update(run.pinned)
    rows[run.epoch] = run.network.params
    epochs = sorted(e for e in rows if e <= run.epoch)
    return np.array(epochs, np.int64), np.array([rows[e] for e in epochs], np.float64)


def _check(directions, resolution, span, dtype) -> None:
    if directions not in DIRECTIONS:
        raise ValueError(f"directions: choose one of {list(DIRECTIONS)}, got {directions!r}")
    if not isinstance(resolution, (int, np.integer)) or not 2 <= resolution <= 401:
        raise ValueError(f"resolution: a whole number of grid points per axis from 2 to 401, "
                         f"got {resolution!r}")
    if not (isinstance(span, (int, float, np.floating)) and np.isfinite(span) and span > 0):
        raise ValueError(f"span: a positive number (the grid covers -span..span), got {span!r}")
    if dtype not in (None, "float64", "float32", np.float64, np.float32):
        raise ValueError(f"dtype: None (the network's), 'float64' or 'float32', got {dtype!r}")


def loss_landscape(run, directions: str = "random", resolution: int = 41, span: float = 1.0,
                   seed: int = 0, dtype=None) -> Landscape:
    """The training loss (with the penalty) on a plane through the run's current weights.

    Parameters
    ----------
    run : Trainer
    directions : {"random", "pca"}
        Filter-normalised random directions fixed by ``seed``, or the first two principal
        axes of the training path so far (needs a path that spans two directions).
    resolution : int
        Grid points per axis (2..401).
    span : float
        The grid covers ``-span..span`` along both directions.
    seed : int
        Seed of the random directions (ignored for ``"pca"``).
    dtype : {None, "float64", "float32"}
        Of the arithmetic: the network's by default; ``"float32"`` is about twice as fast
        on wide networks, and its 7 digits are plenty for a picture.

    Returns
    -------
    Landscape
        ``loss[i, j]`` is the loss at ``run.network.params + alpha[i] * d1 + beta[j] * d2``
        with ``d1, d2 = directions``.

    Raises
    ------
    ValueError
        For an unknown ``directions``, a bad ``resolution`` or ``span``, or ``"pca"`` on a
        path that does not span two directions yet.
    """
    _check(directions, resolution, span, dtype)
    net, c = run.network, run.config
    center = net.params.astype(np.float64)
    epochs, path = training_path(run)
    if directions == "random":
        d = random_directions(net, seed)
        labels = tuple(f"{name}: along random direction {k} (filter-normalised, seed {seed})"
                       for k, name in ((1, "α"), (2, "β")))
        note = ("A slice through the weights along two random directions; the path of the "
                "snapshots is projected onto it, so it need not lie on the surface.")
    else:
        d, explained = pca_directions(path, center)
        labels = tuple(f"{name}: along PC{k} of the training path ({100 * e:.0f}% of its "
                       f"movement; 1 = the path's farthest point)"
                       for k, name, e in ((1, "α", explained[0]), (2, "β", explained[1])))
        note = ("A slice along the two directions the weights moved most; the path is "
                "projected onto it and the surface is the loss on the plane, so the path "
                "need not lie on it.")
    grid = np.linspace(-span, span, int(resolution))
    X = feature_matrix(run.X_train, c.features)
    args = (net, X, run.y_train, center, d)
    loss = plane_losses(*args, grid, grid, c.l1, c.l2, dtype=dtype)
    center_loss = float(plane_losses(*args, [0.0], [0.0], c.l1, c.l2, dtype=dtype)[0, 0])
    return Landscape(grid, grid.copy(), loss, project(path, center, d), epochs, d,
                     directions, labels[0], labels[1], center_loss, note)
