"""The classic comparisons, one click each: a preset makes run B's config from A's.

``PRESETS`` maps a name (also the URL value and the menu option) to a :class:`Preset`;
every ``make`` returns a valid config that differs from the one it is given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from playground.config import RANGES, Config

SQUARES = ("x1sq", "x2sq")  # the features that make a circle linearly separable
PLAIN = ("x1", "x2")


@dataclass(frozen=True)
class Preset:
    """A comparison: ``make(a)`` is run B's config for run A's config ``a``."""

    name: str
    label: str
    make: Callable[[Config], Config]


def _lr_x10(a: Config) -> Config:
    """Ten times the learning rate, within range; at the top, a tenth of it."""
    high = RANGES["learning_rate"][1]
    if a.learning_rate >= high:
        return a.replace(learning_rate=a.learning_rate / 10)
    return a.replace(learning_rate=min(a.learning_rate * 10, high))


def _layers(a: Config) -> Config:
    """Two hidden layers or more: the first alone; one: a second as wide; none: one of 4."""
    if len(a.hidden) >= 2:
        return a.replace(hidden=a.hidden[:1])
    if len(a.hidden) == 1:
        return a.replace(hidden=a.hidden * 2)
    return a.replace(hidden=(4,))


def _relu_tanh(a: Config) -> Config:
    return a.replace(activation="tanh" if a.activation == "relu" else "relu")


def _sgd_adam(a: Config) -> Config:
    return a.replace(optimizer="sgd" if a.optimizer == "adam" else "adam")


def _batch(a: Config) -> Config:
    """A full batch (the training set; for own points the largest batch, which the run
    clips to their training set) unless A has one already, then a batch of 1."""
    full = a.n_train if a.n_train is not None else RANGES["batch_size"][1]
    return a.replace(batch_size=1 if a.batch_size >= full else full)


def _l2(a: Config) -> Config:
    """L2 at 0.01 when A has no regularization (or a rate of 0), otherwise none."""
    if a.regularization == "none" or a.reg_rate == 0:
        return a.replace(regularization="l2", reg_rate=0.01)
    return a.replace(regularization="none", reg_rate=0.0)


def _features(a: Config) -> Config:
    """Squared inputs and no hidden layer; if A is that already, x1, x2 and a layer of 4."""
    if a.features == SQUARES and not a.hidden:
        return a.replace(features=PLAIN, hidden=(4,))
    return a.replace(features=SQUARES, hidden=())


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("lr_x10", "Learning rate ×10", _lr_x10),
        Preset("layers", "One layer vs two", _layers),
        Preset("relu_tanh", "ReLU vs tanh", _relu_tanh),
        Preset("sgd_adam", "SGD vs Adam", _sgd_adam),
        Preset("batch", "Batch 1 vs full", _batch),
        Preset("l2", "With vs without L2", _l2),
        Preset("features", "x1² features vs a hidden layer", _features),
    )
}
