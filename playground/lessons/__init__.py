'''Lessons that check themselves: a Markdown file of steps, each with text, settings to
apply, a prediction to make and a goal checked on the live run.

>>> from playground import Trainer, lessons
>>> [info.name for info in lessons.builtin()][:2]
['circle', 'xor']
>>> lesson = lessons.load("xor")                 # a built-in by name (or a path, or text)
>>> step = lesson.steps[1]
>>> config, epochs = step.solution               # the settings that meet the goal
>>> run = Trainer(config)
>>> run.step(epochs) and step.goal.check(run).met
True
>>> step.goal.check(Trainer(step.config)).missing
'test accuracy 52 % — needs ≥ 95 % (43 points to go); hidden layers 0 — needs = 1 (1 too few)'

The file format
---------------
A lesson file is Markdown (UTF-8, at most 200,000 characters)::

    ---
    title: XOR needs a hidden layer
    summary: One straight line cannot split XOR; a hidden layer or one feature can.
    settings: dataset=xor&hidden=&learning_rate=0.1
    hide: data, regularization
    ---

    Optional introduction (Markdown).

    ## One neuron, one line

    Markdown text; formulas as $\\sigma(w_1 x_1 + w_2 x_2 + b)$.

    ```settings
    hidden=&features=x1,x2
    ```

    ```prediction
    question: Can one straight line separate the four XOR quadrants?
    choice: Yes, with the right weights
    choice: No
    answer: No
    explanation: Any line leaves at least one quadrant on the wrong side.
      An indented line continues the value above (in any block).
    ```

    ```goal
    test_acc >= 0.95 and layers == 1
    and neurons <= 4
    ```

    ```solution
    settings: hidden=4
    epochs: 300
    ```

* **Front matter**, between two ``---`` lines at the top, ``key: value`` lines:
  ``title`` and ``summary`` (one line) are required; ``settings`` is the starting
  settings as the playground's query string (Config fields such as ``dataset``,
  ``hidden``, ``features``, ``learning_rate``, plus the app's view keys ``speed``,
  ``test``, ``discretize``, ``log_loss``, ``diagram``, ``panel``, ``focus``; a link
  copied from the app, up to its ``?``, is fine; ``hide`` and ``at`` are not
  settings); ``hide`` lists the controls the app hides (its ``hide=`` names: ``data``,
  ``network``, ``training``, a control's URL key, or ``all``).
* **Steps** start at ``## `` headings (outside code fences); the heading is the step's
  title. Text between the front matter and the first step is the introduction. A step
  needs some text; its other Markdown (lists, code, ``###`` headings) stays text.
* **Blocks**, each at most once per step, are fenced with three backticks and named by
  their info word:

  - ``settings``: a query string (lines are joined with ``&``) applied when the step
    opens. Each step starts from the lesson's settings and every earlier step's;
  - ``prediction``: ``question:``, two or more ``choice:`` lines, ``answer:`` (a
    choice's text or number) and ``explanation:``;
  - ``goal``: conditions joined by ``and`` (over one or more lines), see
    :mod:`playground.lessons.conditions`: numbers (``0.9``, ``90%``), ``+ - * /``,
    parentheses, ``abs(...)``, comparisons ``<= >= < > == !=`` and the names of
    :data:`~playground.lessons.quantities.QUANTITIES` (``train_loss``, ``test_loss``,
    ``train_acc``, ``test_acc``, ``train_r2``/``test_r2`` for regression,
    ``epoch``, ``neurons`` (all hidden), ``layers`` (hidden), ``inputs``, ``dead``,
    ``diverged``, ``loss_rises``, ``batches``, ``learning_rate``, ``batch_size``, ``l1``,
    ``l2``); the settings ``activation``, ``init``, ``optimizer`` and
    ``regularization`` compare with ``==``/``!=`` to a value: ``activation == relu``.
    A goal counts only on the step's data (dataset, classes, points, noise, split,
    data seed);
  - ``solution``: ``epochs:`` and optionally ``settings:`` (applied to the step's
    settings; they may not change the data): a run that meets the goal. Needs a goal.

  A fence with another info word (``python``…) is Markdown code and part of the text.

Nothing in a lesson is executed: settings go through ``Config`` validation, goals
through the small parser of :mod:`~playground.lessons.conditions`. Any problem raises
``ValueError`` naming the line, e.g. ``"line 14: goal: unknown name 'tst_loss' (did
you mean test_loss?) ..."``.
'''

from playground.lessons.conditions import Condition, ConditionResult
from playground.lessons.goals import Goal, GoalResult
from playground.lessons.lesson import Lesson, Prediction, Solution, Step
from playground.lessons.library import LessonInfo, builtin, builtin_names, load
from playground.lessons.quantities import QUANTITIES

__all__ = [
    "QUANTITIES", "Condition", "ConditionResult", "Goal", "GoalResult", "Lesson",
    "LessonInfo", "Prediction", "Solution", "Step", "builtin", "builtin_names", "load",
]
