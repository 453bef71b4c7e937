"""Is the run healthy? Plain-words diagnoses of the ways training goes wrong.

A learning rate that is too high does not always overflow. It may blow the loss up to
absurd but finite values, kill every ReLU of a layer (the network then outputs a
constant), or keep the loss bouncing above where it started forever. :func:`diagnose`
names each case, says what to try, and points at the epoch to go back to
(:meth:`~playground.trainer.Trainer.rewind`), so the app never fails silently.

The rules, over the training loss (``L0`` is its value at epoch 0):

* ``"overflow"``: :attr:`Trainer.diverged` is set (the weights overflowed).
* ``"absurd"``: the current training loss is not finite or exceeds
  ``ABSURD_FACTOR * max(L0, ABSURD_FLOOR)`` (a million times where it started).
* ``"dead_relu"``: plain ReLU, and after epoch 0 (at epoch 0 it is the init, not a
  lesson about training) some hidden layer outputs exactly 0 for every training point.
* ``"rising"``: ``RISING_MIN_EPOCH`` epochs or more after the start (or the last
  rewind), the median of the last ``RISING_WINDOW`` recorded losses since then is above
  ``RISING_FACTOR * L0`` and is not clearly falling (the median of the last
  ``RISING_TAIL`` rows is not below ``RECOVERING`` times it).

The epoch to go back to is the restorable epoch (a snapshot, see
:meth:`~playground.trainer.Trainer.params_at`, with its loss recorded and no edit made
at it, as that snapshot holds the edit) with the lowest training loss, the latest
among ties; for a dead layer, only epochs at which every layer was still alive count.
It is None when that epoch is the current one. This module is pure NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

import numpy as np

from playground.data.features import feature_matrix
from playground.run.hidden_space import unit_label

ABSURD_FACTOR = 1e6   # a loss this many times the start's is absurd...
ABSURD_FLOOR = 1e-3   # ...with the start's loss taken as at least this
SANE_FACTOR = 1.5     # a loss within this factor of the start's is "still sane"
RISING_MIN_EPOCH = 50
RISING_WINDOW = 50    # recorded rows
RISING_FACTOR = 1.25
RISING_TAIL = 10      # recorded rows
RECOVERING = 0.5
DEAD_SAMPLE = 512     # points checked first for a dead layer (all only if those say dead)

# What the dead-layer checks found, per run (dropped with the run): "dead" is
# (network, parameters' bytes, the dead layer or None), "alive" (snapshots log, the
# latest epoch found alive).
_FOUND: WeakKeyDictionary = WeakKeyDictionary()


@dataclass(frozen=True)
class Diagnosis:
    """What is wrong with a run.

    Attributes
    ----------
    kind : str
        ``"overflow"``, ``"absurd"``, ``"dead_relu"`` or ``"rising"``.
    message : str
        Plain words for the app: what happened and what to try, then the way out
        (back to ``rewind_epoch``, or Reset).
    rewind_epoch : int or None
        An epoch :meth:`Trainer.rewind` can restore, whose loss was still sane.
    cause : str
        ``message`` without the way out (for a caller that takes the way out itself).
    """

    kind: str
    message: str
    rewind_epoch: int | None
    cause: str = ""


def _found(kind: str, cause: str, trainer, rewind: int | None) -> Diagnosis:
    return Diagnosis(kind, cause + _way_out(trainer, rewind), rewind, cause)


def diagnose(trainer) -> Diagnosis | None:
    """Diagnose ``trainer``'s run, or None if nothing is visibly wrong.

    Cheap enough for every live frame: the loss rules read the recorded history, and
    the dead-layer check (one forward pass over at most ``DEAD_SAMPLE`` training points,
    all of them only when those say dead) is remembered for the trainer (here, not on
    it) until the parameters change.

    Parameters
    ----------
    trainer : Trainer
        Read only: its history (losses over epochs), snapshots, edits, config,
        ``diverged``, and one forward pass of its network over the training points
        (m, 2) for a ReLU network; the run is left bit for bit as it was.

    Returns
    -------
    Diagnosis or None
        The first that applies of ``"overflow"``, ``"absurd"``, ``"dead_relu"``,
        ``"rising"`` (rules in the module docstring).
    """
    losses = trainer.history.train_loss
    start = float(losses[0])
    current = trainer.metrics["train_loss"]
    if trainer.diverged:
        rewind = _rewind_epoch(trainer)
        cause = _blame(trainer, "made the outputs overflow")
        return _found("overflow", f"{cause} Training diverged and stopped at epoch "
                      f"{trainer.epoch:,}.", trainer, rewind)
    if not np.isfinite(current) or current > ABSURD_FACTOR * max(start, ABSURD_FLOOR):
        rewind = _rewind_epoch(trainer)
        cause = _blame(trainer, "made the loss absurd")
        return _found("absurd", f"The training loss is {current:.3g}, against {start:.3g} "
                      f"at the start. {cause}", trainer, rewind)
    layer = _dead_layer(trainer)
    if layer is not None:
        rewind = _rewind_epoch(trainer, _last_alive(trainer))
        width = trainer.config.hidden[layer - 1]
        narrow = f" A layer of {width} units dies easily: widen it." if width < 4 else ""
        return _found("dead_relu", f"Every hidden ReLU in layer {layer} is off for all "
                      "points: the network outputs a constant. Try a smaller learning "
                      f"rate or leaky ReLU.{narrow}", trainer, rewind)
    since = _rewound_at(trainer)
    window = losses[np.searchsorted(trainer.history.epochs, since):][-RISING_WINDOW:]
    level = float(np.median(window))
    if (trainer.epoch - since >= RISING_MIN_EPOCH and level > RISING_FACTOR * start
            and not np.median(window[-RISING_TAIL:]) < RECOVERING * level):
        lr = trainer.config.learning_rate
        rewind = _rewind_epoch(trainer)
        return _found("rising", f"The training loss stays above where it started "
                      f"({level:.3g} against {start:.3g}): the learning rate ({lr:g}) is "
                      f"too high, every step overshoots. Try {lr / 10:g}.", trainer, rewind)
    return None


def _rewound_at(trainer) -> int:
    """The epoch this history was last rewound to (0 if never): the losses recorded
    before it belong to a path the run has left."""
    return trainer.rewound_to or 0


def _rewind_epoch(trainer, upto: int | None = None) -> int | None:
    """The restorable epoch ``<= upto`` with the lowest training loss (see the module
    docstring), or None if there is none or it is the current epoch."""
    candidates = _candidates(trainer, trainer.epoch if upto is None else upto)
    h = trainer.history
    recorded = np.isin(h.epochs, candidates)
    epochs, losses = h.epochs[recorded], h.train_loss[recorded]
    if not len(epochs) or not np.isfinite(losses).any():
        return None
    losses = np.where(np.isfinite(losses), losses, np.inf)
    best = int(epochs[len(losses) - 1 - int(np.argmin(losses[::-1]))])  # latest of ties
    return None if best == trainer.epoch else best


def _candidates(trainer, upto: int) -> np.ndarray:
    """Epochs ``<= upto`` that params_at restores as they were trained (increasing)."""
    epochs = np.union1d(trainer.snapshots.epochs, list(trainer.pinned))
    edited = [e.epoch for e in trainer.edits]
    return epochs[(epochs <= upto) & ~np.isin(epochs, edited)]


def _blame(trainer, effect: str) -> str:
    """The cause in plain words: an edit made since the loss was last sane, else the
    learning rate."""
    losses, h = trainer.history.train_loss, trainer.history
    sane = np.flatnonzero(losses <= SANE_FACTOR * losses[0])
    last_sane = int(h.epochs[sane[-1]]) if len(sane) else 0
    recent = [e for e in trainer.edits if e.epoch >= last_sane]
    if recent:
        e = max(recent, key=lambda e: abs(e.new))
        return (f"Your edit of {_edit_name(trainer, e)} to {e.new:g} at epoch {e.epoch:,} "
                f"{effect}.")
    c = trainer.config
    other = "" if c.optimizer == "adam" else ", or Adam"
    return (f"The learning rate ({c.learning_rate:g}) is too high for this setup: it "
            f"{effect}. Try {c.learning_rate / 10:g} or lower{other}.")


def _edit_name(trainer, edit) -> str:
    """The edited link or bias with the diagram's unit names, e.g. ``x1→h1.1``."""
    sizes, feats = trainer.network.layer_sizes, trainer.config.features
    to = unit_label(edit.layer + 1, edit.col, sizes, feats)
    if edit.row == sizes[edit.layer]:
        return f"the bias of {to}"
    return f"{unit_label(edit.layer, edit.row, sizes, feats)}→{to}"


def _way_out(trainer, rewind: int | None) -> str:
    if rewind is None:
        return " Reset to start again."
    loss = trainer.history.train_loss[np.searchsorted(trainer.history.epochs, rewind)]
    return f" Go back to epoch {rewind:,} (training loss {loss:.3g}) or Reset."


# ---------------------------------------------------------------------- dead ReLU layers
def _dead_layers_of(trainer, params, points) -> int | None:
    """The first hidden layer (1-based) that outputs 0 for all ``points`` with
    ``params`` (in a copy of the network), or None."""
    net = trainer.network.copy()
    np.copyto(net.params, params)
    with np.errstate(all="ignore"):
        hidden = net.layer_outputs(feature_matrix(points, trainer.config.features))[:-1]
    return next((k for k, a in enumerate(hidden, 1) if not a.any()), None)


def _sample(trainer) -> np.ndarray:
    X = trainer.X_train
    return X[:: -(-len(X) // DEAD_SAMPLE)]  # evenly spread, at most DEAD_SAMPLE points


def _dead_layer(trainer) -> int | None:
    """The first all-dead hidden ReLU layer now (epoch >= 1), or None; cached."""
    c, net = trainer.config, trainer.network
    if c.activation != "relu" or not c.hidden or trainer.epoch == 0:
        return None
    key = (id(net), net.params.tobytes())
    found = _FOUND.setdefault(trainer, {})
    cached = found.get("dead")
    if cached is None or cached[0] != key:
        params = net.params
        dead = _dead_layers_of(trainer, params, _sample(trainer))
        if dead is not None:  # a sample may miss a live point: confirm on all of them
            dead = _dead_layers_of(trainer, params, trainer.X_train)
        found["dead"] = cached = (key, dead)
    return cached[1]


def _last_alive(trainer) -> int:
    """The latest restorable epoch at which no hidden layer was dead on the sample
    (alive there means alive on all points), found by bisection: a dead ReLU layer
    passes no gradient, so it stays dead. Cached while that epoch stays restorable."""
    epochs = _candidates(trainer, trainer.epoch)
    if not len(epochs):
        return 0
    found = _FOUND.setdefault(trainer, {})
    cached = found.get("alive")
    if cached is not None and cached[0] is trainer.snapshots and cached[1] in epochs:
        return cached[1]
    points = _sample(trainer)
    lo, hi = 0, len(epochs) - 1  # epochs[lo] is alive (epoch 0: the init, assumed)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _dead_layers_of(trainer, trainer.params_at(int(epochs[mid]))[1], points) is None:
            lo = mid
        else:
            hi = mid - 1
    found["alive"] = (trainer.snapshots, int(epochs[lo]))
    return int(epochs[lo])
