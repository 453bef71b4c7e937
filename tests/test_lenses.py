"""Two lenses on a run: one point's backpropagation by the numbers (``explain_point``,
its written-out form) and the loss landscape (``loss_landscape``, its figure)."""

import warnings

import numpy as np
import pytest

import playground
from playground import MLP, Trainer, explain_point, loss_landscape
from playground.data.features import feature_matrix
from playground.figures.landscape import landscape_figure, log_range
from playground.figures.run_figures import as_figure
from playground.run.explain_text import explanation_lines, num
from playground.run.landscape import plane_losses, random_directions

# Classification (binary and 3 classes), regression; 0 to 6 hidden layers; every activation
SETUPS = [
    {},
    {"hidden": ()},
    {"dataset": "spiral", "n_classes": 3, "hidden": (5, 3), "activation": "relu"},
    {"dataset": "plane", "hidden": (4,), "activation": "sigmoid"},
    {"dataset": "xor", "hidden": (3,) * 6, "activation": "leaky_relu",
     "features": ("x1", "x2", "x1sq", "x1x2", "sinx2")},
    {"dataset": "gauss", "hidden": (4,), "activation": "linear", "regularization": "l2",
     "reg_rate": 0.01, "batch_size": 7},
    {"dataset": "circle", "hidden": (3, 2), "regularization": "l1", "reg_rate": 0.003,
     "optimizer": "adam"},
]
IDS = ["default", "no-hidden", "softmax-relu", "regression-sigmoid", "six-hidden-leaky",
       "linear-l2", "l1-adam"]


def trained(setup, epochs=5, **changes):
    run = Trainer(n_samples=120, **setup, **changes)
    run.step(epochs)
    return run


def features(run, rows=slice(None)):
    return feature_matrix(run.X_train[rows], run.config.features)


def loss_at(run, params):
    """The training loss with the penalty of ``params``, by a separate MLP."""
    c, net = run.config, run.network
    other = MLP(net.layer_sizes, c.activation, c.output_name, c.init, 0, np.float64)
    other.params[:] = params
    return other.loss(features(run), run.y_train, c.l1, c.l2)


# ---------------------------------------------------------------------- explain_point
@pytest.mark.parametrize("setup", SETUPS, ids=IDS)
def test_explained_gradients_are_the_networks_on_that_one_point(setup):
    run = trained(setup)
    for index in (0, 17, len(run.X_train) - 1):
        e = explain_point(run, index)
        net = run.network.copy()
        loss, dW, db = net.loss_and_gradients(features(run, slice(index, index + 1)),
                                              run.y_train[index:index + 1])
        assert e.loss == pytest.approx(loss, rel=1e-12, abs=1e-15)
        for mine, theirs, like in zip(e.dweights, dW, run.network.weights, strict=True):
            assert mine.shape == like.shape
            np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-14)
        for mine, theirs, like in zip(e.dbiases, db, run.network.biases, strict=True):
            assert mine.shape == like.shape
            np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("setup", SETUPS[:4], ids=IDS[:4])
def test_explained_gradients_match_finite_differences(setup):
    run = trained(setup)
    e = explain_point(run, 3)
    net = run.network.copy()
    X, y = features(run, slice(3, 4)), run.y_train[3:4]
    exact = np.concatenate([np.vstack([W, b[None]]).ravel()
                            for W, b in zip(e.dweights, e.dbiases, strict=True)])
    h, numeric = 1e-5, np.zeros(net.params.size)
    for j in range(net.params.size):
        old = net.params[j]
        net.params[j] = old + h
        up = net.loss(X, y)
        net.params[j] = old - h
        numeric[j] = (up - net.loss(X, y)) / (2 * h)
        net.params[j] = old
    np.testing.assert_allclose(exact, numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("setup", SETUPS, ids=IDS)
def test_explained_forward_numbers_are_the_layer_outputs(setup):
    run = trained(setup)
    e = explain_point(run, 5)
    X = features(run, slice(5, 6))
    outputs = run.network.layer_outputs(X)
    assert len(e.activations) == len(outputs) == run.network.n_layers
    for mine, theirs in zip(e.activations, outputs, strict=True):
        np.testing.assert_allclose(mine, theirs[0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(e.inputs[0], X[0])
    np.testing.assert_allclose(e.z[-1], run.network.logits(X)[0], rtol=1e-12, atol=1e-15)
    for i in range(1, run.network.n_layers):  # each layer's input is the last one's output
        np.testing.assert_array_equal(e.inputs[i], e.activations[i - 1])
    # z = W.T a + b and the deltas' recursion, as the docstring writes them
    for i in range(run.network.n_layers):
        np.testing.assert_allclose(e.z[i], e.weights[i].T @ e.inputs[i] + e.biases[i])
    for i in range(run.network.n_layers - 1):
        np.testing.assert_allclose(e.deltas[i],
                                   (e.weights[i + 1] @ e.deltas[i + 1]) * e.slopes[i])


def test_labels_are_the_diagrams():
    run = trained({"features": ("x1", "x1sq", "sinx2"), "hidden": (3, 2)})
    e = explain_point(run, 0)
    assert e.labels == [("x1", "x1²", "sin x2"), ("h1.1", "h1.2", "h1.3"), ("h2.1", "h2.2"),
                        ("out",)]
    spiral = explain_point(trained({"dataset": "spiral", "n_classes": 3}), 0)
    assert spiral.labels[-1] == ("out1", "out2", "out3")


@pytest.mark.parametrize("setup", [SETUPS[0], SETUPS[5], SETUPS[6]], ids=[IDS[0], IDS[5],
                                                                          IDS[6]])
def test_a_neurons_updates_are_its_share_of_the_batch_step(setup):
    run = trained(setup)
    c = run.config
    e = explain_point(run, 4)
    layer, unit = run.network.n_layers, 0  # the output neuron
    g = e.neuron(layer, unit)
    assert g.label == e.labels[layer][unit] and g.input_labels == e.labels[layer - 1]
    assert g.batch_size == min(c.batch_size, len(run.X_train))
    np.testing.assert_allclose(g.dweights, e.inputs[layer - 1] * e.deltas[layer - 1][unit])
    np.testing.assert_allclose(g.updates, -c.learning_rate * g.dweights / g.batch_size)
    assert g.bias_update == pytest.approx(-c.learning_rate * g.dbias / g.batch_size)
    # the engine's gradient of a batch is the mean of its points' plus the penalty once:
    # B copies of this point give B times this point's share, plus the penalty's step
    B = g.batch_size
    net = run.network.copy()
    X = np.repeat(features(run, slice(4, 5)), B, axis=0)
    _, dW, db = net.loss_and_gradients(X, np.repeat(run.y_train[4:5], B), c.l1, c.l2)
    step_w = -c.learning_rate * dW[layer - 1][:, unit]
    np.testing.assert_allclose(step_w, B * g.updates + g.penalty_updates, rtol=1e-9,
                               atol=1e-15)
    assert -c.learning_rate * db[layer - 1][unit] == pytest.approx(B * g.bias_update)
    w = run.network.weights[layer - 1][:, unit]
    np.testing.assert_allclose(g.penalty_dweights, c.l1 * np.sign(w) + c.l2 * w)


@pytest.mark.parametrize("bad", [-1, 60, 10**6, 2.0, "3", True, None])
def test_explain_point_rejects_an_index_out_of_range(bad):
    run = Trainer(n_samples=120)  # 60 training points
    with pytest.raises(ValueError, match="index"):
        explain_point(run, bad)
    e = explain_point(run, 0)
    for layer, unit in ((0, 0), (4, 0), (1, 4), (1, -1)):
        with pytest.raises(ValueError):
            e.neuron(layer, unit)


@pytest.mark.parametrize("setup", SETUPS, ids=IDS)
def test_the_write_up_has_every_layer_and_the_numbers(setup):
    run = trained(setup)
    e = explain_point(run, 2)
    lines = explanation_lines(e, neuron=(1, 0))
    text = "\n".join(lines)
    assert all(line.startswith("$$") == line.endswith("$$") for line in lines)
    assert text.count("$$") % 2 == 0
    for layer_labels in e.labels[1:]:
        assert rf"z_{{\text{{{layer_labels[0]}}}}}" in text
        assert rf"\delta_{{\text{{{layer_labels[0]}}}}}" in text
    assert num(e.loss) in text and num(e.z[-1][0]) in text and num(e.deltas[0][0]) in text
    assert num(e.neuron(1, 0).updates[0]) in text


def test_the_write_up_shortens_wide_layers():
    run = trained({"hidden": (32, 32)}, epochs=1)
    e = explain_point(run, 0)
    lines = explanation_lines(e, neuron=(2, 20), max_terms=6, max_units=8)
    z_h2 = [line for line in lines if line.startswith(r"$$z_{\text{h2.")]
    assert len(z_h2) == 9 and r"z_{\text{h2.21}}" in z_h2[-1]  # 8 and the chosen one
    assert all(line.count(r"\cdot") == 6 and r"26\text{ more}" in line for line in z_h2)
    assert "… and 23 more units in this layer." in lines


def test_numbers_have_four_significant_digits():
    assert num(0.123456) == "0.1235" and num(-3.2e5) == r"-3.2\times10^{5}"
    assert num(float("inf")) == r"\infty" and num(float("nan")) == r"\text{NaN}"


# ---------------------------------------------------------------------- loss_landscape
@pytest.mark.parametrize("setup", SETUPS, ids=IDS)
def test_every_landscape_value_is_the_loss_of_a_separate_network(setup):
    run = trained(setup)
    land = loss_landscape(run, resolution=5, span=0.7)
    theta = run.network.params
    d1, d2 = land.directions
    assert land.directions.shape == (2, theta.size)
    assert land.loss.shape == (5, 5) and land.alpha.shape == land.beta.shape == (5,)
    np.testing.assert_allclose(land.alpha, np.linspace(-0.7, 0.7, 5))
    for i, a in enumerate(land.alpha):
        for j, b in enumerate(land.beta):
            assert land.loss[i, j] == pytest.approx(loss_at(run, theta + a * d1 + b * d2),
                                                    rel=1e-10)


def test_a_full_size_landscape_at_a_handful_of_points():
    run = trained(SETUPS[4], epochs=20)  # 6 hidden layers, 5 features
    land = loss_landscape(run, resolution=41, span=2.0, seed=3)
    assert land.loss.shape == (41, 41)
    theta, (d1, d2) = run.network.params, land.directions
    for i, j in ((0, 0), (40, 40), (0, 40), (20, 20), (7, 33), (29, 2)):
        expected = loss_at(run, theta + land.alpha[i] * d1 + land.beta[j] * d2)
        assert land.loss[i, j] == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("setup", [SETUPS[0], SETUPS[2], SETUPS[5]],
                         ids=[IDS[0], IDS[2], IDS[5]])
def test_a_float32_landscape_is_the_float64_one_to_seven_digits(setup):
    run = trained(setup)
    exact = loss_landscape(run, resolution=9, span=0.5)
    fast = loss_landscape(run, resolution=9, span=0.5, dtype="float32")
    np.testing.assert_array_equal(fast.directions, exact.directions)
    np.testing.assert_allclose(fast.loss, exact.loss, rtol=1e-5)
    with pytest.raises(ValueError, match="dtype"):
        loss_landscape(run, dtype="float16")


@pytest.mark.parametrize("setup", SETUPS, ids=IDS)
def test_the_centre_is_the_runs_training_loss_with_the_penalty(setup):
    run = trained(setup, epochs=8)
    land = loss_landscape(run, resolution=3)
    c = run.config
    expected = run.metrics["train_loss"] + run.network.penalty(c.l1, c.l2)
    assert land.loss[1, 1] == pytest.approx(expected, rel=1e-12)
    assert land.center_loss == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("setup", SETUPS, ids=IDS)
def test_random_directions_are_filter_normalised(setup):
    run = trained(setup)
    net = run.network
    d = loss_landscape(run, resolution=3, seed=5).directions
    for row in d:
        probe = net.copy()
        probe.params[:] = row
        for W, Wd, bd in zip(net.weights, probe.weights, probe.biases, strict=True):
            np.testing.assert_allclose(np.linalg.norm(Wd, axis=0), np.linalg.norm(W, axis=0))
            assert not bd.any()  # biases zeroed
    assert not np.allclose(d[0], d[1])


def test_same_seed_same_picture_other_seed_other_picture():
    run = trained({})
    a, b = loss_landscape(run, seed=4, resolution=9), loss_landscape(run, seed=4, resolution=9)
    np.testing.assert_array_equal(a.directions, b.directions)
    np.testing.assert_array_equal(a.loss, b.loss)
    other = loss_landscape(run, seed=5, resolution=9)
    assert not np.allclose(other.directions, a.directions)
    # while the run trains the directions keep their pattern (each neuron's incoming
    # direction), rescaled to the weights' new norms
    run.step(3)
    later = loss_landscape(run, seed=4, resolution=3).directions
    assert not np.array_equal(later, a.directions)
    for now, before in zip(later, a.directions, strict=True):
        probes = run.network.copy(), run.network.copy()
        probes[0].params[:], probes[1].params[:] = now, before
        for W_now, W_before in zip(probes[0].weights, probes[1].weights, strict=True):
            np.testing.assert_allclose(W_now / np.linalg.norm(W_now, axis=0),
                                       W_before / np.linalg.norm(W_before, axis=0))


def test_the_path_is_the_snapshots_projected_and_ends_at_the_current_weights():
    run = trained({}, epochs=40)
    land = loss_landscape(run, resolution=5)
    snaps = run.snapshots
    assert land.path_epochs[-1] == run.epoch and land.path_epochs[0] == 0
    np.testing.assert_allclose(land.path[-1], [0.0, 0.0], atol=1e-12)
    assert set(snaps.epochs.tolist()) <= set(land.path_epochs.tolist())
    D = land.directions.T
    k = int(np.searchsorted(land.path_epochs, snaps.epochs[0]))
    residual = snaps.rows[0] - run.network.params - D @ land.path[k]
    assert np.abs(D.T @ residual).max() < 1e-9  # least squares: the rest is off the plane


def test_pca_directions_follow_the_path():
    run = trained({}, epochs=60)
    land = loss_landscape(run, directions="pca", resolution=5)
    d1, d2 = land.directions
    assert abs(d1 @ d2) < 1e-9 * np.linalg.norm(d1) * np.linalg.norm(d2)  # orthogonal
    assert np.abs(land.path).max(axis=0) == pytest.approx([1.0, 1.0])  # scaled to the path
    assert (land.path[0] <= 0).all()  # oldest snapshot first, at negative α and β
    assert "PC1" in land.alpha_label and "PC2" in land.beta_label
    # d1 is the path's first principal axis (the path here: snapshots then the current)
    _, _, vt = np.linalg.svd(run.snapshots.rows - run.network.params, full_matrices=False)
    assert abs(vt[0] @ d1) / np.linalg.norm(d1) == pytest.approx(1.0, abs=1e-6)


def test_pca_needs_a_path():
    run = Trainer(n_samples=120)
    with pytest.raises(ValueError, match="train a few more epochs"):
        loss_landscape(run, directions="pca")


@pytest.mark.parametrize("bad", [{"directions": "sideways"}, {"resolution": 1},
                                 {"resolution": 41.0}, {"span": 0}, {"span": float("nan")}])
def test_landscape_rejects_bad_arguments(bad):
    with pytest.raises(ValueError):
        loss_landscape(Trainer(n_samples=120), **bad)


def test_a_diverged_run_gives_finite_safe_output():
    run = Trainer(dataset="plane", learning_rate=10, hidden=(4,), n_samples=120)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no wall of NumPy warnings either
        run.step(100)
        assert run.diverged
        land = loss_landscape(run, span=1e3, resolution=11)
        e = explain_point(run, 0)
        lines = explanation_lines(e, neuron=(1, 0))
    assert not np.isnan(land.loss).any() and np.isfinite(land.center_loss)
    assert lines and np.isfinite(e.loss)
    fig = landscape_figure(land.alpha, land.beta, land.loss, land.path)
    assert np.isfinite(fig["data"][0]["z"]).all()


def test_huge_and_overflowing_losses_stay_finite_on_the_colour_scale():
    net = MLP((2, 3, 1), "relu", "linear", seed=1)
    X, y = np.ones((4, 2)) * 1e200, np.zeros(4)  # logits overflow to inf far out
    d = random_directions(net, 0)
    loss = plane_losses(net, X, y, net.params, d, [-1e150, 0.0, 1e150], [0.0, 1.0])
    assert not np.isnan(loss).any()
    lo, hi = log_range(loss)
    assert np.isfinite([lo, hi]).all() and hi > lo
    z = landscape_figure([-1, 0, 1], [0, 1], loss)["data"][0]["z"]
    assert np.isfinite(z).all() and z.shape == (2, 3)


# ---------------------------------------------------------------------- the figure
def test_landscape_figure_has_the_surface_the_path_and_the_current_weights():
    run = trained({}, epochs=30)
    land = loss_landscape(run)
    fig = landscape_figure(land.alpha, land.beta, land.loss, land.path, land.path_epochs,
                           alpha_label=land.alpha_label, beta_label=land.beta_label)
    as_figure(fig)  # Plotly validates it
    heat, path, current = fig["data"]
    assert heat["type"] == "heatmap" and np.shape(heat["z"]) == (41, 41)
    np.testing.assert_allclose(heat["z"], np.log10(land.loss).T)  # log colour scale
    np.testing.assert_array_equal(path["x"], land.path[:, 0])
    assert (current["x"], current["y"]) == ([0.0], [0.0])
    assert fig["layout"]["xaxis"]["title"]["text"] == land.alpha_label
    assert "α" in land.alpha_label and "β" in land.beta_label


def test_the_figure_clips_a_huge_range_to_some_decades():
    loss = np.array([[1e-3, 1.0], [1e30, np.inf]])
    heat = landscape_figure([0, 1], [0, 1], loss, decades=6)["data"][0]
    assert heat["zmin"] == pytest.approx(-3) and heat["zmax"] == pytest.approx(3)
    assert np.asarray(heat["z"]).max() == pytest.approx(3)


def test_exported_from_the_package():
    assert playground.explain_point is explain_point
    assert playground.loss_landscape is loss_landscape
    assert {"explain_point", "loss_landscape"} <= set(playground.__all__)


def test_looking_does_not_change_the_run():
    looked, untouched = trained({}, epochs=10), trained({}, epochs=10)
    explain_point(looked, 3).neuron(1, 0)
    loss_landscape(looked, resolution=7)
    loss_landscape(looked, directions="pca", resolution=7)
    looked.step(5)
    untouched.step(5)
    np.testing.assert_array_equal(looked.network.params, untouched.network.params)
    assert looked.metrics == untouched.metrics


@pytest.mark.parametrize("output", ["sigmoid", "softmax", "linear"])
def test_the_written_output_delta_is_the_engines(output):
    from playground.run.explain_text import DELTA_SCALE
    dataset = {"sigmoid": "circle", "softmax": "blobs", "linear": "plane"}[output]
    run = playground.Trainer(dataset=dataset, output=output if output != "sigmoid" else "auto")
    run.step(5)
    e = playground.explain_point(run, 3)
    np.testing.assert_allclose(e.deltas[-1], DELTA_SCALE[output] * (e.activations[-1] - e.targets),
                               rtol=1e-12, atol=1e-15)
