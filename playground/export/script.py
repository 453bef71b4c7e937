"""A run as a standalone NumPy script: :func:`export_script`.

The script reproduces ``Trainer(config).step(epochs)`` without this package: the same
data (the dataset generator's own source is copied in), the same input features, the
same initial weights, the same shuffling and the same updates, written the textbook
way (sample-major ``X @ W + b``) with only the pieces this configuration uses. Its last
line is ``epoch E train_loss X test_loss Y``; X and Y equal the Trainer's metrics up to
rounding (the two sum in different orders).
"""

from __future__ import annotations

import inspect
import textwrap
import types

import numpy as np

from playground.config import Config
from playground.data import datasets
from playground.data.features import FEATURES
from playground.engine.initializers import INIT_LABELS, INITIALIZERS
from playground.engine.optimizers import OPTIMIZERS
from playground.engine.outputs import OUTPUTS
from playground.export.script_parts import ACTIVATION_CODE, OPTIMIZER_CODE, OUTPUT_CODE, TRAIN_CODE

__all__ = ["export_script"]


def _globals_used(fn) -> list[str]:
    """Names of ``datasets``' globals that the function ``fn`` (or a function nested in
    it, or one it closes over) refers to, in order of first use."""
    names, codes = [], [fn.__code__]
    while codes:
        code = codes.pop(0)
        names += [n for n in code.co_names if n in vars(datasets) and n not in names]
        codes += [c for c in code.co_consts if isinstance(c, types.CodeType)]
    for cell in fn.__closure__ or ():
        if isinstance(cell.cell_contents, types.FunctionType):
            names.append(cell.cell_contents.__name__)
    return names


def _data_code(name: str) -> tuple[str, str]:
    """The source the dataset ``name`` needs (helpers and constants first) and the
    expression that calls its generator."""
    emitted: dict[str, str] = {}

    def need(global_name: str) -> None:
        value = vars(datasets)[global_name]
        if global_name in emitted or isinstance(value, types.ModuleType):
            return
        if isinstance(value, types.FunctionType):
            for dep in _globals_used(value):
                need(dep)
            emitted[global_name] = inspect.getsource(value)
        else:  # a constant: its value, written out
            literal = f"np.array({value.tolist()!r})" if isinstance(value, np.ndarray) \
                else repr(value)
            emitted[global_name] = f"{global_name} = {literal}\n"

    generate = datasets.DATASETS[name].generate
    if "<locals>" in generate.__qualname__:  # made by a factory, e.g. _regression(target)
        factory = generate.__qualname__.split(".")[0]
        args = [c.cell_contents.__name__ for c in generate.__closure__]
        for dep in [factory, *args]:
            need(dep)
        call = f"{factory}({', '.join(args)})"
    else:
        need(generate.__name__)
        call = generate.__name__
    return "\n\n".join(src.rstrip() + "\n" for src in emitted.values()), call


def _settings(c: Config, epochs: int) -> str:
    """The script's constants: every setting it uses, one per line."""
    spec = datasets.spec_of(c.dataset)
    lines = [
        f"N_SAMPLES = {c.n_samples}", f"NOISE = {c.noise!r}", f"N_CLASSES = {c.n_classes}",
        f"DATA_SEED = {c.data_seed}", f"TRAIN_RATIO = {c.train_ratio!r}",
        f"HIDDEN = {tuple(c.hidden)!r}  # neurons per hidden layer",
        f"N_OUTPUTS = {c.layer_sizes[-1]}", f"INIT_SEED = {c.init_seed}",
        f"LEARNING_RATE = {c.learning_rate!r}", f"BATCH_SIZE = {c.batch_size}",
        f"EPOCHS = {epochs}", "PRINT_EVERY = max(1, EPOCHS // 10)",
        f"DTYPE = np.{c.dtype}",
        f"Y_DTYPE = np.{'int64' if spec.task == 'classification' else 'float64'}",
    ]
    if c.optimizer == "momentum":
        lines.append(f"MOMENTUM = {c.momentum!r}")
    if c.optimizer == "adam":
        adam = OPTIMIZERS["adam"](0)
        lines.append(f"BETA1, BETA2, EPS = {adam.beta1!r}, {adam.beta2!r}, {adam.eps!r}")
    if c.l1:
        lines.append(f"L1 = {c.l1!r}  # penalty l1 * sum |w| (weights only)")
    if c.l2:
        lines.append(f"L2 = {c.l2!r}  # penalty (l2 / 2) * sum w² (weights only)")
    return "\n".join(lines) + "\n"


def _features_code(names) -> str:
    exprs = ", ".join(FEATURES[n].code for n in names)
    labels = ", ".join(FEATURES[n].label for n in names)
    return (f'def features(X):\n    """The network\'s inputs for points X (m, 2): '
            f'{labels}."""\n    x1, x2 = X[:, 0], X[:, 1]\n'
            f"    return np.stack([{exprs}], axis=1).astype(DTYPE)\n")


def _targets_code(output: str) -> str:
    if output == "softmax":
        body = "    return np.eye(N_OUTPUTS, dtype=DTYPE)[y]  # one-hot rows"
    else:
        body = "    return y.astype(DTYPE).reshape(-1, 1)  # one column"
    return f'def targets(y):\n    """What the output is compared to, (m, N_OUTPUTS)."""\n{body}\n'


def _penalty_code(c: Config) -> str:
    lines = []
    if c.l2:
        lines.append("        dW[i] += L2 * weights[i]  # d/dw (l2/2) w² = l2 w")
    if c.l1:
        lines.append("        dW[i] += L1 * np.sign(weights[i])  # d/dw l1 |w| = l1 sign(w)")
    return "\n".join(lines)


def _points_code(points, config: Config) -> tuple[str, str]:
    """Your own points as literals, in the square the network sees (exact ``repr``s),
    and the data function that splits them as ``train_test_split`` does."""
    if points is None:
        raise ValueError(f"export_script: {config.dataset!r} needs the points: "
                         "export_script(config, epochs, data=points)")
    X, y = points.to_square(points.X), points.targets()
    kind = "np.int64" if points.classes is not None else "np.float64"
    literals = (f"# your {len(X)} points, scaled into the square the network sees\n"
                f"POINTS = np.array({X.tolist()!r})\nLABELS = np.array({y.tolist()!r}, "
                f"dtype={kind})\n")
    return literals, TRAIN_CODE["points"]


def export_script(config: Config, epochs: int, data=None) -> str:
    """A standalone Python script (NumPy only) that reproduces a run.

    Parameters
    ----------
    config : Config
        The run's settings.
    epochs : int
        How many epochs the script trains, like ``Trainer(config).step(epochs)``.
    data : Points, optional
        Your own points, for a config on them (``Trainer(config, data=data)``): the
        script holds them as literals.

    Returns
    -------
    str
        The script's source. Run it with ``python``; it prints the losses every
        ``epochs // 10`` epochs and ends with ``epoch E train_loss X test_loss Y``.
    """
    c, epochs = config, int(epochs)
    if c.dataset in datasets.GIVEN:
        data_source, data_fn = _points_code(data, c)
        origin = f"your own data ({len(data)} points"
    else:
        data_source, generate = _data_code(c.dataset)
        data_fn = TRAIN_CODE["data"].replace("__GENERATE__", generate)
        origin = (f"{datasets.DATASETS[c.dataset].label} data ({c.n_samples} points, "
                  f"noise {c.noise:g}")
    act, out = ACTIVATION_CODE[c.activation], OUTPUT_CODE[c.output_name]
    update, state, call = OPTIMIZER_CODE[c.optimizer]
    description = (
        f"{origin}, seed {c.data_seed}, {c.train_ratio:g} of them for training); inputs "
        f"{', '.join(FEATURES[n].label for n in c.features)}; hidden layers "
        f"{'-'.join(map(str, c.hidden)) or 'none'} ({c.activation}); "
        f"{OUTPUTS[c.output_name].label.lower()}; {INIT_LABELS[c.init]} init (seed "
        f"{c.init_seed}); {OPTIMIZERS[c.optimizer].label}, learning rate "
        f"{c.learning_rate:g}, batch size {c.batch_size}; "
        f"{c.regularization if c.l1 or c.l2 else 'no'} regularisation"
        f"{f' ({c.reg_rate:g})' if c.l1 or c.l2 else ''}; {c.dtype}; {epochs} epochs.")
    header = (f'"""Neural Playground run, as a standalone NumPy script.\n\n'
              f"{textwrap.fill(description, 88)}\n"
              f'Written by playground.export_script; it needs only NumPy."""\n\n'
              f"import numpy as np")
    section = "# " + "-" * 64 + " "
    penalty = _penalty_code(c) + "\n" if c.l1 or c.l2 else ""
    blocks = [
        header,
        section + "settings\n" + _settings(c, epochs) + f"SHUFFLE = {c.shuffle}",
        section + "data\n" + data_source,
        data_fn,
        _features_code(c.features), _targets_code(c.output_name),
        section + "network\n" + inspect.getsource(INITIALIZERS[c.init]),
        TRAIN_CODE["init"].replace("__INIT__", INITIALIZERS[c.init].__name__),
        act, out, TRAIN_CODE["forward"],
        TRAIN_CODE["backward"].replace("        __PENALTY__\n", penalty), update,
        section + "training\n" + TRAIN_CODE["train"].replace("__STATE__", state)
        .replace("__UPDATE__", call),
    ]
    return "\n\n\n".join(block.strip("\n") for block in blocks) + "\n"
