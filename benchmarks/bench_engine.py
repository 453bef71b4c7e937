"""Speed of our engine against the plain textbook loop, a naive tutorial-style NumPy MLP
and scikit-learn.

    python benchmarks/bench_engine.py            # full run (a few minutes)
    python benchmarks/bench_engine.py --quick    # short run, fewer repeats/epochs
    python benchmarks/bench_engine.py --threads 2  # OpenBLAS threads (default 1)

What is compared, and why it is fair
------------------------------------
All three train the same 2-16-16-1 network (tanh hidden layers, sigmoid output,
binary cross-entropy) with plain gradient descent, learning rate 0.03, on the same
500 circle points (``make_dataset("circle", 500, noise=0.1, seed=0)``), from the same
initial weights, with mini-batches taken *in order* (no shuffling). They therefore do
the same arithmetic, and their final training losses agree to rounding (~1e-16) in
float64 (the table prints the largest difference; it must stay below 1e-6).

* **ours (Trainer)** is ``playground.Trainer`` exactly as the app runs it: history
  recorded every epoch, which costs a forward pass per epoch over the training *and*
  test points plus the loss/accuracy metrics (with a full batch the training part of
  that pass is reused as the next epoch's forward pass; with mini-batches it is extra).
  ``Config`` cannot put all points in the training set (``train_ratio`` <= 0.9), so the
  benchmark subclasses ``Trainer`` and overrides only its data hook ``_build_data``:
  training set = the 500 points, test set = 100 further circle points (seed 1), which
  the peers never look at. Everything else
  (network, batches, optimizer, epoch loop, evaluation, history, snapshots, divergence
  check) is the real code path. The shared initial weights are copied in with
  ``network.set_params``; ``shuffle=False`` keeps the batch order identical to the peers.
* **ours (bare MLP loop)**, for information: the network's own passes
  (``MLP.forward_pass``, ``MLP.backward_pass``, ``SGD.step``) in a loop over the batches,
  without evaluation or history, in float64 and float32. The difference from the
  Trainer is the cost of the per-epoch history.
* **ours (notebook loop)**: what a user writes in a notebook, ``MLP.loss_and_gradients``
  and their own ``W -= lr * dW`` per layer (full batch only).
* **naive** copies the style of the two seed tutorials (dict layers, ``np.dot(...) +
  bias``, the derivative recomputed from the pre-activation, new arrays at every step,
  averaged gradients, plain gradient descent), generalised to two hidden tanh layers,
  with the math correct.
* **sklearn** is ``MLPClassifier(solver="sgd", momentum=0, alpha=0, shuffle=False)``,
  started from the shared weights via ``warm_start`` (one throw-away ``fit`` with
  ``max_iter=1`` creates its attributes; then ``coefs_``/``intercepts_`` are
  overwritten and the timed ``fit`` runs ``max_iter=epochs``). It also computes the
  batch losses, as it always does.

Timing: the candidates run interleaved (A, B, C, A, B, C, ...) and each figure is the
median over the repeats, which resists noise from other work on the machine. Set-up
(building the trainer, copying weights) is outside the timed region.

The final training loss of each is computed the same way, by loading its weights into a
float64 ``MLP`` and calling ``MLP.loss`` on the 500 points.

**Trainer vs the plain loop** (section c): the app's own setups, run by ``Trainer``
exactly as configured (shuffled mini-batches, history every epoch), against
:func:`plain_loop`, the textbook loop a student would write (sample-major ``X @ W + b``,
tanh, sigmoid + cross-entropy, mini-batch SGD, the training and test loss and accuracy
after every epoch), on the Trainer's own data, initial weights and shuffling order, so
both do the same arithmetic (the final losses are printed). Setups: the default
(circle, hidden 4-2, batch 10, 500 points, half for training) and 16-16 in full batch.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings

# OpenBLAS threads must be fixed before NumPy is imported. One thread is faster here:
# the matrices are tiny, and a second thread only adds synchronisation (measured).
_args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
_args.add_argument("--quick", action="store_true", help="short run: fewer epochs/repeats")
_args.add_argument("--threads", type=int, default=1, help="OpenBLAS threads (default 1)")
_args.add_argument("--repeats", type=int, default=0, help="repeats per figure (default 7)")
ARGS = _args.parse_args()
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(ARGS.threads)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402

import playground  # noqa: E402
from playground.engine.network import MLP, augment  # noqa: E402
from playground.engine.optimizers import SGD  # noqa: E402

SIZES = (2, 16, 16, 1)
LR = 0.03
N_POINTS = 500


# ---------------------------------------------------------------------- shared setup
def shared_data():
    X, y = playground.make_dataset("circle", N_POINTS, noise=0.1, seed=0)
    X_test, y_test = playground.make_dataset("circle", 100, noise=0.1, seed=1)
    return X, y, X_test, y_test


def shared_weights(sizes=SIZES):
    """Initial weights every candidate starts from (Xavier, seed 0), float64 copies."""
    net = MLP(sizes, "tanh", "sigmoid", "xavier", seed=0)
    return [W.copy() for W in net.weights], [b.copy() for b in net.biases]


def final_loss(weights, biases, X, y) -> float:
    """Mean binary cross-entropy of a 2-16-16-1 network with these weights, in float64."""
    net = MLP(SIZES)
    net.set_params([np.asarray(W, np.float64) for W in weights],
                   [np.asarray(b, np.float64).ravel() for b in biases])
    return net.loss(X, y)


# ---------------------------------------------------------------------- ours
class BenchTrainer(playground.Trainer):
    """The real Trainer; only the data hook is replaced (see the module docstring)."""

    data = None  # (X_train, y_train, X_test, y_test), set before construction

    def _build_data(self):
        self.X_train, self.y_train, self.X_test, self.y_test = self.data


def make_trainer(data, W0, b0, batch_size, dtype="float64"):
    BenchTrainer.data = data
    config = playground.Config(dataset="circle", n_samples=N_POINTS, noise=0.1,
                               hidden=SIZES[1:-1], activation="tanh", output="sigmoid",
                               init="xavier", init_seed=0, optimizer="sgd",
                               learning_rate=LR, batch_size=batch_size, shuffle=False,
                               dtype=dtype)
    trainer = BenchTrainer(config)
    trainer.network.set_params(W0, b0)
    return trainer


def ours_trainer(data, W0, b0, batch_size, epochs, dtype="float64"):
    trainer = make_trainer(data, W0, b0, batch_size, dtype)

    def run():
        trainer.step(epochs)
        assert trainer.epoch == epochs and trainer.diverged is None

    def weights():
        return trainer.network.weights, trainer.network.biases

    return run, weights


def ours_bare(data, W0, b0, batch_size, epochs, dtype="float64"):
    """Bare MLP loop: the network's forward pass, backward pass and SGD step per batch,
    as the Trainer runs them; no evaluation, no history."""
    X, y = data[0], data[1]
    net = MLP(SIZES, dtype=dtype)
    net.set_params(W0, b0)
    Xa, Y = augment(X, net.dtype), net.targets(y).T
    opt = SGD(net.params.size, net.dtype, learning_rate=LR)
    rows, Yrows = Xa.T.copy(), Y.T.copy()  # contiguous batches, as the Trainer makes them
    batches = [(rows[s:s + batch_size].T, Yrows[s:s + batch_size].T,
                net.buffers(len(rows[s:s + batch_size]))) for s in range(0, len(y), batch_size)]

    def run():
        for _ in range(epochs):
            for Xb, Yb, buf in batches:
                net.forward_pass(Xb, buf)
                net.backward_pass(Xb, Yb, buf)
                opt.step(net.params, net.grad)

    return run, lambda: (net.weights, net.biases)


def ours_notebook(data, W0, b0, epochs):
    """What a notebook user writes: ``loss_and_gradients`` and their own SGD update."""
    X, y = data[0], data[1]
    net = MLP(SIZES)

    def setup():
        net.set_params(W0, b0)

    def run():
        for _ in range(epochs):
            loss, dW, db = net.loss_and_gradients(X, y)
            for W, b, gW, gb in zip(net.weights, net.biases, dW, db, strict=True):
                W -= LR * gW
                b -= LR * gb

    return run, lambda: (net.weights, net.biases), setup


# ---------------------------------------------------------------------- naive (tutorials)
# The seed tutorials' style, generalised to two hidden tanh layers, with correct math.
def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def tanh(x):
    return np.tanh(x)


def tanh_derivative(x):
    return 1 - np.tanh(x) ** 2


def forward_propagation(X, layers):
    hidden_1, hidden_2, output = layers
    Z1 = np.dot(X, hidden_1["weights"]) + hidden_1["bias"]
    A1 = tanh(Z1)
    Z2 = np.dot(A1, hidden_2["weights"]) + hidden_2["bias"]
    A2 = tanh(Z2)
    Z3 = np.dot(A2, output["weights"]) + output["bias"]
    A3 = sigmoid(Z3)
    return Z1, A1, Z2, A2, Z3, A3


def backward_propagation(X, Y, cache, layers):
    Z1, A1, Z2, A2, Z3, A3 = cache
    hidden_1, hidden_2, output = layers
    m = X.shape[0]
    dZ3 = A3 - Y  # sigmoid + binary cross-entropy
    dW3 = (1 / m) * np.dot(A2.T, dZ3)
    db3 = (1 / m) * np.sum(dZ3, axis=0)
    dZ2 = np.dot(dZ3, output["weights"].T) * tanh_derivative(Z2)
    dW2 = (1 / m) * np.dot(A1.T, dZ2)
    db2 = (1 / m) * np.sum(dZ2, axis=0)
    dZ1 = np.dot(dZ2, hidden_2["weights"].T) * tanh_derivative(Z1)
    dW1 = (1 / m) * np.dot(X.T, dZ1)
    db1 = (1 / m) * np.sum(dZ1, axis=0)
    return [(dW1, db1), (dW2, db2), (dW3, db3)]


def update_parameters(layers, grads, learning_rate):
    for layer, (dW, db) in zip(layers, grads, strict=True):
        layer["weights"] = layer["weights"] - learning_rate * dW
        layer["bias"] = layer["bias"] - learning_rate * db


def train_naive(X, Y, layers, learning_rate, epochs, batch_size):
    for _ in range(epochs):
        for start in range(0, X.shape[0], batch_size):
            X_batch, Y_batch = X[start:start + batch_size], Y[start:start + batch_size]
            cache = forward_propagation(X_batch, layers)
            grads = backward_propagation(X_batch, Y_batch, cache, layers)
            update_parameters(layers, grads, learning_rate)
    return layers


def naive(data, W0, b0, batch_size, epochs):
    X, Y = data[0], data[1].reshape(-1, 1).astype(np.float64)
    layers = []

    def run():
        layers[:] = [{"weights": W.copy(), "bias": b.copy()} for W, b in zip(W0, b0, strict=True)]
        train_naive(X, Y, layers, LR, epochs, batch_size)

    return run, lambda: ([la["weights"] for la in layers], [la["bias"] for la in layers])


# ---------------------------------------------------------------------- scikit-learn
def sklearn_mlp(data, W0, b0, batch_size, epochs):
    X, y = data[0], data[1]
    clf = MLPClassifier(hidden_layer_sizes=SIZES[1:-1], activation="tanh", solver="sgd",
                        momentum=0.0, nesterovs_momentum=False, learning_rate="constant",
                        learning_rate_init=LR, batch_size=batch_size, alpha=0.0,
                        shuffle=False, max_iter=1, tol=0.0, n_iter_no_change=10**9,
                        warm_start=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)  # creates the attributes; its weights are overwritten below
    clf.set_params(max_iter=epochs)

    def setup():
        clf.coefs_ = [W.copy() for W in W0]
        clf.intercepts_ = [b.copy() for b in b0]

    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X, y)
        assert clf.n_iter_ == epochs

    return run, lambda: (clf.coefs_, clf.intercepts_), setup


# ---------------------------------------------------------------------- timing
def interleaved(candidates, repeats):
    """Run each candidate's ``run`` once per round, round after round; return the
    median seconds per candidate. ``candidates``: name -> (run, setup or None)."""
    times = {name: [] for name in candidates}
    for _ in range(repeats):
        for name, (run, setup) in candidates.items():
            if setup is not None:
                setup()
            t0 = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - t0)
    return {name: float(np.median(ts)) for name, ts in times.items()}


def training_workload(title, data, batch_size, epochs, repeats):
    W0, b0 = shared_weights()
    X, y = data[0], data[1]
    built = {}

    # ours: a fresh trainer per repeat would re-run set-up inside the loop, so each
    # repeat rebuilds it in its (untimed) setup and the timed run only trains
    def ours_factory(dtype):
        holder = {}

        def setup():
            holder["run"], holder["weights"] = ours_trainer(data, W0, b0, batch_size, epochs,
                                                            dtype)

        return (lambda: holder["run"](), setup), lambda: holder["weights"]()

    for name, dtype in (("ours (Trainer) f64", "float64"), ("ours (Trainer) f32", "float32")):
        (run, setup), weights = ours_factory(dtype)
        built[name] = (run, setup, weights)

    for name, dtype in (("ours (bare MLP loop) f64", "float64"),
                        ("ours (bare MLP loop) f32", "float32")):
        holder = {}

        def bare_setup(holder=holder, dtype=dtype):
            holder["run"], holder["weights"] = ours_bare(data, W0, b0, batch_size, epochs,
                                                         dtype)

        built[name] = (lambda holder=holder: holder["run"](), bare_setup,
                       lambda holder=holder: holder["weights"]())
    if batch_size == len(data[1]):
        run, weights, setup = ours_notebook(data, W0, b0, epochs)
        built["ours (notebook loop)"] = (run, setup, weights)
    run, weights = naive(data, W0, b0, batch_size, epochs)
    built["naive (tutorial style)"] = (run, None, weights)
    run, weights, setup = sklearn_mlp(data, W0, b0, batch_size, epochs)
    built["sklearn MLPClassifier"] = (run, setup, weights)

    med = interleaved({k: (v[0], v[1]) for k, v in built.items()}, repeats)
    losses = {k: final_loss(*v[2](), X, y) for k, v in built.items()}
    ref = losses["naive (tutorial style)"]
    print(f"\n{title}: {epochs} epochs, batch {batch_size} "
          f"({-(-N_POINTS // batch_size)} steps/epoch), median of {repeats}")
    print(f"  {'':28s}{'epochs/s':>10s}{'ms/epoch':>10s}  {'final train loss':>18s}"
          f"{'|diff| vs naive':>16s}")
    for name, secs in med.items():
        eps = epochs / secs
        print(f"  {name:28s}{eps:10.0f}{1e3 / eps:10.3f}  {losses[name]:18.12f}"
              f"{abs(losses[name] - ref):16.2e}")
    f64 = [v for k, v in losses.items() if "f32" not in k]
    spread = max(f64) - min(f64)
    print(f"  max |loss difference| among float64 runs: {spread:.2e} "
          f"({'OK' if spread < 1e-6 else 'FAIL'} < 1e-6)")
    ours = med["ours (Trainer) f64"]
    ours32 = med["ours (Trainer) f32"]
    for peer in ("naive (tutorial style)", "sklearn MLPClassifier"):
        print(f"  speed-up vs {peer:24s}: f64 {med[peer] / ours:6.1f}x"
              f"   f32 {med[peer] / ours32:6.1f}x")
    naive_s = med["naive (tutorial style)"]
    print(f"  (bare loop, without the history, vs naive: "
          f"f64 {naive_s / med['ours (bare MLP loop) f64']:.1f}x   "
          f"f32 {naive_s / med['ours (bare MLP loop) f32']:.1f}x)")
    if "ours (notebook loop)" in med:
        book = med["ours (notebook loop)"]
        check("notebook loop vs naive (full batch)", naive_s / book, 1.5)
        check("notebook loop vs scikit-learn (full batch)",
              med["sklearn MLPClassifier"] / book, 2.0)
    return med, losses


def grid_workload(sizes, repeats, passes):
    """Forward pass over a 100 x 100 grid (what a decision-region plot needs)."""
    W0, b0 = shared_weights(sizes)
    config = playground.Config(hidden=sizes[1:-1], activation="tanh", output="sigmoid")
    candidates, outputs = {}, {}
    for dtype in ("float64", "float32"):
        trainer = playground.Trainer(config.replace(dtype=dtype))
        trainer.network.set_params(W0, b0)

        def run(trainer=trainer, dtype=dtype):
            for _ in range(passes):
                xs, out, hidden = trainer.predict_grid(100)
            outputs[f"ours f{dtype[-2:]}"] = out

        candidates[f"ours predict_grid f{dtype[-2:]}"] = (run, None)
    xs = np.linspace(-playground.DOMAIN, playground.DOMAIN, 100)
    g1, g2 = np.meshgrid(xs, xs)
    P = np.column_stack([g1.ravel(), g2.ravel()])
    layers = [{"weights": W, "bias": b} for W, b in zip(W0, b0, strict=True)]

    def run_naive():
        for _ in range(passes):
            h = P
            for layer in layers[:-1]:
                h = tanh(np.dot(h, layer["weights"]) + layer["bias"])
            out = sigmoid(np.dot(h, layers[-1]["weights"]) + layers[-1]["bias"])
        outputs["naive"] = out

    candidates["naive forward"] = (run_naive, None)
    clf = MLPClassifier(hidden_layer_sizes=sizes[1:-1], activation="tanh", max_iter=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(P[:20], (P[:20, 0] > 0).astype(int))
    clf.coefs_, clf.intercepts_ = [W.copy() for W in W0], [b.copy() for b in b0]

    def run_sklearn():
        for _ in range(passes):
            out = clf.predict_proba(P)[:, 1:]
        outputs["sklearn"] = out

    candidates["sklearn predict_proba"] = (run_sklearn, None)
    med = interleaved(candidates, repeats)
    arch = "-".join(map(str, sizes))
    print(f"\nGrid 100x100 forward, {arch} tanh/sigmoid: median of {repeats} x {passes} passes")
    print(f"  {'':28s}{'passes/s':>10s}{'ms/pass':>10s}")
    for name, secs in med.items():
        print(f"  {name:28s}{passes / secs:10.0f}{1e3 * secs / passes:10.3f}")
    ref = outputs["naive"].reshape(-1)
    print(f"  max |output difference| vs naive: ours f64 "
          f"{np.abs(outputs['ours f64'].reshape(-1) - ref).max():.1e}, ours f32 "
          f"{np.abs(outputs['ours f32'].reshape(-1) - ref).max():.1e}, sklearn "
          f"{np.abs(outputs['sklearn'].reshape(-1) - ref).max():.1e}")
    ours = med["ours predict_grid f64"]
    for peer in ("naive forward", "sklearn predict_proba"):
        print(f"  speed-up vs {peer:24s}: f64 {med[peer] / ours:6.1f}x   "
              f"f32 {med[peer] / med['ours predict_grid f32']:6.1f}x")
    return med


# ---------------------------------------------------------------------- the plain loop
def plain_loop(X, y, X_test, y_test, weights, biases, lr, batch_size, epochs, seed):
    """The textbook training loop: sample-major ``X @ W + b``, tanh hidden layers, a
    sigmoid output with binary cross-entropy, mini-batch SGD over a fresh shuffle each
    epoch, and the training and test loss and accuracy after every epoch."""
    rng = np.random.default_rng(seed)
    Y, Y_test = y.reshape(-1, 1).astype(float), y_test.reshape(-1, 1).astype(float)
    history = []

    def forward(A):
        activations = [A]
        for W, b in zip(weights[:-1], biases[:-1], strict=True):
            activations.append(np.tanh(activations[-1] @ W + b))
        return activations, activations[-1] @ weights[-1] + biases[-1]

    def metrics(A, T):
        _, z = forward(A)
        loss = np.mean(np.logaddexp(0.0, (1 - 2 * T) * z))  # cross-entropy from logits
        return loss, np.mean((z >= 0) == (T == 1))

    n = len(X)
    for _ in range(epochs):
        order = rng.permutation(n) if batch_size < n else np.arange(n)
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            activations, z = forward(X[batch])
            delta = (0.5 * (1 + np.tanh(0.5 * z)) - Y[batch]) / len(batch)  # sigmoid - y
            for i in reversed(range(len(weights))):
                dW = activations[i].T @ delta
                db = delta.sum(axis=0)
                if i:
                    delta = (delta @ weights[i].T) * (1 - activations[i] ** 2)
                weights[i] -= lr * dW
                biases[i] -= lr * db
        history.append(metrics(X, Y) + metrics(X_test, Y_test))
    return history


def trainer_vs_plain(title, config, epochs, repeats):
    """Trainer(config).step(epochs) against :func:`plain_loop` on the same data, initial
    weights and shuffling order; returns the speed ratio."""
    probe = playground.Trainer(config)
    X = playground.feature_matrix(probe.X_train, config.features)
    X_test = playground.feature_matrix(probe.X_test, config.features)
    W0 = [W.copy() for W in probe.network.weights]
    b0 = [b.copy() for b in probe.network.biases]
    batch = min(config.batch_size, len(X))
    state = {}

    def trainer_setup():
        state["trainer"] = playground.Trainer(config)

    def trainer_run():
        state["trainer"].step(epochs)

    def plain_run():
        state["plain"] = plain_loop(X, probe.y_train, X_test, probe.y_test,
                                    [W.copy() for W in W0], [b.copy() for b in b0],
                                    config.learning_rate, batch, epochs,
                                    [config.init_seed, 1])  # the Trainer's shuffling seed

    med = interleaved({"Trainer": (trainer_run, trainer_setup),
                       "plain loop": (plain_run, None)}, repeats)
    ratio = med["plain loop"] / med["Trainer"]
    ours, plain = state["trainer"].metrics["train_loss"], state["plain"][-1][0]
    print(f"\n{title}: {epochs} epochs, batch {batch}, median of {repeats}")
    print(f"  Trainer     {epochs / med['Trainer']:8.0f} epochs/s")
    print(f"  plain loop  {epochs / med['plain loop']:8.0f} epochs/s")
    print(f"  final training loss: Trainer {ours:.15f}, plain loop {plain:.15f}")
    return ratio


TARGET_LINES: list[str] = []


def check(what: str, ratio: float, target: float) -> None:
    """Print a speed ratio against its target, and keep the line for the summary."""
    line = f"  {what:48s}{ratio:6.2f}x   target >= {target}x   " \
           f"{'met' if ratio >= target else 'NOT MET'}"
    print(line)
    TARGET_LINES.append(line)


def main():
    repeats = ARGS.repeats or (5 if ARGS.quick else 7)
    scale = 0.2 if ARGS.quick else 1.0
    print(f"numpy {np.__version__}, OpenBLAS threads: {ARGS.threads}, "
          f"{'quick' if ARGS.quick else 'full'} run")
    data = shared_data()
    default = playground.Config()
    check("Trainer vs plain loop, default setup", trainer_vs_plain(
        "(c) Default setup (circle, 4-2, batch 10)", default, int(200 * scale),
        repeats), 3.0)
    check("Trainer vs plain loop, 16-16 full batch", trainer_vs_plain(
        "(c) 16-16 full batch", default.replace(hidden=(16, 16), batch_size=default.n_samples),
        int(1000 * scale), repeats), 1.8)
    training_workload("(a) Full batch", data, N_POINTS, int(1000 * scale), repeats)
    training_workload("(b) Mini-batch", data, 10, int(100 * scale), repeats)
    grid_workload(SIZES, repeats, 20 if ARGS.quick else 50)
    grid_workload((2, 8, 8, 1), repeats, 20 if ARGS.quick else 50)
    print("\nTargets:")
    print("\n".join(TARGET_LINES))


if __name__ == "__main__":
    main()
