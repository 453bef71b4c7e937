"""The training loop of an exported script, written the textbook way: one row per point
(``X @ W + b``), a list of arrays per layer, a new array per step.

:func:`playground.export.export_script` copies these functions' source into the script
(with the activation, output and initialiser the run uses, from the engine's own
modules), so they must stay plain NumPy that reads on its own. They are real functions:
tests/test_export.py checks them against the engine.
"""

from __future__ import annotations

import numpy as np


# ---------------------------------------------------------------------- data
def make_data(generate, n_samples, noise, n_classes, seed, train_ratio, y_dtype):
    """The points X (n, 2) and labels y of the generator ``generate``, shuffled, split
    into training and test parts."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(n_samples)  # drawn first: it does not depend on the noise
    X, y = generate(rng, n_samples, noise, n_classes)
    X, y = X[order].astype(np.float64), y[order].astype(y_dtype)
    return split(X, y, train_ratio, seed)


def split(X, y, train_ratio, seed):
    """Points X (n, 2) and labels y (n,) shuffled and cut into a training part, of
    round(train_ratio n) points (at least one, and one left for the test part), and a
    test part: X_train, y_train, X_test, y_test."""
    n = len(X)
    n_train = min(max(round(train_ratio * n), 1), n - 1)
    order = np.random.default_rng(seed).permutation(n)
    train, test = order[:n_train], order[n_train:]
    return X[train], y[train], X[test], y[test]


def one_hot(y, n_classes, dtype):
    """Class labels y (m,) as one-hot rows (m, n_classes): what a softmax compares to."""
    return np.eye(n_classes, dtype=dtype)[y]


def column(y, dtype):
    """Labels or targets y (m,) as one column (m, 1), what a single output compares to."""
    return y.astype(dtype).reshape(-1, 1)


# ---------------------------------------------------------------------- network
def init_params(sizes, init, seed, dtype):
    """Every layer's weights W (n_in, n_out) and biases b (n_out,), drawn in order by
    ``init(rng, n_in, n_out)``, for layer sizes (n_inputs, hidden..., n_outputs)."""
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        W, b = init(rng, n_in, n_out)
        weights.append(W.astype(dtype))
        biases.append(b.astype(dtype))
    return weights, biases


def forward(X, weights, biases, activation):
    """Forward pass on inputs X (m, n_in): the list a of every layer's input (X, then
    each hidden layer's output) and the output layer's logits z (m, n_out)."""
    a = [X]
    for W, b in zip(weights[:-1], biases[:-1], strict=True):
        a.append(activation(a[-1] @ W + b))  # a = act(z), z = a_prev W + b
    z = a[-1] @ weights[-1] + biases[-1]
    return a, z


def backward(a, delta, weights, activation_slope, l1=0.0, l2=0.0):
    """Backward pass: the gradients dW, db of the batch's mean loss for every layer, from
    forward()'s a and the output layer's delta = dLoss/dz (m, n_out); with a penalty
    l1 sum |w| + (l2 / 2) sum w² on the weights when l1 or l2 is not 0."""
    dW, db = [None] * len(weights), [None] * len(weights)
    for i in reversed(range(len(weights))):
        dW[i] = a[i].T @ delta  # the layer's input times its delta, summed over the batch
        db[i] = delta.sum(axis=0)
        if l2:  # d/dw (l2 / 2) w² = l2 w
            dW[i] += l2 * weights[i]
        if l1:  # d/dw l1 |w| = l1 sign(w)
            dW[i] += l1 * np.sign(weights[i])
        if i:  # dLoss/dz of the layer below: back through W, then the activation
            delta = (delta @ weights[i].T) * activation_slope(a[i])
    return dW, db


def loss(z, Y, point_loss):
    """The mean of each point's loss, for logits z and targets Y (m, n_out): one row
    per point, so the outputs run along axis -1."""
    return float(np.mean(point_loss(z, Y, axis=-1)))


def set_parameter(weights, biases, layer, row, col, value):
    """Set one weight of ``layer``, ``weights[layer][row, col]``, to ``value``; row
    n_in (one past the weights' rows) is the layer's biases, ``biases[layer][col]``."""
    W, b = weights[layer], biases[layer]
    if row < len(W):
        W[row, col] = value
    else:
        b[col] = value


# ---------------------------------------------------------------------- optimizers
# Each returns update(params, grads, settings), which changes every array of params in
# place with the settings of the moment: a run may change them as it trains.
def sgd(params):
    """Gradient descent: p <- p - lr * dLoss/dp, for every weight and bias array."""
    def update(params, grads, settings):
        lr = settings["learning_rate"]
        for p, g in zip(params, grads, strict=True):
            p -= lr * g
    return update


def momentum(params):
    """SGD with momentum: a velocity v per array, v <- mu v - lr g, then p <- p + v."""
    velocity = [np.zeros_like(p) for p in params]

    def update(params, grads, settings):
        lr, mu = settings["learning_rate"], settings["momentum"]
        for p, g, v in zip(params, grads, velocity, strict=True):
            v *= mu
            v -= lr * g
            p += v
    return update


def adam(params):
    """Adam (Kingma & Ba 2015, Algorithm 1): moment estimates m and v per array, and at
    step t = 1, 2, ... p <- p - lr m_hat / (sqrt(v_hat) + eps), bias-corrected."""
    m = [np.zeros_like(p) for p in params]  # first moments
    v = [np.zeros_like(p) for p in params]  # second moments
    t = 0  # steps done

    def update(params, grads, settings):
        nonlocal t
        t += 1
        lr, beta1, beta2, eps = (settings[k] for k in ("learning_rate", "beta1", "beta2",
                                                       "eps"))
        for p, g, m_p, v_p in zip(params, grads, m, v, strict=True):
            m_p *= beta1
            m_p += (1 - beta1) * g  # m = b1 m + (1 - b1) g
            v_p *= beta2
            v_p += (1 - beta2) * (g * g)  # v = b2 v + (1 - b2) g²
            m_hat = m_p / (1 - beta1 ** t)
            v_hat = v_p / (1 - beta2 ** t)
            p -= lr * m_hat / (np.sqrt(v_hat) + eps)
    return update


# ---------------------------------------------------------------------- training
def train_epoch(X, Y, weights, biases, activation, output, update, settings):
    """One epoch over the training points X, Y in this order: per mini-batch of
    settings["batch_size"] points (the last one may be shorter) a forward pass, a
    backward pass and an update."""
    (act, act_slope), output_delta = activation, output[0]
    batch = settings["batch_size"]
    for start in range(0, len(X), batch):
        X_batch, Y_batch = X[start:start + batch], Y[start:start + batch]
        a, z = forward(X_batch, weights, biases, act)
        delta = output_delta(z, Y_batch, axis=-1) / len(Y_batch)  # dLoss/dz of the output
        dW, db = backward(a, delta, weights, act_slope, settings["l1"], settings["l2"])
        update(weights + biases, dW + db, settings)


def train(data, weights, biases, activation, output, optimizers, settings, changes, epochs,
          seed, print_every):
    """Train for ``epochs`` epochs, making the changes the run made at their epochs;
    print the losses every ``print_every`` epochs and at the end.

    data is (X_train, Y_train, X_test, Y_test); activation the hidden layers' pair
    (function, slope); output the output layer's pair (delta, point_loss); optimizers
    the optimizer functions by name; settings those a run may change as it trains
    (optimizer, learning_rate, batch_size, shuffle, l1, l2 ...); changes, by epoch, what
    changed after that many epochs: new settings, "edits" [(layer, row, col, value)]
    (see set_parameter), "rewind" (the run went back to that epoch: a fresh optimizer
    and shuffling); seed that of the training points' shuffling."""
    X_train, Y_train, X_test, Y_test = data
    settings = dict(settings)  # the settings of the moment: changes update them
    update = optimizers[settings["optimizer"]](weights + biases)
    rng = np.random.default_rng([seed, 1])  # the training points' shuffling
    n = len(X_train)

    def report(epoch):
        z_train = forward(X_train, weights, biases, activation[0])[1]
        z_test = forward(X_test, weights, biases, activation[0])[1]
        print(f"epoch {epoch} train_loss {loss(z_train, Y_train, output[1])!r} "
              f"test_loss {loss(z_test, Y_test, output[1])!r}")

    for epoch in range(epochs + 1):
        if epoch:  # (epoch 0: only what changed before training)
            # a new order every epoch (one full batch is never shuffled: same sum)
            shuffle = settings["shuffle"] and settings["batch_size"] < n
            order = rng.permutation(n) if shuffle else np.arange(n)
            train_epoch(X_train[order], Y_train[order], weights, biases, activation,
                        output, update, settings)
        change = changes.get(epoch, {})
        settings.update((k, v) for k, v in change.items() if k in settings)
        for layer, row, col, value in change.get("edits", []):
            set_parameter(weights, biases, layer, row, col, value)
        if "optimizer" in change or "rewind" in change:
            update = optimizers[settings["optimizer"]](weights + biases)  # fresh state
        if "rewind" in change:  # a shuffling of its own from this epoch on
            rng = np.random.default_rng([seed, 1, epoch])
        if epoch % print_every == 0 and 0 < epoch < epochs:
            report(epoch)
    report(epochs)
