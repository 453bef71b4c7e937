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
in-place NumPy calls, because for small layers the cost of a NumPy call (~0.2-0.4 us),
not the arithmetic, dominates: a mini-batch step of 10 points is ~20 calls. Hence:

* products use ``np.dot(a, b, out)``, which is ~0.3 us cheaper per call than
  ``np.matmul`` on small matrices (measured; see ``activations.dot``), and every ufunc gets
  its ``out`` positionally and its constants as 0-d arrays of the network's dtype;
* a training step is *compiled* once per batch by :meth:`MLP._train_program` into a
  *program*: the plain list of the NumPy calls it makes, each bound to its arrays
  (``functools.partial``), run by ``for call in program: call()``. Nothing is looked
  up or unpacked per step, and no Python frame sits between two NumPy calls. Print one
  to see backpropagation for your network, call by call (:func:`describe`);
* the activation's derivative is computed for all hidden layers in one go, on one
  buffer holding all their outputs.
"""

from __future__ import annotations

from functools import partial as bind

import numpy as np

from .activations import ACTIVATIONS, run
from .activations import dot as _dot  # np.dot without its dispatch check
from .initializers import INITIALIZERS
from .outputs import OUTPUTS


def augment(X: np.ndarray, dtype=None) -> np.ndarray:
    """Inputs ``X`` (m, n) as the engine consumes them: transposed with a row of ones
    appended, (n + 1, m)."""
    X = np.asarray(X, dtype=dtype)
    Xa = np.ones((X.shape[1] + 1, X.shape[0]), dtype=X.dtype)
    Xa[:-1] = X.T
    return Xa


def describe(program) -> str:
    """A program (list of bound calls, see :meth:`MLP._train_program`) as text, one NumPy
    call per line with the shapes of its arrays, e.g. ``dot((16, 3), (3, 10), (16, 10))``."""
    def arg(a):
        if isinstance(a, np.ndarray):
            return f"{a.item():g}" if a.ndim == 0 else str(a.shape)
        return getattr(a, "__name__", repr(a))

    lines = []
    for call in program:
        args = [arg(a) for a in call.args] + [f"{k}={arg(v)}" for k, v in call.keywords.items()]
        lines.append(f"{getattr(call.func, '__name__', 'call')}({', '.join(args)})")
    return "\n".join(lines)


class _Workspace:
    """Buffers for a batch of ``m`` samples, feature-major (one column per sample), and
    the per-layer argument lists the passes loop over, made once rather than per step.
    ``out`` (n_out, m), C-contiguous, if given, is where the logits go (e.g. a block of a
    larger buffer); by default the workspace makes its own."""

    def __init__(self, net: MLP, m: int, backward: bool = True, out=None):
        sizes, dtype = net.layer_sizes, net.dtype
        hidden_sizes = sizes[1:-1]
        # All hidden layers' outputs live in one buffer ``H``, one block of rows per layer,
        # each block ending with a row of ones: acts[i] = [a_i; 1], (n_i + 1, m), contiguous.
        # One buffer lets the backward pass compute every layer's activation derivative
        # with a single kernel call, into ``S`` (same layout).
        ends = np.cumsum([0] + [n + 1 for n in hidden_sizes])
        self.H = np.ones((int(ends[-1]), m), dtype)
        self.acts = [self.H[s:e] for s, e in zip(ends[:-1], ends[1:], strict=True)]
        self.hidden = [a[:-1] for a in self.acts]  # contiguous views without the ones row
        self.out = np.empty((sizes[-1], m), dtype) if out is None else out  # logits, then delta
        self.out_T = self.out.T  # (m, n_out): the layout the output functions expect
        # forward: (A.T, where z goes, the layer's augmented output) per hidden layer
        self.up = list(zip(net._aug_T, self.hidden, self.acts, strict=False))
        if not backward:  # forward passes only (a plot's grid): a third of the memory
            return
        self.S = np.empty_like(self.H)
        self.slopes = [self.S[s:e - 1] for s, e in zip(ends[:-1], ends[1:], strict=True)]
        # deltas[i]: dLoss/dz of layer i, (n_out_i, m); the output layer's is ``out``
        self.deltas = [np.empty((n, m), dtype) for n in hidden_sizes] + [self.out]
        self.deltas_T = [d.T for d in self.deltas]
        # backward, from the output layer down to layer 1: what the gradient product and
        # the step "push the delta down through W, then through the activation" need
        self.down = [(self.acts[i - 1], self.deltas_T[i], net._gaug[i], net._W[i],
                      self.deltas[i], self.deltas[i - 1], self.slopes[i - 1])
                     for i in range(len(sizes) - 2, 0, -1)]


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
        # the activation's in-place kernels for this dtype (see activations.py)
        self._act = self.activation.make_forward(self.dtype)
        self._slope = self.activation.make_slope(self.dtype)

        shapes = [(n_in + 1, n_out) for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)]
        bounds = np.cumsum([0] + [r * c for r, c in shapes])
        self.layer_starts = bounds[:-1]  # where each layer's block begins in ``params``
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
        self._workspaces: dict[tuple[int, bool], _Workspace] = {}
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
    def _workspace(self, m: int, backward: bool = True) -> _Workspace:
        ws = self._workspaces.get((m, backward))
        if ws is None:
            if len(self._workspaces) > 8:  # bound memory: keep a few batch sizes only
                self._workspaces.clear()
            ws = self._workspaces[(m, backward)] = _Workspace(self, m, backward)
        return ws

    def _forward_program(self, Xa: np.ndarray, ws: _Workspace) -> list:
        """The calls of a forward pass: augmented inputs ``Xa`` (n_in + 1, m) to logits
        in ``ws.out`` (n_out, m)."""
        calls, a = [], Xa
        for A_T, h, a_next in ws.up:
            calls.append(bind(_dot, A_T, a, h))  # z = A.T [a; 1], into the next layer's input
            calls += self._act(h)  # a = act(z), in place
            a = a_next
        calls.append(bind(_dot, self._aug_T[-1], a, ws.out))
        return calls

    def _forward(self, Xa: np.ndarray, ws: _Workspace) -> np.ndarray:
        """Logits (n_out, m) for augmented inputs ``Xa`` (n_in + 1, m), into ``ws``."""
        run(self._forward_program(Xa, ws))
        return ws.out

    def _run(self, X: np.ndarray) -> tuple[np.ndarray, _Workspace]:
        """Logits (m, n_out) for inputs ``X`` (m, n_in) in a fresh workspace."""
        Xa = augment(X, self.dtype)
        ws = _Workspace(self, Xa.shape[1], backward=False)
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

    def _train_program(self, ws: _Workspace, Xa, T, scale=1.0, l1=0.0, l2=0.0,
                       update=()) -> tuple[list, list]:
        """Compile a training step on the batch ``Xa``, ``T`` into two programs.

        ``forward`` runs the forward pass on augmented inputs ``Xa`` (n_in + 1, m) into
        the workspace ``ws`` (made for m samples). ``backward`` (which needs the forward
        pass in ``ws``) writes ``scale * gradient`` of the mean loss, plus the penalty
        ``l1``, ``l2``, into ``self.grad``, then runs the calls in ``update`` (e.g. an
        optimizer's). ``T`` (m, n_out) are the targets as ``output.make_delta`` expects
        them (see :meth:`Output.delta_targets`); ``ws.out`` is overwritten by the output
        delta. Both programs are lists of zero-argument calls; the arrays they are bound
        to (parameters, workspace, batch) are updated in place, so a program stays valid
        for the life of the network.
        """
        mul, add = np.multiply, np.add
        forward = self._forward_program(Xa, ws)
        # ``scale`` (e.g. -learning_rate) and the mean's 1/m enter once, in the output
        # delta: every gradient below is linear in it
        backward = self.output.make_delta(self.dtype, scale / ws.out.shape[1])(ws.out_T, T)
        backward += self._slope(ws.H, ws.S)  # the derivative, all hidden layers at once
        for a_in, delta_T, g, W, d, d_down, slope_down in ws.down:
            backward += [bind(_dot, a_in, delta_T, g),  # [a; 1] @ delta.T: W and b at once
                         bind(_dot, W, d, d_down),  # delta back through the weights...
                         bind(mul, d_down, slope_down, d_down)]  # ...and the activation
        backward.append(bind(_dot, Xa, ws.deltas_T[0], self._gaug[0]))
        params, grad, s = self.params, self.grad, self._scratch
        if l2:  # d/dw (l2/2) w^2 = l2 w, on weights only: the mask is 0 on biases
            backward += [bind(mul, params, self.weight_mask * (l2 * scale), s),
                         bind(add, grad, s, grad)]
        if l1:  # d/dw l1 |w| = l1 sign(w)
            backward += [bind(np.sign, params, s),
                         bind(mul, s, self.weight_mask * (l1 * scale), s),
                         bind(add, grad, s, grad)]
        return forward, backward + list(update)

    def _train_programs(self, batches, scale=1.0, l1=0.0, l2=0.0, update=()) -> list:
        """:meth:`_train_program` for every ``(Xa, T, ws)`` in ``batches``; returns
        ``(forward + backward, backward)`` per batch (``backward`` alone only for the
        first batch of each size, the one a full batch is).

        Batches of one size share a workspace, so their programs differ only in the
        calls that read ``Xa`` or ``T``: the program is built once per workspace and the
        other batches get copies with just those calls rebound. (Thousands of batches of
        size 1 then cost a list of pointers each, not a full program.)
        """
        built, out = {}, []
        for Xa, T, ws in batches:
            if id(ws) not in built:
                forward, backward = self._train_program(ws, Xa, T, scale, l1, l2, update)
                program = forward + backward
                reads = [i for i, c in enumerate(program)  # the calls that read Xa or T
                         if any(a is Xa or a is T for a in c.args)]
                built[id(ws)] = (Xa, T, program, reads, len(forward))
                out.append((program, backward))
                continue
            Xa0, T0, program, reads, n_forward = built[id(ws)]
            program = program.copy()
            for i in reads:
                c = program[i]
                args = [Xa if a is Xa0 else T if a is T0 else a for a in c.args]
                program[i] = bind(c.func, *args, **c.keywords)
            out.append((program, None))  # (only a full batch, built first, skips forward)
        return out

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
            # the training step's own backward pass, on the forward pass just done
            run(self._train_program(ws, Xa, self.output.delta_targets(Y), 1.0, l1, l2)[1])
        return (loss, [g[:-1].copy() for g in self._gaug], [g[-1].copy() for g in self._gaug])

    def __repr__(self):
        arch = "-".join(map(str, self.layer_sizes))
        return (f"MLP({arch}, activation={self.activation.name!r}, "
                f"output={self.output.name!r}, params={self.params.size})")
