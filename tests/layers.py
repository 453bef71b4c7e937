"""The house rules, read from the code's own imports and attribute accesses with ``ast``.

Each folder of ``playground/`` is a layer and may import only the layers below it (and
itself); only ``playground/ui`` imports Streamlit; and no module reads or writes another
object's underscore attribute (``run._rng``): objects talk through public methods.
``check(package_dir)`` returns the violations as plain lines (empty when the house holds).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

# What each layer may import from the package; "" is the package root (playground/*.py).
LAYERS = {
    "engine": {"engine"},
    "data": {"data"},
    "config": {"engine", "data", "config"},
    "run": {"engine", "data", "config", "run"},
    "sweeps": {"engine", "data", "config", "run", "sweeps"},
    "figures": {"engine", "data", "config", "figures"},
    "export": {"engine", "data", "config", "run", "figures", "export"},
    "lessons": {"engine", "data", "config", "run", "lessons"},
    "compare": {"engine", "data", "config", "run", "sweeps", "compare"},
    "ui": {"engine", "data", "config", "run", "sweeps", "figures", "export", "lessons",
           "compare", "ui", ""},
    "": {"engine", "data", "config", "run", "sweeps", "figures", "export", "lessons",
         "compare", ""},
}
# Libraries beyond the standard library that each layer may import.
LIBRARIES = {
    "engine": {"numpy"}, "data": {"numpy"}, "config": {"numpy"}, "run": {"numpy"},
    "sweeps": {"numpy"}, "lessons": {"numpy"}, "compare": {"numpy"},
    "figures": {"numpy", "plotly", "PIL"},
    "export": {"numpy", "PIL"},
    "ui": {"numpy", "plotly", "PIL", "streamlit", "tornado"},
    "": {"numpy"},
}
# Underscore names that are a library's public API (namedtuple's methods).
PUBLIC_UNDERSCORE = {"_replace", "_asdict", "_fields", "_make"}


def layer_of(path: Path, package: Path) -> str:
    """``engine``, ``ui``, … for a module under ``package``; ``config`` for config.py;
    ``""`` for the package's own ``__init__.py``."""
    rel = path.relative_to(package)
    if len(rel.parts) == 1:
        return "" if rel.name == "__init__.py" else rel.stem
    return rel.parts[0]


def _imported(tree: ast.AST, module: str) -> list[tuple[int, str]]:
    """``(line, absolute module)`` of every import in a module named ``module``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: -node.level]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            names = [f"{name}.{a.name}" for a in node.names] if name in (
                "playground",) else [name]
            found += [(node.lineno, n) for n in names]
            found += [(node.lineno, f"{name}:{a.name}") for a in node.names
                      if a.name.startswith("_") and not a.name.startswith("__")]
    return found


def _private_reads(tree: ast.AST) -> list[tuple[int, str]]:
    """``(line, text)`` of ``x._name`` where ``x`` is not ``self`` or ``cls``."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        name = node.attr
        if (not name.startswith("_") or name.startswith("__") and name.endswith("__")
                or name in PUBLIC_UNDERSCORE):
            continue
        if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
            continue
        found.append((node.lineno, f"{ast.unparse(node.value)}.{name}"))
    return found


def check(package: Path) -> list[str]:
    """Every violation of the house rules under ``package`` (a ``playground/`` folder)."""
    package = Path(package)
    root_name = package.name
    problems = []
    for path in sorted(package.rglob("*.py")):
        layer = layer_of(path, package)
        rel = path.relative_to(package.parent)
        module = ".".join(rel.with_suffix("").parts)
        if path.name == "__init__.py":
            module = module.rsplit(".", 1)[0] + ".__init__"
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        allowed, libraries = LAYERS.get(layer, set()), LIBRARIES.get(layer, set())
        for line, name in _imported(tree, module):
            where = f"{rel}:{line}"
            if ":" in name:
                problems.append(f"{where}: imports the private name {name}")
                continue
            top = name.split(".")[0]
            if top == root_name:
                parts = name.split(".")
                target = parts[1] if len(parts) > 1 else ""
                if target and not (package / target).is_dir() and \
                        not (package / f"{target}.py").exists():
                    target = ""
                if target not in allowed:
                    problems.append(f"{where}: the {layer or 'package root'} layer imports "
                                    f"{name}")
            elif top not in sys.stdlib_module_names and top not in libraries:
                problems.append(f"{where}: the {layer or 'package root'} layer imports {top}")
        for line, text in _private_reads(tree):
            problems.append(f"{rel}:{line}: reaches into another object's {text}")
    return problems
