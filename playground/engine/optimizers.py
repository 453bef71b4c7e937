"""Optimizers acting on the network's flat parameter vector.

``step(params, grad)`` updates ``params`` in place from ``grad``, the exact gradient of
the loss (both flat, every weight and bias of every layer), with the formulas of the
papers. An optimizer's state (velocity, moments) is a flat array shaped like
``params``. Hyperparameters are plain attributes read at each step, so a live UI can
change the learning rate between steps without touching the weights or the state.
"""

from __future__ import annotations

import numpy as np


class SGD:
    """Plain (mini-batch) gradient descent: ``p <- p - lr * g``."""

    name = "sgd"
    label = "SGD"

    def __init__(self, n_params, dtype=np.float64, learning_rate=0.03, **_ignored):
        self.learning_rate = learning_rate

    def step(self, params: np.ndarray, grad: np.ndarray) -> None:
        """Update ``params`` (n_params,) in place from the gradient ``grad`` (n_params,)."""
        params -= self.learning_rate * grad

    def state(self) -> dict:
        """Copy of the optimizer state (to restore after a diverging step)."""
        return {}

    def load_state(self, state: dict) -> None:
        """Restore a state returned by :meth:`state`."""


class Momentum(SGD):
    """SGD with (heavy-ball) momentum: ``v <- mu * v - lr * g``, ``p <- p + v``."""

    name = "momentum"
    label = "SGD + momentum"

    def __init__(self, n_params, dtype=np.float64, learning_rate=0.03, momentum=0.9,
                 **_ignored):
        super().__init__(n_params, dtype, learning_rate)
        self.momentum = momentum
        self.velocity = np.zeros(n_params, dtype)

    def step(self, params, grad):
        v = self.velocity
        v *= self.momentum
        v -= self.learning_rate * grad  # v = mu v - lr g
        params += v

    def state(self):
        return {"velocity": self.velocity.copy()}

    def load_state(self, state):
        self.velocity[:] = state["velocity"]


class Adam(SGD):
    """Adam (Kingma & Ba 2015, Algorithm 1): bias-corrected moment estimates."""

    name = "adam"
    label = "Adam"

    def __init__(self, n_params, dtype=np.float64, learning_rate=0.03, beta1=0.9,
                 beta2=0.999, eps=1e-8, **_ignored):
        super().__init__(n_params, dtype, learning_rate)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.t = 0  # number of updates done, for the bias corrections
        self.m = np.zeros(n_params, dtype)
        self.v = np.zeros(n_params, dtype)

    def step(self, params, grad):
        b1, b2, m, v = self.beta1, self.beta2, self.m, self.v
        self.t += 1
        m *= b1
        m += (1.0 - b1) * grad  # m = b1 m + (1 - b1) g
        v *= b2
        v += (1.0 - b2) * (grad * grad)  # v = b2 v + (1 - b2) g²
        m_hat = m / (1.0 - b1 ** self.t)
        v_hat = v / (1.0 - b2 ** self.t)
        params -= self.learning_rate * m_hat / (np.sqrt(v_hat) + self.eps)

    def state(self):
        return {"t": self.t, "m": self.m.copy(), "v": self.v.copy()}

    def load_state(self, state):
        self.t = state["t"]
        self.m[:] = state["m"]
        self.v[:] = state["v"]


OPTIMIZERS: dict[str, type[SGD]] = {cls.name: cls for cls in (SGD, Momentum, Adam)}
