"""One point's forward and backward pass written out with its numbers, as Markdown lines
with LaTeX math, ready to display (``st.markdown`` per line, or a notebook's Markdown).

Every line is either a heading or plain sentence, or one display formula ``$$ … $$``.
Numbers have 4 significant digits. A sum of many terms keeps the largest ones and says
how many it leaves out (``\\dots``); a wide layer shows its first units and the chosen
one. Unit names are the diagram's (``x1²``, ``h1.2``, ``out``).
"""

from __future__ import annotations

import math

import numpy as np

from playground.run.explain import PointExplanation

MAX_TERMS = 6  # terms of a sum written out; the rest become "…"
MAX_UNITS = 8  # units of a layer written out (the chosen neuron always is)

ACTIVATION_TEX = {"tanh": r"\tanh", "sigmoid": r"\sigma", "relu": r"\operatorname{ReLU}",
                  "leaky_relu": r"\operatorname{LeakyReLU}", "linear": r"\operatorname{id}"}


def num(value: float) -> str:
    """``value`` in LaTeX with 4 significant digits: ``0.1235``, ``-3.2\\times10^{5}``."""
    value = float(value)
    if math.isnan(value):
        return r"\text{NaN}"
    if math.isinf(value):
        return r"\infty" if value > 0 else r"-\infty"
    text = f"{value:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa}\times10^{{{int(exponent)}}}"
    return text


def factor(value: float) -> str:
    """:func:`num` in parentheses when negative, to stand in a product."""
    text = num(value)
    return f"({text})" if text.startswith("-") else text


def name(label: str) -> str:
    """A unit's diagram label as LaTeX text."""
    return rf"\text{{{label}}}"


def math_line(tex: str) -> str:
    """One display formula."""
    return f"$${tex}$$"


def weighted_sum(weights, values, labels, max_terms: int = MAX_TERMS) -> str:
    """``w1·a1 + w2·a2 + …`` with each value labelled underneath; the ``max_terms``
    largest products when there are more, then how many are left out."""
    weights, values = np.asarray(weights), np.asarray(values)
    order = np.arange(len(weights))
    if len(order) > max_terms:
        order = np.sort(np.argsort(-np.abs(weights * values), kind="stable")[:max_terms])
    terms = [rf"{factor(weights[k])}\cdot\underset{{{name(labels[k])}}}{{{factor(values[k])}}}"
             for k in order]
    text = " + ".join(terms)
    left_out = len(weights) - len(order)
    if left_out:
        text += rf" + \underbrace{{\dots}}_{{{left_out}\text{{ more}}}}"
    return text or "0"


def shown_units(n: int, chosen: int | None, max_units: int) -> list[int]:
    """The units of a layer of ``n`` to write out: the first ``max_units``, and ``chosen``."""
    units = list(range(min(n, max_units)))
    if chosen is not None and chosen not in units:
        units.append(chosen)
    return units


def more_units(n: int) -> str:
    """The sentence that stands for ``n`` units left out of a layer."""
    return f"… and {n} more unit{'s' if n > 1 else ''} in this layer."


# ---------------------------------------------------------------------- output and loss
def _output_sigmoid(e: PointExplanation, j: int) -> str:
    return rf"\hat y = \sigma(z) = \sigma({num(e.z[-1][j])}) = {num(e.activations[-1][j])}"


def _output_softmax(e: PointExplanation, j: int) -> str:
    return (rf"\hat y_{{{name(e.labels[-1][j])}}} = \operatorname{{softmax}}(z)_{{{j + 1}}}"
            rf" = {num(e.activations[-1][j])}")


def _output_linear(e: PointExplanation, j: int) -> str:
    return rf"\hat y = z = {num(e.activations[-1][j])}"


def _loss_sigmoid(e: PointExplanation) -> str:
    y, p = e.targets[0], e.activations[-1][0]
    return (rf"L = -[y\log\hat y + (1-y)\log(1-\hat y)] = -[{num(y)}\log {num(p)} + "
            rf"{num(1 - y)}\log {num(1 - p)}] = {num(e.loss)}")


def _loss_softmax(e: PointExplanation) -> str:
    k = int(np.argmax(e.targets))
    return (rf"L = -\log\hat y_{{{name(e.labels[-1][k])}}} = "
            rf"-\log {num(e.activations[-1][k])} = {num(e.loss)}")


def _loss_linear(e: PointExplanation) -> str:
    return (rf"L = (\hat y - y)^2 = ({num(e.activations[-1][0])} - {factor(e.targets[0])})^2"
            rf" = {num(e.loss)}")


OUTPUT_TEX = {"sigmoid": _output_sigmoid, "softmax": _output_softmax, "linear": _output_linear}
LOSS_TEX = {"sigmoid": _loss_sigmoid, "softmax": _loss_softmax, "linear": _loss_linear}
# c in the output's delta c (ŷ - y) as the formula is written (the numbers are the engine's
# own delta; a test checks that they agree): 2 from the derivative of the square
DELTA_SCALE = {"sigmoid": 1, "softmax": 1, "linear": 2}


# ---------------------------------------------------------------------- the passes
def forward_lines(e: PointExplanation, neuron=None, max_terms: int = MAX_TERMS,
                  max_units: int = MAX_UNITS) -> list[str]:
    """The forward pass: per layer each unit's ``z = Σ w·a + b`` and its activation,
    then the output and the point's loss. ``neuron`` = ``(layer, unit)`` is always
    written out."""
    act = ACTIVATION_TEX.get(e.activation, rf"\operatorname{{{e.activation}}}")
    inputs = ", ".join(f"{name(lab)} = {num(v)}" for lab, v in zip(e.labels[0], e.inputs[0],
                                                                  strict=True))
    lines = ["**Forward pass**", math_line(inputs)]
    for i in range(e.n_layers):
        layer, last = i + 1, i == e.n_layers - 1
        chosen = neuron[1] if neuron is not None and neuron[0] == layer else None
        units = shown_units(e.z[i].size, chosen, max_units)
        for j in units:
            total = weighted_sum(e.weights[i][:, j], e.inputs[i], e.labels[i], max_terms)
            lines.append(math_line(rf"z_{{{name(e.labels[layer][j])}}} = {total} + "
                                   rf"{factor(e.biases[i][j])} = {num(e.z[i][j])}"))
            if last:
                lines.append(math_line(OUTPUT_TEX[e.output](e, j)))
            else:
                lines.append(math_line(rf"a_{{{name(e.labels[layer][j])}}} = {act}"
                                       rf"({num(e.z[i][j])}) = {num(e.activations[i][j])}"))
        if len(units) < e.z[i].size:
            lines.append(more_units(e.z[i].size - len(units)))
    lines.append(math_line(LOSS_TEX[e.output](e)))
    return lines


def backward_lines(e: PointExplanation, neuron=None, max_terms: int = MAX_TERMS,
                   max_units: int = MAX_UNITS) -> list[str]:
    """The backward pass: the output's delta ``c (ŷ - y)``, then each hidden delta
    ``(W δ) ⊙ act'(z)`` from the top down."""
    act = ACTIVATION_TEX.get(e.activation, rf"\operatorname{{{e.activation}}}")
    scale = "" if DELTA_SCALE[e.output] == 1 else rf"{num(DELTA_SCALE[e.output])}\,"
    lines = ["**Backward pass**"]
    for j, label in enumerate(e.labels[-1]):
        lines.append(math_line(
            rf"\delta_{{{name(label)}}} = {scale}(\hat y - y) = {scale}"
            rf"({num(e.activations[-1][j])} - {factor(e.targets[j])}) = "
            rf"{num(e.deltas[-1][j])}"))
    for i in range(e.n_layers - 2, -1, -1):  # hidden layers, top down
        layer = i + 1
        chosen = neuron[1] if neuron is not None and neuron[0] == layer else None
        units = shown_units(e.z[i].size, chosen, max_units)
        for j in units:
            total = weighted_sum(e.weights[i + 1][j], e.deltas[i + 1], e.labels[layer + 1],
                                 max_terms)
            lines.append(math_line(
                rf"\delta_{{{name(e.labels[layer][j])}}} = \Big({total}\Big)\cdot"
                rf"\underset{{{act}'(z)}}{{{factor(e.slopes[i][j])}}} = "
                rf"{num(e.deltas[i][j])}"))
        if len(units) < e.z[i].size:
            lines.append(more_units(e.z[i].size - len(units)))
    return lines


def neuron_lines(e: PointExplanation, layer: int, unit: int,
                 max_terms: int = MAX_TERMS) -> list[str]:
    """A neuron's incoming weights: each one's gradient ``a·δ`` from this point and the
    update it contributes, ``-η/B · ∂L/∂w``; then the penalty's share, once per batch."""
    g = e.neuron(layer, unit)
    to = name(g.label)
    lines = [f"**Incoming weights of {g.label}** (learning rate η = {g.learning_rate:g}, "
             f"mini-batch of B = {g.batch_size} points, whose gradients the step averages)"]
    order = np.arange(g.weights.size)
    if order.size > max_terms:
        order = np.sort(np.argsort(-np.abs(g.dweights), kind="stable")[:max_terms])
    step = rf"-\frac{{{num(g.learning_rate)}}}{{{g.batch_size}}}"
    for k in order:
        w = rf"w_{{{name(g.input_labels[k])}\to{to}}}"
        lines.append(math_line(
            rf"\frac{{\partial L}}{{\partial {w}}} = a\,\delta = {factor(g.inputs[k])}\cdot"
            rf"{factor(g.delta)} = {num(g.dweights[k])},\quad \Delta {w} = {step}\cdot"
            rf"{factor(g.dweights[k])} = {num(g.updates[k])}"))
    if order.size < g.weights.size:
        left_out = g.weights.size - order.size
        lines.append(f"… and {left_out} more weight{'s' if left_out > 1 else ''} (those with "
                     "the largest gradients are shown).")
    lines.append(math_line(
        rf"\frac{{\partial L}}{{\partial b_{{{to}}}}} = \delta = {num(g.dbias)},\quad "
        rf"\Delta b_{{{to}}} = {step}\cdot{factor(g.dbias)} = {num(g.bias_update)}"))
    if e.l1 or e.l2:
        terms = [rf"{num(e.l1)}\operatorname{{sign}}(w)" if e.l1 else "",
                 rf"{num(e.l2)}\,w" if e.l2 else ""]
        lines.append("The penalty's gradient is added once per mini-batch, not per point: "
                     + "$" + " + ".join(t for t in terms if t) + "$ per weight, that is "
                     + ", ".join(f"{p:.4g}" for p in g.penalty_updates[order])
                     + " as updates (the bias has no penalty).")
    if g.optimizer != "sgd":
        lines.append(f"With {g.optimizer}, the averaged gradient is transformed (momentum, "
                     "moment estimates) before the step: Δ above is the plain gradient step.")
    return lines


def explanation_lines(e: PointExplanation, neuron=None, max_terms: int = MAX_TERMS,
                      max_units: int = MAX_UNITS) -> list[str]:
    """The whole write-up: forward pass, backward pass and, for ``neuron`` =
    ``(layer, unit)`` (diagram numbering, layer ≥ 1), its incoming weights' updates."""
    lines = forward_lines(e, neuron, max_terms, max_units)
    lines += backward_lines(e, neuron, max_terms, max_units)
    if neuron is not None:
        lines += neuron_lines(e, neuron[0], neuron[1], max_terms)
    return lines
