"""A multilayer perceptron in NumPy: forward pass, backward pass, exact gradients.

Layout. All parameters live in one flat vector ``params``. Layer ``i`` owns a block of
it viewed as its *augmented* matrix ``layers[i] = A = [W; b]`` of shape
(n_in + 1, n_out): the first ``n_in`` rows are the weights ``W`` (n_in, n_out), the last
row the biases ``b`` (n_out,). A layer's input ``a`` comes with a row of ones appended,
``[a; 1]``, so that

    z = A.T @ [a; 1] = W.T a + b            (forward, one product per layer)
    [dW; db] = [a; 1] @ delta.T             (backward, weights and biases at once)

Inside the passes a batch is *feature-major*: one row per neuron, one column per point
(``a`` is (n, m)); the public methods take and return the usual (m, n) arrays. The
passes write into preallocated :class:`~playground.buffers.Buffers` (one set per batch
size). ``grad`` has the layout of ``params`` and holds the gradient of the loss. Why
this layout, with measurements: docs/performance.md.
"""

from __future__ import annotations

import numpy as np

from playground.engine.activations import ACTIVATIONS
from playground.engine.buffers import Buffers, augment
from playground.engine.initializers import INITIALIZERS
from playground.engine.outputs import OUTPUTS

__all__ = ["MLP", "Backprop", "Buffers", "augment"]


class Backprop:
    """The forward and backward passes, written once for one network (:class:`MLP`) and
    for a stack of networks of one shape (:class:`~playground.engine.stack.NetworkStack`),
    whose arrays have a leading axis of ``n_nets``.

    A subclass provides ``layers_T``, ``weights``, ``grad_layers``, ``params``, ``grad``,
    ``weight_mask``, ``activation``, ``output``, ``layer_sizes``, ``dtype``, ``n_nets``
    (None for one network), a dict ``_buffers`` for :meth:`buffers` to fill, and
    ``matmul``, the product of a layer: ``np.ndarray.dot``
    for one network (on 2-D arrays it costs half of ``np.matmul``'s call), ``np.matmul``
    over a stack.
    """

    matmul = staticmethod(np.ndarray.dot)
    n_nets: int | None = None

    def buffers(self, m: int, backward: bool = True) -> Buffers:
        """The :class:`Buffers` for batches of ``m`` points, made on first use and then
        shared by every batch of that size (a few sizes are kept)."""
        buf = self._buffers.get((m, backward))
        if buf is None:
            if len(self._buffers) > 8:
                self._buffers.clear()
            buf = self._buffers[(m, backward)] = Buffers(
                self.layer_sizes, m, self.dtype, backward=backward, n_nets=self.n_nets)
        return buf

    def forward_pass(self, Xa: np.ndarray, buf: Buffers) -> np.ndarray:
        """Forward pass: each layer computes ``z = W.T a + b`` and ``a = act(z)``.

        Parameters
        ----------
        Xa : ndarray (n_in + 1, m), or (n_nets, n_in + 1, m) for a stack
            The inputs ``[x; 1]``, feature-major (see :func:`augment`); a stack's networks
            may all see one matrix.
        buf : Buffers
            Made for ``m`` points (:meth:`buffers`); every hidden layer's output ``a``
            goes into ``buf.hidden``, where the backward pass reads it.

        Returns
        -------
        ndarray (n_out, m), or (n_nets, n_out, m) for a stack
            The output layer's logits ``z`` (``buf.logits``).
        """
        a, matmul = Xa, self.matmul
        for i, z in enumerate(buf.hidden):  # hidden layer i
            matmul(self.layers_T[i], a, out=z)  # z = W.T a + b  (a ends with ones)
            self.activation.apply(z, out=z)  # a = act(z), in place
            a = buf.a[i]  # [a; 1], the next layer's input
        return matmul(self.layers_T[-1], a, out=buf.logits)  # the output layer's z

    def backward_pass(self, Xa: np.ndarray, Y: np.ndarray, buf: Buffers,
                      l1=None, l2=None) -> None:
        """Backpropagation: the gradient of the mean loss over the batch, plus the
        penalty ``l1 * sum|w| + (l2/2) * sum w^2``, into :attr:`grad`.

        Parameters
        ----------
        Xa : ndarray (n_in + 1, m), or (n_nets, n_in + 1, m)
            The inputs ``[x; 1]`` given to :meth:`forward_pass`, which must have just run
            with ``buf``.
        Y : ndarray (n_out, m), or (n_nets, n_out, m)
            The targets, feature-major (the transpose of :meth:`MLP.targets`).
        buf : Buffers
            Holds the forward pass; its logits are overwritten by the output delta.
        l1, l2 : float, or ndarray (n_nets, 1) for a stack, optional
            The regularisation rates (None: no penalty).

        Notes
        -----
        With ``delta[i]`` = dLoss/dz of layer ``i`` (``delta[-1]`` the output layer's),
        ``delta[i - 1] = (W[i] @ delta[i]) * act'(z[i - 1])`` and layer ``i``'s gradient is
        ``[a; 1] @ delta[i].T``, its input times its delta, summed over the batch.
        """
        delta, W, dA, matmul = buf.delta, self.weights, self.grad_layers, self.matmul
        z = delta[-1]  # the logits become the output layer's delta:
        self.output.delta(z, Y, out=z)  # m dLoss/dz = y_hat - y (2 (z - y): squared error)
        z *= buf.inv_m  # dLoss/dz (the loss is a mean over m points)
        self.activation.slope(buf.H, out=buf.S)  # act'(z) of every hidden layer, from a
        for i in range(len(W) - 1, 0, -1):  # from the output layer down to layer 1
            matmul(buf.a[i - 1], buf.delta_T[i], out=dA[i])  # [dW; db] = [a; 1] delta.T
            below = delta[i - 1]  # the layer below: (W delta) * act'(z)
            matmul(W[i], delta[i], out=below)
            below *= buf.slope[i - 1]
        matmul(Xa, buf.delta_T[0], out=dA[0])  # the first layer's input is [x; 1]
        if l2 is not None:  # d/dw (l2/2) w^2 = l2 w, weights only
            self.grad += l2 * self.weight_mask * self.params
        if l1 is not None:  # d/dw l1 |w| = l1 sign(w)
            self.grad += l1 * self.weight_mask * np.sign(self.params)


class MLP(Backprop):
    """Fully connected network: inputs -> hidden layers -> output.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``(n_inputs, hidden_1, ..., hidden_L, n_outputs)``; at least two entries.
    activation : str
        Hidden activation, a key of :data:`playground.activations.ACTIVATIONS`.
    output : str
        ``"sigmoid"`` (binary, 1 output), ``"softmax"`` (k outputs) or ``"linear"``.
    init : str
        A key of :data:`playground.initializers.INITIALIZERS`.
    seed : int
        Seed of the initialisation (independent of any data seed).
    dtype : numpy dtype
        ``float64`` (default) or ``float32``.

    Attributes
    ----------
    params : ndarray (n_params,)
        Every weight and bias, flat. The lists below are views into it.
    grad : ndarray (n_params,)
        The gradient of the loss, same layout; written by :meth:`backward_pass`.
    layers, grad_layers : list of ndarray (n_in + 1, n_out)
        Each layer's augmented matrix ``[W; b]`` in ``params``, and in ``grad``.
    layers_T : list of ndarray (n_out, n_in + 1)
        Their transposes, as the forward pass multiplies by them.
    weights : list of ndarray (n_in, n_out)
    biases : list of ndarray (n_out,)
    layer_starts : ndarray (n_layers,)
        Where each layer's block begins in ``params``.
    weight_mask : ndarray (n_params,)
        1 on weights, 0 on biases (the penalty skips biases).
    """

    def __init__(self, layer_sizes, activation="tanh", output="sigmoid", init="xavier",
                 seed=0, dtype=np.float64):
        sizes = tuple(int(n) for n in layer_sizes)
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"layer_sizes must have >= 2 positive entries, got {layer_sizes!r}")
        for kind, name, registry in (("activation", activation, ACTIVATIONS),
                                     ("output", output, OUTPUTS), ("init", init, INITIALIZERS)):
            if name not in registry:
                raise ValueError(f"unknown {kind} {name!r}; choose one of {sorted(registry)}")
        if output == "sigmoid" and sizes[-1] != 1:
            raise ValueError("a sigmoid output has exactly 1 unit")
        self.layer_sizes = sizes
        self.activation = ACTIVATIONS[activation]
        self.output = OUTPUTS[output]
        self.init_name = init
        self.dtype = np.dtype(dtype)

        shapes = [(n_in + 1, n_out) for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)]
        bounds = np.cumsum([0] + [r * c for r, c in shapes])
        self.layer_starts = bounds[:-1]
        self.params = np.zeros(int(bounds[-1]), self.dtype)
        self.grad = np.zeros_like(self.params)
        blocks = list(zip(bounds[:-1], bounds[1:], shapes, strict=True))
        self.layers = [self.params[s:e].reshape(shape) for s, e, shape in blocks]
        self.layers_T = [A.T for A in self.layers]  # (n_out, n_in + 1), made once
        self.grad_layers = [self.grad[s:e].reshape(shape) for s, e, shape in blocks]
        self.weights = [A[:-1] for A in self.layers]
        self.biases = [A[-1] for A in self.layers]
        self.weight_mask = np.zeros_like(self.params)
        for s, (r, c) in zip(bounds[:-1], shapes, strict=True):
            self.weight_mask[s:s + (r - 1) * c] = 1.0
        self._buffers: dict[tuple[int, bool], Buffers] = {}
        self.initialize(seed)

    # ------------------------------------------------------------------ parameters
    @property
    def n_layers(self) -> int:
        """Number of weight layers (hidden layers + 1)."""
        return len(self.layers)

    def initialize(self, seed=0):
        """Draw fresh weights and biases from the init scheme with ``seed``."""
        rng = np.random.default_rng(seed)
        init = INITIALIZERS[self.init_name]
        for A in self.layers:
            A[:-1], A[-1] = init(rng, A.shape[0] - 1, A.shape[1])

    def set_params(self, weights, biases):
        """Copy ``weights``/``biases`` (lists shaped like the attributes) into the network."""
        for A, W, b in zip(self.layers, weights, biases, strict=True):
            A[:-1], A[-1] = W, b

    def copy(self) -> MLP:
        """An independent network with the same architecture and parameters."""
        net = MLP(self.layer_sizes, self.activation.name, self.output.name,
                  self.init_name, 0, self.dtype)
        net.params[:] = self.params
        return net

    # ------------------------------------------------------------------ sample-major API
    def _run(self, X: np.ndarray) -> Buffers:
        """A forward pass on inputs ``X`` (m, n_in) in new buffers."""
        Xa = augment(X, self.dtype)
        buf = Buffers(self.layer_sizes, Xa.shape[1], self.dtype, backward=False)
        self.forward_pass(Xa, buf)
        return buf

    def forward(self, X: np.ndarray) -> np.ndarray:
        """Network output for inputs ``X`` (m, n_in): (m, n_out), probabilities for
        sigmoid/softmax outputs, values for a linear output. Returns a new array."""
        z = self._run(X).logits
        self.output.activate_(z)
        return np.ascontiguousarray(z.T)

    def logits(self, X: np.ndarray) -> np.ndarray:
        """Output layer pre-activations (m, n_out) for inputs ``X`` (m, n_in)."""
        return np.ascontiguousarray(self._run(X).logits.T)

    def layer_outputs(self, X: np.ndarray) -> list[np.ndarray]:
        """Every layer's activation for inputs ``X`` (m, n_in): a list with one
        (m, n_hidden_i) array per hidden layer, then the output (m, n_out)."""
        buf = self._run(X)
        self.output.activate_(buf.logits)
        return [np.ascontiguousarray(h.T) for h in [*buf.hidden, buf.logits]]

    def targets(self, y: np.ndarray) -> np.ndarray:
        """Targets ``y`` (m,) as the (m, n_out) matrix this network's output compares to."""
        return self.output.targets(y, self.layer_sizes[-1], self.dtype)

    def penalty(self, l1=0.0, l2=0.0) -> float:
        """Regularisation term ``l1 * sum|w| + (l2 / 2) * sum w^2`` over weights only."""
        if not (l1 or l2):
            return 0.0
        w = self.params * self.weight_mask
        return float(l1 * np.abs(w).sum() + 0.5 * l2 * (w @ w))

    def loss(self, X, y, l1=0.0, l2=0.0) -> float:
        """Mean loss over the rows of ``X`` (m, n_in) against ``y`` (m,), plus the penalty."""
        with np.errstate(all="ignore"):
            z = self._run(X).logits
            return float(self.output.point_loss(z, self.targets(y).T).mean()
                         + self.penalty(l1, l2))

    def loss_and_gradients(self, X, y, l1=0.0, l2=0.0):
        """Loss and its exact gradients: one forward and one backward pass.

        Calls with the same number of points reuse the same buffers, so a loop of
        ``loss_and_gradients`` and a hand-written update runs at the engine's speed.

        Parameters
        ----------
        X : ndarray (m, n_in)
        y : ndarray (m,)
            Class labels (int) or regression targets (float).
        l1, l2 : float
            Regularisation rates; the penalty is ``l1 * sum|w| + (l2/2) * sum w^2``.

        Returns
        -------
        loss : float
            Mean loss over the m rows plus the penalty.
        dweights : list of ndarray, shapes of ``weights``
        dbiases : list of ndarray, shapes of ``biases``
        """
        buf = self.buffers(len(X))
        Xa = buf.x
        Xa[:-1] = X.T  # [x; 1]: the ones row is already there
        Y = self.targets(y).T
        with np.errstate(all="ignore"):
            z = self.forward_pass(Xa, buf)
            loss = float(self.output.point_loss(z, Y).mean()) + self.penalty(l1, l2)
            self.backward_pass(Xa, Y, buf, l1 or None, l2 or None)  # 0: no penalty
        return (loss, [G[:-1].copy() for G in self.grad_layers],
                [G[-1].copy() for G in self.grad_layers])

    def __repr__(self):
        arch = "-".join(map(str, self.layer_sizes))
        return (f"MLP({arch}, activation={self.activation.name!r}, "
                f"output={self.output.name!r}, params={self.params.size})")
