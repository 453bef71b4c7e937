"""Inside a run: weight edits and per-layer gradient norms."""

import numpy as np
import pytest

from playground import Trainer


def test_edit_changes_the_prediction_exactly_as_the_engine_says():
    run = Trainer(hidden=(3,))
    run.step(5)
    X = np.array([[1.0, -2.0], [0.5, 0.5]])
    edit = run.edit(0, 1, 2, 0.75)  # weight from input x2 to hidden unit 3
    assert run.network.weights[0][1, 2] == 0.75
    W, b = run.network.weights, run.network.biases
    h = np.tanh(X @ W[0] + b[0])
    expected = 1 / (1 + np.exp(-(h @ W[1] + b[1])))
    assert np.allclose(run.predict(X), expected)
    assert edit.old != 0.75 and "layer 1 weight 2→3 set to 0.75" in edit.describe(2)
    run.edit(1, 3, 0, -1.5)  # the output's bias (row n_in)
    assert run.network.biases[1][0] == -1.5
    assert [e.epoch for e in run.edits] == [5, 5]


def test_edit_applies_without_reset_and_training_continues():
    run = Trainer()
    run.step(3)
    loss_before = run.metrics["train_loss"]
    run.edit(0, 0, 0, 5.0)
    assert run.epoch == 3 and run.metrics["train_loss"] != loss_before
    assert run.params_at(3)[1][0] == 5.0  # replay sees the edit
    assert run.step(2) == 2


@pytest.mark.parametrize("args", [(5, 0, 0, 1.0), (0, 3, 0, 1.0), (0, 0, 9, 1.0),
                                  (0, 0, 0, float("nan"))])
def test_bad_edits_raise_clear_errors(args):
    with pytest.raises(ValueError, match="edit"):
        Trainer().edit(*args)


def test_gradient_log_per_layer():
    run = Trainer(hidden=(4, 4, 4))
    run.step(20)
    g = run.gradients
    assert g.grad_norms.shape == (20, 4) and g.update_ratios.shape == (20, 4)
    assert list(g.epochs) == list(range(1, 21))
    assert (g.grad_norms > 0).all() and (g.update_ratios > 0).all()


def test_gradient_norm_is_the_true_gradient_for_every_optimizer():
    for opt in ("sgd", "momentum", "adam"):
        run = Trainer(optimizer=opt, batch_size=500, shuffle=False)  # full batch
        run.step(1)
        before = run.params_at(0)[1]
        net = run.network.copy()
        net.params[:] = before
        _, dW, db = net.loss_and_gradients(run.X_train, run.y_train)
        first = np.sqrt((dW[0] ** 2).sum() + (db[0] ** 2).sum())
        assert run.gradients.grad_norms[0, 0] == pytest.approx(first, rel=1e-9), opt


def test_sigmoid_deep_net_shows_vanishing_gradients():
    run = Trainer(hidden=(8,) * 6, activation="sigmoid")
    run.step(3)
    norms = run.gradients.grad_norms[-1]
    assert norms[0] < 1e-2 * norms[-1]
