"""The dashboard's computations: each the store -> result half of a CLI command.

Every function takes the open (read-only) store first and returns what the matching command
prints with ``--json`` (a :class:`~bubblewatch.results.Result`, whose ``to_json()`` is
served, or the command's JSON payload): the API serves exactly the CLI's serialisation.
Symbols are looked up in the store's catalogue only (:func:`store_symbol`,
:func:`asset_symbol`), never opened as files, so a request can never name a path.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from bubblewatch.data.store import Store
from bubblewatch.errors import NotFoundError
from bubblewatch.series import iso_date

__all__ = [
    "SCALES",
    "asset_names",
    "asset_symbol",
    "catalogue",
    "claims",
    "compare_2000",
    "lppls_confidence",
    "lppls_fit",
    "market_event",
    "nearest",
    "network_show",
    "network_stress",
    "psy",
    "reaction",
    "series_data",
    "spillover",
    "status",
    "store_symbol",
]


def _scales() -> dict[str, tuple[int, int, int]]:
    from bubblewatch.status.params import LPPLS_SCALES

    return {s.name: (s.window_max, s.window_min, s.window_step) for s in LPPLS_SCALES}


#: the status's LPPLS scales: name -> (window_max, window_min, window_step)
SCALES = _scales()

_SUFFIX = re.compile(r"^(?P<base>.+?)(_LONG|_\d{4}_\d{4})$")


def nearest(name: str, names: Sequence[str], n: int = 3) -> list[str]:
    """The ``n`` names closest to ``name`` (case ignored).

    >>> nearest("nvdx", ["NVDA", "AMD", "NFLX", "MSFT"], 2)
    ['NVDA', 'NFLX']
    """
    upper = {s.upper(): s for s in names}
    hits = difflib.get_close_matches(name.upper(), list(upper), n=n, cutoff=0.0)
    return [upper[h] for h in hits]


def _not_found(what: str, name: str, names: Sequence[str]) -> NotFoundError:
    near = nearest(name, names)
    tail = f"; nearest: {', '.join(near)}" if near else "; the data holds none"
    return NotFoundError(f"no {what} '{name}' in the data{tail}")


#: the pseudo-series :meth:`Store.list_series` adds for the per-company tables
_PSEUDO_KINDS = ("shares", "fundamentals", "holdings")


def _series_catalogue(st: Store) -> pd.DataFrame:
    """The stored series (prices, macro, FX) with their kind and source: the store's
    catalogue without its per-company pseudo-series (``NVDA:shares``)."""
    cat = st.list_series()
    pseudo = [
        k in _PSEUDO_KINDS and str(s).endswith(f":{k}")
        for s, k in zip(cat["symbol"], cat["kind"], strict=True)
    ]
    return cat[~pd.Series(pseudo, index=cat.index, dtype=bool)].reset_index(drop=True)


def _price_names(st: Store) -> list[str]:
    return [str(s) for s in st.price_catalogue()["symbol"]]


def _match(name: str, names: Sequence[str]) -> str | None:
    """``name`` as stored: itself, or the one name equal to it ignoring case."""
    if name in names:
        return name
    folded = [s for s in names if s.upper() == name.upper()]
    return folded[0] if len(folded) == 1 else None


def _find(what: str, name: str, names: Sequence[str]) -> str:
    """:func:`_match` or NotFoundError naming the nearest three."""
    found = _match(name, names)
    if found is None:
        raise _not_found(what, name, names)
    return found


def store_symbol(st: Store, name: str, *, table: str | None = "prices") -> str:
    """The stored name of series ``name`` (case ignored) or NotFoundError naming the nearest
    three; ``table="prices"`` limits the search to the price series (None: any series)."""
    if table not in ("prices", None):
        raise ValueError(f"table must be 'prices' or None, not {table!r}")
    if table:
        return _find("price series", name, _price_names(st))
    return _find("series", name, [str(s) for s in _series_catalogue(st)["symbol"]])


def asset_names(st: Store) -> list[str]:
    """The assets the dashboard offers: price series with their history pieces folded into
    one name (``NVDA_1999_2025``, ``NVDA_LONG`` and ``NVDA`` are the asset ``NVDA``)."""
    from bubblewatch.data.resolve import HISTORY_CHAINS

    names = _price_names(st)
    have = set(names)
    out: list[str] = []
    for s in names:
        m = _SUFFIX.match(s)
        base = m.group("base") if m else s
        if m and base not in have and not any(a.startswith(base + "_") and a != s for a in have):
            base = s
        if base not in out:
            out.append(base)
    for chain, members in HISTORY_CHAINS.items():
        if any(x in have for x in members):
            out = [s for s in out if s not in members]
            out.append(chain)
    return sorted(out)


def asset_symbol(st: Store, name: str) -> str:
    """The asset ``name`` (its history joined by the resolver) or NotFoundError naming the
    nearest three assets."""
    assets = asset_names(st)
    found = _match(name, assets)
    if found is not None:
        return found
    found = _match(name, _price_names(st))  # a piece of a history, asked by its own name
    if found is not None:
        return found
    raise _not_found("asset", name, assets)


# -- the data -------------------------------------------------------------------------------
def catalogue(st: Store) -> list[dict[str, Any]]:
    """``bubblewatch data list --json``: symbol, kind, rows, first and last date."""
    from bubblewatch.data.catalogue import catalogue_records

    return catalogue_records(st.list_series(), fields=("symbol", "kind", "rows", "first", "last"))


def _source_label(src: Any) -> str | None:
    from bubblewatch.web.public_errors import public_message

    return None if src is None or pd.isna(src) else public_message(str(src))


def series_data(
    st: Store, symbol: str, column: str = "close", start: Any = None, end: Any = None
) -> dict[str, Any]:
    """One stored series between ``start`` and ``end`` (``/api/series/SYMBOL``)."""
    from bubblewatch.results import jsonable

    cat = _series_catalogue(st)
    name = _find("series", symbol, [str(x) for x in cat["symbol"]])
    s = st.series(name, column)
    if start is not None:
        s = s[s.index >= start]
    if end is not None:
        s = s[s.index <= end]
    src = cat.loc[cat["symbol"] == name, "source"]
    return {
        "symbol": name,
        "column": column,
        "kind": st.kind(name),
        "source": _source_label(src.iloc[0]) if len(src) else None,
        "rows": len(s),
        "data": [{"date": iso_date(d), "value": jsonable(v)} for d, v in s.items()],
    }


# -- the status -----------------------------------------------------------------------------
def status(
    st: Store, symbols: Sequence[str] = (), group: str | None = None, as_of: str | None = None
) -> Any:
    """``bubblewatch status [SYMBOL...] [--group G] [--as-of D] --json``."""
    from bubblewatch.commands.status import status_json, status_result
    from bubblewatch.status.params import DEFAULT_PARAMS

    names = [asset_symbol(st, s) for s in symbols]
    res = status_result(st, names, group=group, as_of=as_of, params=DEFAULT_PARAMS)
    return status_json(res)


def compare_2000(st: Store) -> Any:
    """``bubblewatch status compare-2000 --json``."""
    from bubblewatch.commands.status import compare_2000_result
    from bubblewatch.status.params import DEFAULT_PARAMS

    return compare_2000_result(st, DEFAULT_PARAMS)


# -- explosiveness and LPPLS -----------------------------------------------------------------
def _history(st: Store, symbol: str) -> Any:
    from bubblewatch.data.resolve import resolve_history

    return resolve_history(st, asset_symbol(st, symbol), column="adj_close")


def psy(st: Store, symbol: str, **options: Any) -> dict[str, Any]:
    """``bubblewatch psy SYMBOL [--as-of] [--years] [--lags] [--min-window] --json``."""
    from bubblewatch.commands.psy import psy_payload

    hist = _history(st, symbol)
    y = hist.close
    if y.name is None or str(y.name) == "":
        y.name = symbol
    return psy_payload(y, hist, **options)[1]


def lppls_confidence(st: Store, symbol: str, **options: Any) -> dict[str, Any]:
    """``bubblewatch lppls confidence SYMBOL [--window-max ...] [--start] [--end] --json``."""
    from bubblewatch.detect.lppls_confidence import lppls_confidence as conf
    from bubblewatch.web.params import check_fits

    hist = _history(st, symbol)
    check_fits(
        hist.close.index,
        window_max=options.get("window_max", 504),
        window_min=options.get("window_min", 30),
        window_step=options.get("window_step", 5),
        end_step=options.get("end_step", 1),
        start=options.get("start"),
        end=options.get("end"),
    )
    res = conf(hist.close, **options)
    end = options.get("end")
    shown = hist if end is None else hist.until(end)
    return {**res.to_dict(), "series": shown.to_dict()}


def lppls_fit(st: Store, symbol: str, start: str | None = None, end: str | None = None) -> Any:
    """``bubblewatch lppls fit SYMBOL [--start] [--end] --json``."""
    from bubblewatch.detect.lppls import fit_lppls, fit_window

    s = _history(st, symbol).close
    lo, hi, _how = fit_window(s, start, end)
    return fit_lppls(s, start=lo, end=hi, filters="fco")


# -- market events and contagion -------------------------------------------------------------
def market_event(st: Store, symbol: str, date: str, end: str | None = None, years: int = 10) -> Any:
    """``bubblewatch market event SYMBOL --date D [--end E] [--years N] --json``."""
    from bubblewatch.commands.market import event_inputs
    from bubblewatch.market.event import market_event as one_event
    from bubblewatch.market.event_table import market_events
    from bubblewatch.series import USDCNY_SERIES

    symbol = store_symbol(st, symbol)
    prices, sh, usdcny = event_inputs(st, symbol)
    if end is not None:
        return market_events(prices, date, end, shares=sh, usdcny=usdcny, symbol=symbol)
    return one_event(
        prices, date, shares=sh, usdcny=usdcny, years=years, symbol=symbol, fx_name=USDCNY_SERIES
    )


def reaction(st: Store, symbol: str, date: str, universe: Sequence[str], z_window: int = 63) -> Any:
    """``bubblewatch market reaction SYMBOL --date D --universe A,B,... --json``."""
    from bubblewatch.market.contagion import reaction_table

    symbol = store_symbol(st, symbol)
    members = [symbol, *[store_symbol(st, s) for s in universe]]
    members = list(dict.fromkeys(members))
    series = {m: st.series(m, "close") for m in members}
    return reaction_table(series, date, event_symbol=symbol, z_window=z_window)


def spillover(
    st: Store,
    symbols: Sequence[str],
    lags: int = 4,
    horizon: int = 10,
    window: int | None = None,
    returns: bool = False,
) -> Any:
    """``bubblewatch market spillover A B ... [--lags] [--horizon] [--window] [--returns]
    --json``."""
    from bubblewatch.market.panel import aligned_panel
    from bubblewatch.market.spillover import rolling_spillover
    from bubblewatch.market.spillover import spillover as table

    names = [store_symbol(st, s, table=None) for s in symbols]
    frames = [st.series(s, "close").rename(a).to_frame() for s, a in zip(names, symbols)]
    df = aligned_panel(frames, log_returns=returns, join="inner")
    kwargs: dict[str, Any] = {
        "lags": lags,
        "horizon": horizon,
        "method": "generalized",
        "horizon_terms": "H",
    }
    if window is not None:
        return rolling_spillover(df, window, **kwargs)
    return table(df, **kwargs)


# -- the capital loop and the claims ---------------------------------------------------------
def network_show() -> Any:
    """``bubblewatch network show --json`` (the bundled AI 2025-26 ledger)."""
    from bubblewatch.episodes import ai2025
    from bubblewatch.network.loops import loop_analysis

    return loop_analysis(ai2025.ledger())


def network_stress(
    shock: Sequence[str] = (), honour: float = 1.0, markdown: float = 0.0, rate_bp: float = 0.0
) -> Any:
    """``bubblewatch network stress --shock P --honour F --markdown K --rate-bp N --json``."""
    from bubblewatch.episodes import ai2025
    from bubblewatch.network.spiral import stress_ledger

    return stress_ledger(
        ai2025.ledger(),
        shock=list(shock) or None,
        honour=honour,
        markdown=markdown,
        rate_bp=rate_bp,
    )


def claims(st: Store, ids: Sequence[str] = ()) -> Any:
    """``bubblewatch claims [--id ID ...] --json``."""
    from bubblewatch.claims.check import check_claims

    return check_claims(st, None, ids=list(ids) or None)


# -- the asset page's own reads (no CLI command prints them) ----------------------------------
def asset_info(st: Store, symbol: str) -> dict[str, Any]:
    """An asset's history: its pieces and provenance, first/last date and closes."""
    hist = _history(st, symbol)
    close = hist.close
    return {
        "symbol": asset_symbol(st, symbol),
        "description": hist.describe(),
        "pieces": [p.symbol for p in hist.used],
        "last_piece": hist.used[-1].symbol if hist.used else symbol,
        "first": iso_date(close.index[0]),
        "last": iso_date(close.index[-1]),
        "close": close,
    }


def lppls_fits(
    st: Store, symbol: str, end: str | None, window_max: int, window_min: int, window_step: int
) -> dict[str, Any]:
    """The LPPLS fits of every window ending on ``end`` (the last date when None): each
    window's tc, sign of B and whether it qualifies (the FCO filter)."""
    from bubblewatch.detect.lppls_confidence import lppls_confidence as conf

    close = _history(st, symbol).close
    if end is not None:
        close = close[close.index <= pd.Timestamp(end)]
    last = close.index[-1]
    res = conf(
        close,
        window_max=window_max,
        window_min=window_min,
        window_step=window_step,
        start=last,
        end=last,
        return_fits=True,
    )
    fits = res.fits if res.fits is not None else pd.DataFrame()
    qual = [c for c in fits.columns if c.startswith("qualified_")]
    keep = ["window", "start", "tc", "tc_days", "m", "omega", "B_sign", "converged", *qual]
    return {
        "symbol": symbol,
        "end": iso_date(last),
        "fits": fits[keep] if len(fits) else [],
    }
