"""Two runs side by side, in lockstep: the same epochs, data, shuffling and initial
weights, so that what differs between them is the setting alone.

:class:`~playground.compare.pair.Lockstep` trains the pair; :mod:`differences` names what
differs, :mod:`presets` makes the classic comparisons, :mod:`link` is a pair's URL form
and :mod:`pair_file` its run file. NumPy only. (``differences``, the function, is
imported from its module, which it would otherwise hide.)
"""

from playground.compare.differences import describe
from playground.compare.link import from_query_lenient, to_query
from playground.compare.pair import Lockstep, compare
from playground.compare.pair_file import is_pair_file, pair_from_json, pair_to_json
from playground.compare.presets import PRESETS, Preset

__all__ = ["PRESETS", "Lockstep", "Preset", "compare", "describe",
           "from_query_lenient", "is_pair_file", "pair_from_json", "pair_to_json",
           "to_query"]
