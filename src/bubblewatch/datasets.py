"""Embedded default data (public name): see :mod:`bubblewatch.data.datasets`.

The loaders and :func:`load_demo` live in the data layer; this module re-exports them so
that ``import bubblewatch.datasets`` works as documented.
"""

from bubblewatch.data.datasets import (
    DEMO_SERIES,
    DemoSeries,
    amzn,
    btc_usd,
    is_bundled_source,
    load,
    load_demo,
    msft,
    nasdaq,
    nflx,
    nvda,
    sp500,
    vix,
    wti,
)

__all__ = [
    "DEMO_SERIES",
    "DemoSeries",
    "amzn",
    "btc_usd",
    "is_bundled_source",
    "load",
    "load_demo",
    "msft",
    "nasdaq",
    "nflx",
    "nvda",
    "sp500",
    "vix",
    "wti",
]
