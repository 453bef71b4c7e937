"""The MLP: exact gradients (vs central finite differences), shapes, stability."""

import itertools
import warnings

import numpy as np
import pytest

from playground import ACTIVATIONS, INITIALIZERS, MLP, OUTPUTS
from playground.engine.buffers import Buffers
from playground.engine.network import augment
from playground.engine.optimizers import SGD

RNG = np.random.default_rng(123)
X = RNG.normal(size=(9, 3)) * 2


def _targets(output, k, m=9):
    if output == "sigmoid":
        return RNG.integers(0, 2, m)
    if output == "softmax":
        return RNG.integers(0, k, m)
    return RNG.normal(size=m)


def _numeric_grad(net, X, y, l1, l2, h=1e-4):
    """Five-point central differences: error O(h^4) from truncation and ~eps*loss/h from
    rounding, both far below the gradients' 1e-6 relative tolerance (a two-point
    difference with h = 1e-6 carries ~1e-9 of rounding noise, at the tolerance)."""
    num = np.zeros_like(net.params)
    for j in range(net.params.size):
        old = net.params[j]
        f = []
        for step in (2, 1, -1, -2):
            net.params[j] = old + step * h
            f.append(net.loss(X, y, l1, l2))
        net.params[j] = old
        num[j] = (-f[0] + 8 * f[1] - 8 * f[2] + f[3]) / (12 * h)
    return num


def _flat(net, dW, db):
    """Gradient lists in the network's flat parameter order."""
    g = np.zeros_like(net.params)
    tmp = MLP(net.layer_sizes, net.activation.name, net.output.name)
    tmp.params[:] = 0
    tmp.set_params(dW, db)
    g[:] = tmp.params
    return g


@pytest.mark.parametrize(
    "activation,output,reg",
    list(itertools.product(ACTIVATIONS, OUTPUTS, [(0.0, 0.0), (0.03, 0.0), (0.0, 0.1),
                                                  (0.02, 0.05)])),
)
def test_gradients_match_finite_differences(activation, output, reg):
    k = 3 if output == "softmax" else 1
    net = MLP((3, 5, 4, k), activation, output, init="normal", seed=7)
    y = _targets(output, k)
    l1, l2 = reg
    loss, dW, db = net.loss_and_gradients(X, y, l1, l2)
    assert [w.shape for w in dW] == [w.shape for w in net.weights]
    assert [b.shape for b in db] == [b.shape for b in net.biases]
    assert loss == pytest.approx(net.loss(X, y, l1, l2), rel=1e-12)
    ana = _flat(net, dW, db)
    num = _numeric_grad(net, X, y, l1, l2)
    # relative to the gradient's scale, so tiny entries do not dominate
    err = np.abs(ana - num) / np.maximum(np.abs(ana) + np.abs(num), 1e-4)
    assert err.max() < 1e-6, (activation, output, reg, err.max())


@pytest.mark.parametrize("hidden", [(), (6,), (3, 3, 3, 3, 3, 3)])
def test_gradients_any_depth(hidden):
    net = MLP((2, *hidden, 1), "tanh", "sigmoid", seed=1)
    Xs = X[:, :2]
    y = _targets("sigmoid", 1)
    _, dW, db = net.loss_and_gradients(Xs, y, 0.01, 0.01)
    num = _numeric_grad(net, Xs, y, 0.01, 0.01)
    assert np.allclose(_flat(net, dW, db), num, rtol=1e-6, atol=1e-8)


def test_penalty_convention_weights_only():
    net = MLP((2, 3, 1), seed=0)
    net.biases[0][:] = 100.0  # biases are not regularised
    w = np.concatenate([w.ravel() for w in net.weights])
    expected = 0.5 * np.abs(w).sum() + 0.5 * 0.2 * (w**2).sum()
    assert net.penalty(l1=0.5, l2=0.2) == pytest.approx(expected)


def test_weights_biases_are_views_and_shapes():
    net = MLP((2, 8, 8, 1))
    assert [w.shape for w in net.weights] == [(2, 8), (8, 8), (8, 1)]
    assert [b.shape for b in net.biases] == [(8,), (8,), (1,)]
    net.weights[1][0, 0] = 42.0
    assert 42.0 in net.params
    assert net.params.size == 2 * 8 + 8 + 8 * 8 + 8 + 8 + 1


def test_forward_outputs_are_probabilities():
    net = MLP((2, 4, 3), output="softmax", seed=0)
    P = net.forward(X[:, :2])
    assert P.shape == (9, 3)
    assert np.allclose(P.sum(axis=1), 1.0)
    p = MLP((2, 4, 1), seed=0).forward(X[:, :2])
    assert ((p > 0) & (p < 1)).all()


def test_forward_matches_textbook_formula():
    net = MLP((2, 5, 4, 1), "relu", "sigmoid", seed=3)
    a = X[:, :2]
    for W, b in zip(net.weights[:-1], net.biases[:-1], strict=True):
        a = np.maximum(a @ W + b, 0)
    z = a @ net.weights[-1] + net.biases[-1]
    assert np.allclose(net.forward(X[:, :2]), 1 / (1 + np.exp(-z)))
    hidden = net.layer_outputs(X[:, :2])
    assert np.allclose(hidden[1], a)


@pytest.mark.parametrize("output", list(OUTPUTS))
def test_losses_stable_for_extreme_inputs(output):
    k = 3 if output == "softmax" else 1
    net = MLP((2, 3, k), "relu", output, seed=0)
    net.params[:] = 1e3  # huge logits
    Xe = np.array([[1e3, -1e3], [-1e3, 1e3], [0.0, 0.0]])
    y = np.array([0, 1, 0]) if output != "linear" else np.array([0.0, 1.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, dW, db = net.loss_and_gradients(Xe, y)
    if output != "linear":
        assert np.isfinite(loss)
        assert all(np.isfinite(g).all() for g in dW + db)


DEFINITIONS = {  # each activation, written the textbook way
    "tanh": np.tanh,
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "relu": lambda z: np.where(z > 0, z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "linear": lambda z: z,
}


def test_activations_match_their_definitions_and_slopes_their_derivatives():
    z = np.linspace(-5, 5, 41).reshape(1, -1) + 0.013
    eps = 1e-6
    for act in ACTIVATIONS.values():
        # the derivative by central finite differences of the definition
        deriv = (DEFINITIONS[act.name](z + eps) - DEFINITIONS[act.name](z - eps)) / (2 * eps)
        assert np.allclose(act.apply(z), DEFINITIONS[act.name](z), atol=1e-12), act.name
        assert np.allclose(act.slope(act.apply(z)), deriv, atol=1e-6), act.name
        for dtype in (np.float64, np.float32):
            h = z.astype(dtype)
            assert act.apply(h, out=h) is h  # in place
            assert h.dtype == dtype and np.allclose(h, DEFINITIONS[act.name](z), atol=1e-6)
            slope = np.full_like(h, np.nan)
            assert act.slope(h, out=slope) is slope  # from the output
            assert np.allclose(slope, deriv, atol=1e-6), act.name


@pytest.mark.parametrize("init", list(INITIALIZERS))
def test_initializers_seeded(init):
    a, b = MLP((2, 8, 1), init=init, seed=5), MLP((2, 8, 1), init=init, seed=5)
    assert np.array_equal(a.params, b.params)
    assert not np.array_equal(a.params, MLP((2, 8, 1), init=init, seed=6).params)


def test_float32_path():
    net = MLP((2, 8, 1), dtype=np.float32, seed=0)
    assert net.params.dtype == np.float32
    assert net.forward(X[:, :2]).dtype == np.float32
    ref = MLP((2, 8, 1), seed=0)
    assert np.allclose(net.forward(X[:, :2]), ref.forward(X[:, :2]), atol=1e-5)


@pytest.mark.parametrize("bad", [dict(layer_sizes=(2,)), dict(layer_sizes=(2, 0, 1)),
                                 dict(activation="swish"), dict(output="tanh"),
                                 dict(init="zeros"), dict(layer_sizes=(2, 3, 2))])
def test_bad_arguments_raise_clear_errors(bad):
    kw = dict(layer_sizes=(2, 3, 1)) | bad
    with pytest.raises(ValueError):
        MLP(**kw)


@pytest.mark.parametrize(
    "activation,output,reg",
    list(itertools.product(ACTIVATIONS, OUTPUTS, [(0.0, 0.0), (0.02, 0.05)])),
)
def test_a_training_step_is_the_textbook_update(activation, output, reg):
    # forward_pass + backward_pass leave the exact gradient in net.grad, and an SGD
    # step is then params - lr * gradient
    k = 3 if output == "softmax" else 1
    net = MLP((3, 5, 4, k), activation, output, init="normal", seed=7)
    y = _targets(output, k)
    l1, l2 = reg
    _, dW, db = net.loss_and_gradients(X, y, l1, l2)
    exact = _flat(net, dW, db)
    before = net.params.copy()
    net.grad[:] = np.nan  # every entry must be written
    Xa, buf = augment(X), net.buffers(len(X))
    net.forward_pass(Xa, buf)
    net.backward_pass(Xa, net.targets(y).T, buf, l1, l2)
    assert np.allclose(net.grad, exact, rtol=1e-12, atol=1e-15)
    SGD(net.params.size, learning_rate=0.37).step(net.params, net.grad)
    assert np.allclose(net.params, before - 0.37 * exact, rtol=1e-12, atol=1e-15)


def test_batches_of_one_size_share_buffers_and_get_their_own_gradients():
    net = MLP((3, 6, 2, 1), seed=1)
    assert net.buffers(4) is net.buffers(4) and net.buffers(4) is not net.buffers(5)
    rng = np.random.default_rng(2)
    batches = [(augment(rng.normal(size=(4, 3))), rng.integers(0, 2, size=(1, 4)))
               for _ in range(3)]
    grads = []
    for Xa, Y in batches:  # every batch through the same buffers
        buf = net.buffers(4)
        net.forward_pass(Xa, buf)
        net.backward_pass(Xa, Y, buf, 0.01, 0.02)
        grads.append(net.grad.copy())
    assert not np.array_equal(grads[0], grads[1])
    for (Xa, Y), got in zip(batches, grads, strict=True):  # as with buffers of its own
        buf = Buffers(net.layer_sizes, 4, net.dtype)
        net.forward_pass(Xa, buf)
        net.backward_pass(Xa, Y, buf, 0.01, 0.02)
        assert np.array_equal(got, net.grad)


def test_notebook_calls_reuse_buffers_and_return_their_own_arrays():
    net = MLP((2, 8, 1), seed=0)
    y = (X[:, 0] > 0).astype(int)
    first = net.loss_and_gradients(X[:, :2], y)
    buf = net.buffers(len(X))
    second = net.loss_and_gradients(X[:, :2] * 2, y)
    assert net.buffers(len(X)) is buf  # no new buffers for a second call
    assert not np.array_equal(first[1][0], second[1][0])  # the first result is kept
    again = net.loss_and_gradients(X[:, :2], y)
    assert again[0] == first[0] and all(np.array_equal(a, b)
                                        for a, b in zip(again[1], first[1], strict=True))


def test_forward_pass_fills_the_buffers_with_each_layers_output():
    net = MLP((2, 16, 16, 1), seed=0)
    Xb = np.random.default_rng(0).normal(size=(10, 2))
    buf = net.buffers(10, backward=False)
    z = net.forward_pass(augment(Xb), buf)
    assert z is buf.logits and z.shape == (1, 10)
    outs = net.layer_outputs(Xb)
    for h, a in zip(buf.hidden, outs[:-1], strict=True):
        assert np.allclose(h.T, a)
    assert (buf.a[0][-1] == 1).all()  # the ones row the biases multiply
    assert np.allclose(z.T, net.logits(Xb))
