"""Many runs at once: stacks of networks trained together, and the sweep grid."""

from playground.sweeps.grid import SweepCancelled, SweepResult, sweep, train_runs

__all__ = ["SweepCancelled", "SweepResult", "sweep", "train_runs"]
