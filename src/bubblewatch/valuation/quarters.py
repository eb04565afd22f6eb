"""Quarterly company fundamentals as frames: the checked long frame, when each figure became
known, and the pairing of fiscal quarters with calendar quarters.

The long frame is what ``Store.fundamentals(symbol)`` returns (and what the SEC provider and
the importer write): one row per (period end, metric) with columns ``period_end``, ``metric``
and ``value`` (required) and optionally ``symbol``, ``fiscal_period`` (``FY2026Q3``),
``unit``, ``form`` (``10-Q``/``10-K``), ``filed`` (filing date), ``source``, ``note`` and
``warning``. Metrics (see :data:`METRICS`): ``revenue``, ``net_income``, ``eps_diluted``,
``operating_cash_flow``, ``capex`` (a positive outflow), ``shares_diluted_weighted``,
``shares_outstanding``.

Point in time
-------------
A quarter counts from its filing date (the earliest ``filed`` among the quarter's rows: every
metric of a quarter is published in the same report). When no filing date is known it counts
from the period end plus 45 days for a 10-Q or 60 days for a 10-K (the SEC deadlines of large
accelerated filers [1]_), and the rule is stated with every figure that uses it. The form is
the ``form`` column when given, else ``10-K`` for a fiscal fourth quarter and ``10-Q``
otherwise.

References
----------
.. [1] U.S. Securities and Exchange Commission, Form 10-Q General Instructions A.1 and Form
       10-K General Instructions A.(2): periodic report deadlines (40/45 and 60/75/90 days).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np
import pandas as pd

from bubblewatch.data.schema import DEFAULT_UNITS, FUNDAMENTAL_METRICS
from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.validation import Anything, Date, Frame, Integer, Text, validate_params

__all__ = [
    "FILING_LAG_DAYS",
    "METRICS",
    "YearOnYear",
    "calendar_quarter",
    "check_fundamentals",
    "check_group",
    "known_dates",
    "metric_frame",
    "parse_quarter",
    "year_on_year",
]

#: metric -> unit of its values (USD by default; the frame's ``unit`` column may say otherwise)
METRICS: dict[str, str] = {m: DEFAULT_UNITS[k] for m, k in FUNDAMENTAL_METRICS.items()}
#: days after the period end before a figure without a filing date counts as known
FILING_LAG_DAYS: dict[str, int] = {"10-Q": 45, "10-K": 60}
_OPTIONAL = ("symbol", "fiscal_period", "unit", "form", "filed", "source", "note", "warning")


@validate_params(
    frame=Anything("a fundamentals frame (checked in the body)"),
    what=Text(),
)
def check_fundamentals(frame: pd.DataFrame, what: str = "fundamentals") -> pd.DataFrame:
    """A checked, normalised copy of a long fundamentals frame (one company).

    Raises
    ------
    InputError
        Not a DataFrame, a required column missing, more than one symbol, a period end that
        is not a date, a value that is not a number, or a (period end, metric) given twice.

    Examples
    --------
    >>> f = check_fundamentals(pd.DataFrame({"period_end": ["2025-10-26"],
    ...     "metric": ["eps_diluted"], "value": [1.30]}))
    >>> list(f.columns)[:4], str(f["period_end"].dtype)
    (['period_end', 'metric', 'value', 'symbol'], 'datetime64[ns]')
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"{what} must be a DataFrame with columns period_end, metric, value "
            f"(as returned by Store.fundamentals); got {type(frame).__name__}"
        )
    missing = [c for c in ("period_end", "metric", "value") if c not in frame.columns]
    if missing:
        raise InputError(
            f"{what}: missing column(s) {', '.join(missing)}; expected the long frame of "
            "Store.fundamentals (period_end, metric, value, ...)"
        )
    df = frame.reset_index(drop=True).copy()
    for c in _OPTIONAL:
        if c not in df.columns:
            df[c] = None
    try:
        df["period_end"] = pd.to_datetime(df["period_end"]).astype("datetime64[ns]")
        df["filed"] = pd.to_datetime(df["filed"]).astype("datetime64[ns]")
    except (ValueError, TypeError) as exc:
        raise InputError(f"{what}: period_end and filed must be dates ({exc})") from exc
    if df["period_end"].isna().any():
        raise InputError(f"{what}: a row has no period_end")
    try:
        df["value"] = pd.to_numeric(df["value"]).astype(float)
    except (ValueError, TypeError) as exc:
        raise InputError(f"{what}: value must be numbers ({exc})") from exc
    syms = pd.unique(df["symbol"].dropna())
    if len(syms) > 1:
        raise InputError(
            f"{what}: one company per frame; got {', '.join(map(str, syms))} "
            "(pass a mapping symbol -> frame for a group)"
        )
    dup = df.duplicated(["period_end", "metric"], keep=False)
    if dup.any():
        r = df[dup].iloc[0]
        raise InputError(
            f"{what}: {r['metric']} for the period ending {r['period_end'].date()} is given "
            "twice; keep one row per (period_end, metric)"
        )
    return df.sort_values(["period_end", "metric"]).reset_index(drop=True)


@validate_params(
    fundamentals=Anything("a mapping symbol -> fundamentals frame (checked in the body)"),
    what=Text(),
)
def check_group(
    fundamentals: Mapping[str, pd.DataFrame], what: str = "fundamentals"
) -> dict[str, pd.DataFrame]:
    """Check a mapping ``symbol -> long frame`` (a group of companies)."""
    if not isinstance(fundamentals, Mapping) or not fundamentals:
        raise InputError(f"{what} must be a non-empty mapping symbol -> fundamentals frame")
    return {
        str(sym): check_fundamentals(df, f"{what} of {sym}") for sym, df in fundamentals.items()
    }


def _form(df: pd.DataFrame) -> pd.Series:
    form = df["form"].astype(object).where(df["form"].notna(), None)
    fp = df["fiscal_period"].astype(object).fillna("").astype(str)
    guess = np.where(fp.str.upper().str.endswith("Q4"), "10-K", "10-Q")
    out = form.where(form.notna(), pd.Series(guess, index=df.index))
    return out.astype(str).str.upper().str.replace(r"/A$", "", regex=True)


@validate_params(
    frame=Frame("a fundamentals frame"),
)
def known_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame plus ``known_from`` (date a figure counts as known) and ``known_rule``.

    A quarter's filing date is the earliest ``filed`` among its rows; without one the period
    end + 45 days (10-Q) or + 60 days (10-K) is used (see the module notes).

    Examples
    --------
    >>> f = pd.DataFrame({"fiscal_period": ["FY2026Q2", "FY2026Q3", "FY2026Q3"],
    ...     "period_end": ["2025-07-27", "2025-10-26", "2025-10-26"],
    ...     "metric": ["eps_diluted", "eps_diluted", "revenue"], "value": [1.08, 1.30, 57.0e9],
    ...     "filed": [None, None, "2025-11-19"]})
    >>> k = known_dates(f)
    >>> [d.date().isoformat() for d in k["known_from"]]
    ['2025-09-10', '2025-11-19', '2025-11-19']
    >>> k["known_rule"].iloc[0]
    'period end 2025-07-27 + 45 days (10-Q; filing date unknown)'
    """
    df = check_fundamentals(frame)
    form = _form(df)
    quarter_filed = df.groupby("period_end")["filed"].transform("min")
    lag = form.map(FILING_LAG_DAYS).fillna(FILING_LAG_DAYS["10-Q"]).astype(int)
    fallback = df["period_end"] + pd.to_timedelta(lag, unit="D")
    has = quarter_filed.notna()
    df["form"] = form
    df["known_from"] = quarter_filed.where(has, fallback).astype("datetime64[ns]")
    rule_filed = "filed " + quarter_filed.dt.strftime("%Y-%m-%d").fillna("") + " (" + form + ")"
    rule_lag = (
        "period end "
        + df["period_end"].dt.strftime("%Y-%m-%d")
        + " + "
        + lag.astype(str)
        + " days ("
        + form
        + "; filing date unknown)"
    )
    df["known_rule"] = rule_filed.where(has, rule_lag)
    return df


@validate_params(
    frame=Frame("a fundamentals frame"),
    metric=Text(),
)
def metric_frame(frame: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The rows of one metric with their known dates, sorted by period end (may be empty)."""
    df = known_dates(frame)
    return df[(df["metric"] == metric) & df["value"].notna()].reset_index(drop=True)


@validate_params(
    period_end=Date(),
)
def calendar_quarter(period_end: pd.Timestamp | str) -> pd.Period:
    """The calendar quarter whose last day is nearest to a fiscal period end.

    Pairs fiscal quarters of companies with different year ends: NVDA's quarter ending
    2025-01-26 and Oracle's ending 2024-11-30 both pair with 2024Q4.

    Examples
    --------
    >>> [str(calendar_quarter(d)) for d in ("2025-01-26", "2024-11-30", "2024-12-28", "2025-06-30")]
    ['2024Q4', '2024Q4', '2024Q4', '2025Q2']
    """
    ts = pd.Timestamp(period_end)
    q = ts.to_period("Q")
    best = min((q - 1, q, q + 1), key=lambda p: abs((p.end_time.normalize() - ts.normalize()).days))
    return best


@validate_params(
    text=Text(),
    what=Text(),
)
def parse_quarter(text: str, what: str = "quarter") -> pd.Period:
    """A calendar quarter from ``2024Q4``, ``2024-Q4`` or ``2024q4``.

    >>> str(parse_quarter("2024-Q4"))
    '2024Q4'
    """
    s = str(text).strip().upper().replace("-", "")
    try:
        if len(s) != 6 or s[4] != "Q" or s[5] not in "1234":
            raise ValueError(s)
        return pd.Period(s, freq="Q")
    except ValueError as exc:
        raise InputError(
            f"{what}: cannot read {text!r} as a calendar quarter; write it as YYYYQn, e.g. 2024Q4"
        ) from exc


@dataclasses.dataclass(frozen=True)
class YearOnYear:
    """A quarter's figure against the same fiscal quarter a year earlier."""

    metric: str
    period_end: pd.Timestamp
    fiscal_period: str | None
    value: float
    prior_period_end: pd.Timestamp
    prior_fiscal_period: str | None
    prior_value: float

    @property
    def growth(self) -> float:
        """value / prior value - 1 (a fraction; NaN when the prior value is not positive)."""
        return self.value / self.prior_value - 1 if self.prior_value > 0 else float("nan")


@validate_params(
    frame=Frame("a fundamentals frame"),
    metric=Text(),
    period_end=Date(),
    slack_days=Integer(min=0),
)
def year_on_year(
    frame: pd.DataFrame, metric: str, period_end: str | pd.Timestamp, *, slack_days: int = 10
) -> YearOnYear:
    """``metric`` for the quarter ending about ``period_end`` and the quarter a year before.

    Quarters match within ``slack_days`` (fiscal calendars of 52/53 weeks move the period end
    by a few days from year to year).

    Examples
    --------
    >>> f = pd.DataFrame({"period_end": ["2024-10-27", "2025-10-26"], "metric": "revenue",
    ...     "value": [35.082e9, 57.006e9]})
    >>> round(year_on_year(f, "revenue", "2025-10-26").growth * 100, 1)
    62.5
    """
    rows = metric_frame(frame, metric)
    target = pd.Timestamp(period_end)

    def pick(when: pd.Timestamp) -> pd.Series:
        near = rows[(rows["period_end"] - when).abs() <= pd.Timedelta(days=slack_days)]
        if near.empty:
            have = ", ".join(d.date().isoformat() for d in rows["period_end"]) or "none"
            raise InsufficientDataError(
                f"no {metric} for the quarter ending about {when.date()} (have: {have})"
            )
        return near.iloc[-1]

    now = pick(target)
    before = pick(pd.Timestamp(now["period_end"]) - pd.DateOffset(years=1))
    return YearOnYear(
        metric=metric,
        period_end=pd.Timestamp(now["period_end"]),
        fiscal_period=now["fiscal_period"],
        value=float(now["value"]),
        prior_period_end=pd.Timestamp(before["period_end"]),
        prior_fiscal_period=before["fiscal_period"],
        prior_value=float(before["value"]),
    )
