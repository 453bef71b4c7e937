"""Many networks of one shape, trained as one: their weights stacked, one product per
layer for all of them.

A :class:`NetworkStack` holds ``n_nets`` networks with the same layer sizes, activation
and output (a sweep's learning rates or init seeds, say). Its ``params`` is an
(n_nets, n_params) array whose row ``k`` is network ``k``'s flat
:attr:`MLP.params <playground.network.MLP.params>`, in the same layout; every layer's
augmented matrix ``A = [W; b]`` is then a stack (n_nets, n_in + 1, n_out). The passes
are :class:`~playground.network.MLP`'s own (:class:`~playground.network.Backprop`), with
each product an ``np.matmul`` over the stack:

    z = A.T @ [a; 1]             (n_nets, n_out, m): every network's layer at once
    [dW; db] = [a; 1] @ delta.T  (n_nets, n_in + 1, n_out)

The speed comes from that structure alone: a NumPy call costs as much as a small
product, so one call for all networks instead of one per network divides the cost of a
step by about the number of networks (figures in docs/performance.md). When every
network sees the same inputs (the same shuffling, or full batches) the first layer's
input ``[x; 1]`` is a single (n_in + 1, m) matrix that the product broadcasts over the
stack. The optimizers of :mod:`playground.optimizers` update the stacked ``params``
unchanged: their rates are (n_nets, 1) columns, one per network.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from playground.engine.buffers import Buffers
from playground.engine.network import MLP, Backprop


class NetworkStack(Backprop):
    """``n_nets`` networks of one shape, stacked.

    Parameters
    ----------
    nets : sequence of MLP
        Networks with equal ``layer_sizes``, activation, output and dtype; their current
        parameters are copied in.

    Attributes
    ----------
    params, grad : ndarray (n_nets, n_params)
        Row ``k``: network ``k``'s parameters and gradient, in ``MLP.params`` layout.
    layers, grad_layers : list of ndarray (n_nets, n_in + 1, n_out)
        Each layer's stacked ``[W; b]``, views into ``params`` and ``grad``.
    layers_T : list of ndarray (n_nets, n_out, n_in + 1)
        Their transposes, as the forward pass multiplies by them.
    weights : list of ndarray (n_nets, n_in, n_out)
    weight_mask : ndarray (n_params,)
        1 on weights, 0 on biases, as ``MLP.weight_mask``.
    """

    matmul = staticmethod(np.matmul)  # one product per layer for every network

    def __init__(self, nets: Sequence[MLP]):
        first = nets[0]
        kind = (first.layer_sizes, first.activation.name, first.output.name, first.dtype)
        for net in nets:
            if (net.layer_sizes, net.activation.name, net.output.name, net.dtype) != kind:
                raise ValueError("a NetworkStack holds networks of one shape, activation, "
                                 f"output and dtype; got {net!r} beside {first!r}")
        self.layer_sizes, self.activation, self.output = first.layer_sizes, first.activation, \
            first.output
        self.dtype, self.n_nets = first.dtype, len(nets)
        self.params = np.stack([net.params for net in nets])
        self.grad = np.zeros_like(self.params)
        bounds = [*first.layer_starts.tolist(), first.params.size]
        shapes = [A.shape for A in first.layers]
        blocks = list(zip(bounds[:-1], bounds[1:], shapes, strict=True))
        n = self.n_nets
        self.layers = [self.params[:, s:e].reshape(n, *shape) for s, e, shape in blocks]
        self.grad_layers = [self.grad[:, s:e].reshape(n, *shape) for s, e, shape in blocks]
        for A in self.layers + self.grad_layers:  # views, never copies
            assert np.shares_memory(A, self.params) or np.shares_memory(A, self.grad)
        self.layers_T = [A.transpose(0, 2, 1) for A in self.layers]
        self.weights = [A[:, :-1] for A in self.layers]
        self.weight_mask = first.weight_mask.copy()
        self._buffers: dict[tuple[int, bool], Buffers] = {}
