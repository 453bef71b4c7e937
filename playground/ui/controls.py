"""Sidebar widgets <-> :class:`~playground.config.Config`.

Every config field has a widget whose session-state key is ``"w_" + field``. The
widgets are seeded from a config (from the URL on the first run), and the config is
read back from them on every run; :class:`Config` does all the validation.
"""

from __future__ import annotations

import streamlit as st

from ..activations import ACTIVATIONS
from ..config import Config
from ..datasets import DATASETS
from ..features import FEATURES
from ..initializers import INIT_LABELS
from ..optimizers import OPTIMIZERS
from ..outputs import OUTPUTS

MAX_UI_LAYERS = 6
MAX_UI_WIDTH = 32
LEARNING_RATES = ("0.00001", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1",
                  "3", "10")
REG_RATES = ("0", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10")
REG_LABELS = {"none": "None", "l1": "L1", "l2": "L2"}
OUTPUT_LABELS = {"auto": "Auto (fits the data)", **{k: o.label for k, o in OUTPUTS.items()}}


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


def seed_widgets(config: Config, state) -> None:
    """Put ``config``'s values into the widgets' session state (before they render)."""
    for name, value in seed_values(config).items():
        state[f"w_{name}"] = value


def _w(field: str) -> dict:
    """Keyword arguments of the widget for ``field``: its key, and keep its value
    while the widget is hidden (e.g. momentum when the optimizer is Adam)."""
    return {"key": f"w_{field}", "persist_state": "session"}


def _parse_rate(text, field):
    try:
        return float(str(text).strip())
    except ValueError:
        raise ValueError(f"{field}: {text!r} is not a number") from None


def read_config(state, base: Config) -> Config:
    """The config the widgets describe (raises ValueError with a clear message)."""
    defaults = seed_values(base)

    def g(name):
        return state.get(f"w_{name}", defaults[name])

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


def data_controls(state) -> None:
    """Dataset, classes, noise, size, split, seed and input features."""
    st.selectbox("Dataset", list(DATASETS), **_w("dataset"),
                 format_func=lambda n: DATASETS[n].label,
                 help="Classification sets colour points by class; regression sets by value.")
    spec = DATASETS[state["w_dataset"]]
    if spec.multiclass:
        st.slider("Classes", 2, 5, **_w("n_classes"))
    st.slider("Noise", 0.0, 0.5, step=0.05, **_w("noise"))
    c1, c2 = st.columns(2)
    c1.number_input("Points", 10, 10_000, step=50, **_w("n_samples"))
    c2.slider("Training %", 10, 90, step=5, **_w("train_pct"))
    c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
    c1.number_input("Data seed", 0, 2**32 - 1, **_w("data_seed"))
    c2.button("Regenerate", on_click=_regenerate, help="New random points (next data seed).")
    st.multiselect("Input features", list(FEATURES), **_w("features"),
                   format_func=lambda n: FEATURES[n].label)


def network_controls(state) -> None:
    """Hidden layers, neurons per layer, activation, output, initialisation."""
    st.slider("Hidden layers", 0, MAX_UI_LAYERS, **_w("n_layers"))
    n = int(state["w_n_layers"])
    if n:
        cols = st.columns(min(n, 3))
        for i in range(n):
            cols[i % len(cols)].number_input(f"Layer {i + 1}", 1, MAX_UI_WIDTH,
                                             **_w(f"width_{i}"), help="Neurons in this layer")
    st.selectbox("Activation", list(ACTIVATIONS), **_w("activation"),
                 format_func=lambda n: ACTIVATIONS[n].label)
    st.selectbox("Output / loss", list(OUTPUT_LABELS), **_w("output"),
                 format_func=OUTPUT_LABELS.get,
                 help="Auto picks sigmoid for 2 classes, softmax for more, linear for "
                      "regression.")
    c1, c2 = st.columns([3, 2])
    c1.selectbox("Initialisation", list(INIT_LABELS), **_w("init"), format_func=INIT_LABELS.get)
    c2.number_input("Init seed", 0, 2**32 - 1, **_w("init_seed"))


def training_controls(state) -> None:
    """Optimizer, learning rate, batch size, regularisation (all apply live)."""
    st.selectbox("Optimizer", list(OPTIMIZERS), **_w("optimizer"),
                 format_func=lambda n: OPTIMIZERS[n].label)
    st.selectbox("Learning rate", _rate_options(state["w_learning_rate"], LEARNING_RATES),
                 **_w("learning_rate"), accept_new_options=True,
                 help="Pick a value or type any number from 0.000001 to 10.")
    if state["w_optimizer"] == "momentum":
        st.slider("Momentum", 0.0, 0.99, step=0.01, **_w("momentum"))
    st.number_input("Batch size", 1, 10_000, **_w("batch_size"),
                    help="1 = pure SGD; at least the training set size = full batch.")
    c1, c2 = st.columns(2)
    c1.selectbox("Regularization", list(REG_LABELS), **_w("regularization"),
                 format_func=REG_LABELS.get)
    c2.selectbox("Rate", _rate_options(state["w_reg_rate"], REG_RATES), **_w("reg_rate"),
                 accept_new_options=True, disabled=state["w_regularization"] == "none")
