"""The house holds: each layer imports only those below it, Streamlit only in ui/, and
no module reaches into another object's underscore attributes (see layers.py)."""

from pathlib import Path

from layers import check

PACKAGE = Path(__file__).resolve().parents[1] / "playground"


def test_the_package_keeps_its_layers():
    assert check(PACKAGE) == []


def _house(tmp_path, files: dict[str, str]) -> Path:
    package = tmp_path / "playground"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return package


def test_the_check_fails_on_each_kind_of_violation(tmp_path):
    package = _house(tmp_path, {
        "__init__.py": "from playground.engine.network import MLP\n",
        "engine/__init__.py": "",
        "engine/network.py": "import numpy as np\nfrom playground.data.points import P\n",
        "engine/plots.py": "import plotly\n",
        "data/__init__.py": "",
        "data/points.py": "from playground.figures.png import rgba\n",
        "figures/__init__.py": "",
        "figures/png.py": "import streamlit as st\n",
        "run/__init__.py": "",
        "run/run_file.py": "def save(run):\n    return run._rng\n",
        "run/trainer.py": "from playground.run.history import _private\n"
                          "class T:\n    def ok(self):\n        return self._x\n",
        "ui/__init__.py": "",
        "ui/app.py": "import streamlit\nfrom playground.run.trainer import T\n",
    })
    problems = check(package)
    text = "\n".join(problems)
    assert "engine/network.py:2: the engine layer imports playground.data.points" in text
    assert "engine/plots.py:1: the engine layer imports plotly" in text
    assert "data/points.py:1: the data layer imports playground.figures.png" in text
    assert "figures/png.py:1: the figures layer imports streamlit" in text
    assert "run/run_file.py:2: reaches into another object's run._rng" in text
    assert "run/trainer.py:1: imports the private name playground.run.history:_private" in text
    assert len(problems) == 6, problems  # self._x and ui/ importing Streamlit are fine


def test_a_clean_house_passes(tmp_path):
    package = _house(tmp_path, {
        "__init__.py": "from playground.run.trainer import T\n",
        "engine/__init__.py": "", "engine/network.py": "import math\nimport numpy\n",
        "run/__init__.py": "", "run/trainer.py": "from playground.engine.network import x\n",
        "ui/__init__.py": "", "ui/app.py": "import streamlit\nfrom playground import run\n",
    })
    assert check(package) == []
