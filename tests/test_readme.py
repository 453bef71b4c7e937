"""The README's engine example runs as written."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_example_runs(capsys):
    code = re.search(r"```python\n(.*?)```", README.read_text(), re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own docs
    run = namespace["run"]
    assert run.epoch == 300 and run.metrics["test_acc"] > 0.9
    assert "300" in capsys.readouterr().out


def test_readme_lenses_example_runs():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    code = next(b for b in blocks if "explain_point(" in b and "loss_landscape(" in b)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own docs
    e, land, run = namespace["e"], namespace["land"], namespace["run"]
    assert e.index == 7 and e.epoch == 20 and e.dweights[0].shape == (2, 4)
    assert any(line.startswith("$$L =") for line in namespace["lines"])
    assert land.loss.shape == (41, 41) and land.directions.shape == (2, run.network.params.size)
    assert namespace["pca"].kind == "pca"
    assert [t["name"] for t in namespace["fig"]["data"]] == ["landscape", "path",
                                                            "current weights"]
