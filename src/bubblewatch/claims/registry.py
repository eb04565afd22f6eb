"""The registry of claim checks: what a check receives (:class:`ClaimData`), returns
(:class:`Computed`) and raises (:class:`MissingData`), and the helpers the checks share.

The checks themselves live by topic in :mod:`~bubblewatch.claims.checks_market`,
:mod:`~bubblewatch.claims.checks_valuation` and :mod:`~bubblewatch.claims.checks_macro`;
importing :mod:`bubblewatch.claims.checks` registers them all.


Each check takes the claim's ``params`` (plus its ``date``/``window``) and a
:class:`ClaimData` (the store, read through recording accessors) and returns a
:class:`Computed`: the value in the claim's unit and the series and dates it used. A check
that lacks data raises :class:`MissingData` naming the series and dates; the engine turns
that into a *not checkable* verdict instead of failing the run.

Checks compose the pure analyses (``market.events``, ``valuation``, ``macro``); they are
the only place in ``claims`` that reads data, and they read it only through ``ClaimData``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from bubblewatch.errors import BubblewatchError, NotFoundError
from bubblewatch.series import USDCNY_SERIES, iso_date

if TYPE_CHECKING:  # pragma: no cover
    from bubblewatch.data.store import Store

__all__ = ["CHECKS", "ClaimData", "Computed", "MissingData", "register"]

FX_PAIR = USDCNY_SERIES


class MissingData(NotFoundError):
    """The data a check needs are not in the store; ``what`` names series and dates."""

    def __init__(self, *what: str) -> None:
        self.what = tuple(what)
        super().__init__("missing: " + "; ".join(what))


@dataclasses.dataclass(frozen=True)
class Computed:
    """A check's answer: value (claim unit), sources used, and an optional note."""

    value: Any
    source: tuple[str, ...]
    note: str = ""
    detail: Mapping[str, Any] = dataclasses.field(default_factory=dict)


def _d(x: Any) -> str:
    return str(iso_date(pd.Timestamp(x).normalize()))


def _covering(data: Any, need: tuple[Any, ...], what: str, name: str) -> Any:
    """``data`` (a stored frame or series; None when absent) if it covers every date of
    ``need``, else :class:`MissingData` naming ``what`` is missing and the dates stored."""
    if data is None:
        span = f", {_d(need[0])}..{_d(need[-1])}" if need else ""
        raise MissingData(f"{what}{span}")
    for d in need:
        ts = pd.Timestamp(d)
        if ts < data.index[0] or ts > data.index[-1]:
            raise MissingData(
                f"{name} on {_d(ts)} (the store has {_d(data.index[0])}..{_d(data.index[-1])})"
            )
    return data


class ClaimData:
    """Read-only access to a :class:`~bubblewatch.data.store.Store` for the checks.

    Every reader raises :class:`MissingData` (naming the series and the dates needed) when
    the store lacks what is asked; results are cached per run.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: dict[tuple[str, str], Any] = {}

    def _get(self, kind: str, name: str, fn: Callable[[], Any]) -> Any:
        key = (kind, name)
        if key not in self._cache:
            try:
                self._cache[key] = fn()
            except NotFoundError:
                self._cache[key] = None
        return self._cache[key]

    def prices(self, symbol: str, need: tuple[Any, ...] = ()) -> pd.DataFrame:
        df = self._get("prices", symbol, lambda: self.store.prices(symbol))
        return _covering(df, need, f"{symbol} daily prices", f"{symbol} prices")

    def macro(self, series: str, need: tuple[Any, ...] = ()) -> pd.Series:
        s = self._get("macro", series, lambda: self.store.macro(series))
        return _covering(s, need, f"{series} (macro series)", series)

    def fx(self, pair: str = FX_PAIR) -> pd.Series:
        s = self._get("fx", pair, lambda: self.store.fx(pair))
        if s is None:
            raise MissingData(f"{pair} (CNY per USD)")
        return s

    def shares(self, symbol: str) -> pd.Series:
        s = self._get("shares", symbol, lambda: self.store.shares_outstanding(symbol))
        if s is None:
            raise MissingData(f"{symbol} shares outstanding")
        return s

    def fundamentals(self, symbol: str, metric: str | None = None) -> pd.DataFrame:
        """Quarterly figures of ``symbol`` (one metric, or every metric: the long frame the
        ``bubblewatch.valuation`` point-in-time functions take)."""
        df = self._get(
            "fund", f"{symbol}:{metric or '*'}", lambda: self.store.fundamentals(symbol, metric)
        )
        if df is None:
            what = f"'{metric}'" if metric else "(quarterly fundamentals)"
            raise MissingData(
                f"{symbol} fundamentals {what}: SEC company facts "
                f"(bubblewatch data fetch --provider sec {symbol}) or a fundamentals file"
            )
        return df

    def holdings_dates(self, index: str) -> list[pd.Timestamp]:
        return self._get("hdates", index, lambda: self.store.holdings_dates(index)) or []

    def holdings(self, index: str, as_of: pd.Timestamp) -> pd.DataFrame:
        return self.store.holdings(index, _d(as_of))


Check = Callable[[Mapping[str, Any], ClaimData], Computed]
CHECKS: dict[str, Check] = {}


def register(name: str) -> Callable[[Check], Check]:
    """Register a check function under ``name`` (the claim file's ``check`` field)."""

    def deco(fn: Check) -> Check:
        CHECKS[name] = fn
        return fn

    return deco


# --------------------------------------------------------------------------- helpers
def _window(p: Mapping[str, Any]) -> tuple[pd.Timestamp, pd.Timestamp]:
    if "start" in p and "end" in p:
        return pd.Timestamp(p["start"]), pd.Timestamp(p["end"])
    w = str(p.get("window", ""))
    if ".." not in w:
        raise BubblewatchError(f"claim needs a window 'START..END' or start/end params; got {w!r}")
    a, b = w.split("..")
    return pd.Timestamp(a), pd.Timestamp(b)


def _event(p: Mapping[str, Any], data: ClaimData, *, shares: bool = False, fx: bool = False) -> Any:
    from bubblewatch.market.event import market_event

    sym = p["symbol"]
    date = pd.Timestamp(p["date"])
    px = data.prices(sym, (date,))
    if date not in px.index:
        raise MissingData(f"{sym} has no session on {_d(date)}")
    if px.index.get_loc(date) == 0:
        raise MissingData(f"{sym} prices before {_d(date)} (the previous close)")
    sh = data.shares(sym) if shares else None
    usdcny = data.fx() if fx else None
    try:
        return market_event(px, date, shares=sh, usdcny=usdcny, symbol=sym)
    except NotFoundError as exc:
        raise MissingData(str(exc)) from exc
    except BubblewatchError as exc:  # e.g. FX not covering the date
        raise MissingData(str(exc)) from exc


def _src_prices(sym: str, a: Any, b: Any) -> str:
    return f"{sym} close {_d(a)}..{_d(b)}"


def _shares_src(sym: str, sh: pd.Series, date: Any) -> str:
    s = sh[sh.index <= pd.Timestamp(date)]
    when = _d(s.index[-1]) if len(s) else "n/a"
    return f"{sym} shares outstanding (report of {when}, split-adjusted)"
