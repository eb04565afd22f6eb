"""The registered computations that check the articles' claims, one per claim ``check`` name.

Each check takes the claim's ``params`` (plus its ``date``/``window``) and a
:class:`ClaimData` (the store, read through recording accessors) and returns a
:class:`Computed`: the value in the claim's unit and the series and dates it used. A check
that lacks data raises :class:`MissingData` naming the series and dates; the engine turns
that into a *not checkable* verdict instead of failing the run.

The registry is :mod:`bubblewatch.claims.registry`; the checks live by topic in
:mod:`~bubblewatch.claims.checks_market`, :mod:`~bubblewatch.claims.checks_valuation` and
:mod:`~bubblewatch.claims.checks_macro`. Importing this module registers every check.
"""

from bubblewatch.claims import checks_macro, checks_market, checks_valuation
from bubblewatch.claims.registry import CHECKS, ClaimData, Computed, MissingData, register

__all__ = ["CHECKS", "ClaimData", "Computed", "MissingData", "register"]

#: the topic modules whose import registers the checks
TOPICS = (checks_market, checks_valuation, checks_macro)
