"""Neural Playground: a from-scratch NumPy multilayer perceptron you can watch learn.

The core (this package minus ``playground.ui`` and ``playground.figures``) imports
only NumPy, so a notebook can train without the app::

    import playground
    X, y = playground.make_dataset("spiral", n_samples=500, noise=0.1, seed=0)
    run = playground.Trainer(dataset="spiral", hidden=(8, 8), optimizer="adam")
    run.step(300)
    print(run.epoch, run.metrics)
    print(playground.export_script(run))               # the same run as a NumPy script
    runs = playground.sweep(run.config, {"learning_rate": [0.01, 0.1, 1]}, epochs=300)
    text = run.to_json()                               # the whole run, to save...
    again = playground.Trainer.from_json(text)         # ...and resume bit for bit
    gif = playground.export_gif(run)                   # its decision regions, animated
    numbers = playground.explain_point(run, 0)         # one point, forward and backward
    land = playground.loss_landscape(run)              # the loss on a plane of weights
    lesson = playground.lessons.load("xor")            # a lesson that checks itself
    a, b = playground.compare(run.config, run.config.replace(learning_rate=0.3),
                              epochs=300)              # two runs side by side, in lockstep
    print(lesson.steps[1].goal.check(run).missing)
"""

from playground import lessons
from playground.compare.pair import Lockstep, compare
from playground.config import Config
from playground.data.csv_data import read_csv, to_csv
from playground.data.datasets import DATASETS, DOMAIN, make_dataset, train_test_split
from playground.data.features import FEATURES, feature_matrix
from playground.data.points import Points
from playground.engine.activations import ACTIVATIONS, Activation
from playground.engine.initializers import INITIALIZERS
from playground.engine.network import MLP
from playground.engine.optimizers import OPTIMIZERS
from playground.engine.outputs import OUTPUTS
from playground.export.gif import export_gif
from playground.export.script import export_script
from playground.run.explain import PointExplanation, explain_point
from playground.run.health import Diagnosis, diagnose
from playground.run.history import DecimatingLog, History
from playground.run.landscape import Landscape, loss_landscape
from playground.run.trainer import Trainer
from playground.sweeps.grid import SweepCancelled, SweepResult, sweep

Run = Trainer  # an alias that reads well in notebooks

__all__ = [
    "ACTIVATIONS", "Activation", "Config", "DATASETS", "DOMAIN", "DecimatingLog",
    "Diagnosis", "FEATURES", "History", "INITIALIZERS", "Landscape", "Lockstep", "MLP",
    "OPTIMIZERS", "OUTPUTS", "PointExplanation", "Points", "Run", "SweepCancelled",
    "SweepResult", "Trainer", "compare", "diagnose", "explain_point", "export_gif",
    "export_script", "feature_matrix", "lessons", "loss_landscape", "make_dataset",
    "read_csv", "sweep", "to_csv", "train_test_split",
]
