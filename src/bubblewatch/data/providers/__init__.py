"""Online data providers (optional): Yahoo Finance daily bars, FRED series and SEC company
facts (quarterly fundamentals), cached in the store.

``fetch(store, "yahoo", ["NVDA"], start, end)`` downloads, validates and writes the series
(source ``yahoo:NVDA`` / ``fred:DGS10``) in one transaction, and records the fetched date
window in the series catalogue (``notes``) so that ``offline=True`` can tell whether the
cache covers a request. A provider never returns an empty success: no network, an HTTP
error, an empty or malformed answer all raise :class:`~bubblewatch.errors.ProviderError`.

All network access goes through :func:`http_get` (tests replace it with recorded answers);
setting ``BUBBLEWATCH_OFFLINE=1`` makes it refuse to connect.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from bubblewatch.data.providers.http import USER_AGENT, HttpGet, http_get
from bubblewatch.errors import InputError, NotFoundError, ProviderError

if TYPE_CHECKING:  # pragma: no cover
    from bubblewatch.data.store import Store

__all__ = [
    "PROVIDERS",
    "USER_AGENT",
    "Fetched",
    "ProviderSpec",
    "cached_windows",
    "fetch",
    "http_get",
    "parse_date",
]


def parse_date(value: str | _dt.date | pd.Timestamp | None, what: str) -> pd.Timestamp:
    """Parse a YYYY-MM-DD argument (``what`` names it in the error)."""
    if value is None:
        raise InputError(f"{what} is required (YYYY-MM-DD)")
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise InputError(f"{what}: unparsable date {value!r} (expected YYYY-MM-DD)") from exc
    if pd.isna(ts):
        raise InputError(f"{what}: unparsable date {value!r} (expected YYYY-MM-DD)")
    return ts.normalize()


@dataclasses.dataclass(frozen=True)
class ProviderSpec:
    """A provider: how to download one name, where it is stored, and its source prefix.

    ``download(name, start, end, get)`` returns ``(frame, kind, currency)``: a price frame for
    the ``prices`` table or a ``date, value`` frame for ``macro``; ``get`` is the HTTP getter
    (:func:`http_get`, looked up here at call time so that tests can replace it).
    """

    name: str
    table: str
    download: Callable[
        [str, pd.Timestamp, pd.Timestamp, HttpGet], tuple[pd.DataFrame, str, str | None]
    ]
    #: calendar days a cached window may miss at either end (weekends, holidays, periodicity)
    slack_days: int = 5

    def source(self, name: str) -> str:
        return f"{self.name}:{name}"


def _providers() -> dict[str, ProviderSpec]:
    from bubblewatch.data.providers import fred, yahoo

    return {
        "yahoo": ProviderSpec("yahoo", "prices", yahoo.download),
        "fred": ProviderSpec("fred", "macro", fred.download, slack_days=5),
    }


PROVIDERS: tuple[str, ...] = ("yahoo", "fred", "sec")


@dataclasses.dataclass(frozen=True)
class Fetched:
    """One fetched (or cache-read) series."""

    provider: str
    symbol: str
    rows: int
    first: str
    last: str
    source: str
    from_cache: bool

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _windows_from_notes(notes: str | None) -> list[tuple[str, str]]:
    if not notes:
        return []
    try:
        doc = json.loads(notes)
    except ValueError:
        return []
    if not isinstance(doc, dict):
        return []
    return [(str(a), str(b)) for a, b in doc.get("fetched", [])]


def _merge(windows: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    spans = sorted((pd.Timestamp(a), pd.Timestamp(b)) for a, b in windows)
    out: list[list[pd.Timestamp]] = []
    for a, b in spans:
        if out and a <= out[-1][1] + pd.Timedelta(days=1):
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a.date().isoformat(), b.date().isoformat()) for a, b in out]


def cached_windows(store: Store, symbol: str) -> list[tuple[str, str]]:
    """The date windows a provider has fetched for ``symbol`` (merged), from the catalogue."""
    row = store.con.execute("SELECT notes FROM series WHERE symbol = ?", [symbol]).fetchone()
    return _merge(_windows_from_notes(row[0] if row else None))


def _covers(windows: list[tuple[str, str]], start: pd.Timestamp, end: pd.Timestamp) -> bool:
    return any(pd.Timestamp(a) <= start and end <= pd.Timestamp(b) for a, b in windows)


def _today() -> pd.Timestamp:
    return pd.Timestamp(_dt.date.today())


def _read_cache(
    store: Store, spec: ProviderSpec, name: str, start: pd.Timestamp, end: pd.Timestamp
) -> Fetched:
    symbol = name
    row = store.con.execute(
        "SELECT tbl, source, notes FROM series WHERE symbol = ?", [symbol]
    ).fetchone()
    if row is None:
        raise NotFoundError(
            f"--offline: {symbol} is not in the cache (store {store.path}); "
            f"fetch it first: bubblewatch data fetch --provider {spec.name} {symbol} "
            f"--start {start.date()} --end {end.date()}"
        )
    tbl, source, notes = row
    if tbl != spec.table:
        raise NotFoundError(
            f"--offline: {symbol} in the store is not a {spec.name} series ({source})"
        )
    windows = _merge(_windows_from_notes(notes))
    if tbl == "prices":
        df = store.query(
            "SELECT min(date) a, max(date) b, count(*) n FROM prices WHERE symbol = ? AND date BETWEEN ? AND ?",
            [symbol, start.date(), end.date()],
        )
    else:
        df = store.query(
            "SELECT min(date) a, max(date) b, count(*) n FROM macro WHERE series = ? AND date BETWEEN ? AND ?",
            [symbol, start.date(), end.date()],
        )
    n = int(df["n"].iloc[0])
    if not windows:  # imported data: judge by the rows, with slack for holidays and periodicity
        full = store.query(
            f"SELECT min(date) a, max(date) b FROM {'prices' if tbl == 'prices' else 'macro'} "
            f"WHERE {'symbol' if tbl == 'prices' else 'series'} = ?",
            [symbol],
        )
        slack = pd.Timedelta(days=spec.slack_days)
        a, b = full["a"].iloc[0], full["b"].iloc[0]
        if pd.notna(a):
            windows = [
                (
                    (pd.Timestamp(a) - slack).date().isoformat(),
                    (pd.Timestamp(b) + slack).date().isoformat(),
                )
            ]
    want_end = min(end, _today())
    if n == 0 or not _covers(windows, start, want_end):
        have = ", ".join(f"{a}..{b}" for a, b in windows) or "nothing"
        raise NotFoundError(
            f"--offline: the cache lacks {symbol} for {start.date()}..{want_end.date()} "
            f"(it holds {have}); run without --offline to fetch it"
        )
    return Fetched(
        provider=spec.name,
        symbol=symbol,
        rows=n,
        first=str(df["a"].iloc[0])[:10],
        last=str(df["b"].iloc[0])[:10],
        source=str(source),
        from_cache=True,
    )


def fetch(
    store: Store,
    provider: str,
    names: Sequence[str],
    start: str | _dt.date | pd.Timestamp,
    end: str | _dt.date | pd.Timestamp | None = None,
    *,
    offline: bool = False,
) -> list[Fetched]:
    """Fetch ``names`` from ``provider`` into the store (or, ``offline``, check the cache).

    Every name is downloaded and validated before anything is written; then all are written
    in one transaction. Rows already cached for the fetched dates are replaced; other dates
    are kept.

    Raises
    ------
    InputError
        Unknown provider, no names, bad dates.
    ProviderError
        No network, an HTTP error, an empty or malformed answer.
    NotFoundError
        ``offline`` and the cache lacks a name or part of the range.
    """
    specs = _providers()
    if provider not in PROVIDERS:
        raise InputError(f"unknown provider '{provider}'; choose one of {', '.join(PROVIDERS)}")
    names = [n.strip() for n in names if n and n.strip()]
    if not names:
        raise InputError("name at least one symbol or series to fetch")
    t0 = parse_date(start, "--start")
    t1 = parse_date(end, "--end") if end is not None else _today()
    if t1 < t0:
        raise InputError(f"--end {t1.date()} is before --start {t0.date()}")
    if provider == "sec":
        return _fetch_fundamentals(store, names, t0, t1, offline=offline)
    spec = specs[provider]
    if offline:
        return [_read_cache(store, spec, n, t0, t1) for n in names]

    downloaded = []
    for n in names:
        frame, kind, currency = spec.download(n, t0, t1, http_get)
        if frame.empty:  # the modules raise first; this guards the contract
            raise ProviderError(
                f"{provider} returned no data for {n} between {t0.date()} and {t1.date()}"
            )
        downloaded.append((n, frame, kind, currency))

    from bubblewatch.data.tables import write_macro, write_prices
    from bubblewatch.data.writer import write_transaction

    window_end = min(t1, _today()).date().isoformat()
    results: list[Fetched] = []
    with write_transaction(store) as con:
        for n, frame, kind, currency in downloaded:
            source = spec.source(n)
            found = con.execute(
                "SELECT notes, source FROM series WHERE symbol = ?", [n]
            ).fetchall()  # fetch to the end: a pending result blocks the writes below
            row = found[0] if found else None
            if row is not None and row[1] != source:
                raise InputError(
                    f"{n} is already in the store from {row[1]}; it cannot be mixed with {source} "
                    "(use another --store)"
                )
            windows = _merge(
                [*_windows_from_notes(row[0] if row else None), (t0.date().isoformat(), window_end)]
            )
            notes = json.dumps({"fetched": windows})
            if spec.table == "prices":
                write_prices(
                    con,
                    n,
                    frame,
                    kind=kind,
                    source=source,
                    currency=currency,
                    notes=notes,
                    replace=False,
                )
            else:
                write_macro(
                    con,
                    n,
                    frame,
                    source=source,
                    vintage=_today().date().isoformat(),
                    notes=notes,
                    replace=False,
                )
            dates = pd.to_datetime(frame["date"])
            results.append(
                Fetched(
                    provider=provider,
                    symbol=n,
                    rows=len(frame),
                    first=dates.iloc[0].date().isoformat(),
                    last=dates.iloc[-1].date().isoformat(),
                    source=source,
                    from_cache=False,
                )
            )
    return results


def _fetch_fundamentals(
    store: Store, names: Sequence[str], start: pd.Timestamp, end: pd.Timestamp, *, offline: bool
) -> list[Fetched]:
    """SEC company facts -> the ``fundamentals`` and ``shares`` tables (one transaction).

    Quarters whose period end lies in the window are upserted by (symbol, period end,
    metric); cover-page share counts by (symbol, date). A symbol whose fundamentals or share
    counts came from another source (an import) is refused rather than mixed.
    """
    labels = [n.strip().upper() for n in names]
    if offline:
        return [_read_fundamentals_cache(store, n, start, end) for n in labels]
    import warnings

    from bubblewatch.data.parsers.fundamentals import eps_warnings
    from bubblewatch.data.providers import sec
    from bubblewatch.data.writer import write_frames
    from bubblewatch.errors import DataQualityWarning

    got = sec.download(list(names), start, end, http_get)
    for label, _, _ in got:
        for table in ("fundamentals", "shares"):
            other = store.query(
                f"SELECT source FROM {table} WHERE symbol = ? AND source NOT LIKE 'sec:%' LIMIT 1",
                [label],
            )
            if len(other):
                raise InputError(
                    f"{label} {table} are already in the store from {other['source'].iloc[0]}; "
                    "they cannot be mixed with sec:{label} (use another --store)".replace(
                        "{label}", label
                    )
                )
    fund = pd.concat([f for _, f, _ in got], ignore_index=True)
    fund["warning"] = eps_warnings(fund)
    shares = pd.concat([s for _, _, s in got], ignore_index=True)
    write_frames(store, {"fundamentals": fund, "shares": shares}, replace=False)
    for r in fund[fund["warning"].notna()].itertuples():
        warnings.warn(
            f"sec:{r.symbol} {r.fiscal_period or r.period_end.date()}: {r.warning}",
            DataQualityWarning,
            stacklevel=3,
        )
    return [
        Fetched(
            provider="sec",
            symbol=label,
            rows=len(f) + len(sh),
            first=f["period_end"].min().date().isoformat(),
            last=f["period_end"].max().date().isoformat(),
            source=f"sec:{label} ({len(f)} quarterly figures, {len(sh)} cover-page share counts)",
            from_cache=False,
        )
        for label, f, sh in got
    ]


def _read_fundamentals_cache(
    store: Store, symbol: str, start: pd.Timestamp, end: pd.Timestamp
) -> Fetched:
    df = store.query(
        "SELECT min(period_end) a, max(period_end) b, count(*) n FROM fundamentals "
        "WHERE symbol = ? AND source LIKE 'sec:%' AND period_end BETWEEN ? AND ?",
        [symbol, start.date(), end.date()],
    )
    n = int(df["n"].iloc[0])
    if n == 0:
        held = store.query(
            "SELECT min(period_end) a, max(period_end) b FROM fundamentals "
            "WHERE symbol = ? AND source LIKE 'sec:%'",
            [symbol],
        )
        a, b = held["a"].iloc[0], held["b"].iloc[0]
        have = (
            f"quarters ending {pd.Timestamp(a).date()}..{pd.Timestamp(b).date()}"
            if pd.notna(a)
            else "nothing from the SEC"
        )
        raise NotFoundError(
            f"--offline: the cache lacks SEC fundamentals of {symbol} for "
            f"{start.date()}..{end.date()} (it holds {have}); run without --offline to fetch them"
        )
    return Fetched(
        provider="sec",
        symbol=symbol,
        rows=n,
        first=str(df["a"].iloc[0])[:10],
        last=str(df["b"].iloc[0])[:10],
        source=f"sec:{symbol}",
        from_cache=True,
    )
