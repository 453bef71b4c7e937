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
