"""A multilayer perceptron in NumPy, written for teaching and for speed.

Layout. All parameters live in one flat vector ``params``. Layer ``i`` owns a block
of it viewed as an *augmented* matrix ``A[i]`` of shape (n_in + 1, n_out): its first
``n_in`` rows are the weights ``W[i]`` (n_in, n_out), its last row the biases
``b[i]`` (n_out,). Feeding each layer its input with a column of ones appended,

    z = [a, 1] @ A[i] = a @ W[i] + b[i],

turns "matmul then add the bias" into a single matmul, and the backward pass

    dA[i] = [a, 1].T @ delta

yields the weight *and* bias gradients in one call. The flat layout lets an
optimizer update every parameter with a handful of NumPy calls, whatever the depth.

Hot paths run on preallocated buffers (one :class:`_Workspace` per batch size) with
in-place ufuncs, because for small layers the cost of a NumPy call, not the
arithmetic, dominates.
"""

from __future__ import annotations

import numpy as np

from .activations import ACTIVATIONS
from .initializers import INITIALIZERS
from .outputs import OUTPUTS


def with_ones(X: np.ndarray, dtype=None) -> np.ndarray:
    """Return ``X`` (m, n) with a column of ones appended: (m, n + 1)."""
    X = np.asarray(X, dtype=dtype)
    Xa = np.ones((X.shape[0], X.shape[1] + 1), dtype=X.dtype)
    Xa[:, :-1] = X
    return Xa


class _Workspace:
    """Buffers for one batch size ``m``: augmented activations, deltas, scratch."""

    def __init__(self, sizes, m, dtype):
        # acts[i]: output of hidden layer i with a ones column, (m, n_hidden_i + 1)
        self.acts = [np.ones((m, n + 1), dtype) for n in sizes[1:-1]]
        self.hidden = [a[:, :-1] for a in self.acts]  # views without the ones column
        self.deltas = [np.empty((m, n), dtype) for n in sizes[1:-1]]
        self.tmp = [np.empty((m, n), dtype) for n in sizes[1:-1]]
        self.out = np.empty((m, sizes[-1]), dtype)


class MLP:
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
        Every weight and bias, flat. ``weights``/``biases`` are views into it.
    grad : ndarray (n_params,)
        Gradient buffer with the same layout, filled by the training step.
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
        self.params = np.zeros(int(bounds[-1]), self.dtype)
        self.grad = np.zeros_like(self.params)
        self._aug = [self.params[s:e].reshape(sh)
                     for s, e, sh in zip(bounds[:-1], bounds[1:], shapes, strict=True)]
        self._gaug = [self.grad[s:e].reshape(sh)
                      for s, e, sh in zip(bounds[:-1], bounds[1:], shapes, strict=True)]
        # 1 where params holds a weight, 0 where it holds a bias (regularisation skips biases)
        self.weight_mask = np.zeros_like(self.params)
        for s, (r, c) in zip(bounds[:-1], shapes, strict=True):
            self.weight_mask[s:s + (r - 1) * c] = 1.0
        self._scratch = np.empty_like(self.params)
        self._workspaces: dict[int, _Workspace] = {}
        self.initialize(seed)

    # ------------------------------------------------------------------ parameters
    @property
    def weights(self) -> list[np.ndarray]:
        """Weight matrices, ``weights[i]`` of shape (n_in, n_out); views into ``params``."""
        return [a[:-1] for a in self._aug]

    @property
    def biases(self) -> list[np.ndarray]:
        """Bias vectors, ``biases[i]`` of shape (n_out,); views into ``params``."""
        return [a[-1] for a in self._aug]

    @property
    def n_layers(self) -> int:
        """Number of weight layers (hidden layers + 1)."""
        return len(self._aug)

    def initialize(self, seed=0):
        """Draw fresh weights and biases from the init scheme with ``seed``."""
        rng = np.random.default_rng(seed)
        init = INITIALIZERS[self.init_name]
        for a in self._aug:
            W, b = init(rng, a.shape[0] - 1, a.shape[1])
            a[:-1] = W
            a[-1] = b

    def set_params(self, weights, biases):
        """Copy ``weights``/``biases`` (lists shaped like the attributes) into the network."""
        for a, W, b in zip(self._aug, weights, biases, strict=True):
            a[:-1] = W
            a[-1] = b

    def copy(self) -> MLP:
        """An independent network with the same architecture and parameters."""
        net = MLP(self.layer_sizes, self.activation.name, self.output.name,
                  self.init_name, 0, self.dtype)
        net.params[:] = self.params
        return net

    # ------------------------------------------------------------------ forward
    def _workspace(self, m: int) -> _Workspace:
        ws = self._workspaces.get(m)
        if ws is None:
            if len(self._workspaces) > 8:  # bound memory: keep a few batch sizes only
                self._workspaces.clear()
            ws = self._workspaces[m] = _Workspace(self.layer_sizes, m, self.dtype)
        return ws

    def _forward(self, Xa: np.ndarray, ws: _Workspace) -> np.ndarray:
        """Logits (m, n_out) for augmented inputs ``Xa`` (m, n_in + 1), into ``ws``."""
        act = self.activation.forward_
        a = Xa
        for A, h, a_next in zip(self._aug, ws.hidden, ws.acts, strict=False):
            np.matmul(a, A, out=h)
            act(h)
            a = a_next
        np.matmul(a, self._aug[-1], out=ws.out)
        return ws.out

    def forward(self, X: np.ndarray) -> np.ndarray:
        """Network output for inputs ``X`` (m, n_in): (m, n_out), probabilities for
        sigmoid/softmax outputs, values for a linear output. Returns a new array."""
        Xa = with_ones(X, self.dtype)
        out = self._forward(Xa, _Workspace(self.layer_sizes, Xa.shape[0], self.dtype))
        self.output.activate_(out)
        return out

    def logits(self, X: np.ndarray) -> np.ndarray:
        """Output layer pre-activations (m, n_out) for inputs ``X`` (m, n_in)."""
        Xa = with_ones(X, self.dtype)
        return self._forward(Xa, _Workspace(self.layer_sizes, Xa.shape[0], self.dtype))

    def layer_outputs(self, X: np.ndarray) -> list[np.ndarray]:
        """Every layer's activation for inputs ``X`` (m, n_in): a list with one
        (m, n_hidden_i) array per hidden layer, then the output (m, n_out)."""
        Xa = with_ones(X, self.dtype)
        ws = _Workspace(self.layer_sizes, Xa.shape[0], self.dtype)
        out = self._forward(Xa, ws)
        self.output.activate_(out)
        return [h for h in ws.hidden] + [out]

    # ------------------------------------------------------------------ loss and gradients
    def penalty(self, l1=0.0, l2=0.0) -> float:
        """Regularisation term ``l1 * sum|w| + (l2 / 2) * sum w^2`` over weights only."""
        w = self.params * self.weight_mask
        return float(l1 * np.abs(w).sum() + 0.5 * l2 * (w @ w))

    def _backward(self, Xa, Y, ws, l1=0.0, l2=0.0):
        """Fill ``self.grad`` after ``_forward(Xa, ws)``; ``ws.out`` holds the logits and
        is overwritten. ``Y`` (m, n_out) are the targets as the output expects them."""
        out = self.output
        d = ws.out
        out.activate_(d)
        np.subtract(d, Y, out=d)
        np.multiply(d, out.grad_scale / d.shape[0], out=d)  # dLoss/dz of the output layer
        back = self.activation.backward_
        L = len(self._aug)
        for i in range(L - 1, -1, -1):
            a_in = ws.acts[i - 1] if i else Xa
            np.matmul(a_in.T, d, out=self._gaug[i])  # weights and bias rows at once
            if i:
                d_prev = ws.deltas[i - 1]
                np.matmul(d, self._aug[i][:-1].T, out=d_prev)
                back(ws.hidden[i - 1], d_prev, ws.tmp[i - 1])
                d = d_prev
        if l2:
            s = self._scratch
            np.multiply(self.params, self.weight_mask, out=s)
            np.multiply(s, l2, out=s)
            np.add(self.grad, s, out=self.grad)
        if l1:
            s = self._scratch
            np.sign(self.params, out=s)
            np.multiply(s, self.weight_mask, out=s)
            np.multiply(s, l1, out=s)
            np.add(self.grad, s, out=self.grad)

    def targets(self, y: np.ndarray) -> np.ndarray:
        """Targets ``y`` (m,) as the (m, n_out) matrix this network's output compares to."""
        return self.output.targets(y, self.layer_sizes[-1], self.dtype)

    def loss(self, X, y, l1=0.0, l2=0.0) -> float:
        """Mean loss over the rows of ``X`` (m, n_in) against ``y`` (m,), plus the penalty."""
        with np.errstate(all="ignore"):
            return self.output.loss(self.logits(X), self.targets(y)) + self.penalty(l1, l2)

    def loss_and_gradients(self, X, y, l1=0.0, l2=0.0):
        """Loss and its exact gradients.

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
        Xa = with_ones(X, self.dtype)
        Y = self.targets(y)
        ws = _Workspace(self.layer_sizes, Xa.shape[0], self.dtype)
        with np.errstate(all="ignore"):
            z = self._forward(Xa, ws)
            loss = self.output.loss(z, Y) + self.penalty(l1, l2)
            self._backward(Xa, Y, ws, l1, l2)
        return (loss, [g[:-1].copy() for g in self._gaug], [g[-1].copy() for g in self._gaug])

    def __repr__(self):
        arch = "-".join(map(str, self.layer_sizes))
        return (f"MLP({arch}, activation={self.activation.name!r}, "
                f"output={self.output.name!r}, params={self.params.size})")
