"""One scan row for one series: the analyses run in turn, every fault kept in the row.

:func:`run_series` never raises:

* too little data (:class:`~bubblewatch.errors.InsufficientDataError`, or an LPPLS scale
  longer than the series) is recorded as ``insufficient`` with its message, bad data
  (:class:`~bubblewatch.errors.InputError`) and any other exception as ``error`` (the
  exception's type and message), and the other analyses still run;
* ``timeout``: with a time limit, ``checkpoint(stage)`` is called before each analysis
  (and each LPPLS scale, and the wild-bootstrap p-value); a stage that would start after
  the limit is not run, and the row names the stage that was next. A kernel already
  running is not interrupted (on 1,000 sessions: PSY about 3 ms of CPU, one LPPLS scale at
  one date 15-140 ms, the status about 0.5 s).

Warnings raised while a series is analysed are kept in its ``notes`` column.
"""

from __future__ import annotations

import math
import time
import warnings
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.scan.analyses import Analysis, Columns, Context, PartialResult
from bubblewatch.validation import ArrayLike, Date, MappingOf, Real, Text, validate_params

__all__ = ["KEY_COLUMNS", "OUTCOMES", "RUN_COLUMNS", "SERIES_COLUMNS", "StageTimeout", "run_series"]

KEY_COLUMNS: Columns = (("symbol", "string"), ("fingerprint", "string"), ("param_hash", "string"))
SERIES_COLUMNS: Columns = (
    ("nobs", "int64"),
    ("missing", "int64"),
    ("first", "timestamp"),
    ("last", "timestamp"),
    ("outcome", "string"),
    ("error", "string"),
    ("notes", "string"),
)
#: how the row was computed: differ between runs and schedulers, never in the numbers
RUN_COLUMNS: Columns = (("elapsed_s", "float64"), ("attempts", "int64"), ("timeout_s", "float64"))

OUTCOMES = ("ok", "insufficient", "error", "timeout", "worker lost")


class StageTimeout(Exception):
    """Raised by a checkpoint when a stage would start after the series' time limit."""

    def __init__(self, stage: str, elapsed: float, limit: float) -> None:
        self.stage, self.elapsed, self.limit = stage, elapsed, limit
        super().__init__(f"time limit {limit:g} s reached after {elapsed:.2f} s, before {stage}")


def _clean_series(
    symbol: str, dates: np.ndarray, values: np.ndarray, volume: np.ndarray | None
) -> tuple[pd.Series, pd.Series | None, int]:
    """The closes to analyse (missing values dropped, counted) and their volumes."""
    s = pd.Series(values, index=pd.DatetimeIndex(dates, name="date"), dtype=float, name=symbol)
    vol = None if volume is None else pd.Series(volume, index=s.index, dtype=float, name="volume")
    missing = int(s.isna().sum())
    s = s.dropna()
    if not s.index.is_monotonic_increasing or s.index.has_duplicates:
        bad = np.flatnonzero(np.diff(s.index.asi8) <= 0)
        i = int(bad[0]) + 1
        raise InputError(
            f"dates must increase: {s.index[i].date()} follows {s.index[i - 1].date()} "
            "(sort the series and remove repeated dates)"
        )
    return s, (None if vol is None else vol.loc[s.index]), missing


def _message(exc: BaseException) -> str:
    if isinstance(exc, InputError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


@validate_params(
    symbol=Text(),
    dates=ArrayLike(what="dates"),
    values=ArrayLike(what="prices"),
    analyses=ArrayLike(what="a tuple of analyses"),
    timeout=[None, Real(min=0.0, min_open=True)],
    volume=[None, ArrayLike(what="volumes")],
    extras=[None, MappingOf("a mapping of the analyses' other inputs")],
    as_of=[None, Date()],
)
def run_series(
    symbol: str,
    dates: np.ndarray,
    values: np.ndarray,
    analyses: tuple[Analysis, ...],
    *,
    timeout: float | None = None,
    volume: np.ndarray | None = None,
    extras: dict[str, Any] | None = None,
    as_of: Any = None,
) -> dict[str, Any]:
    """One scan row for one series (never raises; see the module docstring).

    Examples
    --------
    >>> from bubblewatch.scan.analyses import PSYAnalysis
    >>> rng = np.random.default_rng(1)
    >>> idx = pd.bdate_range("2020-01-01", periods=300)
    >>> y = np.exp(np.cumsum(rng.normal(0, 0.01, 300)))
    >>> row = run_series("RW", idx.to_numpy(), y, (PSYAnalysis(),))
    >>> row["symbol"], row["nobs"], row["outcome"], row["error"]
    ('RW', 300, 'ok', None)
    """
    t0 = time.perf_counter()
    row: dict[str, Any] = {"symbol": symbol, "timeout_s": timeout, "attempts": 1}
    problems: list[tuple[str, str, str]] = []  # (kind, stage, message)
    notes: list[str] = []
    timed_out: StageTimeout | None = None
    vol = None
    try:
        s, vol, row["missing"] = _clean_series(symbol, dates, values, volume)
    except InputError as exc:
        s = None
        problems.append(("error", "series", str(exc)))
    if s is not None:
        row["nobs"] = int(s.shape[0])
        if s.shape[0]:
            row["first"], row["last"] = s.index[0], s.index[-1]

    def checkpoint(stage: str) -> None:
        elapsed = time.perf_counter() - t0
        if timeout is not None and elapsed > timeout:
            raise StageTimeout(stage, elapsed, timeout)

    context: Context = {"symbol": symbol, "volume": vol, "extras": extras or {}, "as_of": as_of}
    # the status runs first (order -1), so that the LPPLS analysis can reuse its signals
    for a in sorted(analyses, key=lambda a: getattr(a, "order", 0)) if s is not None else ():
        err_col = f"{a.name}_error"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                checkpoint(a.name)
                row.update(a.run(s, checkpoint, context))
            except StageTimeout as exc:
                timed_out = exc
            except PartialResult as exc:
                row.update(exc.values)
                problems.extend(exc.problems)
            except InsufficientDataError as exc:
                row[err_col] = str(exc)
                problems.append(("insufficient", a.name, str(exc)))
            except Exception as exc:  # an analysis' failure is this series' row, not the scan's
                row[err_col] = _message(exc)
                problems.append(("error", a.name, _message(exc)))
        notes.extend(f"{a.name}: {w.message}" for w in caught)
        if timed_out is not None:
            break
    if timed_out is not None:
        row["outcome"] = "timeout"
        problems.insert(0, ("timeout", "timeout", str(timed_out)))
    elif any(k == "error" for k, *_ in problems):
        row["outcome"] = "error"
    elif problems:
        row["outcome"] = "insufficient"
    else:
        row["outcome"] = "ok"
    # name the stage unless the row has one analysis and the problem is that analysis'
    single = analyses[0].name if len(analyses) == 1 else None
    row["error"] = "; ".join(m if st == single else f"{st}: {m}" for _, st, m in problems) or None
    row["notes"] = "; ".join(dict.fromkeys(notes)) or None
    row["elapsed_s"] = time.perf_counter() - t0
    return {k: None if v is pd.NaT else v for k, v in row.items()}


def lost_row(symbol: str, message: str, attempts: int, timeout: float | None) -> dict[str, Any]:
    """The row of a series whose worker died on every attempt."""
    return {
        "symbol": symbol,
        "outcome": "worker lost",
        "error": message,
        "attempts": attempts,
        "timeout_s": timeout,
        "elapsed_s": math.nan,
    }
