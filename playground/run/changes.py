"""What changed in a run while it trained: the settings applied live and the rewinds,
each at the epoch it happened (the hand edits are the run's
:class:`~playground.run.probes.Edit` list).

A run's :attr:`~playground.run.trainer.Trainer.changes` is a list of :class:`Change`,
oldest first, whose epochs never decrease: a rewind drops the changes after the epoch
it goes back to. With the config the run has now, the list tells the config the run
started with (:func:`starting_config`: each change undone, newest first), and replayed
from there at its epochs it makes the run again: :func:`playground.export_script` writes
a script that does that.

Nothing is logged at epoch 0: a change made before any training is where the run starts
(its optimizer and shuffling are fresh then anyway).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from playground.config import Config

# Changing one of these fields rebuilds the data and the network (epoch 0)...
DATA_FIELDS = ("dataset", "n_classes", "n_samples", "noise", "train_ratio", "data_seed",
               "features")
NETWORK_FIELDS = ("hidden", "activation", "output", "init", "init_seed", "dtype")
# ...the others (optimizer, learning rate, batch size, regularisation) apply live.
LIVE_FIELDS = tuple(f.name for f in fields(Config)
                    if f.name not in DATA_FIELDS + NETWORK_FIELDS)
REWIND = "rewind"
MAX_CHANGES = 1000  # beyond that a run no longer keeps its changes (it says so: None)


@dataclass(frozen=True)
class Change:
    """One change made to a run after ``epoch`` epochs of training.

    ``what`` is a setting of :data:`LIVE_FIELDS` that went from ``old`` to ``new``, or
    ``"rewind"``: the run went back from epoch ``old`` to epoch ``new`` (its ``epoch``),
    its weights those it had then, its optimizer and shuffling restarted.
    """

    epoch: int
    what: str
    old: object
    new: object


def starting_config(config: Config, changes) -> Config:
    """The config a run that now has ``config`` started with: ``changes`` undone."""
    for change in reversed(changes):
        if change.what != REWIND:
            config = config.replace(**{change.what: change.old})
    return config


def with_settings(changes: list, epoch: int, old: Config, new: Config) -> list:
    """``changes`` and the settings that differ from ``old`` to ``new`` (a live update
    after ``epoch`` epochs), one entry per setting and epoch: a setting changed twice in
    one epoch is one change, or none if it went back (an optimizer switched back and
    forth stays: it restarted)."""
    changes = list(changes)
    for what in LIVE_FIELDS:
        before, after = getattr(old, what), getattr(new, what)
        if before == after:
            continue
        same = [i for i, c in enumerate(changes) if c.epoch == epoch and c.what == what]
        if same:
            first = changes.pop(same[0])
            before = first.old
        if before != after or what == "optimizer":
            changes.append(Change(epoch, what, before, after))
    return changes


def rewound(changes: list, config: Config, at: int, since: int) -> list:
    """``changes`` after a run with ``config`` went back from epoch ``since`` to epoch
    ``at``: those made later are dropped; the settings the run keeps (``config``'s,
    which may differ from those it had at ``at``) and the rewind are changes at ``at``."""
    kept = [c for c in changes if c.epoch <= at]
    if not at:  # a fresh start with these settings
        return kept
    then = starting_config(config, [c for c in changes if c.epoch > at])
    return with_settings(kept, at, then, config) + [Change(at, REWIND, since, at)]


def check_changes(changes, config: Config, epoch: int) -> list[Change]:
    """``changes`` if a run now at ``epoch`` with ``config`` can have made them: epochs
    from 1 to ``epoch`` that never decrease, known settings whose values the config
    takes, each change starting from the value the previous one left, ending at
    ``config``'s; rewinds to their own epoch. The values are returned as the config
    holds them.

    Raises
    ------
    ValueError
        Saying, in plain words, what does not fit.
    """
    checked, last = [], 1
    for change in changes:
        if not isinstance(change, Change) or not isinstance(change.what, str):
            raise ValueError("a change is not (epoch, setting, old, new)")
        at, what = change.epoch, change.what
        if not isinstance(at, int) or isinstance(at, bool) or not last <= at <= epoch:
            raise ValueError(f"the changes' epochs must increase from 1 to {epoch}")
        last = at
        if what == REWIND:
            since = change.old
            if (not isinstance(since, int) or isinstance(since, bool) or since < at
                    or change.new != at):
                raise ValueError(f"the rewind at epoch {at} does not go back to it")
            checked.append(Change(at, REWIND, since, at))
            continue
        if what not in LIVE_FIELDS:
            raise ValueError(f"{what[:40]!r} is not a setting that changes while training")
        try:
            values = [getattr(config.replace(**{what: v}), what)
                      for v in (change.old, change.new)]
        except TypeError:
            raise ValueError(f"the {what} changed at epoch {at} to a value it cannot "
                             "take") from None
        checked.append(Change(at, what, *values))
    start = starting_config(config, checked)
    now = start
    for change in checked:
        if change.what != REWIND:
            if getattr(now, change.what) != change.old:
                raise ValueError(f"the {change.what} changed at epoch {change.epoch} from "
                                 f"a value it did not have")
            now = now.replace(**{change.what: change.new})
    if now != config:
        raise ValueError("the changes do not end at the run's settings")
    return checked
