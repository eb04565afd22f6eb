"""Point-in-time earnings multiples: EPS and P/E as they were known on a date (P/S: ``price_sales``).

A multiple on date *t* uses only the quarters published by *t* (see
:mod:`bubblewatch.valuation.quarters` for when a quarter counts as known: its filing date,
else period end + 45 days for a 10-Q / + 60 days for a 10-K). Three ways to annualise the
known quarters' diluted EPS (:data:`METHODS`):

* ``trailing`` -- the sum of the last four quarters (trailing twelve months) [1]_;
* ``dynamic`` -- the last two quarters times two (an annualised half-year, the "dynamic P/E"
  of Chinese market commentary);
* ``run_rate`` -- the latest quarter times four.

The quarters used must be consecutive (no missing quarter in between) and the latest of them
must have ended at most :data:`MAX_STALE_DAYS` days before *t*; otherwise the EPS is not
known on *t* and :class:`~bubblewatch.errors.InsufficientDataError` says which quarter is
missing. A P/E is reported as NaN (with a note) when the annualised EPS is not positive.

References
----------
.. [1] Damodaran, A. (2012). *Investment Valuation*, 3rd ed., ch. 18 (earnings multiples:
       current, trailing and forward P/E). Wiley.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.results import Result, make_metadata
from bubblewatch.validation import Anything, Date, Frame, Integer, Text, validate_params
from bubblewatch.valuation.quarters import METRICS, metric_frame

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = [
    "MAX_STALE_DAYS",
    "METHODS",
    "EarningsBasis",
    "PriceEarnings",
    "annual_figure",
    "close_on",
    "pe_history",
    "price_earnings",
    "trailing_eps",
]

#: method -> (quarters used, annualisation factor, definition)
METHODS: dict[str, tuple[int, float, str]] = {
    "trailing": (4, 1.0, "sum of the last four known quarters"),
    "dynamic": (2, 2.0, "last two known quarters x 2 (annualised half-year)"),
    "run_rate": (1, 4.0, "latest known quarter x 4"),
}
#: the latest quarter used may have ended at most this many days before the reading date
#: (one quarter of about 92 days plus the 60-day 10-K deadline, plus a week)
MAX_STALE_DAYS = 160
#: a close may be at most this many days older than the reading date
MAX_PRICE_LAG_DAYS = 7
#: consecutive fiscal quarters end 80-100 days apart (13-14 weeks, calendar months)
_QUARTER_GAP = (70, 110)


def as_date(x: Any, what: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(x)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{what}: cannot read {x!r} as a date (use YYYY-MM-DD)") from exc
    if pd.isna(ts):
        raise InputError(f"{what}: cannot read {x!r} as a date (use YYYY-MM-DD)")
    return ts.normalize()


def _method(method: str) -> tuple[int, float, str]:
    if method not in METHODS:
        raise InputError(f"method={method!r}: choose one of {', '.join(METHODS)}")
    return METHODS[method]


def symbol_of(frame: pd.DataFrame, symbol: str | None) -> str:
    if symbol:
        return symbol
    s = frame["symbol"].dropna() if "symbol" in frame.columns else pd.Series(dtype=object)
    return str(s.iloc[0]) if len(s) else "subject"


@dataclasses.dataclass(frozen=True)
class EarningsBasis(Result):
    """An annualised per-quarter figure (EPS, revenue) as known on a date, with its quarters."""

    symbol: str
    metric: str
    unit: str
    as_of: pd.Timestamp
    method: str
    value: float
    quarters: tuple[str, ...]
    period_ends: tuple[pd.Timestamp, ...]
    quarter_values: tuple[float, ...]
    known_from: tuple[pd.Timestamp, ...]
    rules: tuple[str, ...]

    @property
    def definition(self) -> str:
        return METHODS[self.method][2]

    def summary(self) -> str:
        head = (
            f"{self.symbol} {self.metric} known on {self.as_of.date()} ({self.method}: "
            f"{self.definition}) = {self.value:,.2f} {self.unit}"
        )
        lines = [head]
        for q, e, v, r in zip(
            self.quarters, self.period_ends, self.quarter_values, self.rules, strict=True
        ):
            lines.append(f"  {q} (ended {e.date()}): {v:,.2f} {self.unit}; counts from {r}")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "fiscal_period": self.quarters,
                "period_end": list(self.period_ends),
                self.metric: self.quarter_values,
                "known_from": list(self.known_from),
                "known_rule": self.rules,
            }
        )

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        fig = go.Figure(go.Bar(x=list(self.quarters), y=list(self.quarter_values)))
        fig.update_layout(
            title=f"{self.symbol} {self.metric} used on {self.as_of.date()} ({self.method})",
            yaxis_title=self.unit,
        )
        return fig

    def to_dict(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "metric": self.metric,
            "unit": self.unit,
            "as_of": self.as_of,
            "method": self.method,
            "method_definition": self.definition,
            "value": self.value,
            "quarters": [
                {
                    "fiscal_period": q,
                    "period_end": e,
                    "value": v,
                    "known_from": k,
                    "known_rule": r,
                }
                for q, e, v, k, r in zip(
                    self.quarters,
                    self.period_ends,
                    self.quarter_values,
                    self.known_from,
                    self.rules,
                    strict=True,
                )
            ],
        }


def _basis_rows(rows: pd.DataFrame, as_of: pd.Timestamp, n: int, label: str) -> pd.DataFrame:
    """The last ``n`` quarters of ``rows`` known on ``as_of`` (consecutive, not stale)."""
    known = rows[rows["known_from"] <= as_of].sort_values("period_end")
    if len(known) < n:
        nxt = rows[rows["known_from"] > as_of]
        hint = (
            f"; the next quarter ({nxt['period_end'].iloc[0].date()}) counts from "
            f"{nxt['known_from'].iloc[0].date()}"
            if len(nxt)
            else ""
        )
        raise InsufficientDataError(
            f"{label}: {n} quarter(s) needed on {as_of.date()}, {len(known)} known{hint}"
        )
    use = known.tail(n)
    ends = use["period_end"].tolist()
    for a, b in itertools.pairwise(ends):
        gap = (b - a).days
        if not _QUARTER_GAP[0] <= gap <= _QUARTER_GAP[1]:
            raise InsufficientDataError(
                f"{label}: the quarters ending {a.date()} and {b.date()} are not consecutive "
                f"({gap} days apart); the quarter between them is missing"
            )
    stale = (as_of - ends[-1]).days
    if stale > MAX_STALE_DAYS:
        raise InsufficientDataError(
            f"{label}: the latest known quarter ended {ends[-1].date()}, {stale} days before "
            f"{as_of.date()}; the quarters after it are missing"
        )
    return use


@validate_params(
    fundamentals=Frame("a fundamentals frame (Store.fundamentals)"),
    as_of=Date(),
    method=Text(),
    metric=Text(),
    symbol=[None, Text()],
)
def annual_figure(
    fundamentals: pd.DataFrame,
    as_of: str | pd.Timestamp,
    *,
    method: str = "trailing",
    metric: str = "eps_diluted",
    symbol: str | None = None,
) -> EarningsBasis:
    """An annualised quarterly figure (``metric``) as known on ``as_of``.

    Parameters
    ----------
    fundamentals : DataFrame
        Long frame of one company (``Store.fundamentals(symbol)``; see
        :mod:`bubblewatch.valuation.quarters`).
    as_of : date
        The reading date: only quarters known by then are used.
    method : {"trailing", "dynamic", "run_rate"}
        How the known quarters are annualised (:data:`METHODS`).
    metric : str
        ``eps_diluted`` (default), ``revenue``, ``net_income``, ...
    symbol : str, optional
        Label (default: the frame's ``symbol`` column).

    Raises
    ------
    InsufficientDataError
        Too few quarters known on ``as_of``, a gap between them, or stale quarters.

    Examples
    --------
    >>> f = pd.DataFrame({"fiscal_period": ["FY2025Q3", "FY2025Q4", "FY2026Q1", "FY2026Q2"],
    ...     "period_end": ["2024-10-27", "2025-01-26", "2025-04-27", "2025-07-27"],
    ...     "metric": "eps_diluted", "value": [0.78, 0.89, 0.76, 1.08],
    ...     "filed": ["2024-11-20", "2025-02-26", "2025-05-28", "2025-08-27"]})
    >>> round(annual_figure(f, "2025-11-04").value, 2), round(annual_figure(f, "2025-11-04", method="dynamic").value, 2)
    (3.51, 3.68)
    """
    n, factor, _ = _method(method)
    when = as_date(as_of, "as_of")
    rows = metric_frame(fundamentals, metric)
    sym = symbol_of(fundamentals, symbol)
    if rows.empty:
        raise InsufficientDataError(f"{sym}: no {metric} figures in the fundamentals")
    use = _basis_rows(rows, when, n, f"{sym} {metric} ({method})")
    vals = use["value"].to_numpy(float)
    return EarningsBasis(
        metadata=make_metadata(
            {"symbol": sym, "metric": metric, "as_of": when, "method": method},
            data_vintage=use["known_from"].max().date().isoformat(),
        ),
        symbol=sym,
        metric=metric,
        unit=METRICS.get(metric, ""),
        as_of=when,
        method=method,
        value=float(vals.sum() * factor),
        quarters=tuple(
            str(q) if q is not None and q == q else e.date().isoformat()
            for q, e in zip(use["fiscal_period"], use["period_end"], strict=True)
        ),
        period_ends=tuple(pd.Timestamp(x) for x in use["period_end"]),
        quarter_values=tuple(float(v) for v in vals),
        known_from=tuple(pd.Timestamp(x) for x in use["known_from"]),
        rules=tuple(str(r) for r in use["known_rule"]),
    )


@validate_params(
    fundamentals=Frame("a fundamentals frame (Store.fundamentals)"),
    as_of=Date(),
    quarters=Integer(),
)
def trailing_eps(
    fundamentals: pd.DataFrame, as_of: str | pd.Timestamp, *, quarters: int = 4
) -> EarningsBasis:
    """Trailing diluted EPS known on ``as_of``: the sum of the last ``quarters`` (4) quarters.

    ``quarters`` 4 is the trailing twelve months; 2 gives the dynamic (x 2) and 1 the
    run-rate (x 4) annualisations.
    """
    by_n = {m[0]: k for k, m in METHODS.items()}
    if quarters not in by_n:
        raise InputError(f"quarters={quarters}: choose 4 (trailing), 2 (dynamic) or 1 (run rate)")
    return annual_figure(fundamentals, as_of, method=by_n[quarters])


@validate_params(
    close=Anything("closes (a pandas Series by date; checked in the body)"),
    as_of=Date(),
    what=Text(),
)
def close_on(
    close: pd.Series, as_of: pd.Timestamp, what: str = "close"
) -> tuple[pd.Timestamp, float]:
    """The last close on or before ``as_of`` (at most :data:`MAX_PRICE_LAG_DAYS` days older)."""
    if not isinstance(close, pd.Series) or not isinstance(close.index, pd.DatetimeIndex):
        raise InputError(f"{what} must be a pandas Series of closes indexed by date")
    s = close.astype(float).dropna().sort_index()
    s = s[s.index <= as_of]
    if s.empty or (as_of - s.index[-1]).days > MAX_PRICE_LAG_DAYS:
        raise InsufficientDataError(
            f"{what}: no close within {MAX_PRICE_LAG_DAYS} days up to {as_of.date()}"
        )
    return pd.Timestamp(s.index[-1]), float(s.iloc[-1])


@dataclasses.dataclass(frozen=True)
class PriceEarnings(Result):
    """A P/E as known on a date: close / annualised diluted EPS of the quarters known then."""

    symbol: str
    as_of: pd.Timestamp
    price: float
    price_date: pd.Timestamp
    basis: EarningsBasis
    pe: float
    currency: str = "USD"
    note: str = ""

    @property
    def eps(self) -> float:
        return self.basis.value

    @property
    def method(self) -> str:
        return self.basis.method

    @property
    def quarters(self) -> tuple[str, ...]:
        return self.basis.quarters

    @property
    def known_from(self) -> tuple[pd.Timestamp, ...]:
        return self.basis.known_from

    @property
    def rules(self) -> tuple[str, ...]:
        return self.basis.rules

    def summary(self) -> str:
        pe = f"{self.pe:.1f}" if np.isfinite(self.pe) else "n/a"
        head = (
            f"{self.symbol} P/E {pe} on {self.as_of.date()} ({self.method}): close "
            f"{self.price:,.2f} {self.currency} on {self.price_date.date()} / EPS "
            f"{self.eps:,.2f} {self.currency} ({self.basis.definition})"
        )
        body = self.basis.summary().splitlines()[1:]
        return "\n".join([head, *body, *([f"  note: {self.note}"] if self.note else [])])

    def to_frame(self) -> pd.DataFrame:
        return self.basis.to_frame()

    def plot(self) -> go.Figure:
        fig = self.basis.plot()
        fig.update_layout(title=f"{self.symbol} P/E {self.pe:.1f} on {self.as_of.date()}: EPS used")
        return fig

    def to_dict(self) -> dict[str, Any]:
        b = self.basis.to_dict()
        return {
            "symbol": self.symbol,
            "as_of": self.as_of,
            "method": self.method,
            "method_definition": self.basis.definition,
            "pe": self.pe,
            "price": self.price,
            "price_date": self.price_date,
            "currency": self.currency,
            "eps": self.eps,
            "eps_unit": f"{self.currency}/share",
            "quarters": b["quarters"],
            "note": self.note,
        }


@validate_params(
    fundamentals=Frame("a fundamentals frame (Store.fundamentals)"),
    close=Anything("closes (a pandas Series by date; checked in the body)"),
    as_of=Date(),
    method=Text(),
    symbol=[None, Text()],
    currency=Text(),
)
def price_earnings(
    fundamentals: pd.DataFrame,
    close: pd.Series,
    as_of: str | pd.Timestamp,
    *,
    method: str = "trailing",
    symbol: str | None = None,
    currency: str = "USD",
) -> PriceEarnings:
    """P/E on ``as_of``: the close that day (or the last before it) / the EPS known then.

    Parameters
    ----------
    fundamentals : DataFrame
        Long frame of one company (``Store.fundamentals(symbol)``) with ``eps_diluted`` rows.
    close : Series
        Closes indexed by date, on the same per-share basis as the EPS (split-adjusted).
    as_of : date
    method : {"trailing", "dynamic", "run_rate"}
        See :data:`METHODS`.
    symbol, currency : str
        Labels.

    Returns
    -------
    PriceEarnings
        ``pe`` is NaN (with a note) when the annualised EPS is not positive.

    Examples
    --------
    >>> f = pd.DataFrame({"fiscal_period": ["FY2025Q3", "FY2025Q4", "FY2026Q1", "FY2026Q2"],
    ...     "period_end": ["2024-10-27", "2025-01-26", "2025-04-27", "2025-07-27"],
    ...     "metric": "eps_diluted", "value": [0.78, 0.89, 0.76, 1.08],
    ...     "filed": ["2024-11-20", "2025-02-26", "2025-05-28", "2025-08-27"]})
    >>> px = pd.Series([198.69], index=pd.to_datetime(["2025-11-04"]))
    >>> round(price_earnings(f, px, "2025-11-04", symbol="NVDA").pe, 1)
    56.6
    """
    when = as_date(as_of, "as_of")
    sym = symbol_of(fundamentals, symbol)
    basis = annual_figure(fundamentals, when, method=method, metric="eps_diluted", symbol=sym)
    pdate, price = close_on(close, when, f"{sym} close")
    pe, note = (
        (price / basis.value, "")
        if basis.value > 0
        else (np.nan, "annualised EPS is not positive: P/E undefined")
    )
    return PriceEarnings(
        metadata=make_metadata(
            {"symbol": sym, "as_of": when, "method": method},
            data_vintage=max(pdate, basis.known_from[-1]).date().isoformat(),
        ),
        symbol=sym,
        as_of=when,
        price=price,
        price_date=pdate,
        basis=basis,
        pe=float(pe),
        currency=currency,
        note=note,
    )


@validate_params(
    fundamentals=Frame("a fundamentals frame (Store.fundamentals)"),
    close=Anything("closes (a pandas Series by date; checked in the body)"),
    method=Text(),
)
def pe_history(
    fundamentals: pd.DataFrame, close: pd.Series, *, method: str = "trailing"
) -> pd.Series:
    """Point-in-time P/E on every close date (NaN where the EPS is unknown or not positive).

    Each day uses the quarters known that day (the same rule as :func:`price_earnings`).

    Examples
    --------
    >>> f = pd.DataFrame({"period_end": ["2025-03-31", "2025-06-30"], "metric": "eps_diluted",
    ...     "value": [1.0, 2.0], "filed": ["2025-04-30", "2025-07-30"]})
    >>> px = pd.Series(40.0, index=pd.to_datetime(["2025-04-01", "2025-05-01", "2025-08-01"]))
    >>> pe_history(f, px, method="run_rate").tolist()
    [nan, 10.0, 5.0]
    """
    n, factor, _ = _method(method)
    if not isinstance(close, pd.Series) or not isinstance(close.index, pd.DatetimeIndex):
        raise InputError("close must be a pandas Series of closes indexed by date")
    px = close.astype(float).sort_index()
    rows = metric_frame(fundamentals, "eps_diluted")
    out = pd.Series(np.nan, index=px.index, name="pe")
    if rows.empty or px.empty:
        return out
    events = pd.DatetimeIndex(sorted(rows["known_from"].unique()))
    eps = np.full(len(events), np.nan)
    last_end = np.full(len(events), np.datetime64("NaT"), dtype="datetime64[ns]")
    for i, ev in enumerate(events):
        try:
            use = _basis_rows(rows, ev, n, "eps")
        except InsufficientDataError:
            continue
        eps[i] = float(use["value"].sum()) * factor
        last_end[i] = use["period_end"].iloc[-1].to_datetime64()
    k = events.searchsorted(px.index, side="right") - 1
    ok = k >= 0
    e = np.where(ok, eps[np.clip(k, 0, None)], np.nan)
    ends = np.where(ok, last_end[np.clip(k, 0, None)], np.datetime64("NaT"))
    fresh = (px.index.to_numpy() - ends) <= np.timedelta64(MAX_STALE_DAYS, "D")
    e = np.where(fresh & (e > 0), e, np.nan)
    out[:] = px.to_numpy() / e
    return out
