"""One resolver turns a SOURCE argument (a CSV/Parquet path or a symbol in the store) into a Series.

Every command uses it, so ``psy``, ``lppls``, ``market`` and ``report`` read data the same way.
:func:`resolve_history` joins the pieces the store holds for one instrument (``AVGO_LONG``
from 2010 and ``AVGO`` for the last year, or the NASDAQ Composite's three files) into one
long analysis series by one documented rule (:func:`join_history`), naming the join dates,
both sources and any gap: the status, the report, ``psy`` and ``lppls`` all read it.
"""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.data.csv_reader import normalise_column, read_raw_table
from bubblewatch.data.store import NUMERIC_PRICE_COLUMNS, Store
from bubblewatch.errors import DataFileError, InputError, NotFoundError
from bubblewatch.series import iso_date

__all__ = [
    "HISTORY_CHAINS",
    "HistoryGap",
    "HistoryPiece",
    "ResolvedHistory",
    "history_symbols",
    "join_history",
    "read_series_file",
    "resolve_history",
    "resolve_series",
    "resolve_source",
]


def read_series_file(
    path: str | Path, column: str = "close", *, keep_missing: bool = False
) -> pd.Series:
    """Read ``date`` and ``column`` from a CSV or Parquet file into a float Series.

    A file with a ``date`` column and a single other column uses that column whatever
    its name (``date,value`` files). The file is checked like an import (see
    :mod:`bubblewatch.data.csv_reader`): bad dates, text in the column, duplicate dates
    raise :class:`~bubblewatch.errors.DataFileError` naming the line. Blank cells are
    dropped; rows are returned in date order.
    """
    p = Path(path)
    raw = read_raw_table(p)
    cols = list(raw.frame.columns)
    if "date" not in cols:
        raise DataFileError(
            p, "missing required column", line=1, column="date", expected="a 'date' column"
        )
    others = [c for c in cols if c != "date"]
    want = normalise_column(column)
    if want in cols:
        col = want
    elif len(others) == 1:
        col = others[0]
    else:
        raise DataFileError(
            p,
            "missing required column",
            line=1,
            column=column,
            expected="one of the columns "
            + ", ".join(raw.original[c] for c in others)
            + " (use --column)",
        )
    dates = raw.dates("date")
    dup = dates.duplicated()
    if dup.any():
        i = int(np.argmax(dup))
        raise raw.error(
            "duplicate date",
            row=i,
            column="date",
            value=raw.text("date").iloc[i],
            expected="each date once",
        )
    values = raw.numbers(col, what="a number")
    s = pd.Series(values, index=pd.DatetimeIndex(dates, name="date"), name=p.stem)
    s = s.sort_index()
    return s if keep_missing else s.dropna()


def resolve_series(
    source: str | Path,
    *,
    column: str = "close",
    store: Store | str | Path | None = None,
    keep_missing: bool = False,
) -> pd.Series:
    """Turn SOURCE (an existing CSV/Parquet file, else a symbol in the store) into a Series.

    Parameters
    ----------
    source : str or Path
        A file path with a ``date`` column, or a symbol/series name in the store.
    column : str
        Price column for price series (ignored for FX and macro series).
    store : Store, path or None
        The store to look the symbol up in (when None: the default store, or the embedded
        default data while it is absent or empty; see
        :func:`~bubblewatch.data.default_data.open_reader`).
    keep_missing : bool
        For a file, keep rows whose value is blank or NaN (as NaN) instead of dropping
        them (see :func:`read_series_file`); store series have no missing values.
    """
    p = Path(source)
    if p.suffix.lower() in {".csv", ".parquet", ".gz"} or p.exists():
        if not p.exists():
            raise NotFoundError(f"file {p} does not exist")
        return read_series_file(p, column, keep_missing=keep_missing)
    if isinstance(store, Store):
        return store.series(str(source), column)
    from bubblewatch.data.default_data import open_reader

    try:
        st = open_reader(store)
    except NotFoundError as exc:
        raise NotFoundError(
            f"'{source}' is neither a file nor a symbol in the store: {exc}"
        ) from exc
    with st:
        return st.series(str(source), column)


# --------------------------------------------------------------------------------------
# Long histories: one analysis series from the pieces the store holds for one instrument
# --------------------------------------------------------------------------------------

#: explicit chains for instruments whose history the shared data split over differently
#: named files (oldest first); a chain member missing from the store is named, not fatal
#: (``^IXIC``/``^GSPC``: the embedded default data's 1999-2018 histories, used when the shared
#: files are absent, and never reported missing)
HISTORY_CHAINS: dict[str, tuple[str, ...]] = {
    "NASDAQ_COMPOSITE": (
        "NASDAQ_COMPOSITE_1971_2020",
        "^IXIC",
        "NASDAQCOM_fred_1971_2024",
        "NASDAQ_COMPOSITE_2025_2026",
    ),
    "SP500": ("SP500_1927_2020", "^GSPC", "SP500_fred_2016_2026", "SP500_2025_2026"),
}
#: sessions of the overlap (the last ones before the join) compared after rebasing
OVERLAP_SESSIONS = 63
#: largest |log difference| allowed on those sessions after rebasing (1%)
OVERLAP_TOLERANCE = 0.01
#: more missing business days than this between two pieces is a gap (stated, not bridged)
GAP_BUSINESS_DAYS = 3

_YEARS_SUFFIX = re.compile(r"^(?P<base>.+)_(?P<a>\d{4})_(?P<b>\d{4})$")


@dataclasses.dataclass(frozen=True)
class HistoryPiece:
    """One stored series used (or not) in a :class:`ResolvedHistory`."""

    symbol: str
    source: str
    first: pd.Timestamp
    last: pd.Timestamp
    used_from: pd.Timestamp | None
    used_to: pd.Timestamp | None
    factor: float
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "source": self.source,
            "first": _iso(self.first),
            "last": _iso(self.last),
            "used_from": _iso(self.used_from),
            "used_to": _iso(self.used_to),
            "factor": self.factor,
            "note": self.note,
        }


@dataclasses.dataclass(frozen=True)
class HistoryGap:
    """Dates between two pieces that no stored series covers (stepped across, not filled)."""

    after: pd.Timestamp
    before: pd.Timestamp
    business_days: int

    def describe(self) -> str:
        return (
            f"gap {_iso(self.after)}..{_iso(self.before)} ({self.business_days} business days "
            "without data; returns step across it)"
        )


@dataclasses.dataclass(frozen=True)
class ResolvedHistory:
    """The analysis series of one instrument and how it was built (see :func:`resolve_history`).

    ``close`` holds adjusted closes (or the closes of series without an adjusted close),
    ``volume`` the volume of the same rows (NaN where the source has none).
    """

    name: str
    close: pd.Series
    volume: pd.Series
    pieces: tuple[HistoryPiece, ...]
    gaps: tuple[HistoryGap, ...]
    column: str
    missing: tuple[str, ...] = ()
    frames: tuple[tuple[str, pd.DataFrame, str], ...] = dataclasses.field(
        default=(), repr=False, compare=False
    )
    ordered: bool = False

    @property
    def used(self) -> tuple[HistoryPiece, ...]:
        return tuple(p for p in self.pieces if p.used_from is not None)

    @property
    def joined(self) -> bool:
        return len(self.used) > 1

    def frame(self) -> pd.DataFrame:
        """``close`` and ``volume`` as one frame indexed by date."""
        return pd.DataFrame({"close": self.close, "volume": self.volume})

    def until(self, as_of: Any) -> ResolvedHistory:
        """The history as a store holding only the rows dated on or before ``as_of`` would
        give it: the pieces cut at that date and joined again by the same rule (pieces that
        start later are left out), so the provenance never mentions later data."""
        try:
            when = pd.Timestamp(as_of)
        except (TypeError, ValueError) as exc:
            raise InputError(f"cannot read the date {as_of!r}; use YYYY-MM-DD") from exc
        cut = [(sym, f[f.index <= when], src) for sym, f, src in self.frames]
        cut = [c for c in cut if len(c[1])]
        if not cut:
            raise NotFoundError(f"{self.name}: no data on or before {when.date()}")
        hist = join_history(cut, name=self.name, column=self.column, ordered=self.ordered)
        return dataclasses.replace(hist, missing=self.missing)

    def describe(self) -> str:
        """One line naming the sources, the join dates and factors, and any gap."""
        used = self.used
        if not used:
            return f"{self.name}: no data"
        parts = []
        for i, p in enumerate(used):
            span = f"{_iso(p.used_from)}..{_iso(p.used_to)}"
            text = f"{p.symbol} {span}"
            if i:
                text += f" ({p.note})"
            parts.append(text)
        text = f"{self.name} = " + " + ".join(parts) + f" [{self.column}]"
        if self.gaps:
            text += "; " + "; ".join(g.describe() for g in self.gaps)
        unused = [p for p in self.pieces if p.used_from is None]
        if unused:
            text += "; not used: " + ", ".join(f"{p.symbol} ({p.note})" for p in unused)
        if self.missing:
            text += "; not in the store: " + ", ".join(self.missing)
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "column": self.column,
            "first": _iso(self.close.index[0]) if len(self.close) else None,
            "last": _iso(self.close.index[-1]) if len(self.close) else None,
            "rows": len(self.close),
            "pieces": [p.to_dict() for p in self.pieces],
            "gaps": [
                {"after": _iso(g.after), "before": _iso(g.before), "business_days": g.business_days}
                for g in self.gaps
            ],
            "missing": list(self.missing),
            "description": self.describe(),
        }


def _iso(ts: Any) -> str | None:
    return None if ts is None else str(iso_date(pd.Timestamp(ts).normalize()))


def history_symbols(symbol: str, available: Any) -> tuple[list[str], list[str]]:
    """The store symbols making up ``symbol``'s history, and the chain members missing.

    The rule: an explicit :data:`HISTORY_CHAINS` entry; else ``symbol`` itself plus
    ``symbol_LONG`` and ``symbol_YYYY_YYYY`` when the store holds them (names compared
    ignoring case: the importer upper-cases symbols).

    Examples
    --------
    >>> history_symbols("AMD", {"AMD", "AMD_LONG", "AMDX"})
    (['AMD_LONG', 'AMD'], [])
    >>> history_symbols("SP500", {"SP500_1927_2020", "SP500_2025_2026"})
    (['SP500_1927_2020', 'SP500_2025_2026'], ['SP500_fred_2016_2026'])
    """
    by_upper: dict[str, str] = {}
    for name in available:
        by_upper.setdefault(str(name).upper(), str(name))
    key = symbol.upper()
    chain = next((v for k, v in HISTORY_CHAINS.items() if k.upper() == key), None)
    if chain is not None:
        return (
            [by_upper[s.upper()] for s in chain if s.upper() in by_upper],
            [s for s in chain if s.upper() not in by_upper and not s.startswith("^")],
        )
    out = [by_upper[f"{key}_LONG"]] if f"{key}_LONG" in by_upper else []
    out += sorted(
        actual
        for up, actual in by_upper.items()
        if (m := _YEARS_SUFFIX.match(up)) is not None and m.group("base") == key
    )
    if key in by_upper:
        out.append(by_upper[key])
    return out, []


def _piece_frame(store: Store, symbol: str, column: str) -> tuple[pd.DataFrame, str]:

    df = store.prices(symbol)
    choose = f"choose one of {', '.join(NUMERIC_PRICE_COLUMNS)}"
    if column not in df.columns:
        raise NotFoundError(f"{symbol} has no column '{column}'; {choose}")
    if column not in NUMERIC_PRICE_COLUMNS:
        raise InputError(f"column '{column}' of {symbol} holds text, not prices; {choose}")
    if column == "adj_close":
        close = df["adj_close"].astype(float).where(df["adj_close"].notna(), df["close"])
    else:
        close = df[column].astype(float)
    out = pd.DataFrame({"close": close, "volume": df["volume"].astype(float)}).dropna(
        subset=["close"]
    )
    sources = df["source"].dropna()
    return out, (str(sources.iloc[-1]) if len(sources) else "")


def join_history(
    pieces: list[tuple[str, pd.DataFrame, str]],
    *,
    name: str,
    column: str = "adj_close",
    ordered: bool = False,
) -> ResolvedHistory:
    """Join ``(symbol, frame with close/volume, source)`` pieces into one history.

    The rule (documented in ``docs/status.md``):

    1. pieces are taken in order of their first date (on a tie, in the given order:
       ``X_LONG``, ``X_YYYY_YYYY``, ``X``), or in the given order with ``ordered=True`` (the
       explicit :data:`HISTORY_CHAINS`);
    2. a later piece adds only the dates after the joined series' last date, so earlier
       data take precedence and the history up to a date never changes when newer pieces
       arrive (a status computed on a store truncated at that date is the same);
    3. when the piece overlaps the joined series, its closes are rebased by the ratio of
       the two closes on the last common date, and the last :data:`OVERLAP_SESSIONS` common
       sessions must agree within :data:`OVERLAP_TOLERANCE` (in log) after rebasing, else a
       ``InputError`` names both sources and the deviation;
    4. without an overlap the closes are not rebased; more than :data:`GAP_BUSINESS_DAYS`
       missing business days between the pieces is a :class:`HistoryGap`, stated in every
       output and never filled.

    Examples
    --------
    >>> idx = pd.bdate_range("2024-01-01", periods=6)
    >>> old = pd.DataFrame({"close": [1.0, 2, 3, 4, 5, 6], "volume": 1.0}, index=idx)
    >>> new = pd.DataFrame({"close": [20.0, 24, 26], "volume": 2.0}, index=idx[4:].append(
    ...     pd.DatetimeIndex(["2024-01-09"])))
    >>> h = join_history([("X_LONG", old, "a"), ("X", new, "b")], name="X")
    >>> h.close.tolist()
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 6.5]
    """
    if not pieces:
        raise NotFoundError(f"no stored series for '{name}'")
    order = list(pieces) if ordered else sorted(pieces, key=lambda p: p[1].index[0])
    sym0, f0, src0 = order[0]
    close = f0["close"].astype(float)
    volume = f0["volume"].astype(float)
    done = [HistoryPiece(sym0, src0, f0.index[0], f0.index[-1], f0.index[0], f0.index[-1], 1.0, "")]
    gaps: list[HistoryGap] = []
    for sym, frame, src in order[1:]:
        last = close.index[-1]
        new = frame[frame.index > last]
        if new.empty:
            done.append(
                HistoryPiece(
                    sym, src, frame.index[0], frame.index[-1], None, None, math.nan,
                    f"inside the span of {done[0].symbol}",
                )
            )  # fmt: skip
            continue
        common = close.index.intersection(frame.index)
        if len(common):
            j = common[-1]
            factor = float(close[j] / frame["close"][j])
            check = common[-OVERLAP_SESSIONS:]
            dev = np.abs(
                np.log(close[check].to_numpy() / (frame["close"][check].to_numpy() * factor))
            )
            worst = float(dev.max())
            if not worst <= OVERLAP_TOLERANCE:
                at = check[int(np.argmax(dev))]
                raise InputError(
                    f"{name}: {sym} ({src}) and the history before it ({done[-1].symbol}, "
                    f"{done[-1].source}) disagree by {worst:.2%} on {_iso(at)} after rebasing on "
                    f"{_iso(j)} (tolerance {OVERLAP_TOLERANCE:.0%} over the last "
                    f"{len(check)} common sessions); check the sources or analyse one of them "
                    "alone"
                )
            note = (
                f"joined {_iso(new.index[0])}, rebased x{factor:.6g} on {_iso(j)}; "
                f"{len(common)} common sessions, the last {len(check)} within {worst:.3%}"
            )
        else:
            factor = 1.0
            missing_days = len(
                pd.bdate_range(last + pd.Timedelta(days=1), new.index[0] - pd.Timedelta(days=1))
            )
            note = f"joined {_iso(new.index[0])} without overlap (not rebased)"
            if missing_days > GAP_BUSINESS_DAYS:
                gaps.append(HistoryGap(last, new.index[0], missing_days))
                note += f" after a gap of {missing_days} business days"
        close = pd.concat([close, new["close"] * factor])
        volume = pd.concat([volume, new["volume"]])
        done.append(
            HistoryPiece(
                sym, src, frame.index[0], frame.index[-1], new.index[0], new.index[-1], factor, note
            )
        )
    close.name = name
    volume.name = "volume"
    close.index.name = volume.index.name = "date"
    return ResolvedHistory(
        name=name,
        close=close,
        volume=volume,
        pieces=tuple(done),
        gaps=tuple(gaps),
        column=column,
        frames=tuple(pieces),
        ordered=ordered,
    )


def resolve_history(store: Store, symbol: str, *, column: str = "adj_close") -> ResolvedHistory:
    """The long analysis history of ``symbol``: its stored pieces joined by one rule.

    The pieces are ``symbol_LONG``, ``symbol_YYYY_YYYY`` and ``symbol`` itself (or an
    explicit :data:`HISTORY_CHAINS` entry such as ``NASDAQ_COMPOSITE``), joined by
    :func:`join_history` on adjusted closes (``column="adj_close"``: the adjusted close, or
    the close where a source has none). ``psy``, ``lppls``, the status and the report all
    read store symbols through this function, and every output names
    :meth:`ResolvedHistory.describe`.

    Raises
    ------
    NotFoundError
        No stored prices under any of the names.
    InputError
        Two overlapping pieces disagree after rebasing.
    """
    names = store.query("SELECT symbol FROM series WHERE tbl = 'prices'")["symbol"].tolist()
    symbols, missing = history_symbols(symbol, names)
    if not symbols:
        raise NotFoundError(store._missing_message(symbol, "prices"))
    pieces = []
    for s in symbols:
        frame, src = _piece_frame(store, s, column)
        if len(frame):
            pieces.append((s, frame, src))
    if not pieces:
        raise NotFoundError(f"no {column} values for '{symbol}' in the store {store.path}")
    name = next((s for s in symbols if s.upper() == symbol.upper()), symbol)
    chained = any(k.upper() == symbol.upper() for k in HISTORY_CHAINS)
    hist = join_history(pieces, name=name, column=column, ordered=chained)
    return dataclasses.replace(hist, missing=tuple(missing))


def resolve_source(
    source: str | Path,
    *,
    column: str | None = None,
    store: Store | str | Path | None = None,
    keep_missing: bool = False,
) -> tuple[pd.Series, ResolvedHistory | None]:
    """SOURCE as ``psy`` and ``lppls`` read it: a file's ``column`` (default ``close``), or a
    store symbol's long history (:func:`resolve_history`, default adjusted closes) with its
    provenance (None for a file)."""
    p = Path(source)
    if p.suffix.lower() in {".csv", ".parquet", ".gz"} or p.exists():
        s = resolve_series(p, column=column or "close", keep_missing=keep_missing)
        return s, None
    if isinstance(store, Store):
        hist = resolve_history(store, str(source), column=column or "adj_close")
        return hist.close, hist
    from bubblewatch.data.default_data import open_reader

    try:
        # as every reading command: the default store, or the embedded default data while
        # that is absent or empty (a fresh clone's `bubblewatch psy NVDA` works)
        st = open_reader(store)
    except NotFoundError as exc:
        raise NotFoundError(
            f"'{source}' is neither a file nor a symbol in the store: {exc}"
        ) from exc
    with st:
        hist = resolve_history(st, str(source), column=column or "adj_close")
    return hist.close, hist
