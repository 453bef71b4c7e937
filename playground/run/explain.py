"""Backpropagation by the numbers: one training point through the live network.

:func:`explain_point` runs one point forward and backward with the textbook formulas,
one layer at a time, and keeps every intermediate number: each layer's input ``a``, its
``z = W.T a + b``, its activation, ``act'(z)``, its delta ``dL/dz`` and the point's
gradients. For layer ``i`` (weight layers numbered from 0, so layer ``i`` feeds the
diagram's column ``i + 1``):

    z[i] = W[i].T @ inputs[i] + b[i]
    activations[i] = act(z[i])                (the output activation for the last layer)
    deltas[-1] = c * (y_hat - y)              (c = 1 for cross-entropy, 2 for squared error)
    deltas[i] = (W[i + 1] @ deltas[i + 1]) * act'(z[i])
    dweights[i] = outer(inputs[i], deltas[i]),   dbiases[i] = deltas[i]

These are the gradients of this one point's loss. In a mini-batch of ``B`` points the
engine averages the points' gradients, so this point moves a weight by
``-lr * dL/dw / B`` in a plain SGD step (:meth:`PointExplanation.neuron`); the penalty's
gradient is added once per batch, not per point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.data.features import feature_matrix
from playground.run.hidden_space import unit_label


@dataclass(frozen=True)
class NeuronGradients:
    """The incoming weights of one neuron, their gradients from one point, and the
    update each contributes. From :meth:`PointExplanation.neuron`.

    Attributes
    ----------
    layer, unit : int
        The neuron, numbered as in the diagram (layer 1 = first hidden layer or output).
    label : str
        Its diagram label (``h1.2``, ``out``).
    input_labels : tuple of str
        The labels of the units feeding it (``x1``, ``x1²``, ``h1.3``...), (n_in,).
    inputs : ndarray (n_in,)
        Their activations ``a`` for this point.
    weights : ndarray (n_in,)
        The incoming weights ``w``; ``bias`` the neuron's bias.
    delta : float
        ``dL/dz`` of the neuron for this point.
    dweights : ndarray (n_in,)
        ``dL/dw = a * delta``; ``dbias = delta``.
    updates : ndarray (n_in,)
        ``-learning_rate * dweights / batch_size``: what this point adds to each weight's
        change in a plain SGD step; ``bias_update`` the same for the bias.
    penalty_dweights : ndarray (n_in,)
        The penalty's gradient ``l1 sign(w) + l2 w`` (zero without regularisation), added
        once per mini-batch; ``penalty_updates = -learning_rate * penalty_dweights``.
    learning_rate : float
    batch_size : int
        The mini-batch size the engine averages over (the last batch of an epoch may be
        smaller).
    optimizer : str
        ``sgd``, ``momentum`` or ``adam``: momentum and Adam transform the averaged
        gradient further, so for them ``updates`` is the plain gradient step.
    """

    layer: int
    unit: int
    label: str
    input_labels: tuple[str, ...]
    inputs: np.ndarray
    weights: np.ndarray
    bias: float
    delta: float
    dweights: np.ndarray
    dbias: float
    updates: np.ndarray
    bias_update: float
    penalty_dweights: np.ndarray
    penalty_updates: np.ndarray
    learning_rate: float
    batch_size: int
    optimizer: str


@dataclass(frozen=True)
class PointExplanation:
    """Every number of one training point's forward and backward pass.

    Lists have one entry per weight layer ``i`` (``0 .. n_layers - 1``); layer ``i``
    feeds the diagram's column ``i + 1``. Arrays are float64 copies.

    Attributes
    ----------
    index : int
        The point's row in ``run.X_train``.
    x : ndarray (2,)
        Its coordinates; ``target`` its class (int) or value (float).
    targets : ndarray (n_out,)
        The target as the output compares to it (0/1, one-hot, or the value).
    inputs : list of ndarray (n_in_i,)
        Each layer's input ``a``: the features for layer 0, then the hidden activations.
    weights, biases : list of ndarray (n_in_i, n_out_i), (n_out_i,)
        The network's parameters (copies).
    z : list of ndarray (n_out_i,)
        ``W.T a + b``.
    activations : list of ndarray (n_out_i,)
        ``act(z)``; the last is the output (probabilities, or the predicted value).
    slopes : list of ndarray (n_out_i,)
        ``act'(z)`` of each hidden layer (the output layer has none: len n_layers - 1).
    deltas : list of ndarray (n_out_i,)
        ``dL/dz`` of the point's loss.
    dweights, dbiases : list of ndarray
        The point's gradients, shaped like ``network.weights`` and ``network.biases``.
    loss : float
        The point's loss (without the penalty).
    labels : list of tuple of str
        The diagram's unit labels per column: features, each hidden layer, outputs.
    activation, output : str
        Names of the hidden activation and of the output (``sigmoid``, ``softmax``,
        ``linear``).
    learning_rate, batch_size, optimizer, l1, l2
        What the next update uses (``batch_size`` clipped to the training set).
    epoch : int
        The run's epoch.
    """

    index: int
    x: np.ndarray
    target: float
    targets: np.ndarray
    inputs: list
    weights: list
    biases: list
    z: list
    activations: list
    slopes: list
    deltas: list
    dweights: list
    dbiases: list
    loss: float
    labels: list
    activation: str
    output: str
    learning_rate: float
    batch_size: int
    optimizer: str
    l1: float
    l2: float
    epoch: int

    @property
    def n_layers(self) -> int:
        """Number of weight layers (hidden layers + 1)."""
        return len(self.weights)

    def neuron(self, layer: int, unit: int) -> NeuronGradients:
        """The incoming weights of neuron ``unit`` of diagram column ``layer``
        (1 .. n_layers), with their gradients and updates from this point."""
        if not (isinstance(layer, (int, np.integer)) and 1 <= layer <= self.n_layers):
            raise ValueError(f"layer: a column with incoming weights, 1..{self.n_layers} "
                             f"(0 is the inputs), got {layer!r}")
        i = int(layer) - 1
        n_out = self.weights[i].shape[1]
        if not (isinstance(unit, (int, np.integer)) and 0 <= unit < n_out):
            raise ValueError(f"unit: layer {layer} has units 0..{n_out - 1}, got {unit!r}")
        j = int(unit)
        w, a, delta = self.weights[i][:, j], self.inputs[i], float(self.deltas[i][j])
        dw = self.dweights[i][:, j].copy()
        step = -self.learning_rate / self.batch_size
        penalty = self.l1 * np.sign(w) + self.l2 * w
        return NeuronGradients(
            layer=int(layer), unit=j, label=self.labels[layer][j],
            input_labels=tuple(self.labels[layer - 1]), inputs=a.copy(), weights=w.copy(),
            bias=float(self.biases[i][j]), delta=delta, dweights=dw, dbias=delta,
            updates=step * dw + 0.0, bias_update=step * delta + 0.0, penalty_dweights=penalty + 0.0,
            penalty_updates=-self.learning_rate * penalty + 0.0,
            learning_rate=self.learning_rate, batch_size=self.batch_size,
            optimizer=self.optimizer)


def explain_point(run, index: int) -> PointExplanation:
    """One training point's forward and backward pass through the run's network, with
    every number kept.

    Parameters
    ----------
    run : Trainer
    index : int
        A row of ``run.X_train`` (``0 .. len(run.X_train) - 1``).

    Returns
    -------
    PointExplanation

    Raises
    ------
    ValueError
        If ``index`` is not a whole number in range.
    """
    n = len(run.X_train)
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) \
            or not 0 <= index < n:
        raise ValueError(f"index: a training point from 0 to {n - 1}, got {index!r}")
    index = int(index)
    net, c = run.network, run.config
    act, out = net.activation, net.output
    x = np.asarray(run.X_train[index], np.float64)
    target = run.y_train[index]
    Y = net.targets(np.array([target]))[0].astype(np.float64)  # (n_out,)
    W = [w.astype(np.float64) for w in net.weights]
    b = [v.astype(np.float64) for v in net.biases]

    # forward: z = W.T a + b, a = act(z); the output layer's activation is the output's
    inputs = [feature_matrix(x[None], c.features)[0]]
    zs, acts = [], []
    with np.errstate(all="ignore"):
        for i in range(len(W)):
            z = W[i].T @ inputs[i] + b[i]
            last = i == len(W) - 1
            a = out.activate(z[:, None].copy())[:, 0] if last else act.apply(z)
            zs.append(z)
            acts.append(np.asarray(a, np.float64))
            if not last:
                inputs.append(acts[-1])
        loss = float(out.point_loss(zs[-1][:, None], Y[:, None])[0])

        # backward: the output's delta, then (W delta) * act'(z) layer by layer down
        slopes = [np.asarray(act.slope(a), np.float64) for a in acts[:-1]]
        deltas = [None] * len(W)
        deltas[-1] = out.delta(zs[-1][:, None], Y[:, None])[:, 0]
        for i in range(len(W) - 2, -1, -1):
            deltas[i] = (W[i + 1] @ deltas[i + 1]) * slopes[i]
        dweights = [np.outer(a, d) for a, d in zip(inputs, deltas, strict=True)]
    sizes = net.layer_sizes
    labels = [tuple(unit_label(layer, u, sizes, c.features) for u in range(size))
              for layer, size in enumerate(sizes)]
    return PointExplanation(
        index=index, x=x, target=target.item(), targets=Y, inputs=inputs, weights=W,
        biases=b, z=zs, activations=acts, slopes=slopes, deltas=deltas, dweights=dweights,
        dbiases=[d.copy() for d in deltas], loss=loss, labels=labels, activation=act.name,
        output=out.name,
        learning_rate=float(c.learning_rate), batch_size=min(int(c.batch_size), n),
        optimizer=c.optimizer, l1=float(c.l1), l2=float(c.l2), epoch=int(run.epoch))
