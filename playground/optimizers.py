"""Optimizers acting on the network's flat parameter vector.

Each optimizer keeps its state (velocity, moments) as flat arrays shaped like
``params`` and updates every parameter of every layer with a few in-place NumPy
calls. Hyperparameters are plain attributes read at each step, so a live UI can change
the learning rate between steps without touching the weights or the state.

Two ways to run an optimizer:

* ``step(params, grad)``: the textbook update from an exact gradient;
* ``make_update(params, grad) -> (scale, update)``: the trainer's fast path. The
  backward pass is asked to write ``scale * gradient`` into ``grad`` instead of the
  gradient (it folds ``scale`` into the output layer's delta: every gradient is linear
  in it, so this is exact up to rounding), and then the calls in the list ``update``
  (zero-argument, bound with ``functools.partial``) finish the step. For SGD
  ``scale = -learning_rate`` and the update is a single add. The trainer rebuilds the
  pair whenever a hyperparameter changes.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np


class SGD:
    """Plain (mini-batch) gradient descent: ``p -= lr * g``."""

    name = "sgd"
    label = "SGD"

    def __init__(self, n_params, dtype=np.float64, learning_rate=0.03, **_ignored):
        self.learning_rate = learning_rate

    def step(self, params: np.ndarray, grad: np.ndarray) -> None:
        """Update ``params`` in place from ``grad``; ``grad`` is used as scratch."""
        np.multiply(grad, self.learning_rate, out=grad)
        np.subtract(params, grad, out=params)

    def make_update(self, params: np.ndarray, grad: np.ndarray):
        """``(scale, update)``: the calls in ``update`` finish a step once ``grad``
        holds ``scale * gradient`` (see the module docstring)."""
        # grad holds -lr * gradient: the whole update is params += grad, one NumPy call
        return -self.learning_rate, [partial(np.add, params, grad, params)]

    def state(self) -> dict:
        """Copy of the optimizer state (to restore after a diverging step)."""
        return {}

    def load_state(self, state: dict) -> None:
        """Restore a state returned by :meth:`state`."""


class Momentum(SGD):
    """SGD with (heavy-ball) momentum: ``v = mu * v - lr * g``, ``p += v``."""

    name = "momentum"
    label = "SGD + momentum"

    def __init__(self, n_params, dtype=np.float64, learning_rate=0.03, momentum=0.9,
                 **_ignored):
        super().__init__(n_params, dtype, learning_rate)
        self.momentum = momentum
        self.velocity = np.zeros(n_params, dtype)

    def step(self, params, grad):
        v = self.velocity
        np.multiply(v, self.momentum, out=v)
        np.multiply(grad, self.learning_rate, out=grad)
        np.subtract(v, grad, out=v)
        np.add(params, v, out=params)

    def make_update(self, params, grad):
        v, mu = self.velocity, np.array(self.momentum, params.dtype)
        # grad holds -lr * gradient: v = mu v + grad, params += v
        return -self.learning_rate, [partial(np.multiply, v, mu, v), partial(np.add, v, grad, v),
                                     partial(np.add, params, v, params)]

    def state(self):
        return {"velocity": self.velocity.copy()}

    def load_state(self, state):
        self.velocity[:] = state["velocity"]


class Adam(SGD):
    """Adam (Kingma & Ba): bias-corrected first and second moment estimates."""

    name = "adam"
    label = "Adam"

    def __init__(self, n_params, dtype=np.float64, learning_rate=0.03, beta1=0.9,
                 beta2=0.999, eps=1e-8, **_ignored):
        super().__init__(n_params, dtype, learning_rate)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.t = 0  # number of updates done, for the bias corrections
        self.m = np.zeros(n_params, dtype)
        self.v = np.zeros(n_params, dtype)
        self._tmp = np.zeros(n_params, dtype)

    def step(self, params, grad):
        b1, b2, m, v, tmp = self.beta1, self.beta2, self.m, self.v, self._tmp
        self.t += 1
        # m = b1 m + (1 - b1) g ;  v = b2 v + (1 - b2) g^2
        np.multiply(m, b1, out=m)
        np.multiply(grad, 1.0 - b1, out=tmp)
        np.add(m, tmp, out=m)
        np.multiply(grad, grad, out=tmp)
        np.multiply(tmp, 1.0 - b2, out=tmp)
        np.multiply(v, b2, out=v)
        np.add(v, tmp, out=v)
        # p -= lr_t * m / (sqrt(v) + eps_t), the bias corrections folded into lr_t, eps_t
        c2 = math.sqrt(1.0 - b2 ** self.t)  # (np.sqrt on a Python float costs ~1 us)
        lr_t = self.learning_rate * c2 / (1.0 - b1 ** self.t)
        np.sqrt(v, out=tmp)
        np.add(tmp, self.eps * c2, out=tmp)
        np.divide(m, tmp, out=tmp)
        np.multiply(tmp, lr_t, out=tmp)
        np.subtract(params, tmp, out=params)

    def make_update(self, params, grad):
        # Adam is not linear in the gradient: it gets the exact gradient and its own step
        return 1.0, [partial(self.step, params, grad)]

    def state(self):
        return {"t": self.t, "m": self.m.copy(), "v": self.v.copy()}

    def load_state(self, state):
        self.t = state["t"]
        self.m[:] = state["m"]
        self.v[:] = state["v"]


OPTIMIZERS: dict[str, type[SGD]] = {cls.name: cls for cls in (SGD, Momentum, Adam)}
