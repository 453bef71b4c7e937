"""A run's points, prepared once as the network's passes take them.

:func:`split_data` picks a run's training and test points (a built-in dataset, or the
user's own points mapped into the square); :class:`RunData` turns them into the
arrays every epoch reads: augmented feature matrices, one column per point, the
targets, the training points one per row for shuffling, and the metrics function.
:class:`~playground.run.trainer.Trainer` and
:class:`~playground.sweeps.stack_trainer.StackTrainer` build from the same
:class:`RunData`, so a run of a sweep sees exactly the data of a lone run.
"""

from __future__ import annotations

import numpy as np

from playground.data.datasets import GIVEN, make_dataset, train_test_split
from playground.data.features import feature_matrix
from playground.data.points import config_for
from playground.engine.buffers import augment


def split_data(config, points=None):
    """The training and test points of a run of ``config``: ``X_train`` (n, 2),
    ``y_train`` (n,), ``X_test`` (n_test, 2), ``y_test`` (n_test,), split by
    ``train_ratio`` with ``data_seed``.

    Parameters
    ----------
    config : Config
    points : Points, optional
        The user's own points, needed when ``config.dataset`` names them (``"own"``,
        ``"own_values"``).
    """
    c = config
    if c.dataset in GIVEN:
        if points is None or config_for(c, points) != c:
            raise ValueError(f"dataset: {c.dataset!r} needs the points: Trainer(config, "
                             "data=(X, y))")
        X, y = points.to_square(points.X), points.targets()
    else:
        X, y = make_dataset(c.dataset, c.n_samples, c.noise, c.data_seed, c.n_classes)
    return train_test_split(X, y, c.train_ratio, c.data_seed)


class RunData:
    """A run's training and test points as the passes take them (read only).

    Parameters
    ----------
    X_train, y_train, X_test, y_test : ndarray
        The points (n, 2), (n_test, 2) and their labels or targets, as
        :func:`split_data` gives them.
    features : sequence of str
        The network's input features (``config.features``).
    network : MLP
        The shape, output and dtype the data is prepared for.
    regression : bool
        Measure R² instead of accuracy.

    Attributes
    ----------
    n_train, n_test, n_points : int
        Training points, test points, both.
    n_outputs : int
        The network's outputs ``k``.
    inputs_train, inputs_test, inputs_all : ndarray (n_features + 1, n | n_test | n_points)
        Augmented feature matrices ``[x; 1]``, feature-major (one column per point);
        ``inputs_all`` is the training then the test points.
    targets_train : ndarray (k, n)
        The training targets, feature-major, as the backward pass takes them.
    rows : (ndarray (n, n_features + 1), ndarray (n, k))
        The training points one per row, inputs ``[x, 1]`` and targets: what shuffling
        reorders (mini-batches are blocks of rows, contiguous: BLAS is slower on
        strided ones).
    measure : callable
        ``measure(Z)`` for the logits of every point, feature-major (k, n_points):
        a (2, 2) array, row 0 the training and test losses, row 1 their accuracy or R²
        (:data:`~playground.run.history.METRICS` order once raveled); scratch, rewritten
        by the next call (see ``Output.make_metrics``).
    """

    def __init__(self, X_train, y_train, X_test, y_test, features, network, regression: bool):
        dtype = network.dtype
        self.n_train, self.n_test = n, n_test = len(X_train), len(X_test)
        self.n_points = n + n_test
        self.n_outputs = network.layer_sizes[-1]
        self.inputs_train = augment(feature_matrix(X_train, features), dtype)
        self.inputs_test = augment(feature_matrix(X_test, features), dtype)
        self.inputs_all = np.concatenate([self.inputs_train, self.inputs_test], axis=1)
        Y_train, Y_test = network.targets(y_train), network.targets(y_test)
        self.targets_train = np.ascontiguousarray(Y_train.T)  # (k, n)
        self.rows = (np.ascontiguousarray(self.inputs_train.T), np.ascontiguousarray(Y_train))
        self.measure = network.output.make_metrics(np.concatenate([Y_train, Y_test]),
                                                   regression, (n, n_test))
        for a in (self.inputs_train, self.inputs_test, self.inputs_all, self.targets_train,
                  *self.rows):
            a.flags.writeable = False  # shared by every pass (and every run of a stack)
