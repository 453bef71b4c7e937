"""A run as it was at an earlier epoch, read only: what replay shows.

:class:`RunAtEpoch` answers what the figures read off a run (its epoch, metrics,
network, logs, points, predictions over a grid) for the latest snapshot at or before
an epoch. It is built from the run's public methods and holds copies (its own network
with the snapshot's weights, the logs up to that epoch), so nothing done with it
reaches the live run; it has no way to train, edit or rewind.
"""

from __future__ import annotations

import numpy as np

from playground.data.datasets import DOMAIN


def predict_over(network, xs: np.ndarray, Fa: np.ndarray):
    """``network``'s output and hidden activations over a square grid.

    Parameters
    ----------
    network : MLP
    xs : ndarray (r,)
        The grid's axis values.
    Fa : ndarray (n_features + 1, r²)
        The grid points' augmented features, x1 fastest (``Trainer.grid``).

    Returns
    -------
    xs : ndarray (r,)
    out : ndarray (r, r, n_out)
        ``out[i_x2, i_x1]``: probabilities (sigmoid/softmax) or values (linear).
    hidden : list of ndarray (r, r, n_hidden_i)
    """
    buf = network.buffers(Fa.shape[1], backward=False)
    with np.errstate(all="ignore"):
        out = network.forward_pass(Fa, buf)  # (k, m)
        network.output.activate_(out)
    r = len(xs)
    return (xs, out.T.reshape(r, r, -1).copy(),
            [h.T.reshape(r, r, -1).copy() for h in buf.hidden])


def _of_run(name: str) -> property:
    """The run's array ``name``, as a read-only view."""
    def read(self) -> np.ndarray:
        view = getattr(self._run, name).view()
        view.flags.writeable = False
        return view
    return property(read, doc=f"The run's ``{name}`` (read only).")


class RunAtEpoch:
    """A run at the latest snapshot at or before ``epoch`` (``run.at(epoch)``).

    Parameters
    ----------
    run : Trainer
        Read through its public methods only, when this is built (and for the grid
        points, which it shares read only); build it under the lock that guards the
        run if another thread trains it.
    epoch : int

    Attributes
    ----------
    epoch : int
        The snapshot's epoch (``<= epoch``).
    params : ndarray (n_params,)
        Its parameters (read only).
    network : MLP
        A network of its own holding them.
    metrics : dict
        ``train_loss``, ``test_loss``, ``train_acc``, ``test_acc`` with them.
    history, gradients, snapshots : History, GradientLog, DecimatingLog
        The run's logs up to ``epoch`` (copies); ``pinned`` its chosen snapshots too.
    config, X_train, y_train, X_test, y_test
        The run's (read only).
    """

    def __init__(self, run, epoch: int):
        self._run = run
        self._epoch, params = run.params_at(epoch)
        params.flags.writeable = False
        self._params = params
        self._network = run.network.copy()
        self._network.params[:] = params
        self._metrics = run.metrics_of(params)
        self._history = run.history.copy(upto=self._epoch)
        self._gradients = run.gradients.copy(upto=self._epoch)

    @property
    def epoch(self) -> int:
        return self._epoch

    @property
    def params(self) -> np.ndarray:
        return self._params

    @property
    def metrics(self) -> dict[str, float]:
        return dict(self._metrics)

    @property
    def history(self):
        return self._history

    @property
    def gradients(self):
        return self._gradients

    @property
    def config(self):
        return self._run.config

    @property
    def snapshots(self):
        """The run's weight snapshots up to this epoch (a copy, made on each read)."""
        return self._run.snapshots.copy(upto=self._epoch)

    @property
    def pinned(self) -> dict:
        """The run's chosen snapshots up to this epoch (copies), oldest first."""
        return {e: p.copy() for e, p in self._run.pinned.items() if e <= self._epoch}

    X_train, y_train, X_test, y_test = (_of_run(name) for name in
                                        ("X_train", "y_train", "X_test", "y_test"))

    @property
    def network(self):
        return self._network

    def predict_grid(self, resolution: int = 100, extent: float = DOMAIN, params=None):
        """As :meth:`Trainer.predict_grid <playground.run.trainer.Trainer.predict_grid>`,
        with this epoch's parameters (or ``params``), in this object's own network."""
        net = self.network
        if params is not None:
            net = net.copy()
            net.params[:] = params
        return predict_over(net, *self._run.grid(resolution, extent))
