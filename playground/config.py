"""Every hyperparameter of a run in one validated, URL-serialisable dataclass.

``Config()`` is a TF-Playground-like start (circle, hidden layers 4 and 2, tanh,
learning rate 0.03, batch size 10, half the points for training). A config converts
to a flat ``dict[str, str]`` (what a URL query string holds) and back:

>>> Config.from_query(Config(hidden=(8, 8)).to_query()).hidden
(8, 8)

Validation lives here and only here: a bad value raises ``ValueError`` naming the
field and what it accepts, before anything deeper sees it.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, fields

from playground.data.datasets import (
    DATASETS,
    GIVEN,
    MAX_CLASSES,
    MAX_NOISE,
    MAX_SAMPLES,
    MIN_CLASSES,
    MIN_SAMPLES,
    spec_of,
)
from playground.data.features import FEATURES
from playground.engine.activations import ACTIVATIONS
from playground.engine.initializers import INITIALIZERS
from playground.engine.optimizers import OPTIMIZERS
from playground.engine.outputs import OUTPUTS

MAX_HIDDEN_LAYERS = 8
MAX_WIDTH = 128
MAX_SEED = 2**32 - 1
REGULARIZATIONS = ("none", "l1", "l2")
DTYPES = ("float64", "float32")

# field -> (low, high) inclusive, for numbers
RANGES = {
    "n_classes": (MIN_CLASSES, MAX_CLASSES),
    "n_samples": (MIN_SAMPLES, MAX_SAMPLES),
    "noise": (0.0, MAX_NOISE),
    "train_ratio": (0.1, 0.9),
    "data_seed": (0, MAX_SEED),
    "init_seed": (0, MAX_SEED),
    "learning_rate": (1e-6, 10.0),
    "momentum": (0.0, 0.999),
    "batch_size": (1, MAX_SAMPLES),
    "reg_rate": (0.0, 10.0),
}
# field -> the control's name in the app, for what a link's notices say
LABELS = {
    "dataset": "Dataset", "n_classes": "Classes", "n_samples": "Points", "noise": "Noise",
    "train_ratio": "Training share", "data_seed": "Data seed", "features": "Input features",
    "hidden": "Hidden layers", "activation": "Activation", "output": "Output / loss",
    "init": "Initialisation", "init_seed": "Init seed", "optimizer": "Optimizer",
    "learning_rate": "Learning rate", "momentum": "Momentum", "batch_size": "Batch size",
    "regularization": "Regularization", "reg_rate": "Regularization rate",
    "shuffle": "Shuffle", "dtype": "Precision",
}
# field -> allowed names, for strings
CHOICES = {
    "dataset": (*DATASETS, *GIVEN),
    "activation": tuple(ACTIVATIONS),
    "output": ("auto", *OUTPUTS),
    "init": tuple(INITIALIZERS),
    "optimizer": tuple(OPTIMIZERS),
    "regularization": REGULARIZATIONS,
    "dtype": DTYPES,
}


class OutOfRange(ValueError):
    """A number (or hidden layout) beyond what its field takes; ``nearest`` is the value
    within range closest to it (what a link is clamped to)."""

    def __init__(self, message: str, nearest):
        super().__init__(message)
        self.nearest = nearest


@dataclass(frozen=True)
class Config:
    """Hyperparameters of one run: data, network, training."""

    # data
    dataset: str = "circle"
    n_classes: int = 2          # used by multi-class datasets (blobs, spiral)
    n_samples: int = 500
    noise: float = 0.0
    train_ratio: float = 0.5
    data_seed: int = 0
    features: tuple[str, ...] = ("x1", "x2")
    # network
    hidden: tuple[int, ...] = (4, 2)
    activation: str = "tanh"
    output: str = "auto"        # auto: sigmoid (2 classes), softmax (k > 2), linear (regression)
    init: str = "xavier"
    init_seed: int = 0
    # training
    optimizer: str = "sgd"
    learning_rate: float = 0.03
    momentum: float = 0.9       # for the momentum optimizer
    batch_size: int = 10        # clipped to the training set size
    regularization: str = "none"
    reg_rate: float = 0.0
    shuffle: bool = True        # reshuffle the training set each epoch (seeded)
    dtype: str = "float64"

    def __post_init__(self):
        for f in fields(self):
            object.__setattr__(self, f.name, _check(f.name, f.type, getattr(self, f.name)))
        spec = spec_of(self.dataset)
        out = self.output
        if spec.task == "regression" and out not in ("auto", "linear"):
            raise ValueError(f"output: {self.dataset!r} is a regression dataset, "
                             f"use 'linear' (or 'auto'), not {out!r}")
        if spec.task == "classification" and self.num_classes > 2 and out not in ("auto",
                                                                                  "softmax"):
            raise ValueError(f"output: {self.num_classes} classes need 'softmax' "
                             f"(or 'auto'), not {out!r}")

    # ------------------------------------------------------------------ derived values
    @property
    def task(self) -> str:
        """``"classification"`` or ``"regression"``."""
        return spec_of(self.dataset).task

    @property
    def num_classes(self) -> int:
        """Number of classes of the dataset (0 for regression)."""
        spec = spec_of(self.dataset)
        if spec.task == "regression":
            return 0
        return self.n_classes if spec.multiclass else 2

    @property
    def output_name(self) -> str:
        """The output layer actually used (``output`` with ``"auto"`` resolved)."""
        if self.output != "auto":
            return self.output
        if self.task == "regression":
            return "linear"
        return "softmax" if self.num_classes > 2 else "sigmoid"

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """``(n_features, *hidden, n_outputs)``."""
        n_out = OUTPUTS[self.output_name].n_outputs(max(self.num_classes, 1))
        return (len(self.features), *self.hidden, n_out)

    @property
    def l1(self) -> float:
        return self.reg_rate if self.regularization == "l1" else 0.0

    @property
    def l2(self) -> float:
        return self.reg_rate if self.regularization == "l2" else 0.0

    def replace(self, **changes) -> Config:
        """A validated copy with ``changes`` applied."""
        return dataclasses.replace(self, **changes)

    # ------------------------------------------------------------------ URL form
    def to_query(self, short: bool = False) -> dict[str, str]:
        """Every field as a string, e.g. ``{"hidden": "4,2", "learning_rate": "0.03"}``;
        with ``short``, only the fields that differ from the defaults (a short link)."""
        default = Config() if short else None
        return {f.name: _format(getattr(self, f.name)) for f in fields(self)
                if not short or getattr(self, f.name) != getattr(default, f.name)}

    @classmethod
    def from_query(cls, query) -> Config:
        """Build from a string mapping; unknown keys are ignored, missing ones default.

        Raises
        ------
        ValueError
            On the first bad value, naming the field and what it accepts.
        """
        names = {f.name for f in fields(cls)}
        return cls(**{k: _first(v) for k, v in query.items() if k in names})

    @classmethod
    def from_query_lenient(cls, query) -> tuple[Config, list[str]]:
        """Like :meth:`from_query`, but forgiving, as a link opened in the app is: a number
        beyond its range is clamped to the nearest bound (and a batch larger than the
        training set to its size), any other bad field falls back to its default.

        Returns the config and one plain-words message per field changed, naming the
        control as the app shows it (``"Learning rate: must be between … — using 10"``).
        """
        good, problems = {}, []
        for f in fields(cls):
            if f.name not in query:
                continue
            value, problem = lenient_value(f.name, query[f.name])
            if value is not None:
                good[f.name] = value
            elif problem:
                problem += f" — using the default {_format(f.default)}"
            if problem:
                problems.append(problem)
        try:
            config = cls(**good)
        except ValueError as err:  # a combination of fields, e.g. output vs dataset
            good.pop("output", None)
            config = cls(**good)
            problems.append(f"{LABELS['output']}: {_reason(err, 'output')} — using the "
                            "automatic output (auto)")
        if "batch_size" in good:
            config, problem = fit_batch(config)
            problems += [problem] if problem else []
        return config, problems

    @property
    def n_train(self) -> int | None:
        """How many of a built-in dataset's points train (None for your own points, whose
        number the config does not hold)."""
        if self.dataset not in DATASETS:
            return None
        return min(max(round(self.train_ratio * self.n_samples), 1), self.n_samples - 1)


def lenient_value(name: str, value) -> tuple[object, str | None]:
    """Field ``name``'s ``value`` (typed or a string) as a link opened in the app takes it:
    ``(value, None)`` when good; ``(nearest, message)`` for a number beyond its range
    (clamped, the message says so); ``(None, message)`` for any other bad value. The
    message names the control as the app shows it. ``name`` must be a Config field."""
    label = LABELS[name]
    try:
        return _check(name, _FIELD_TYPES[name], _first(value)), None
    except OutOfRange as err:
        return err.nearest, f"{label}: {_reason(err, name)} — using {_shown(err.nearest)}"
    except ValueError as err:
        return None, f"{label}: {_reason(err, name)}"


def fit_batch(config: Config) -> tuple[Config, str | None]:
    """``config`` with a batch larger than its training set cut to the set's size, and
    the message saying so (None when it fits)."""
    n_train = config.n_train
    if n_train is None or config.batch_size <= n_train:
        return config, None
    return config.replace(batch_size=n_train), (
        f"{LABELS['batch_size']}: {config.batch_size:,} is more than the {n_train:,} "
        f"training points — using {n_train:,}")


_FIELD_TYPES = {f.name: f.type for f in fields(Config)}


def _shown(value) -> str:
    """A value as a notice shows it: 10 rather than 10.0."""
    return f"{value:g}" if isinstance(value, float) else _format(value)


def _reason(err: ValueError, name: str) -> str:
    """A field's message without the field's name in front."""
    return str(err).removeprefix(f"{name}: ")


def _first(value):
    # query-param libraries may hand a list of values for a repeated key
    return value[-1] if isinstance(value, list) and value else value


def _format(value) -> str:
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def parse_bool(name: str, value) -> bool:
    """A yes/no URL value (``true``/``false``, ``1``/``0``, ``yes``/``no``, ``on``/``off``)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise ValueError(f"{name}: expected true or false, got {value!r}")


def _check(name: str, kind: str, value):
    """Parse ``value`` (typed or a string) for field ``name`` and check its range."""
    if kind == "bool":
        return parse_bool(name, value)
    if kind in ("int", "float"):
        return _check_number(name, kind, value)
    if kind == "str":
        if value not in CHOICES[name]:
            shown = DATASETS if name == "dataset" else CHOICES[name]  # (own data: by upload)
            raise ValueError(f"{name}: {value!r} is not one of {', '.join(shown)}")
        return value
    items = _split(value)
    if kind == "tuple[int, ...]":  # hidden layer widths
        return _check_widths(name, items)
    names = tuple(str(s) for s in items)  # features
    labels = ", ".join(f.label for f in FEATURES.values())
    if not names:
        raise ValueError(f"{name}: pick at least one input feature ({labels})")
    bad = [s for s in names if s not in FEATURES]
    if bad or len(set(names)) != len(names):
        keys = ", ".join(k if k == f.label else f"{k} ({f.label})" for k, f in FEATURES.items())
        raise ValueError(f"{name}: pick distinct input features from {keys}; got {value!r}")
    return names


def _split(value) -> list:
    if isinstance(value, str):
        text = value.strip()
        return [] if text in ("", "-", "none") else [s.strip() for s in text.split(",")]
    return list(value)


def _check_widths(name: str, items: list) -> tuple[int, ...]:
    """Hidden layer widths: whole numbers, each 1 to ``MAX_WIDTH``, at most
    ``MAX_HIDDEN_LAYERS`` of them (beyond that :class:`OutOfRange`, nearest: the first
    layers, each width clamped)."""
    widths, nearest = [], []
    for w in items:
        try:
            widths.append(_check_number(name, "int", w, (1, MAX_WIDTH)))
        except OutOfRange:  # a whole number, too small or too large
            widths.append(int(float(w)))
        nearest.append(min(max(widths[-1], 1), MAX_WIDTH))
    widths, nearest = tuple(widths), tuple(nearest[:MAX_HIDDEN_LAYERS])
    if len(widths) > MAX_HIDDEN_LAYERS:
        raise OutOfRange(f"{name}: at most {MAX_HIDDEN_LAYERS} hidden layers, "
                         f"got {len(widths)}", nearest)
    if widths != nearest:
        raise OutOfRange(f"{name}: each layer needs 1 to {MAX_WIDTH} neurons, got "
                         f"{_format(widths)}", nearest)
    return widths


def _check_number(name, kind, value, bounds=None):
    """``value`` as a number of ``kind`` (``"int"`` or ``"float"``) within ``bounds``
    (default: the field's ``RANGES``); beyond them :class:`OutOfRange`."""
    lo, hi = bounds or RANGES[name]
    try:
        if isinstance(value, bool):
            raise TypeError
        x = float(value)
        if kind == "int":
            if not x.is_integer():
                raise TypeError
            x = int(x)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name}: expected {'an integer' if kind == 'int' else 'a number'} "
                         f"between {lo:g} and {hi:g}, got {value!r}") from None
    message = f"{name}: must be between {lo:g} and {hi:g}, got {value!r}"
    if math.isnan(x):
        raise ValueError(message)
    if not lo <= x <= hi:
        raise OutOfRange(message, type(x)(lo if x < lo else hi))
    return x
