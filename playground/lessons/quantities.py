"""What a goal may talk about: name -> a number read off a run, with words for a student.

A goal's conditions (see :mod:`playground.lessons.conditions`) name these quantities,
e.g. ``test_loss <= 0.177 and neurons <= 4``. Each reads one number from a
:class:`~playground.run.trainer.Trainer` through its public attributes only, as the run
is *now* (after hand edits too: the metrics are those of the current weights).

A quantity's ``kind`` says how its numbers are shown and how a gap is worded:
``"loss"`` (three decimals), ``"fraction"`` (a percentage), ``"count"`` (a whole number;
"2 too many"), ``"flag"`` (yes/no) or ``"number"``; a ``"choice"`` is a setting's name
(``activation``, ``init``, ``optimizer``, ``regularization``), compared with ``==`` or
``!=`` to one of its values (``activation == relu``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from playground.config import CHOICES
from playground.data.features import feature_matrix
from playground.run.health import diagnose

RISES_WINDOW = 100  # loss_rises looks at this many recorded epochs back


@dataclass(frozen=True)
class Quantity:
    """One name a goal may use.

    Attributes
    ----------
    name : str
        As written in a goal, e.g. ``"test_loss"``.
    label : str
        Plain words, e.g. ``"test loss"``.
    kind : str
        ``"loss"``, ``"fraction"``, ``"count"``, ``"flag"``, ``"number"`` or ``"choice"``.
    read : Callable
        ``read(run) -> float`` (a ``str`` for a choice).
    task : str or None
        ``"classification"`` or ``"regression"`` if the name only makes sense for that
        task (accuracy, R²), else None.
    """

    name: str
    label: str
    kind: str
    read: Callable[[object], float | str]
    task: str | None = None
    help: str = ""
    choices: tuple[str, ...] = ()  # a choice's values


def _metric(name: str) -> Callable[[object], float]:
    return lambda run: float(run.metrics[name])


def _setting(name: str) -> Quantity:
    return Quantity(name, name, "choice", lambda run: getattr(run.config, name),
                    choices=CHOICES[name])


def _dead(run) -> float:
    """Hidden ReLU neurons that output 0 for every training point (0 for other
    activations, which never switch off for good)."""
    config = run.config
    if config.activation != "relu" or not config.hidden:
        return 0.0
    with np.errstate(all="ignore"):
        outputs = run.network.layer_outputs(feature_matrix(run.X_train, config.features))
    return float(sum(int((~h.any(axis=0)).sum()) for h in outputs[:-1]))


def _diverged(run) -> float:
    """1 once training has diverged: its outputs overflowed (``run.diverged``) or its
    loss ran away far beyond where it started (the two cases the app stops as "Training
    diverged", see :func:`~playground.run.health.diagnose`), else 0."""
    found = diagnose(run) if not run.diverged else None
    return float(bool(run.diverged) or (found is not None and found.kind == "absurd"))


def _loss_rises(run) -> float:
    """How often the training loss went up from one recorded epoch to the next, over the
    last ``RISES_WINDOW`` recorded epochs: 0 for a smooth descent, many for a noisy one."""
    losses = run.history.train_loss[-(RISES_WINDOW + 1):]
    return float(np.count_nonzero(np.diff(losses) > 0))


def _batches(run) -> float:
    """Mini-batches per epoch: 1 for full-batch training."""
    n_train = len(run.X_train)
    return float(-(-n_train // min(run.config.batch_size, n_train)))


QUANTITIES: dict[str, Quantity] = {
    q.name: q
    for q in (
        Quantity("train_loss", "training loss", "loss", _metric("train_loss")),
        Quantity("test_loss", "test loss", "loss", _metric("test_loss")),
        Quantity("train_acc", "training accuracy", "fraction", _metric("train_acc"),
                 "classification"),
        Quantity("test_acc", "test accuracy", "fraction", _metric("test_acc"),
                 "classification"),
        Quantity("train_r2", "training R²", "number", _metric("train_acc"), "regression"),
        Quantity("test_r2", "test R²", "number", _metric("test_acc"), "regression"),
        Quantity("epoch", "epoch", "count", lambda run: float(run.epoch)),
        Quantity("neurons", "hidden neurons", "count",
                 lambda run: float(sum(run.config.hidden)), help="in all hidden layers"),
        Quantity("layers", "hidden layers", "count",
                 lambda run: float(len(run.config.hidden))),
        Quantity("inputs", "input features", "count",
                 lambda run: float(len(run.config.features))),
        Quantity("dead", "dead ReLU neurons", "count", _dead,
                 help="hidden ReLU neurons off for every training point"),
        Quantity("diverged", "diverged", "flag", _diverged,
                 help="1 once training has overflowed or its loss has run away, else 0"),
        Quantity("loss_rises", "rises of the training loss", "count", _loss_rises,
                 help=f"over the last {RISES_WINDOW} recorded epochs"),
        Quantity("batches", "mini-batches per epoch", "count", _batches),
        Quantity("learning_rate", "learning rate", "number",
                 lambda run: float(run.config.learning_rate)),
        Quantity("batch_size", "batch size", "count",
                 lambda run: float(run.config.batch_size)),
        Quantity("l2", "L2 rate", "number", lambda run: float(run.config.l2)),
        Quantity("l1", "L1 rate", "number", lambda run: float(run.config.l1)),
        *(_setting(name) for name in ("activation", "init", "optimizer", "regularization")),
    )
}


def format_value(value: float, kind: str) -> str:
    """``value`` in a quantity's own terms: ``"85.2 %"``, ``"0.214"``, ``"1,200"``, ``"yes"``."""
    if kind == "flag":
        return "yes" if value else "no"
    if not np.isfinite(value):
        return "not a number" if np.isnan(value) else f"{value}"
    if kind == "fraction":
        return f"{100 * value:.1f}".rstrip("0").rstrip(".") + " %"
    if kind == "count" and float(value).is_integer():
        return f"{int(value):,}"
    if value == 0 or 0.001 <= abs(value) < 1000:
        return f"{value:.3f}".rstrip("0").rstrip(".") if kind == "number" else f"{value:.3f}"
    return f"{value:.3g}"


def format_gap(gap: float, kind: str, above: bool) -> str:
    """How far a value is from its target: ``"0.037 to go"``, ``"2 too many"``,
    ``"4.8 points to go"``; ``above``: the value is above the target."""
    if kind == "count":
        return f"{format_value(gap, kind)} too {'many' if above else 'few'}"
    if kind == "fraction":
        return f"{100 * gap:.1f}".rstrip("0").rstrip(".") + " points to go"
    return f"{format_value(gap, 'loss' if kind == 'loss' else 'number')} to go"
