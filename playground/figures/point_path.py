"""One training point's path through the network as a diagram (the network diagram's
drawing): each neuron's square filled with the point's activation, each link drawn as
its share ``w·a`` of the next neuron's weighted sum (width |w·a|, colour its sign), so
the links the point's forward pass leans on stand out. Built from arrays (those of
``playground.explain_point``); imports only NumPy and the other figure builders.
"""

from __future__ import annotations

import numpy as np

from playground.figures.diagram import network_diagram


def point_path_figure(inputs, activations, weights, biases, labels, *, task: str,
                      n_classes: int, activation: str = "tanh", focus=None, title: str = "",
                      height: int = 420, aspect: float = 1.6) -> dict:
    """The network diagram of one point's forward pass.

    Parameters
    ----------
    inputs : list of ndarray
        Per weight layer ``l``, its input ``a`` (n_l,); ``inputs[0]`` the point's features.
    activations : list of ndarray
        Per weight layer, its output (n_{l+1},); the last one the network's output.
    weights, biases : list of ndarray
        ``weights[l]`` (n_l, n_{l+1}), ``biases[l]`` (n_{l+1},), as ``MLP.weights``.
    labels : list of sequence of str
        The units' names per column, inputs first (``x1``, ``h1.2``, ``out``).
    task, n_classes, activation, focus, height, aspect
        As :func:`~playground.figures.diagram.network_diagram`; ``focus`` = (layer, unit)
        is outlined.
    title : str

    Returns
    -------
    dict
        A figure dict: the diagram's traces, with hover text of the point's numbers
        (each unit's value, each link's ``w·a``).
    """
    inputs = [np.asarray(a, np.float64) for a in inputs]
    activations = [np.asarray(a, np.float64) for a in activations]
    shares = [np.asarray(W, np.float64) * a[:, None] for W, a in zip(weights, inputs,
                                                                      strict=True)]
    sizes = [inputs[0].size, *(a.size for a in activations)]
    fig = network_diagram(sizes, shares, biases, [a.reshape(1, 1, -1) for a in activations],
                          inputs[0].reshape(1, 1, -1), [list(c) for c in labels], task=task,
                          n_classes=n_classes, activation=activation, focus=focus,
                          height=height, aspect=aspect)
    links, neurons = fig["data"][0], fig["data"][-1]
    links["hovertext"] = [_share_text(t) for t in links["hovertext"]]
    values = np.concatenate([inputs[0], *activations])
    names = [name for column in labels for name in column]
    biases_text = [""] * inputs[0].size + [f" (bias {b:+.4g})" for b in
                                            np.concatenate([np.ravel(b) for b in biases])]
    neurons["hovertext"] = [f"{n} = {v:.4g}{b}" for n, v, b in zip(names, values.tolist(),
                                                                     biases_text, strict=True)]
    if title:
        fig["layout"]["title"] = {"text": title, "font": {"size": 13}, "x": 0.02}
        fig["layout"]["margin"] = {**fig["layout"]["margin"], "t": 48}
    return fig


def _share_text(text: str) -> str:
    """``w1 x1 → h1.2 = +0.5000`` (the diagram's) as ``x1 → h1.2: w·a = +0.5000``."""
    head, value = text.rsplit(" = ", 1)
    return f"{head.split(' ', 1)[1]}: w·a = {value}"
