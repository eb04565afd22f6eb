"""Parsing one file into validated table frames, per kind (nothing is written here).

==============================  =============================================================
module                          holds
==============================  =============================================================
``classify``                    :func:`parse_file`: picks the parser from the mode and columns
``parsed``                      :class:`Parsed` and the checks all parsers share
``prices``                      price files, panels, ``date, value`` series (prices/macro/FX)
``wide``                        Shiller, datahub and ``--kind macro`` wide files
``holdings``                    index/fund holdings snapshots
``fundamentals``                ``symbol, period_end, metric, value``
``shares``                      shares outstanding
==============================  =============================================================
"""

from bubblewatch._exports import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "Parsed": "bubblewatch.data.parsers.parsed",
        "parse_file": "bubblewatch.data.parsers.classify",
    },
)
