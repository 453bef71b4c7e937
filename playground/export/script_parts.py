"""The pieces :func:`playground.export.export_script` assembles a script from: one
textbook version of each activation, output, optimizer and training step, as source
text (placeholders such as ``__INIT__`` are filled in by the exporter)."""

ACTIVATION_CODE = {
    "tanh": '''def activation(z):
    """tanh, the hidden layers' activation."""
    return np.tanh(z)


def activation_slope(a):
    """tanh'(z) written with the output a = tanh(z): 1 - a²."""
    return 1 - a * a
''',
    "sigmoid": '''def activation(z):
    """The logistic function 1 / (1 + e^-z), written with tanh (it never overflows)."""
    return 0.5 * (1 + np.tanh(0.5 * z))


def activation_slope(a):
    """sigmoid'(z) written with the output a = sigmoid(z): a (1 - a)."""
    return a * (1 - a)
''',
    "relu": '''def activation(z):
    """ReLU: max(z, 0)."""
    return np.maximum(z, 0)


def activation_slope(a):
    """ReLU'(z): 1 where the output a is positive, else 0."""
    return (a > 0).astype(a.dtype)
''',
    "leaky_relu": '''LEAKY_SLOPE = 0.01  # the slope for z < 0


def activation(z):
    """Leaky ReLU: z for z > 0, LEAKY_SLOPE * z otherwise (= max(z, LEAKY_SLOPE z))."""
    return np.maximum(z, LEAKY_SLOPE * z)


def activation_slope(a):
    """Its derivative: 1 where the output a is positive, else LEAKY_SLOPE."""
    return np.where(a > 0, 1, LEAKY_SLOPE).astype(a.dtype)
''',
    "linear": '''def activation(z):
    """The identity: linear hidden layers."""
    return z


def activation_slope(a):
    """The identity's derivative: 1."""
    return np.ones_like(a)
''',
}

OUTPUT_CODE = {
    "sigmoid": '''def output_delta(z, Y):
    """m * dLoss/dz for a sigmoid output with cross-entropy: sigmoid(z) - y."""
    return 0.5 * (1 + np.tanh(0.5 * z)) - Y  # sigmoid(z), written with tanh


def loss(z, Y):
    """Mean binary cross-entropy from the logits z (m, 1): softplus((1 - 2y) z) per point,
    where softplus(u) = log(1 + e^u) = max(u, 0) + log(1 + e^-|u|) never overflows."""
    u = (1 - 2 * Y) * z
    return np.mean(np.maximum(u, 0) + np.log1p(np.exp(-np.abs(u))))
''',
    "softmax": '''def output_delta(z, Y):
    """m * dLoss/dz for a softmax output with cross-entropy: softmax(z) - y (one-hot)."""
    e = np.exp(z - z.max(axis=1, keepdims=True))  # shifted by each row's max: no overflow
    return e / e.sum(axis=1, keepdims=True) - Y


def loss(z, Y):
    """Mean cross-entropy from the logits z (m, k): log sum exp(z) - z[label] per point."""
    z_max = z.max(axis=1, keepdims=True)
    log_sum_exp = np.log(np.exp(z - z_max).sum(axis=1)) + z_max[:, 0]
    return np.mean(log_sum_exp - (z * Y).sum(axis=1))
''',
    "linear": '''def output_delta(z, Y):
    """m * dLoss/dz for a linear output with squared error: 2 (z - y)."""
    return 2 * (z - Y)


def loss(z, Y):
    """Mean squared error (z - y)², summed over the outputs."""
    return np.mean(((z - Y) ** 2).sum(axis=1))
''',
}

# (the update function, the lines that make its state, how a training step calls it)
OPTIMIZER_CODE = {
    "sgd": ('''def sgd(params, grads):
    """Gradient descent: p <- p - lr * dLoss/dp, for every weight and bias array."""
    for p, g in zip(params, grads):
        p -= LEARNING_RATE * g
''', "", "sgd(params, dW + db)"),
    "momentum": ('''def momentum(params, grads, velocity):
    """SGD with momentum: v <- mu v - lr g, then p <- p + v."""
    for p, g, v in zip(params, grads, velocity):
        v *= MOMENTUM
        v -= LEARNING_RATE * g
        p += v
''', "    velocity = [np.zeros_like(p) for p in params]\n",
        "momentum(params, dW + db, velocity)"),
    "adam": ('''def adam(params, grads, m, v, t):
    """Adam (Kingma & Ba 2015, Algorithm 1) at step t = 1, 2, ...: moment estimates m
    and v, bias-corrected, then p <- p - lr m_hat / (sqrt(v_hat) + eps)."""
    for p, g, m_p, v_p in zip(params, grads, m, v):
        m_p *= BETA1
        m_p += (1 - BETA1) * g  # m = b1 m + (1 - b1) g
        v_p *= BETA2
        v_p += (1 - BETA2) * (g * g)  # v = b2 v + (1 - b2) g²
        m_hat = m_p / (1 - BETA1 ** t)
        v_hat = v_p / (1 - BETA2 ** t)
        p -= LEARNING_RATE * m_hat / (np.sqrt(v_hat) + EPS)
''', "    m = [np.zeros_like(p) for p in params]  # first moments\n"
     "    v = [np.zeros_like(p) for p in params]  # second moments\n"
     "    t = 0  # Adam steps done\n",
        "t += 1\n            adam(params, dW + db, m, v, t)"),
}

TRAIN_CODE = {
    "data": '''def make_data():
    """The points X (n, 2) and labels y, shuffled, split into training and test parts."""
    rng = np.random.default_rng(DATA_SEED)
    order = rng.permutation(N_SAMPLES)  # drawn first: it does not depend on the noise
    X, y = __GENERATE__(rng, N_SAMPLES, NOISE, N_CLASSES)
    X, y = X[order].astype(np.float64), y[order].astype(Y_DTYPE)
    n_train = min(max(round(TRAIN_RATIO * N_SAMPLES), 1), N_SAMPLES - 1)
    split = np.random.default_rng(DATA_SEED).permutation(N_SAMPLES)
    train, test = split[:n_train], split[n_train:]
    return X[train], y[train], X[test], y[test]
''',
    "points": '''def make_data():
    """Your points X (n, 2) and labels y, split into training and test parts."""
    n = len(POINTS)
    n_train = min(max(round(TRAIN_RATIO * n), 1), n - 1)
    split = np.random.default_rng(DATA_SEED).permutation(n)
    train, test = split[:n_train], split[n_train:]
    return POINTS[train], LABELS[train], POINTS[test], LABELS[test]
''',
    "init": '''def init_params(n_inputs):
    """Every layer's weights W (n_in, n_out) and biases b (n_out,), drawn in order."""
    rng = np.random.default_rng(INIT_SEED)
    sizes = (n_inputs, *HIDDEN, N_OUTPUTS)
    weights, biases = [], []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        W, b = __INIT__(rng, n_in, n_out)
        weights.append(W.astype(DTYPE))
        biases.append(b.astype(DTYPE))
    return weights, biases
''',
    "forward": '''def forward(X, weights, biases):
    """Forward pass on inputs X (m, n_in): the list a of every layer's input (X, then
    each hidden layer's output) and the output layer's logits z (m, N_OUTPUTS)."""
    a = [X]
    for W, b in zip(weights[:-1], biases[:-1]):
        a.append(activation(a[-1] @ W + b))  # a = act(z), z = a_prev W + b
    z = a[-1] @ weights[-1] + biases[-1]
    return a, z
''',
    "backward": '''def backward(a, z, Y, weights):
    """Backward pass: the gradients dW, db of the batch's mean loss for every layer,
    from forward()'s a and z and the targets Y (m, N_OUTPUTS)."""
    delta = output_delta(z, Y) / len(Y)  # dLoss/dz of the output layer
    dW, db = [None] * len(weights), [None] * len(weights)
    for i in reversed(range(len(weights))):
        dW[i] = a[i].T @ delta  # the layer's input times its delta, summed over the batch
        db[i] = delta.sum(axis=0)
        __PENALTY__
        if i:  # dLoss/dz of the layer below: back through W, then the activation
            delta = (delta @ weights[i].T) * activation_slope(a[i])
    return dW, db
''',
    "train": '''def train():
    X_train, y_train, X_test, y_test = make_data()
    F_train, F_test = features(X_train), features(X_test)
    Y_train, Y_test = targets(y_train), targets(y_test)
    weights, biases = init_params(F_train.shape[1])
    params = weights + biases  # the optimizer updates these arrays in place
__STATE__    rng = np.random.default_rng([INIT_SEED, 1])  # the training points' shuffling
    n = len(F_train)
    batch = min(BATCH_SIZE, n)

    def report(epoch):
        train_loss = float(loss(forward(F_train, weights, biases)[1], Y_train))
        test_loss = float(loss(forward(F_test, weights, biases)[1], Y_test))
        print(f"epoch {epoch} train_loss {train_loss!r} test_loss {test_loss!r}")

    for epoch in range(1, EPOCHS + 1):
        # a new order every epoch (one full batch is never shuffled: same sum)
        order = rng.permutation(n) if SHUFFLE and batch < n else np.arange(n)
        X_epoch, Y_epoch = F_train[order], Y_train[order]
        for start in range(0, n, batch):  # mini-batches, the last one may be shorter
            X, Y = X_epoch[start:start + batch], Y_epoch[start:start + batch]
            a, z = forward(X, weights, biases)
            dW, db = backward(a, z, Y, weights)
            __UPDATE__
        if epoch % PRINT_EVERY == 0 and epoch < EPOCHS:
            report(epoch)
    report(EPOCHS)


if __name__ == "__main__":
    train()
''',
}
