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


# ---------------------------------------------------------------------- optimizers
# Each returns update(params, grads), which changes every array of params in place.
def sgd(params, learning_rate):
    """Gradient descent: p <- p - lr * dLoss/dp, for every weight and bias array."""
    def update(params, grads):
        for p, g in zip(params, grads, strict=True):
            p -= learning_rate * g
    return update


def momentum(params, learning_rate, mu):
    """SGD with momentum: a velocity v per array, v <- mu v - lr g, then p <- p + v."""
    velocity = [np.zeros_like(p) for p in params]

    def update(params, grads):
        for p, g, v in zip(params, grads, velocity, strict=True):
            v *= mu
            v -= learning_rate * g
            p += v
    return update


def adam(params, learning_rate, beta1, beta2, eps):
    """Adam (Kingma & Ba 2015, Algorithm 1): moment estimates m and v per array, and at
    step t = 1, 2, ... p <- p - lr m_hat / (sqrt(v_hat) + eps), bias-corrected."""
    m = [np.zeros_like(p) for p in params]  # first moments
    v = [np.zeros_like(p) for p in params]  # second moments
    t = 0  # steps done

    def update(params, grads):
        nonlocal t
        t += 1
        for p, g, m_p, v_p in zip(params, grads, m, v, strict=True):
            m_p *= beta1
            m_p += (1 - beta1) * g  # m = b1 m + (1 - b1) g
            v_p *= beta2
            v_p += (1 - beta2) * (g * g)  # v = b2 v + (1 - b2) g²
            m_hat = m_p / (1 - beta1 ** t)
            v_hat = v_p / (1 - beta2 ** t)
            p -= learning_rate * m_hat / (np.sqrt(v_hat) + eps)
    return update


# ---------------------------------------------------------------------- training
def train(data, weights, biases, activation, output, update, epochs, batch_size, shuffle,
          seed, print_every, l1=0.0, l2=0.0):
    """Train for ``epochs`` epochs of mini-batches, printing the losses every
    ``print_every`` epochs and at the end.

    data is (X_train, Y_train, X_test, Y_test); activation the hidden layers' pair
    (function, slope); output the output layer's pair (delta, point_loss); update the
    optimizer's; seed that of the training points' shuffling; l1, l2 the penalty."""
    X_train, Y_train, X_test, Y_test = data
    (act, act_slope), (output_delta, point_loss) = activation, output
    rng = np.random.default_rng([seed, 1])  # the training points' shuffling
    n = len(X_train)
    batch = min(batch_size, n)

    def report(epoch):
        train_loss = loss(forward(X_train, weights, biases, act)[1], Y_train, point_loss)
        test_loss = loss(forward(X_test, weights, biases, act)[1], Y_test, point_loss)
        print(f"epoch {epoch} train_loss {train_loss!r} test_loss {test_loss!r}")

    for epoch in range(1, epochs + 1):
        # a new order every epoch (one full batch is never shuffled: same sum)
        order = rng.permutation(n) if shuffle and batch < n else np.arange(n)
        X_epoch, Y_epoch = X_train[order], Y_train[order]
        for start in range(0, n, batch):  # mini-batches, the last one may be shorter
            X, Y = X_epoch[start:start + batch], Y_epoch[start:start + batch]
            a, z = forward(X, weights, biases, act)
            delta = output_delta(z, Y, axis=-1) / len(Y)  # dLoss/dz of the output layer
            dW, db = backward(a, delta, weights, act_slope, l1, l2)
            update(weights + biases, dW + db)
        if epoch % print_every == 0 and epoch < epochs:
            report(epoch)
    report(epochs)
