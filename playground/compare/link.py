"""A pair's URL form: run A's short query, ``compare=1``, and ``b.<field>`` for each
setting where run B differs.

>>> from playground.config import Config
>>> to_query(Config(), Config(learning_rate=0.3))
{'compare': '1', 'b.learning_rate': '0.3'}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields

from playground.compare.differences import shown
from playground.config import LABELS, Config, fit_batch, lenient_value
from playground.data.datasets import GIVEN, spec_of

PREFIX = "b."
FLAG = "compare"
_NAMES = tuple(f.name for f in fields(Config))


def to_query(a: Config, b: Config) -> dict[str, str]:
    """A's short query, ``"compare": "1"``, and ``"b.<field>"`` for each field of B
    that differs from A (formatted as :meth:`Config.to_query` formats it)."""
    ours, theirs = a.to_query(), b.to_query()
    query = {**a.to_query(short=True), FLAG: "1"}
    query.update({PREFIX + k: v for k, v in theirs.items() if v != ours[k]})
    return query


def _does_not_apply(name: str, value, dataset: str, a: Config) -> str | None:
    """Why B's ``name = value`` on top of A, with B's ``dataset``, makes no sense (None
    when it does)."""
    if name == "dataset" and value in GIVEN and value != a.dataset:
        return "your own points come with the run, not with a link"
    if name == "n_classes":
        spec = spec_of(dataset)
        if dataset in GIVEN:
            return "your own points decide the number of classes"
        if not spec.multiclass:
            return f"{spec.label} has two classes; only a multi-class dataset takes more"
    return None


def from_query_lenient(query: Mapping[str, str],
                       a: Config) -> tuple[Config | None, list[str]]:
    """Run B's config from a pair's ``query``: its ``b.*`` keys applied on top of A.

    Forgiving as :meth:`Config.from_query_lenient` is, and never raising: an unknown
    setting is dropped, a number beyond its range clamped, a bad value dropped (B keeps
    A's), a difference that does not apply to A's data dropped; one plain message each,
    starting ``"B: "`` and naming the control.

    Returns
    -------
    (config or None, messages)
        None when the query holds no pair (neither ``compare`` nor a ``b.`` key); with
        ``compare`` alone, B is A.
    """
    try:
        keys = [k for k in query if isinstance(k, str) and k.startswith(PREFIX)]
        if FLAG not in query and not keys:
            return None, []
        changes, problems = {}, []
        problems += [f"B: {k!r} is not a setting — ignored" for k in keys
                     if k[len(PREFIX):] not in _NAMES]
        for name in _NAMES:  # (in field order: the dataset before what depends on it)
            if PREFIX + name not in query:
                continue
            value, problem = lenient_value(name, query[PREFIX + name])
            dataset = changes.get("dataset", a.dataset)
            why = None if value is None else _does_not_apply(name, value, dataset, a)
            if value is None or why:
                reason = why or problem.split(": ", 1)[1]
                problems.append(f"B: {LABELS[name]}: {reason} — keeping A's "
                                f"{shown(name, getattr(a, name))}")
                continue
            changes[name] = value
            if problem:
                problems.append(f"B: {problem}")
        return _build(a, changes, problems), problems
    except Exception:  # (values that are not text) a link is never worth a traceback
        return a, ["B: this link's settings could not be read — B has A's settings"]


def _build(a: Config, changes: dict, problems: list[str]) -> Config:
    """A with ``changes``; an output that does not fit B's data becomes automatic."""
    try:
        config = a.replace(**changes)
    except ValueError as err:  # a combination: the output against the dataset or classes
        out = changes.pop("output", a.output)
        problems.append(f"B: {LABELS['output']}: {str(err).removeprefix('output: ')} — "
                        f"using the automatic output (auto) instead of {out}")
        config = a.replace(**changes, output="auto")
    if "batch_size" in changes:
        config, problem = fit_batch(config)
        if problem:
            problems.append(f"B: {problem}")
    return config
