"""A multilayer perceptron in NumPy, written for teaching and for speed.

Layout. All parameters live in one flat vector ``params``. Layer ``i`` owns a block
of it viewed as an *augmented* matrix ``A[i]`` of shape (n_in + 1, n_out): its first
``n_in`` rows are the weights ``W[i]`` (n_in, n_out), its last row the biases
``b[i]`` (n_out,). Feeding each layer its input with a ones entry appended,

    z = A[i].T @ [a; 1] = W[i].T @ a + b[i],

turns "matmul then add the bias" into a single matmul, and the backward pass

    dA[i] = [a; 1] @ delta.T

yields the weight *and* bias gradients in one call. The flat layout lets an
optimizer update every parameter with a handful of NumPy calls, whatever the depth.

Inside the engine a batch is stored *feature-major*: one row per neuron, one column
per sample, so a layer's activations ``[a; 1]`` are an (n + 1, m) block whose last row
is ones and whose first n rows are contiguous. (Sample-major rows with a ones column
would make every activation a strided view, and NumPy runs 1.5-3x slower on those.)
The public methods take and return the usual sample-major (m, n) arrays.

Hot paths run on preallocated buffers (one :class:`_Workspace` per batch size) with
in-place ufuncs, because for small layers the cost of a NumPy call, not the
arithmetic, dominates.
"""

from __future__ import annotations

import numpy as np

from .activations import ACTIVATIONS
from .initializers import INITIALIZERS
from .outputs import OUTPUTS


def augment(X: np.ndarray, dtype=None) -> np.ndarray:
    """Inputs ``X`` (m, n) as the engine consumes them: transposed with a row of ones
    appended, (n + 1, m)."""
    X = np.asarray(X, dtype=dtype)
    Xa = np.ones((X.shape[1] + 1, X.shape[0]), dtype=X.dtype)
    Xa[:-1] = X.T
    return Xa


class _Workspace:
    """Buffers for a batch of ``m`` samples, feature-major (one column per sample), and
    the per-layer argument lists the passes loop over, made once rather than per step."""

    def __init__(self, net: MLP, m: int):
        sizes, dtype = net.layer_sizes, net.dtype
        # acts[i]: output of hidden layer i with a ones row, (n_hidden_i + 1, m)
        self.acts = [np.ones((n + 1, m), dtype) for n in sizes[1:-1]]
        self.hidden = [a[:-1] for a in self.acts]  # contiguous views without the ones row
        self.out = np.empty((sizes[-1], m), dtype)  # logits, then the output delta
        self.out_T = self.out.T  # (m, n_out): the layout the output functions expect
        # deltas[i]: dLoss/dz of layer i, (n_out_i, m); the output layer's is ``out``
        self.deltas = [np.empty((n, m), dtype) for n in sizes[1:-1]] + [self.out]
        self.deltas_T = [d.T for d in self.deltas]
        self.tmp = [np.empty((n, m), dtype) for n in sizes[1:-1]]
        # forward: (A.T, where z goes, the layer's augmented output) per hidden layer
        self.up = list(zip(net._aug_T, self.hidden, self.acts, strict=False))
        # backward, from the output layer down to layer 1: what the gradient matmul and the
        # step "push the delta down through W, then through the activation" need
        self.down = []
        for i in range(len(sizes) - 2, 0, -1):
            W = net._W[i]
            # W @ delta; with one output unit an outer product, faster as a broadcast
            push = np.multiply if W.shape[1] == 1 else np.matmul
            self.down.append((self.acts[i - 1], self.deltas_T[i], net._gaug[i], push, W,
                              self.deltas[i], self.deltas[i - 1], self.hidden[i - 1],
                              self.tmp[i - 1]))


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
        # views the passes use, made once: A.T (forward) and W without the bias row (backward)
        self._aug_T = [a.T for a in self._aug]
        self._W = [a[:-1] for a in self._aug]
        # 1 where params holds a weight, 0 where it holds a bias (regularisation skips biases)
        self.weight_mask = np.zeros_like(self.params)
        for s, (r, c) in zip(bounds[:-1], shapes, strict=True):
            self.weight_mask[s:s + (r - 1) * c] = 1.0
        self._scratch = np.empty_like(self.params)
        self._reg_masks: dict = {}  # (kind, rate) -> weight_mask * rate, made on first use
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
            ws = self._workspaces[m] = _Workspace(self, m)
        return ws

    def _forward(self, Xa: np.ndarray, ws: _Workspace) -> np.ndarray:
        """Logits (n_out, m) for augmented inputs ``Xa`` (n_in + 1, m), into ``ws``."""
        act = self.activation.forward_
        a = Xa
        for A_T, h, a_next in ws.up:
            np.matmul(A_T, a, out=h)  # z = A.T [a; 1], straight into the next layer's input
            act(h)
            a = a_next
        np.matmul(self._aug_T[-1], a, out=ws.out)
        return ws.out

    def _run(self, X: np.ndarray) -> tuple[np.ndarray, _Workspace]:
        """Logits (m, n_out) for inputs ``X`` (m, n_in) in a fresh workspace."""
        Xa = augment(X, self.dtype)
        ws = _Workspace(self, Xa.shape[1])
        return self._forward(Xa, ws).T, ws

    def forward(self, X: np.ndarray) -> np.ndarray:
        """Network output for inputs ``X`` (m, n_in): (m, n_out), probabilities for
        sigmoid/softmax outputs, values for a linear output. Returns a new array."""
        z, _ = self._run(X)
        self.output.activate_(z)
        return np.ascontiguousarray(z)

    def logits(self, X: np.ndarray) -> np.ndarray:
        """Output layer pre-activations (m, n_out) for inputs ``X`` (m, n_in)."""
        return np.ascontiguousarray(self._run(X)[0])

    def layer_outputs(self, X: np.ndarray) -> list[np.ndarray]:
        """Every layer's activation for inputs ``X`` (m, n_in): a list with one
        (m, n_hidden_i) array per hidden layer, then the output (m, n_out)."""
        z, ws = self._run(X)
        self.output.activate_(z)
        return [np.ascontiguousarray(h.T) for h in ws.hidden] + [np.ascontiguousarray(z)]

    # ------------------------------------------------------------------ loss and gradients
    def penalty(self, l1=0.0, l2=0.0) -> float:
        """Regularisation term ``l1 * sum|w| + (l2 / 2) * sum w^2`` over weights only."""
        w = self.params * self.weight_mask
        return float(l1 * np.abs(w).sum() + 0.5 * l2 * (w @ w))

    def _backward(self, Xa, T, ws, l1=0.0, l2=0.0):
        """Fill ``self.grad`` after ``_forward(Xa, ws)``; ``ws.out`` holds the logits and
        is overwritten. ``T`` (m, n_out) are the targets as ``output.delta_`` expects
        them (see :meth:`Output.delta_targets`)."""
        self.output.delta_(ws.out_T, T)  # dLoss/dz of the output layer, in place
        back, matmul = self.activation.backward_, np.matmul
        for a_in, delta_T, g, push, W, delta, delta_down, a, tmp in ws.down:
            matmul(a_in, delta_T, out=g)  # [a; 1] @ delta.T: weights and bias row at once
            push(W, delta, out=delta_down)  # delta back through the weights...
            back(a, delta_down, tmp)  # ...and through the activation
        matmul(Xa, ws.deltas_T[0], out=self._gaug[0])
        s = self._scratch
        if l2:  # d/dw (l2/2) w^2 = l2 w, weights only
            np.multiply(self.params, self._reg_mask("l2", l2), out=s)
            np.add(self.grad, s, out=self.grad)
        if l1:  # d/dw l1 |w| = l1 sign(w), weights only
            np.sign(self.params, out=s)
            np.multiply(s, self._reg_mask("l1", l1), out=s)
            np.add(self.grad, s, out=self.grad)

    def _reg_mask(self, kind, rate):
        """``weight_mask * rate``, cached: one multiply per step instead of two."""
        mask = self._reg_masks.get((kind, rate))
        if mask is None:
            if len(self._reg_masks) > 8:
                self._reg_masks.clear()
            mask = self._reg_masks[(kind, rate)] = self.weight_mask * rate
        return mask

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
        Xa = augment(X, self.dtype)
        Y = self.targets(y)
        ws = _Workspace(self, Xa.shape[1])
        with np.errstate(all="ignore"):
            z = self._forward(Xa, ws)
            loss = self.output.loss(z.T, Y) + self.penalty(l1, l2)
            self._backward(Xa, self.output.delta_targets(Y), ws, l1, l2)
        return (loss, [g[:-1].copy() for g in self._gaug], [g[-1].copy() for g in self._gaug])

    def __repr__(self):
        arch = "-".join(map(str, self.layer_sizes))
        return (f"MLP({arch}, activation={self.activation.name!r}, "
                f"output={self.output.name!r}, params={self.params.size})")
