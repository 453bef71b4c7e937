"""Lessons: the file format, the goal language, goals checked on real runs, run files,
and every built-in lesson's solutions trained to their goals."""

from __future__ import annotations

import doctest
import math
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

import playground
from playground import Config, Trainer, lessons
from playground.lessons import goals
from playground.lessons.conditions import parse_goal
from playground.lessons.goals import Goal
from playground.lessons.quantities import QUANTITIES, RISES_WINDOW
from playground.lessons.settings import HIDE_NAMES, SECTIONS, VIEW_KEYS
from playground.ui.playground_page import view_state

GOOD = """\
---
title: XOR needs a hidden layer
summary: One line cannot split XOR.
settings: dataset=xor&hidden=&learning_rate=0.1&speed=100
hide: data, regularization
---

An introduction, with a formula $y = x^2$.

## One neuron, one line

Text of the first step.

```python
# Markdown code stays text
## not a step heading
```

```prediction
question: Can one straight line separate XOR?
choice: Yes
choice: No
answer: 2
explanation: Any line leaves a quadrant
  on the wrong side.
```

## Add a hidden layer ##

Second step's text.

```settings
hidden=4
learning_rate=0.3
```

```goal
test_acc >= 95% and layers == 1
and neurons <= 4
```

More text after the goal.

```solution
settings: init_seed=1
epochs: 300
```

## Look back

```settings
panel=gradients
```

Only text, settings and no goal.
"""


def _lesson(body: str, front: str = "title: T\nsummary: S\n") -> str:
    return f"---\n{front}---\n{body}"


def _front(line: str) -> str:
    """A one-step lesson with ``line`` as the front matter's third line (line 4)."""
    return _lesson("## A\ntext\n", f"title: T\nsummary: S\n{line}\n")


def _goal_file(goal: str) -> str:
    """A one-step lesson whose goal block holds ``goal`` (from line 8)."""
    return _lesson(f"## A\ntext\n```goal\n{goal}\n```\n")


def _block(name: str, body: str) -> str:
    """A one-step lesson with a goal and the block ``name`` (lines 8 and on) holding
    ``body``."""
    return _lesson(f"## A\ntext\n```goal\nepoch >= 1\n```\n```{name}\n{body}\n```\n")


# ---------------------------------------------------------------------- the format
def test_a_good_lesson_file_reads_into_its_parts():
    lesson = lessons.load(GOOD, name="mine")
    assert (lesson.name, lesson.title, lesson.summary) == ("mine", "XOR needs a hidden layer",
                                                          "One line cannot split XOR.")
    assert lesson.settings == {"dataset": "xor", "hidden": "", "learning_rate": "0.1",
                               "speed": "100"}
    assert lesson.config == Config(dataset="xor", hidden=(), learning_rate=0.1)
    assert lesson.view == {"speed": "100"}
    assert lesson.hide == ("data", "regularization")
    assert lesson.intro == "An introduction, with a formula $y = x^2$."
    assert [s.title for s in lesson.steps] == ["One neuron, one line", "Add a hidden layer",
                                               "Look back"]
    assert [s.number for s in lesson.steps] == [1, 2, 3]
    assert [s.line for s in lesson.steps] == [10, 28, 49]

    first, second, third = lesson.steps
    assert first.text.startswith("Text of the first step.")
    assert "## not a step heading" in first.text and "question" not in first.text
    assert first.settings == {} and first.config == lesson.config
    assert first.goal is None and first.solution is None
    p = first.prediction
    assert p.question == "Can one straight line separate XOR?"
    assert p.choices == ("Yes", "No") and p.answer == "No" and p.answer_index == 1
    assert p.explanation == "Any line leaves a quadrant\non the wrong side."
    assert p.is_right("no") and p.is_right(1) and not p.is_right("Yes") and not p.is_right(0)

    assert second.text == "Second step's text.\n\n\n\nMore text after the goal."
    assert second.settings == {"hidden": "4", "learning_rate": "0.3"}
    assert second.config == lesson.config.replace(hidden=(4,), learning_rate=0.3)
    assert second.goal.text == "test_acc >= 95% and layers == 1 and neurons <= 4"
    assert [c.line for c in second.goal.conditions] == [38, 38, 39]
    assert second.goal.names == ("test_acc", "neurons", "layers")
    config, epochs = second.solution
    assert config == second.config.replace(init_seed=1) and epochs == 300
    assert second.solution.settings == {"init_seed": "1"}

    # settings add up step after step; view keys travel beside the config
    assert third.config == second.config and third.view == {"speed": "100",
                                                            "panel": "gradients"}
    assert third.prediction is None and third.goal is None


def test_a_lesson_is_read_only():
    lesson = lessons.load("xor")
    with pytest.raises(TypeError):
        lesson.settings["dataset"] = "circle"
    with pytest.raises(TypeError):
        lesson.steps[1].goal.data["noise"] = 0.5
    with pytest.raises(AttributeError):
        lesson.title = "other"


def test_the_documented_examples_hold():
    for module in (lessons, goals):
        assert doctest.testmod(module).failed == 0, module.__name__


def test_query_and_apply_give_the_app_what_to_switch_to():
    lesson = lessons.load(GOOD, name="mine")
    query = lesson.query(2)
    assert query["lesson"] == "mine" and query["step"] == "2"
    assert query["hide"] == "data,regularization" and query["speed"] == "100"
    assert Config.from_query(query) == lesson.steps[1].config
    student = Config(dataset="xor", hidden=(8, 8), noise=0.2)
    assert lesson.steps[1].apply(student) == student.replace(hidden=(4,), learning_rate=0.3)
    assert "lesson" not in lessons.load(GOOD).query(1)  # text has no name: no link
    with pytest.raises(ValueError, match="steps 1 to 3"):
        lesson.step(4)


def test_line_endings_bom_and_a_copied_link_are_fine():
    text = "\ufeff" + GOOD.replace(
        "settings: dataset=xor&hidden=&learning_rate=0.1&speed=100",
        "settings: http://localhost:8501/?dataset=xor&hidden=&learning_rate=0.1&speed=100",
    ).replace("\n", "\r\n")
    assert lessons.load(text) == lessons.load(GOOD)
    assert lessons.load(GOOD.encode()) == lessons.load(GOOD)


def test_load_by_name_path_and_text(tmp_path):
    path = tmp_path / "my-lesson.md"
    path.write_text(GOOD, encoding="utf-8")
    assert lessons.load(path).name == "my-lesson"
    assert lessons.load(str(path)) == lessons.load(path)
    assert lessons.load("xor").name == "xor" and lessons.load("xor") is lessons.load("xor")
    with pytest.raises(ValueError, match="not a built-in lesson .*xor"):
        lessons.load("xro")
    with pytest.raises(ValueError, match="no file"):
        lessons.load(tmp_path / "missing.md")
    bad = tmp_path / "bad.md"
    bad.write_text(GOOD.replace("epochs: 300", "epochs: many"), encoding="utf-8")
    with pytest.raises(ValueError, match=r"^bad\.md, line 46: solution: epochs"):
        lessons.load(bad)


def test_the_package_exports_lessons():
    assert playground.lessons is lessons and "lessons" in playground.__all__
    assert playground.lessons.load("circle").title


# Each malformed file: (text, the line named, words of the message)
MALFORMED = [
    ("", 1, "the lesson is empty"),
    ("title: T\n", 1, "starts with its front matter"),
    ("---\ntitle: T\nsummary: S\n", 1, "never closed"),
    ("---\ntitle T\nsummary: S\n---\n## A\ntext\n", 2, "expected 'key: value'"),
    ("---\ntitle: T\nsumary: S\n---\n## A\ntext\n", 3, "did you mean summary"),
    ("---\ntitle: T\ntitle: U\nsummary: S\n---\n## A\ntext\n", 3, "title is given twice"),
    ("---\ntitle: T\n---\n## A\ntext\n", 1, "no summary"),
    ("---\ntitle:\nsummary: S\n---\n## A\ntext\n", 2, "the title is empty"),
    (_front("settings: learning_rate=50"), 4, "learning_rate: must be between"),
    (_front("settings: lerning_rate=0.1"), 4, "did you mean learning_rate"),
    (_front("settings: hide=data"), 4, "hide: line"),
    (_front("settings: dataset"), 4, "is not key=value"),
    (_front("settings: noise=0.1&noise=0.2"), 4, "noise is given twice"),
    (_front("hide: data, sidebar"), 4, "'sidebar' is not a section"),
    (_front("settings: dataset=own"), 4, "cannot carry your own points"),
    (_lesson("Only an introduction.\n"), 5, "has no steps"),
    (_lesson("```goal\nepoch >= 1\n```\n## A\ntext\n"), 5, "belongs to a step"),
    (_lesson("## \ntext\n"), 5, "needs a title"),
    (_lesson("## A\n\n## B\ntext\n"), 5, "has no text"),
    (_lesson("## A\ntext\n```goal\nepoch >= 1\n"), 7, "never closed"),
    (_lesson("## A\ntext\n```python\nx = 1\n"), 7, "the code block opened here is never"),
    (_lesson("## A\ntext\n```goals\nepoch >= 1\n```\n"), 7, "did you mean goal"),
    (_lesson("## A\ntext\n```goal\n```\n"), 7, "the goal block is empty"),
    (_lesson("## A\ntext\n```goal\nepoch >= 1\n```\n```goal\nepoch >= 2\n```\n"), 10,
     "one goal block"),
    (_goal_file("tst_loss <= 0.1"), 8, "did you mean test_loss"),
    (_goal_file("test_loss"), 8, "is not a comparison"),
    (_goal_file("0.1 <= test_loss <= 0.2"), 8, "one comparison per condition"),
    (_goal_file("test_loss <= 0.1 and"), 8, "'and' needs a condition"),
    (_goal_file("epoch >= 1\nand (test_loss <= 0.1"), 9, "never closed"),
    (_goal_file("__import__('os') == 1"), 8, "unexpected"),
    (_goal_file("exp(test_loss) <= 1"), 8, "not a function a goal knows"),
    (_goal_file("1 <= 2"), 8, "compares numbers only"),
    (_goal_file("test_r2 >= 0.9"), 8, "test_r2 is for regression"),
    (_lesson("## A\ntext\n```goal\ntest_acc >= 0.9\n```\n",
             "title: T\nsummary: S\nsettings: dataset=plane\n"), 9, "test_acc is for "
     "classification"),
    (_goal_file("test_loss <= 1e999"), 8, "not a finite number"),
    (_goal_file("(" * 13 + "epoch" + ")" * 13 + " >= 1"), 8, "nested more than"),
    (_goal_file("activation == rleu"), 8, "did you mean relu"),
    (_goal_file("activation >= 1"), 8, "activation is a setting"),
    (_goal_file("epoch + init <= 1"), 8, "init is a setting: compare it on its own"),
    (_lesson("## A\ntext\n```solution\nepochs: 10\n```\n"), 7, "needs a goal"),
    (_block("solution", "settings: hidden=2"), 10, "no epochs"),
    (_block("solution", "epochs: 0"), 11, "epochs must be a whole number"),
    (_block("solution", "epochs: 5\nsettings: noise=0.2"), 10, "changes the data (noise)"),
    (_block("solution", "epochs: 5\nsettings: speed=max"), 12, "only changes the view"),
    (_block("solution", "epochs: 5\nwhen: now"), 12, "unknown key 'when'"),
    (_block("prediction", "question: Q\nchoice: a\nanswer: a\nexplanation: E"), 10,
     "at least two choice"),
    (_block("prediction", "question: Q\nchoice: a\nchoice: b\nanswer: c\nexplanation: E"),
     14, "not one of the choices"),
    (_block("prediction", "question: Q\nchoice: a\nchoice: b\nanswer: a"), 10,
     "no explanation"),
    (_block("prediction", "question: Q\nchoice: a\nchoice: A\nanswer: a\nexplanation: E"),
     13, "given twice"),
    (_block("prediction", "Q?"), 11, "expected 'key: value'"),
    (_lesson("## A\ntext\n```settings\nn_classes=9\n```\n"), 7, "n_classes: must be between"),
    (_lesson("## A\ntext\n```settings\nstep=2\n```\n"), 7, "not a setting a lesson applies"),
    (_lesson("## A\ntext\n```settings\ndataset=blobs&n_classes=4&output=sigmoid\n```\n"), 7,
     "need 'softmax'"),
    (b"---\ntitle: \xff\n", 1, "UTF-8"),
]


@pytest.mark.parametrize(("text", "line", "words"), MALFORMED)
def test_a_malformed_lesson_names_the_line_and_the_problem(text, line, words):
    with pytest.raises(ValueError, match=f"^line {line}: ") as caught:
        lessons.load(text if isinstance(text, bytes) or "\n" in text else text + "\n")
    assert words in str(caught.value)


def test_at_least_twenty_kinds_of_malformed_files_are_covered():
    assert len(MALFORMED) >= 20


def test_oversized_and_overlong_lessons_are_refused():
    with pytest.raises(ValueError, match="at most 200,000 characters"):
        lessons.load(GOOD + "x" * 200_000)
    many = _lesson("".join(f"## S{i}\ntext\n" for i in range(41)))
    with pytest.raises(ValueError, match="at most 40 steps"):
        lessons.load(many)


# ---------------------------------------------------------------------- the goal language
def _goal(text: str, task: str = "classification"):
    return parse_goal([(1, text)], task)


@pytest.mark.parametrize(("text", "value"), [
    ("train_loss - test_loss <= 0", 0.3 - 0.5),
    ("(train_loss + test_loss) / 2 <= 0", 0.4),
    ("train_loss + test_loss * 2 <= 0", 0.3 + 1.0),
    ("-train_loss + 1 <= 0", 0.7),
    ("abs(train_loss - test_loss) <= 0", 0.2),
    ("neurons / layers <= 0", 3.0),
    ("test_acc * 100 <= 0", 90.0),
])
def test_arithmetic_follows_the_usual_rules(text, value):
    values = {"train_loss": 0.3, "test_loss": 0.5, "neurons": 6.0, "layers": 2.0,
              "test_acc": 0.9}
    (condition,) = _goal(text)
    assert condition.check(values).value == pytest.approx(value)


def test_comparisons_and_their_spellings():
    values = {"test_acc": 0.9, "neurons": 4.0}
    for text, met in [("test_acc >= 90%", True), ("test_acc ≥ 0.9", True),
                      ("test_acc > 0.9", False), ("neurons == 4", True), ("neurons = 4", True),
                      ("neurons ≤ 3", False), ("neurons < 5", True), ("4 >= neurons", True)]:
        (condition,) = _goal(text)
        assert condition.check(values).met is met, text


def test_words_say_what_is_missing_and_by_how_much():
    def message(text, **values):
        (condition,) = _goal(text)
        return condition.check({k: float(v) for k, v in values.items()}).message

    assert message("test_loss <= 0.177", test_loss=0.214) == \
        "test loss 0.214 — needs ≤ 0.177 (0.037 to go)"
    assert message("test_loss <= 0.177", test_loss=0.15) == "test loss 0.150 ≤ 0.177"
    assert message("test_acc >= 0.9", test_acc=0.852) == \
        "test accuracy 85.2 % — needs ≥ 90 % (4.8 points to go)"
    assert message("neurons <= 4", neurons=6) == "hidden neurons 6 — needs ≤ 4 (2 too many)"
    assert message("test_acc == 0.9", test_acc=0.85) == \
        "test accuracy 85 % — needs = 90 % (off by 5 points)"
    assert message("test_loss == 0.2", test_loss=0.25) == \
        "test loss 0.250 — needs = 0.2 (off by 0.050)"
    assert message("neurons < 4", neurons=4) == "hidden neurons 4 — needs < 4 (1 too many)"
    assert message("layers >= 2", layers=1) == "hidden layers 1 — needs ≥ 2 (1 too few)"
    assert message("epoch <= 500", epoch=1200) == \
        "epoch 1,200 — needs ≤ 500 (700 too many)"
    assert message("diverged == 1", diverged=0) == "diverged: no — needs yes"
    assert message("l2 > 0", l2=0) == "L2 rate 0 — needs > 0 (anything above 0)"
    assert message("test_loss - train_loss >= 1", test_loss=0.5, train_loss=0.2) == \
        "test loss − training loss = 0.300 — needs ≥ 1 (0.700 to go)"
    assert message("test_loss <= train_loss + 0.05", test_loss=0.4, train_loss=0.2) == \
        "test loss 0.400 — needs ≤ training loss + 0.05 = 0.250 (0.150 to go)"
    assert message("test_loss / neurons <= 1", test_loss=0.4, neurons=0) == \
        "test loss / hidden neurons = not a number — needs ≤ 1 (it cannot be computed now)"
    assert message("test_loss <= 1", test_loss=math.nan) == \
        "test loss not a number — needs ≤ 1 (it cannot be computed now)"


def test_settings_compare_with_words():
    (relu,) = _goal("activation == relu")
    (other,) = _goal("regularization != none")
    assert relu.check({"activation": "relu"}).message == "activation relu"
    assert relu.check({"activation": "tanh"}).message == "activation tanh — needs relu"
    assert other.check({"regularization": "l2"}).met
    assert other.check({"regularization": "none"}).message == \
        "regularization none — needs other than none"
    (numbers,) = _goal("neurons != 4")
    assert numbers.check({"neurons": 4.0}).message == "hidden neurons 4 — needs ≠ 4"
    run = Trainer(activation="relu", optimizer="adam")
    assert _goal_for("activation == relu and optimizer == adam and init == xavier").check(
        run).met


def test_goal_names_are_documented_quantities():
    assert {"train_loss", "test_loss", "train_acc", "test_acc", "train_r2", "test_r2",
            "epoch", "neurons", "layers"} <= set(QUANTITIES)
    assert all(q.label and q.kind in ("loss", "fraction", "count", "flag", "number", "choice")
               for q in QUANTITIES.values())
    assert all(bool(q.choices) == (q.kind == "choice") for q in QUANTITIES.values())


# ---------------------------------------------------------------------- goals on runs
def _goal_for(text: str, config: Config | None = None) -> Goal:
    return Goal.parse([(1, text)], config or Config())


def test_a_goal_on_a_real_run_unmet_then_met():
    goal = _goal_for("test_loss <= 0.177 and neurons <= 6")
    run = Trainer()
    loss = run.metrics["test_loss"]
    result = goal.check(run)
    assert not result.met and not result.conditions[0].met and result.conditions[1].met
    assert result.missing == f"test loss {loss:.3f} — needs ≤ 0.177 ({loss - 0.177:.3f} to go)"
    assert result.message == result.missing and result.same_data
    assert [c.text for c in result.conditions] == ["test_loss <= 0.177", "neurons <= 6"]

    run.step(200)
    result = goal.check(run)
    assert result.met and result.missing == ""
    assert result.message == (f"Goal met: test loss {run.metrics['test_loss']:.3f} ≤ 0.177, "
                              "hidden neurons 6 ≤ 6.")
    assert result.conditions[0].value == run.metrics["test_loss"]


def test_the_network_and_epoch_quantities_read_the_run():
    run = Trainer(hidden=(5, 3, 2), features=("x1", "x2", "x1sq"))
    run.step(3)
    values = {name: QUANTITIES[name].read(run) for name in
              ("neurons", "layers", "inputs", "epoch", "batches", "batch_size", "diverged")}
    assert values == {"neurons": 10, "layers": 3, "inputs": 3, "epoch": 3, "batches": 25,
                      "batch_size": 10, "diverged": 0}


def test_a_goal_met_by_editing_weights_by_hand_counts():
    # x1², x2² and no hidden layer: logit = 6.25 - x1² - x2² is exactly the circle's rule
    config = Config(hidden=(), features=("x1sq", "x2sq"))
    goal = _goal_for("test_acc >= 0.99 and epoch == 0", config)
    run = Trainer(config)
    assert not goal.check(run).met
    run.edit(0, 0, 0, -1.0)
    run.edit(0, 1, 0, -1.0)
    run.edit(0, 2, 0, 6.25)
    result = goal.check(run)
    assert result.met, result.missing
    assert run.edits and run.epoch == 0


def test_a_goal_on_other_data_does_not_count():
    goal = _goal_for("test_acc >= 0.9")
    run = Trainer(noise=0.1)
    run.step(200)
    result = goal.check(run)
    assert result.conditions[0].met and not result.met and not result.same_data
    assert result.missing == ("this run is on other data than the step (noise 0.1 instead of "
                              "0), so the goal does not count: go back to the step's data")
    other = Trainer(dataset="gauss", n_samples=200)
    other.step(50)
    missing = goal.check(other).missing
    assert "dataset gauss instead of circle, points 200 instead of 500" in missing
    # features are not data: choosing them is often the lesson
    features = Trainer(features=("x1sq", "x2sq"))
    features.step(100)
    assert goal.check(features).met


def test_a_goal_on_your_own_points_does_not_count():
    X, y = playground.make_dataset("circle", 100, 0.0, 0)
    run = Trainer(Config(), data=(X, y))
    run.step(100)
    assert "dataset own instead of circle" in _goal_for("epoch >= 1").check(run).missing


def test_regression_goals_read_r2():
    config = Config(dataset="plane", learning_rate=0.03)
    goal = _goal_for("test_r2 >= 0.98 and train_r2 >= 0.98", config)
    run = Trainer(config)
    run.step(100)
    result = goal.check(run)
    assert result.met
    assert result.conditions[0].value == run.metrics["test_acc"]  # R² in the acc column


def test_divergence_dead_relus_and_loss_rises():
    run = Trainer(dataset="plane", learning_rate=1.0)
    run.step(100)
    assert run.diverged and _goal_for("diverged == 1", run.config).check(run).met

    dead = Trainer(hidden=(3, 3), activation="relu", init="normal")
    assert QUANTITIES["dead"].read(dead) == 2  # two neurons of layer 2 never fire
    assert QUANTITIES["dead"].read(Trainer(hidden=(3, 3), activation="tanh",
                                           init="normal")) == 0

    noisy = Trainer(dataset="spiral", hidden=(8, 8), batch_size=1)
    noisy.step(60)
    losses = noisy.history.train_loss
    assert QUANTITIES["loss_rises"].read(noisy) == np.sum(np.diff(losses) > 0) >= 10
    smooth = Trainer(dataset="spiral", hidden=(8, 8), batch_size=250)
    smooth.step(RISES_WINDOW + 20)
    assert QUANTITIES["loss_rises"].read(smooth) == 0


def test_checking_a_goal_leaves_the_run_as_it_was():
    run = Trainer(hidden=(3, 3), activation="relu")
    run.step(20)
    before = (run.network.params.copy(), run.epoch, run.to_json())
    goal = _goal_for(" and ".join(
        f"{name} == {q.choices[0]}" if q.choices else f"{name} >= 0"
        for name, q in QUANTITIES.items() if q.task != "regression"))
    goal.check(run)
    assert np.array_equal(run.network.params, before[0]) and run.epoch == before[1]
    assert run.to_json() == before[2]


# ---------------------------------------------------------------------- run files
def test_a_grader_checks_a_students_run_file():
    step = lessons.load("xor").steps[1]
    config, epochs = step.solution
    student = Trainer(config)
    student.step(epochs)
    restored = Trainer.from_json(student.to_json())
    result = step.goal.check(restored)
    assert result.met and result == step.goal.check(student)

    unfinished = Trainer(step.config)
    unfinished.step(10)
    result = step.goal.check(Trainer.from_json(unfinished.to_json()))
    assert not result.met and "hidden layers 0 — needs = 1 (1 too few)" in result.missing

    elsewhere = Trainer(config.replace(dataset="circle"))
    elsewhere.step(epochs)
    result = step.goal.check(Trainer.from_json(elsewhere.to_json()))
    assert not result.met and "dataset circle instead of xor" in result.missing


# ---------------------------------------------------------------------- built-in lessons
def test_the_builtin_lessons_cover_the_topics():
    infos = lessons.builtin()
    assert [i.name for i in infos] == ["circle", "xor", "learning-rate", "spiral",
                                       "overfitting", "initialisation", "batch-size",
                                       "softmax"]
    assert lessons.builtin_names() == tuple(i.name for i in infos)
    for info in infos:
        lesson = lessons.load(info.name)
        assert (lesson.title, lesson.summary, len(lesson.steps)) == info[1:]
        assert 3 <= info.steps <= 6 and info.title and info.summary
        goals = [s for s in lesson.steps if s.goal]
        assert goals and all(s.solution for s in goals), info.name
        assert any(s.prediction for s in lesson.steps), info.name


def test_the_builtin_lessons_use_what_the_app_accepts():
    view_fields = [f.name for f in fields(view_state.View)]
    assert set(VIEW_KEYS) == set(view_fields) - {"hide", "at"}
    assert SECTIONS == view_state.SECTIONS
    assert set(HIDE_NAMES) == {"all", *view_state.SECTIONS, *view_state.CONFIG_KEYS,
                               *view_fields}
    for name in lessons.builtin_names():
        lesson = lessons.load(name)
        for number in range(1, len(lesson.steps) + 1):
            view, problems = view_state.View.from_query(lesson.query(number))
            assert problems == [] and view.hide == lesson.hide, (name, number)


def _builtin_goal_steps():
    return [(name, step.number) for name in lessons.builtin_names()
            for step in lessons.load(name).steps if step.goal]


@pytest.mark.parametrize(("name", "number"), _builtin_goal_steps())
def test_every_builtin_solution_meets_its_goal(name, number):
    step = lessons.load(name).step(number)
    config, epochs = step.solution
    run = Trainer(config)
    run.step(epochs)
    result = step.goal.check(run)
    assert result.met, result.missing


@pytest.mark.parametrize(("name", "number"), _builtin_goal_steps())
def test_a_builtin_goal_asks_for_its_solution(name, number):
    """The step as it opens, trained as long as the solution, meets the goal only if the
    solution changes nothing (a step that asks to train and watch)."""
    step = lessons.load(name).step(number)
    run = Trainer(step.config)
    run.step(step.solution.epochs)
    assert step.goal.check(run).met == (not step.solution.settings)


def test_most_builtin_goals_ask_for_a_change():
    steps = [lessons.load(name).step(number) for name, number in _builtin_goal_steps()]
    assert sum(bool(step.solution.settings) for step in steps) >= 0.75 * len(steps)


def test_a_default_run_meets_no_builtin_goal():
    run = Trainer()
    run.step(300)  # a well-trained default: circle, 4-2 tanh
    for name, number in _builtin_goal_steps():
        assert not lessons.load(name).step(number).goal.check(run).met, (name, number)


def test_builtin_files_live_in_the_package():
    folder = Path(lessons.__file__).parent / "builtin"
    assert len(list(folder.glob("*.md"))) == len(lessons.builtin())


def test_diverged_counts_a_loss_that_ran_away_before_it_overflows():
    # the app stops such a run as "Training diverged" (and takes it back): a goal
    # "diverged == 1" must see it as diverged too
    from playground.run.health import diagnose

    step = lessons.load("learning-rate").steps[2]
    run = Trainer(step.solution.config)
    run.step(1)
    assert run.diverged is None and diagnose(run).kind == "absurd"
    assert step.goal.check(run).met
    assert not step.goal.check(Trainer(step.config)).met
