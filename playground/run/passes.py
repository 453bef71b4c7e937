"""The passes of an epoch and of an evaluation, for one network or a stack of them.

:class:`Passes` holds what a network's passes over a run's :class:`RunData` write into:
the mini-batches (views of the shuffled training rows) with their buffers, and the
logits of every point for the metrics. Its network is an
:class:`~playground.engine.network.MLP` (a :class:`~playground.run.trainer.Trainer`)
or a :class:`~playground.engine.stack.NetworkStack` (a sweep's
:class:`~playground.sweeps.stack_trainer.StackTrainer`): both have the same passes,
the stack's arrays with a leading axis of ``n_nets``. The runs that own them decide
when to shuffle, when to evaluate and what to do when training diverges.
"""

from __future__ import annotations

import numpy as np

from playground.engine.buffers import Buffers
from playground.run.history import METRICS
from playground.run.run_data import RunData


class Passes:
    """One epoch's training passes and the evaluation of a network over ``data``.

    Parameters
    ----------
    data : RunData
    net : MLP or NetworkStack
    batch_size : int
        Points per mini-batch (the last may be shorter); ``>= data.n_train``: one full
        batch, never shuffled (that would only reorder a sum).
    which : ndarray (n_nets,) of int, optional
        For a stack whose networks follow different shufflings: the shuffling each
        network follows (an index into the orders given to :meth:`shuffle`). None: every
        network sees the same batches.

    Attributes
    ----------
    full_batch : bool
    batches : list of (inputs, targets, Buffers)
        Inputs (n_in + 1, m) and targets (k, m) per mini-batch, as the passes take
        them, with a leading axis of ``n_nets`` when ``which`` is given; batches of one
        size share their buffers.
    """

    def __init__(self, data: RunData, net, batch_size: int, which=None):
        self.data, self.net = data, net
        n, sizes, dtype = data.n_train, net.layer_sizes, net.dtype
        lead = net.params.shape[:-1]  # () for one network, (n_nets,) for a stack
        n_nets = lead[0] if lead else None
        bs = min(batch_size, n)
        self.full_batch = bs == n
        # Evaluation: the logits of the training then the test points go into one array
        # Z (..., k, n_points), which the metrics read set by set (see outputs.py)
        self.Z = Z = np.empty((*lead, data.n_outputs, data.n_points), dtype)
        if self.full_batch:
            # One batch, run in the evaluation's buffers: an evaluation's pass over the
            # training points is then also the next epoch's forward pass (see train).
            # Each set's logits are a block of Z when that block is contiguous (one
            # network, one output); otherwise they are copied in.
            self._joint = Z[..., :n].flags.c_contiguous
            train = Buffers(sizes, n, dtype, logits=Z[..., :n] if self._joint else None,
                            n_nets=n_nets)
            self._test = Buffers(sizes, data.n_test, dtype, backward=False, n_nets=n_nets,
                                 logits=Z[..., n:] if self._joint else None)
            self.batches = [(data.inputs_train, data.targets_train, train)]
            return
        self._all = Buffers(sizes, data.n_points, dtype, logits=Z, backward=False,
                            n_nets=n_nets)
        # Shuffling writes whole rows (points) into these arrays; a batch is a block of
        # rows, and its transpose is the (n_in + 1, m) inputs or the (k, m) targets.
        copies = () if which is None else (len(which),)
        self._which = which
        self._shuffled = tuple(np.array(np.broadcast_to(r, (*copies, *r.shape)))
                               for r in data.rows)
        if which is not None:  # the rows of each shuffling, gathered per network
            self._by_shuffling = tuple(np.stack([r] * (max(which) + 1)) for r in data.rows)
        X, Y = self._shuffled
        self.batches = [(X[..., s:s + bs, :].swapaxes(-1, -2),
                         Y[..., s:s + bs, :].swapaxes(-1, -2), net.buffers(min(bs, n - s)))
                        for s in range(0, n, bs)]

    def shuffle(self, orders) -> None:
        """Put the training points into the mini-batches in new orders: ``orders``, one
        permutation of ``range(n_train)`` per shuffling (one, unless ``which``). Not for
        a full batch."""
        rows = self.data.rows
        if self._which is None:
            for src, dst in zip(rows, self._shuffled, strict=True):
                np.take(src, orders[0], axis=0, out=dst)
            return
        for j, order in enumerate(orders):
            for src, dst in zip(rows, self._by_shuffling, strict=True):
                np.take(src, order, axis=0, out=dst[j])
        for src, dst in zip(self._by_shuffling, self._shuffled, strict=True):
            np.take(src, self._which, axis=0, out=dst)

    def train(self, optimizer, l1, l2, forward_done: bool = False) -> None:
        """One epoch: every mini-batch's forward pass, backward pass and optimizer
        update (the penalties ``l1``, ``l2`` as the network's backward pass takes them).

        ``forward_done``: the full batch's forward pass with the current parameters is
        in its buffers already, because :meth:`evaluate` ran it since they last changed.
        Only a loop that does nothing else between the two may say so.
        """
        net = self.net
        for Xb, Yb, buf in self.batches:
            if not forward_done:
                net.forward_pass(Xb, buf)
            net.backward_pass(Xb, Yb, buf, l1, l2)
            optimizer.step(net.params, net.grad)
            forward_done = False

    def evaluate(self) -> np.ndarray:
        """The :data:`METRICS` with the current parameters: (4,) for one network, a
        scratch array the next call rewrites; (n_nets, 4) for a stack. With a full
        batch, the pass over the training points is also the next epoch's forward pass
        (:meth:`train`'s ``forward_done``)."""
        net, data, Z, n = self.net, self.data, self.Z, self.data.n_train
        if self.full_batch:
            z_train = net.forward_pass(data.inputs_train, self.batches[0][2])
            z_test = net.forward_pass(data.inputs_test, self._test)
            if not self._joint:  # (the blocks of Z are strided: copy them in)
                Z[..., :n], Z[..., n:] = z_train, z_test
        else:
            net.forward_pass(data.inputs_all, self._all)  # every point's logits into Z
        if Z.ndim == 2:
            return data.measure(Z).ravel()  # [[losses], [scores]]: METRICS order
        out = np.empty((len(Z), len(METRICS)))
        for k, z in enumerate(Z):  # each network's
            out[k] = data.measure(z).ravel()
        return out
