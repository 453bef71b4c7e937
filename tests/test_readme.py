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


def _lessons_section() -> str:
    text = README.read_text()
    return text[text.index("\n## Lessons\n"):text.index("\n## Read the engine\n")]


def test_readme_lesson_example_is_a_lesson_whose_solution_meets_its_goal():
    from playground import Trainer, lessons

    example = re.search(r"````markdown\n(.*?)````", _lessons_section(), re.S).group(1)
    lesson = lessons.load(example)
    assert [s.title for s in lesson.steps] == ["One neuron, one line", "Add a hidden layer"]
    step = lesson.steps[1]
    config, epochs = step.solution
    run = Trainer(config)
    run.step(epochs)
    assert step.goal.check(run).met


def test_readme_lessons_python_example_runs(capsys):
    code = re.search(r"```python\n(.*?)```", _lessons_section(), re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own docs
    assert namespace["result"].met
    assert capsys.readouterr().out.startswith("True Goal met: test accuracy 99.2 %")


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


def test_readme_compare_example_runs(capsys):
    text = README.read_text()
    part = text[text.index("\n## Compare two runs\n"):text.index("\n## Lessons\n")]
    code = re.search(r"```python\n(.*?)```", part, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own docs
    a, b, pair = namespace["a"], namespace["b"], namespace["pair"]
    assert a.epoch == b.epoch == 200 and pair.a.epoch == pair.b.epoch == 100
    assert namespace["kind"] == "b" and "100" in namespace["message"]
