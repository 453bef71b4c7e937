"""Sidebar widgets <-> :class:`~playground.config.Config`.

Every config field has a widget whose session-state key is ``"w_" + field``. The
widgets are seeded from a config (from the URL on the first run), and the config is
read back from them on every run; :class:`Config` does all the validation.
"""

from __future__ import annotations

import math

import streamlit as st

from playground.config import LABELS, Config
from playground.data.datasets import DATASETS, GIVEN, spec_of
from playground.data.features import FEATURES
from playground.engine.activations import ACTIVATIONS
from playground.engine.initializers import INIT_LABELS
from playground.engine.optimizers import OPTIMIZERS
from playground.engine.outputs import OUTPUTS

MAX_UI_LAYERS = 6
MAX_UI_WIDTH = 32
LEARNING_RATES = ("0.00001", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1",
                  "3", "10")
REG_RATES = ("0", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10")
REG_LABELS = {"none": "None", "l1": "L1", "l2": "L2"}
OUTPUT_LABELS = {"auto": "Auto (fits the data)", **{k: o.label for k, o in OUTPUTS.items()}}
MAX_SEED = 2**32 - 1
# numeric widget -> (low, high, label): the widgets' ranges, and what a value outside
# them (a modified client, NaN, ±inf, an emptied box) is clamped to, with a notice.
# Whole numbers are number boxes without bounds of their own (Streamlit would put its
# minimum in silently) and are checked here; the two float sliders fall back to the
# current value.
NUMBERS = {
    "n_classes": (2, 5, "Classes"), "noise": (0.0, 0.5, "Noise"),
    "n_samples": (10, 10_000, "Points"), "train_pct": (10, 90, "Training %"),
    "data_seed": (0, MAX_SEED, "Data seed"), "n_layers": (0, MAX_UI_LAYERS, "Hidden layers"),
    **{f"width_{i}": (1, MAX_UI_WIDTH, f"Layer {i + 1}") for i in range(MAX_UI_LAYERS)},
    "init_seed": (0, MAX_SEED, "Init seed"), "momentum": (0.0, 0.99, "Momentum"),
    "batch_size": (1, 10_000, "Batch size"),
}


def _num(value) -> str:
    """Short text of a number for a selectbox: 0.03 -> '0.03', 1e-05 -> '0.00001'."""
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return text or "0"


def seed_values(c: Config) -> dict:
    """Widget values (without the ``w_`` prefix) that show config ``c``."""
    values = {
        "dataset": c.dataset, "n_classes": c.n_classes, "noise": c.noise,
        "n_samples": c.n_samples, "train_pct": int(round(c.train_ratio * 100)),
        "data_seed": c.data_seed, "features": list(c.features),
        "n_layers": min(len(c.hidden), MAX_UI_LAYERS), "activation": c.activation,
        "output": c.output, "init": c.init, "init_seed": c.init_seed,
        "optimizer": c.optimizer, "learning_rate": _num(c.learning_rate),
        "momentum": c.momentum, "batch_size": c.batch_size,
        "regularization": c.regularization, "reg_rate": _num(c.reg_rate),
    }
    for i in range(MAX_UI_LAYERS):
        width = c.hidden[i] if i < len(c.hidden) else 4
        values[f"width_{i}"] = min(max(width, 1), MAX_UI_WIDTH)
    return values


def seed_widgets(config: Config, widgets) -> None:
    """Put ``config``'s values into the widgets' session state (before they render)."""
    for name, value in seed_values(config).items():
        widgets[f"w_{name}"] = value


def _w(field: str) -> dict:
    """Keyword arguments of the widget for ``field``: its key, and keep its value
    while the widget is hidden (e.g. momentum when the optimizer is Adam)."""
    return {"key": f"w_{field}", "persist_state": "session"}


def clamp_widgets(widgets, page) -> None:
    """Bring every numeric widget's value into its range before the widgets render: a
    value beyond a bound becomes that bound, a missing number (NaN) the run's current
    value; each with a notice naming the control. (Streamlit would otherwise put the
    widget's minimum in silently, or fail on NaN.) ``widgets``: the session state;
    ``page``: the page's :class:`~.state.PlaygroundState` (its run and notices)."""
    current = seed_values(page.trainer.config)
    for name, (lo, hi, label) in NUMBERS.items():
        key = f"w_{name}"
        if key not in widgets:
            continue
        value = widgets[key]
        try:
            x = float(value)
        except (TypeError, ValueError):
            x = math.nan
        if isinstance(lo, int) and math.isfinite(x) and lo <= x <= hi:
            if x != value or not isinstance(value, int):
                widgets[key] = int(round(x))  # whole numbers stay whole
            continue
        if lo <= x <= hi:
            continue
        if math.isnan(x):  # (Streamlit hands NaN and ±inf over as an empty box)
            fixed, why = current[name], "needs a number"
        else:
            fixed, why = (lo if x < lo else hi), f"{x:g} is outside {lo:g} … {hi:g}"
        widgets[key] = type(lo)(fixed)
        page.notify("warning", f"{label}: {why}; using {fixed:g}.")
    _clamp_batch(widgets, page)


def _clamp_batch(widgets, page) -> None:
    """A batch larger than a built-in dataset's training set becomes its size (the full
    batch), with a notice, as in a link (see :meth:`Config.from_query_lenient`)."""
    if "w_batch_size" not in widgets:
        return
    try:
        config = read_config(widgets, page.trainer.config)
    except ValueError:
        return  # (the app says what is wrong with the widgets' config)
    n_train = config.n_train  # (None for your own points: as in a link, left alone)
    if n_train is not None and config.batch_size > n_train:
        widgets["w_batch_size"] = n_train
        page.notify("warning", f"{LABELS['batch_size']}: {config.batch_size:,} is more than "
                               f"the {n_train:,} training points — using {n_train:,} (the "
                               "full batch).")


def _parse_rate(text, field):
    try:
        return float(str(text).strip())
    except ValueError:
        raise ValueError(f"{field}: {text!r} is not a number") from None


def read_config(widgets, base: Config) -> Config:
    """The config the widgets describe (raises ValueError with a clear message)."""
    defaults = seed_values(base)

    def g(name):
        return widgets.get(f"w_{name}", defaults[name])

    hidden = tuple(int(g(f"width_{i}")) for i in range(int(g("n_layers"))))
    return base.replace(
        dataset=g("dataset"), n_classes=int(g("n_classes")), noise=float(g("noise")),
        n_samples=int(g("n_samples")), train_ratio=g("train_pct") / 100.0,
        data_seed=int(g("data_seed")), features=tuple(g("features")), hidden=hidden,
        activation=g("activation"), output=g("output"), init=g("init"),
        init_seed=int(g("init_seed")), optimizer=g("optimizer"),
        learning_rate=_parse_rate(g("learning_rate"), "learning_rate"),
        momentum=float(g("momentum")), batch_size=int(g("batch_size")),
        regularization=g("regularization"),
        reg_rate=_parse_rate(g("reg_rate"), "reg_rate"),
    )


def _regenerate():
    st.session_state["w_data_seed"] = (int(st.session_state["w_data_seed"]) + 1) % 2**32


def _rate_options(current: str, presets) -> list[str]:
    return list(presets) if current in presets else [*presets, current]


def _range(name) -> tuple:
    lo, hi, _ = NUMBERS[name]
    return lo, hi


def _whole(parent, label: str, name: str, step: int = 1, help: str | None = None,
           disabled: bool = False) -> None:
    """A box for a whole number in ``NUMBERS[name]``'s range (checked by
    :func:`clamp_widgets`, which says what it changed)."""
    lo, hi = _range(name)
    parent.number_input(label, value=None, step=float(step), format="%.0f",
                        help=help or f"A whole number from {lo:,} to {hi:,}.", **_w(name),
                        disabled=disabled)


def data_controls(widgets, trainer, hide) -> None:
    """Dataset, classes, noise, size, split, seed and input features (``widgets``: the
    session state; ``trainer``: the run, whose own points the Dataset box names;
    ``hide``: a :class:`~.view_state.View` whose ``hides(url_key)`` leaves a control
    out; its value stays what the URL gave)."""
    points = trainer.points  # your own data, if the run has any (see own_data.py)
    own = [trainer.config.dataset] if trainer.config.dataset in GIVEN else []
    if points is not None and not own:
        own = ["own" if points.classes else "own_values"]
    if not hide.hides("dataset"):
        st.selectbox("Dataset", [*DATASETS, *own], **_w("dataset"),
                     format_func=lambda n: (f"{spec_of(n).label} ({len(points):,} points)"
                                            if n in GIVEN else DATASETS[n].label),
                     help="Classification sets colour points by class; regression sets by "
                          "value.")
    given = widgets["w_dataset"] in GIVEN  # noise, size and Regenerate do not apply
    spec = spec_of(widgets["w_dataset"])
    if spec.multiclass and not given and not hide.hides("n_classes"):
        _whole(st, "Classes", "n_classes")
    if not hide.hides("noise"):
        st.slider("Noise", *_range("noise"), value=float(widgets["w_noise"]), step=0.05,
                  **_w("noise"), disabled=given)
    c1, c2 = st.columns(2)
    if not hide.hides("n_samples"):
        _whole(c1, "Points", "n_samples", step=50, disabled=given)
    if not hide.hides("train_ratio"):
        _whole(c2, "Training %", "train_pct", step=5,
               help="Share of the points used for training (10 to 90); the rest test.")
    if not hide.hides("data_seed"):
        c1, c2 = st.columns([1, 1], vertical_alignment="bottom")
        _whole(c1, "Data seed", "data_seed")
        c2.button("Regenerate", on_click=_regenerate, width="stretch", disabled=given,
                  help="New random points (the next data seed).")
    if not hide.hides("features"):
        st.multiselect("Input features", list(FEATURES), **_w("features"),
                       format_func=lambda n: FEATURES[n].label)


def network_controls(widgets, hide) -> None:
    """Hidden layers, neurons per layer, activation, output, initialisation."""
    if not hide.hides("hidden"):
        _whole(st, "Hidden layers", "n_layers", help=f"0 to {MAX_UI_LAYERS}")
        n = int(widgets["w_n_layers"])
        if n:
            cols = st.columns(min(n, 3))
            for i in range(n):
                _whole(cols[i % len(cols)], f"Layer {i + 1}", f"width_{i}",
                       help=f"Neurons in this layer (1 to {MAX_UI_WIDTH})")
    if not hide.hides("activation"):
        st.selectbox("Activation", list(ACTIVATIONS), **_w("activation"),
                     format_func=lambda n: ACTIVATIONS[n].label)
    if not hide.hides("output"):
        st.selectbox("Output / loss", list(OUTPUT_LABELS), **_w("output"),
                     format_func=OUTPUT_LABELS.get,
                     help="Auto picks sigmoid for 2 classes, softmax for more, linear for "
                          "regression.")
    c1, c2 = st.columns([3, 2])
    if not hide.hides("init"):
        c1.selectbox("Initialisation", list(INIT_LABELS), **_w("init"),
                     format_func=INIT_LABELS.get)
    if not hide.hides("init_seed"):
        _whole(c2, "Init seed", "init_seed")


def training_controls(widgets, hide) -> None:
    """Optimizer, learning rate, batch size, regularisation (all apply live)."""
    if not hide.hides("optimizer"):
        st.selectbox("Optimizer", list(OPTIMIZERS), **_w("optimizer"),
                     format_func=lambda n: OPTIMIZERS[n].label)
    if not hide.hides("learning_rate"):
        st.selectbox("Learning rate", _rate_options(widgets["w_learning_rate"], LEARNING_RATES),
                     **_w("learning_rate"), accept_new_options=True,
                     help="Pick a value or type any number from 0.000001 to 10.")
    if widgets["w_optimizer"] == "momentum" and not hide.hides("momentum"):
        st.slider("Momentum", *_range("momentum"), value=float(widgets["w_momentum"]),
                  step=0.01, **_w("momentum"))
    if not hide.hides("batch_size"):
        _whole(st, "Batch size", "batch_size",
               help="1 = pure SGD; at least the training set size = full batch (up to "
                    "10,000).")
    c1, c2 = st.columns(2)
    if not hide.hides("regularization"):
        c1.selectbox("Regularization", list(REG_LABELS), **_w("regularization"),
                     format_func=REG_LABELS.get)
    if not hide.hides("reg_rate"):
        c2.selectbox("Rate", _rate_options(widgets["w_reg_rate"], REG_RATES), **_w("reg_rate"),
                     accept_new_options=True, disabled=widgets["w_regularization"] == "none")
