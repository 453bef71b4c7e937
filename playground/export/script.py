"""A run as a standalone NumPy script: :func:`export_script`.

The script reproduces a run without this package: ``Trainer(config).step(epochs)``, or
a run itself with what changed while it trained (settings applied live, hand edits,
rewinds: its :attr:`~playground.run.trainer.Trainer.changes` and ``edits``, made again
at their epochs from the ``CHANGES`` table). The same data (the dataset generator's own
source is copied in), the same input features, the same initial weights, the same
shuffling and the same updates, written the textbook way (sample-major ``X @ W + b``)
with only the pieces this run uses. Its last line is ``epoch E train_loss X test_loss
Y``; X and Y equal the run's metrics up to rounding (the two sum in different orders).

Every function in the script is a real one whose source is copied here: the dataset's
generator, the initialiser, the activation and the output's delta and loss from the
engine (with the constants they use), and the loop around them from
:mod:`playground.export.reference`. Only the settings and the few lines that call them
are written here.
"""

from __future__ import annotations

import ast
import inspect
import sys
import textwrap
import types

from playground.config import Config
from playground.data import datasets
from playground.data.features import FEATURES
from playground.engine.activations import ACTIVATIONS
from playground.engine.initializers import INIT_LABELS, INITIALIZERS
from playground.engine.optimizers import OPTIMIZERS
from playground.engine.outputs import OUTPUTS
from playground.export import reference
from playground.run.changes import REWIND, starting_config

__all__ = ["count_changes", "export_script", "replayed_changes"]


def _names_read(tree: ast.AST) -> list[str]:
    """The global names a piece of code reads (not its arguments or local variables),
    in order of first use."""
    nodes = list(ast.walk(tree))
    for node in nodes:  # annotations are not read when the code runs
        if isinstance(node, ast.FunctionDef):
            node.returns = None
        elif isinstance(node, ast.arg):
            node.annotation = None
    nodes = list(ast.walk(tree))
    local = {a.arg for n in nodes if isinstance(n, ast.arguments)
             for a in n.posonlyargs + n.args + n.kwonlyargs}
    local |= {n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    local |= {n.name for n in nodes if isinstance(n, ast.FunctionDef)}
    names = sorted((n for n in nodes if isinstance(n, ast.Name) and n.id not in local),
                   key=lambda n: (n.lineno, n.col_offset))
    return list(dict.fromkeys(n.id for n in names))


def _statement(name: str, module: types.ModuleType) -> tuple[ast.stmt, str, types.ModuleType]:
    """The top-level statement that defines ``name`` in ``module`` (following an import
    from another of the package's modules), its source lines and its module."""
    source = inspect.getsource(module)
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and name in _names_set(node):
            lines = source.splitlines()[node.lineno - 1:node.end_lineno]
            return node, "\n".join(lines) + "\n", module
        if isinstance(node, ast.ImportFrom) and name in [a.name for a in node.names]:
            return _statement(name, sys.modules[node.module])
    raise LookupError(f"no definition of {name!r} in {module.__name__}")


def _names_set(node: ast.Assign) -> list[str]:
    return [n.id for target in node.targets for n in ast.walk(target)
            if isinstance(n, ast.Name)]


def _copy(name: str, module: types.ModuleType, emitted: dict[str, str]) -> None:
    """Add to ``emitted`` (name -> source) the source that defines the global ``name`` of
    ``module``, a function or another value, after that of every global it reads."""
    obj = vars(module)[name]
    if name in emitted or isinstance(obj, types.ModuleType):
        return
    if isinstance(obj, types.FunctionType):
        source, home = inspect.getsource(obj), sys.modules[obj.__module__]
        reads = _names_read(ast.parse(textwrap.dedent(source)))
    else:  # a constant, or an alias such as tanh = np.tanh: its statement
        node, source, home = _statement(name, module)
        reads = _names_read(node.value)
    for dep in reads:
        if dep in vars(home):
            _copy(dep, home, emitted)
    if not isinstance(obj, types.FunctionType):
        for other in _names_set(node):  # a statement may define several names
            emitted.setdefault(other, "")
    emitted[name] = source


def _copies(objects, module: types.ModuleType, emitted: dict[str, str]) -> tuple[str, list]:
    """The source of ``objects`` (functions or ufuncs of ``module``) and of what they use
    that is not in ``emitted`` yet, as one block; and their names."""
    before = set(emitted)
    names = [obj.__name__ if vars(module).get(obj.__name__) is obj else
             next(n for n, value in vars(module).items() if value is obj) for obj in objects]
    for name in names:
        _copy(name, module, emitted)
    return "\n\n".join(src.rstrip() + "\n" for n, src in emitted.items()
                        if n not in before and src), names


def _data_code(name: str, emitted: dict[str, str]) -> tuple[str, str]:
    """The source the dataset ``name`` needs (helpers and constants first) and the
    expression that calls its generator."""
    generate = datasets.DATASETS[name].generate
    if "<locals>" in generate.__qualname__:  # made by a factory, e.g. _regression(target)
        factory = vars(datasets)[generate.__qualname__.split(".")[0]]
        args = [cell.cell_contents for cell in generate.__closure__]
        code, names = _copies([factory, *args], datasets, emitted)
        return code, f"{names[0]}({', '.join(names[1:])})"
    code, (call,) = _copies([generate], datasets, emitted)
    return code, call


def _settings(c: Config, epochs: int, optimizers) -> str:
    """The script's constants: every setting it uses, one per line; ``optimizers``: the
    optimizers the run uses."""
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
    if "momentum" in optimizers:
        lines.append(f"MOMENTUM = {c.momentum!r}")
    if "adam" in optimizers:
        adam = OPTIMIZERS["adam"](0)
        lines.append(f"BETA1, BETA2, EPS = {adam.beta1!r}, {adam.beta2!r}, {adam.eps!r}")
    if c.l1:
        lines.append(f"L1 = {c.l1!r}  # penalty l1 * sum |w| (weights only)")
    if c.l2:
        lines.append(f"L2 = {c.l2!r}  # penalty (l2 / 2) * sum w² (weights only)")
    lines.append(f"SHUFFLE = {c.shuffle}")
    return "\n".join(lines) + "\n"


def _train_settings(c: Config, optimizers) -> dict:
    """The settings a run may change as it trains, as the script's train() takes them
    (momentum and Adam's constants only if the run uses those optimizers)."""
    settings = {"optimizer": c.optimizer, "learning_rate": c.learning_rate,
                "batch_size": c.batch_size, "shuffle": c.shuffle, "l1": c.l1, "l2": c.l2}
    if "momentum" in optimizers:
        settings["momentum"] = c.momentum
    return settings


def _settings_table(c: Config, optimizers) -> str:
    """The script's SETTINGS: the starting values of what may change, by name."""
    constants = {"learning_rate": "LEARNING_RATE", "batch_size": "BATCH_SIZE",
                 "shuffle": "SHUFFLE", "momentum": "MOMENTUM",
                 "l1": "L1" if c.l1 else None, "l2": "L2" if c.l2 else None}
    items = [f'"{k}": {constants.get(k) or _literal(v)}'
             for k, v in _train_settings(c, optimizers).items()]
    if "adam" in optimizers:
        items += ['"beta1": BETA1', '"beta2": BETA2', '"eps": EPS']
    return ("SETTINGS = {  # what a run may change as it trains (see CHANGES)\n"
            + "".join(f"    {item},\n" for item in items) + "}\n")


def replayed_changes(run, epochs: int | None = None) -> dict[int, dict]:
    """What changed while ``run`` (a :class:`~playground.run.trainer.Trainer`) trained,
    as its script makes the changes: by epoch (up to ``epochs``, default the run's), the
    settings that differ after it (as the script's SETTINGS names them), ``"edits"``
    (layer, row, col, value) and ``"rewind"``. Empty if the changes are not known
    (``run.changes`` is None)."""
    epochs = run.epoch if epochs is None else int(epochs)
    changes = [c for c in run.changes or () if c.epoch <= epochs]
    config = starting_config(run.config, run.changes or ())
    optimizers = {config.optimizer} | {c.new for c in changes if c.what == "optimizer"}
    table: dict[int, dict] = {}
    for change in changes:
        entry = table.setdefault(change.epoch, {})
        if change.what == REWIND:
            entry["rewind"] = True
            continue
        before = _train_settings(config, optimizers)
        config = config.replace(**{change.what: change.new})
        after = _train_settings(config, optimizers)
        entry.update({k: v for k, v in after.items() if v != before[k]})
        if change.what == "optimizer":  # (even switched back: a fresh state)
            entry["optimizer"] = change.new
    for edit in run.edits if run.changes is not None else ():
        if edit.epoch <= epochs:
            table.setdefault(edit.epoch, {}).setdefault("edits", []).append(
                (edit.layer, edit.row, edit.col, edit.new))
    return {epoch: table[epoch] for epoch in sorted(table) if table[epoch]}


def _literal(value) -> str:
    """A value as the script writes it (text in double quotes)."""
    return f'"{value}"' if isinstance(value, str) else repr(value)


def _changes_table(changes: dict[int, dict], since: dict[int, int]) -> str:
    """The script's CHANGES, one line per epoch; ``since``: the epoch each rewind left."""
    if not changes:
        return "CHANGES = {}  # nothing changed while the run trained\n"
    lines = []
    for epoch, entry in changes.items():
        line = ("    " + f"{epoch}: {{"
                + ", ".join(f'"{k}": {_literal(v)}' for k, v in entry.items()) + "},")
        if "rewind" in entry:
            line += (f"  # went back here from epoch {since[epoch]}: these weights, a "
                     "fresh optimizer and shuffling")
        lines.append(line)
    return ("# what changed while the run trained, after that many epochs (see train); an\n"
            "# edit is (layer, row, col, value), see set_parameter\n"
            "CHANGES = {\n" + "\n".join(lines) + "\n}\n")


def _features_code(names) -> str:
    exprs = ", ".join(FEATURES[n].code for n in names)
    labels = ", ".join(FEATURES[n].label for n in names)
    return (f'def features(X):\n    """The network\'s inputs for points X (m, 2): '
            f'{labels}."""\n    x1, x2 = X[:, 0], X[:, 1]\n'
            f"    return np.stack([{exprs}], axis=1).astype(DTYPE)\n")


def _points_code(points, config: Config) -> str:
    """Your own points as literals, in the square the network sees (exact ``repr``s)."""
    if points is None:
        raise ValueError(f"export_script: {config.dataset!r} needs the points: "
                         "export_script(config, epochs, data=points)")
    X, y = points.to_square(points.X), points.targets()
    kind = "np.int64" if points.classes is not None else "np.float64"
    return (f"# your {len(X)} points, scaled into the square the network sees\n"
            f"POINTS = np.array({X.tolist()!r})\nLABELS = np.array({y.tolist()!r}, "
            f"dtype={kind})\n")


def _main_code(make_data: str, targets: str, names: dict) -> str:
    """The lines that call the copied functions: make the data and the network, then
    train."""
    return f"""if __name__ == "__main__":
    X_train, y_train, X_test, y_test = {make_data}
    data = (features(X_train), {targets.format("y_train")},
            features(X_test), {targets.format("y_test")})
    sizes = (data[0].shape[1], *HIDDEN, N_OUTPUTS)
    weights, biases = init_params(sizes, {names["init"]}, INIT_SEED, DTYPE)
    train(data, weights, biases, ({", ".join(names["activation"])}),
          ({", ".join(names["output"])}), OPTIMIZERS, SETTINGS, CHANGES, EPOCHS,
          INIT_SEED, PRINT_EVERY)
"""


def export_script(run, epochs: int | None = None, data=None) -> str:
    """A standalone Python script (NumPy only) that reproduces a run.

    Parameters
    ----------
    run : Trainer or Config
        A run: the script reproduces it up to its epoch (or ``epochs``), with what
        changed while it trained (settings applied live, hand edits, rewinds) made
        again at their epochs; its own points, if it has some, are in the script. Or a
        config: the script reproduces ``Trainer(config).step(epochs)``.
    epochs : int
        How many epochs the script trains; for a run, by default its epoch.
    data : Points, optional
        Your own points, for a config on them (``Trainer(config, data=data)``): the
        script holds them as literals.

    Returns
    -------
    str
        The script's source. Run it with ``python``; it prints the losses every
        ``epochs // 10`` epochs and ends with ``epoch E train_loss X test_loss Y``.
    """
    if isinstance(run, Config):
        if epochs is None:
            raise ValueError("export_script: give the epochs a config's script trains for: "
                             "export_script(config, epochs)")
        c, epochs, changes, since, known = run, int(epochs), {}, {}, True
    else:
        epochs = run.epoch if epochs is None else int(epochs)
        c, data, known = starting_config(run.config, run.changes or ()), run.points, \
            run.changes is not None
        changes = replayed_changes(run, epochs)
        since = {ch.epoch: ch.old for ch in run.changes or () if ch.what == REWIND}
    optimizers = {c.optimizer} | {e["optimizer"] for e in changes.values() if "optimizer" in e}
    optimizers = [name for name in OPTIMIZERS if name in optimizers]
    emitted: dict[str, str] = {}  # what the script defines so far: name -> source
    if c.dataset in datasets.GIVEN:
        data_source = _points_code(data, c)
        data_fn, _ = _copies([reference.split], reference, emitted)
        make_data = "split(POINTS, LABELS, TRAIN_RATIO, DATA_SEED)"
        origin = f"your own data ({len(data)} points"
    else:
        data_source, generate = _data_code(c.dataset, emitted)
        data_fn, _ = _copies([reference.make_data], reference, emitted)
        make_data = (f"make_data(\n        {generate}, N_SAMPLES, NOISE, N_CLASSES, "
                     "DATA_SEED,\n        TRAIN_RATIO, Y_DTYPE)")
        origin = (f"{datasets.DATASETS[c.dataset].label} data ({c.n_samples} points, "
                  f"noise {c.noise:g}")
    one_hot = c.output_name == "softmax"
    targets_fn, _ = _copies([reference.one_hot if one_hot else reference.column],
                            reference, emitted)
    targets = "one_hot({}, N_OUTPUTS, DTYPE)" if one_hot else "column({}, DTYPE)"
    act, out = ACTIVATIONS[c.activation], OUTPUTS[c.output_name]
    names = {"init": INITIALIZERS[c.init].__name__}
    init = inspect.getsource(INITIALIZERS[c.init])
    init_params, _ = _copies([reference.init_params], reference, emitted)
    act_code, names["activation"] = _copies([act.apply, act.slope],
                                            inspect.getmodule(act.slope), emitted)
    out_code, names["output"] = _copies([out.delta, out.point_loss],
                                        inspect.getmodule(out.delta), emitted)
    passes, _ = _copies([reference.forward, reference.backward, reference.loss],
                        reference, emitted)
    update_code, used = _copies([getattr(reference, name) for name in optimizers],
                                reference, emitted)
    table = ("OPTIMIZERS = {" + ", ".join(f'"{name}": {name}' for name in used)
             + "}  # the optimizers this run uses, by name\n")
    loop, _ = _copies([reference.train], reference, emitted)
    description = (
        f"{origin}, seed {c.data_seed}, {c.train_ratio:g} of them for training); inputs "
        f"{', '.join(FEATURES[n].label for n in c.features)}; hidden layers "
        f"{'-'.join(map(str, c.hidden)) or 'none'} ({c.activation}); "
        f"{OUTPUTS[c.output_name].label.lower()}; {INIT_LABELS[c.init]} init (seed "
        f"{c.init_seed}); {OPTIMIZERS[c.optimizer].label}, learning rate "
        f"{c.learning_rate:g}, batch size {c.batch_size}; "
        f"{c.regularization if c.l1 or c.l2 else 'no'} regularisation"
        f"{f' ({c.reg_rate:g})' if c.l1 or c.l2 else ''}; {c.dtype}; {epochs} epochs"
        f"{_changes_sentence(changes, known)}.")
    header = (f'"""Neural Playground run, as a standalone NumPy script.\n\n'
              f"{textwrap.fill(description, 88)}\n"
              f'Written by playground.export_script; it needs only NumPy."""\n\n'
              f"import numpy as np")
    section = "# " + "-" * 64 + " "
    blocks = [
        header,
        section + "settings\n" + _settings(c, epochs, optimizers),
        _settings_table(c, optimizers), _changes_table(changes, since),
        section + "data\n" + data_source, data_fn,
        _features_code(c.features), targets_fn,
        section + "network\n" + init, init_params, act_code, out_code, passes,
        section + "optimizers\n" + update_code, table,
        section + "training\n" + loop,
        _main_code(make_data, targets, names),
    ]
    return "\n\n\n".join(block.strip("\n") for block in blocks if block) + "\n"


def count_changes(changes: dict[int, dict]) -> int:
    """How many changes a :func:`replayed_changes` table holds: each setting, edit and
    rewind."""
    return sum(len(entry) - 1 + len(entry["edits"]) if "edits" in entry else len(entry)
               for entry in changes.values())


def _changes_sentence(changes: dict[int, dict], known: bool) -> str:
    if not known:
        return ("; what changed while the run trained is not known (a run file saved "
                "without it): these settings throughout")
    n = count_changes(changes)
    if not n:
        return ""
    return (f"; then the {n} change{'s' if n > 1 else ''} made while it trained, at their "
            "epochs (CHANGES)")
