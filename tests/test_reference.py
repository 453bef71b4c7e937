"""The exported script's functions (playground/export/reference.py, with the engine's
activations and outputs) against the engine: same data, weights, gradients and updates."""

import ast
import inspect
import pathlib

import numpy as np
import pytest

import playground as pg
from playground.data.datasets import DATASETS, make_dataset, train_test_split
from playground.engine.optimizers import OPTIMIZERS
from playground.export import reference as R


@pytest.mark.parametrize("activation", list(pg.ACTIVATIONS))
@pytest.mark.parametrize("output", list(pg.OUTPUTS))
@pytest.mark.parametrize("l1,l2", [(0.0, 0.0), (0.01, 0.0), (0.0, 0.02)])
def test_the_passes_give_the_engines_loss_and_gradients(activation, output, l1, l2):
    rng = np.random.default_rng(1)
    k = 3 if output == "softmax" else 1
    net = pg.MLP((3, 5, 4, k), activation, output, "normal", seed=2)
    X = rng.normal(size=(11, 3))
    y = rng.normal(size=11) if output == "linear" else rng.integers(0, max(k, 2), 11)
    loss, dW, db = net.loss_and_gradients(X, y, l1, l2)
    act, out = pg.ACTIVATIONS[activation], pg.OUTPUTS[output]
    Y = R.one_hot(y, k, np.float64) if output == "softmax" else R.column(y, np.float64)
    weights, biases = [W.copy() for W in net.weights], [b.copy() for b in net.biases]
    a, z = R.forward(X, weights, biases, act.apply)
    assert R.loss(z, Y, out.point_loss) + net.penalty(l1, l2) == pytest.approx(loss, rel=1e-13)
    ref_dW, ref_db = R.backward(a, out.delta(z, Y, axis=-1) / len(Y), weights, act.slope, l1, l2)
    for mine, theirs in zip(ref_dW + ref_db, dW + db, strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_updates_are_the_engines(name, dtype):
    rng = np.random.default_rng(3)
    net = pg.MLP((2, 3, 1), dtype=dtype)
    params = [A.copy() for A in net.weights + net.biases]
    hyper = {"sgd": {}, "momentum": {"momentum": 0.8},
             "adam": {"beta1": 0.9, "beta2": 0.99, "eps": 1e-7}}[name]
    update = getattr(R, name)(params)
    settings = {"learning_rate": 0.05, **hyper}
    engine = OPTIMIZERS[name](net.params.size, dtype, learning_rate=0.05, **hyper)
    for step in range(6):
        if step == 4:  # a live change of the learning rate (and momentum): state kept
            settings.update(learning_rate=0.2, momentum=0.5)
            engine.learning_rate, engine.momentum = 0.2, 0.5
        net.grad[:] = rng.normal(size=net.grad.size)
        grads = [G[:-1].copy() for G in net.grad_layers] + [G[-1].copy()
                                                            for G in net.grad_layers]
        update(params, grads, settings)
        engine.step(net.params, net.grad)
    for mine, theirs in zip(params, net.weights + net.biases, strict=True):
        assert mine.dtype == dtype
        np.testing.assert_array_equal(mine, theirs)


def test_setting_a_parameter_is_the_runs_edit():
    run = pg.Trainer(hidden=(3,), dtype="float32")
    weights = [W.copy() for W in run.network.weights]
    biases = [b.copy() for b in run.network.biases]
    for layer, row, col, value in ((0, 1, 2, 0.7), (0, 2, 0, -1.3), (1, 3, 0, 0.1)):
        run.edit(layer, row, col, value)  # row 2 of layer 0, row 3 of layer 1: a bias
        R.set_parameter(weights, biases, layer, row, col, value)
    for mine, theirs in zip(weights + biases, run.network.weights + run.network.biases,
                            strict=True):
        assert mine.dtype == np.float32
        np.testing.assert_array_equal(mine, theirs)


@pytest.mark.parametrize("dataset", ["circle", "spiral", "plane"])
def test_the_data_is_the_engines(dataset):
    generate, task = DATASETS[dataset].generate, DATASETS[dataset].task
    y_dtype = np.int64 if task == "classification" else np.float64
    mine = R.make_data(generate, 120, 0.2, 3, 7, 0.6, y_dtype)
    X, y = make_dataset(dataset, 120, 0.2, 7, 3)
    for a, b in zip(mine, train_test_split(X, y, 0.6, 7), strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("init", list(pg.INITIALIZERS))
def test_the_initial_weights_and_the_targets_are_the_engines(init):
    net = pg.MLP((3, 6, 2, 4), output="softmax", init=init, seed=9, dtype=np.float32)
    weights, biases = R.init_params((3, 6, 2, 4), pg.INITIALIZERS[init], 9, np.float32)
    for mine, theirs in zip(weights + biases, net.weights + net.biases, strict=True):
        np.testing.assert_array_equal(mine, theirs)
    y = np.array([3, 0, 2, 2])
    np.testing.assert_array_equal(R.one_hot(y, 4, np.float32), net.targets(y))
    y = np.array([0.5, -1.0])
    np.testing.assert_array_equal(R.column(y, np.float32),
                                  pg.OUTPUTS["linear"].targets(y, 1, np.float32))


def test_every_function_of_the_script_is_a_real_functions_source():
    # only the features (from the feature registry's expressions) are written by the
    # exporter; every other definition is copied from the package's modules
    package = pathlib.Path(inspect.getfile(pg)).parent
    sources = "\n".join(p.read_text() for p in package.rglob("*.py"))
    for config in (pg.Config(), pg.Config(dataset="spiral", n_classes=3, output="softmax",
                                          activation="leaky_relu", optimizer="adam",
                                          regularization="l2", reg_rate=0.01)):
        script = pg.export_script(config, 5)
        tree = ast.parse(script)
        defs = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
        assert len(defs) > 10
        for node in defs:
            if node.name != "features":
                assert ast.get_source_segment(script, node) in sources, node.name
