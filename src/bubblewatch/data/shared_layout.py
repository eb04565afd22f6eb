"""The layout of the project's shared data folder (``../shared/data``) and how each file maps
to the store: symbol, kind, table and the caveats ``SOURCES.md`` lists.

================================  ==========================================================
folder / file                     imported as
================================  ==========================================================
prices/us/X.csv                   prices, symbol ``X``, kind equity, USD
prices/us_long/X.csv              prices, symbol ``X_LONG``, kind equity, USD
prices/asia/NAME_CODE.csv         prices, symbol = file stem, currency from the Yahoo suffix
prices/panel/*.csv.gz             prices, one symbol per ticker not already in prices/us
indices/*.csv                     prices (OHLC, or ``date,value`` as close), kind index
fx_commodities_crypto/BTC*        prices, kind crypto
fx_commodities_crypto/*=F*        prices, kind future (negative WTI close kept)
fx_commodities_crypto/DCOIL*      prices (close = value), kind future
fx_commodities_crypto/DEX*,       fx table (``date,value``), kind fx; DXY / XAUUSD (OHLC)
DTWEXBGS, DXY*, XAUUSD*           go to prices with kind fx
macro/*.csv                       macro, series = file stem, vintage = source repo@commit
constituents/X_shares_outstanding shares, symbol ``X`` (form and filing date in ``source``)
constituents/spy_holdings_*.csv   holdings, index_name ``SPY``
constituents/sp500_constituents   skipped (membership list, no table for it)
shiller/shiller_ie_data_monthly   macro ``SHILLER_<COLUMN>`` dated the 1st of the month
shiller/datahub_sp500_monthly_*   macro ``DATAHUB_<COLUMN>``; zeros after 2023-06 are missing
shiller/cape_tr_cape_ecy.csv      skipped (same numbers as SHILLER_CAPE/TR_CAPE/EXCESS_CAPE_YIELD)
shiller/ie_data.xls               skipped (the CSV above is its parsed copy)
reference/dy2012.csv, dy2009.csv  macro ``DY2012_<COLUMN>`` / ``DY2009_<COLUMN>``
reference/gg2018, cgs2021, bgu2021 skipped (connectedness cases indexed by row number, no
                                  dates; the connectedness tests read them directly)
fundamentals/fundamentals.csv     fundamentals (fiscal period, period end, unit, source, note
                                  and the filing form/date named in the source, per row)
fundamentals/shares_outstanding   shares, one symbol per row (the row's source kept)
================================  ==========================================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from bubblewatch.data.csv_reader import is_data_file
from bubblewatch.data.file_spec import FileSpec

__all__ = [
    "CUT_FILES",
    "SHIFTED_FILES",
    "SourceRow",
    "find_layout_root",
    "is_layout_root",
    "layout_key",
    "layout_spec",
    "source_rows",
    "source_vintages",
    "yahoo_currency",
]

#: files whose dates SOURCES.md (caveat 5) documents as one day early (a UTC conversion put
#: Taiwan's sessions on the previous calendar day, e.g. rows on Sundays): the shared-layout
#: import moves them by the documented shift and says so (``--shift SYMBOL=0`` keeps them raw)
SHIFTED_FILES: dict[str, tuple[int, str]] = {
    "prices/asia/TSMC_2330.TW.csv": (
        1,
        "SOURCES.md caveat 5: the file's dates are one day early (rows on Sundays)",
    ),
}


def _shift_of(rel: str) -> dict[str, object]:
    """The FileSpec fields of a documented shift (none for other files)."""
    if rel not in SHIFTED_FILES:
        return {}
    days, caveat = SHIFTED_FILES[rel]
    return {"shift_days": days, "shift_caveat": caveat}


_FOLDERS = (
    "prices",
    "indices",
    "fx_commodities_crypto",
    "macro",
    "constituents",
    "shiller",
    "fundamentals",
)
_SUFFIX_CCY = {
    "T": "JPY",
    "KS": "KRW",
    "KQ": "KRW",
    "SZ": "CNY",
    "SS": "CNY",
    "TW": "TWD",
    "HK": "HKD",
}
_SUFFIX_RE = re.compile(r"\.([A-Z]{1,2})(?:_|$)")
_SOURCES_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*([^|]+?)\s*\|[^|]*\|\s*`([0-9a-f]{7,40})`")


def is_layout_root(path: Path) -> bool:
    """True for a folder shaped like ../shared/data (SOURCES.md plus the known folders)."""
    return (
        path.is_dir()
        and (path / "SOURCES.md").is_file()
        and any((path / f).is_dir() for f in _FOLDERS)
    )


def find_layout_root(path: Path) -> Path | None:
    """The shared-layout folder containing ``path`` (or ``path`` itself), else None."""
    p = path.resolve()
    for candidate in (p, *p.parents):
        if is_layout_root(candidate):
            return candidate
    return None


def yahoo_currency(symbol: str) -> str | None:
    """Currency implied by a Yahoo exchange suffix in ``symbol`` (``2330.TW`` -> ``TWD``).

    >>> yahoo_currency("SAMSUNG_005930.KS_2010_2025"), yahoo_currency("NVDA")
    ('KRW', None)
    """
    m = _SUFFIX_RE.search(symbol)
    return _SUFFIX_CCY.get(m.group(1)) if m else None


@dataclass(frozen=True)
class SourceRow:
    """One row of the SOURCES.md file table: where a file came from and what to know."""

    vintage: str  # "github:repo@commit"
    note: str  # the table's basis and licence/note columns


#: files SOURCES.md caveat 12 says are cut short in this copy
CUT_FILES = {
    "prices/us/NVDA.csv",
    "indices/NASDAQ_COMPOSITE_2025_2026.csv",
    "prices/asia/SK_HYNIX_000660.KS.csv",
    "indices/SOX.csv",
}


def source_rows(root: Path) -> dict[str, SourceRow]:
    """``relative path -> SourceRow`` from the file table of ``root/SOURCES.md``."""
    out: dict[str, SourceRow] = {}
    try:
        text = (root / "SOURCES.md").read_text(encoding="utf-8")
    except OSError:
        return out
    for line in text.splitlines():
        m = _SOURCES_ROW.match(line)
        if not m:
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        basis = cells[8] if len(cells) > 8 else ""
        note = cells[9] if len(cells) > 9 else ""
        text_note = "; ".join(x for x in (basis, note) if x)
        if m.group(1) in CUT_FILES:
            text_note += " SOURCES.md caveat 12: this copy is cut at 2026-05-21."
        out[m.group(1)] = SourceRow(f"github:{m.group(2)}@{m.group(3)[:12]}", text_note)
    return out


def source_vintages(root: Path) -> dict[str, str]:
    """``relative path -> "github:repo@commit"`` from the file table of ``root/SOURCES.md``."""
    return {k: v.vintage for k, v in source_rows(root).items()}


def _us_tickers(root: Path) -> frozenset[str]:
    folder = root / "prices" / "us"
    return frozenset(p.name[:-4] for p in folder.glob("*.csv")) if folder.is_dir() else frozenset()


def layout_spec(root: Path, path: Path, sources: dict[str, SourceRow] | None = None) -> FileSpec:
    """How the shared-layout file ``path`` (inside ``root``) is imported (see module table).

    ``sources`` (from :func:`source_rows`) supplies the vintage and the catalogue note.
    """
    spec = _layout_spec(root, path, sources or {})
    row = (sources or {}).get(layout_key(root, path))
    if row is not None and spec.mode != "skip" and not spec.note:
        spec = replace(spec, note=row.note)
    return spec


def layout_key(root: Path, path: Path) -> str:
    """The file's path in the layout, as SOURCES.md names it; a Parquet copy of a layout
    file (the embedded episode pack) keys as its CSV: ``prices/us/NVDA.parquet`` ->
    ``prices/us/NVDA.csv``."""
    rel = path.resolve().relative_to(root.resolve()).as_posix()
    return rel[: -len(".parquet")] + ".csv" if rel.endswith(".parquet") else rel


def _layout_spec(root: Path, path: Path, sources: dict[str, SourceRow]) -> FileSpec:
    rel = layout_key(root, path)
    parts = rel.split("/")
    folder = parts[0]
    sub = parts[1] if len(parts) > 2 else ""
    name = path.name
    stem = name[: -len(".csv.gz")] if name.endswith(".csv.gz") else path.stem
    row = sources.get(rel)
    vintage = row.vintage if row is not None else None
    if folder == "shiller" and name == "ie_data.xls":
        return FileSpec(
            path,
            mode="skip",
            symbol=stem,
            note="Shiller's original workbook; shiller_ie_data_monthly.csv is its parsed copy",
        )
    if not is_data_file(path):
        return FileSpec(path, mode="skip", symbol=stem, note="not a CSV/Parquet data file")
    if folder == "prices":
        if sub == "us":
            return FileSpec(path, kind="equity", symbol=stem, currency="USD")
        if sub == "us_long":
            return FileSpec(path, kind="equity", symbol=f"{stem}_LONG", currency="USD")
        if sub == "asia":
            return FileSpec(
                path,
                kind="equity",
                symbol=stem,
                currency=yahoo_currency(stem),
                **_shift_of(rel),  # type: ignore[arg-type]
            )
        if sub == "panel":
            return FileSpec(
                path, mode="panel", kind="equity", currency="USD", exclude=_us_tickers(root)
            )
    if folder == "indices":
        return FileSpec(path, kind="index", symbol=stem, **_shift_of(rel))  # type: ignore[arg-type]
    if folder == "fx_commodities_crypto":
        up = stem.upper()
        if up.startswith("BTC"):
            kind = "crypto"
        elif "=F" in up or up.startswith("DCOIL"):
            kind = "future"
        else:
            kind = "fx"
        ccy = "USD" if kind in ("crypto", "future") or up.startswith(("XAUUSD", "DXY")) else None
        return FileSpec(path, kind=kind, symbol=stem, currency=ccy)
    if folder == "macro":
        return FileSpec(path, kind="macro", symbol=stem, vintage=vintage)
    if folder == "constituents":
        if stem.endswith("_shares_outstanding"):
            return FileSpec(path, symbol=stem[: -len("_shares_outstanding")])
        m = re.match(r"^([a-z0-9]+)_holdings_", stem)
        if m:
            return FileSpec(path, symbol=m.group(1).upper())
        if stem == "sp500_constituents":
            return FileSpec(
                path,
                mode="skip",
                symbol=stem,
                note="index membership list (no weights or dates); no store table holds it",
            )
    if folder == "shiller":
        if stem == "shiller_ie_data_monthly":
            return FileSpec(path, mode="shiller", kind="macro", symbol="SHILLER", vintage=vintage)
        if stem.startswith("datahub_sp500_monthly"):
            return FileSpec(path, mode="datahub", kind="macro", symbol="DATAHUB", vintage=vintage)
        if stem == "cape_tr_cape_ecy":
            return FileSpec(
                path,
                mode="skip",
                symbol=stem,
                note="same numbers as SHILLER_CAPE, SHILLER_TR_CAPE, SHILLER_EXCESS_CAPE_YIELD "
                "from shiller_ie_data_monthly.csv",
            )
    if folder == "reference" and stem in ("dy2012", "dy2009"):
        return FileSpec(path, mode="wide", kind="macro", symbol=stem.upper(), vintage=vintage)
    if folder == "reference" and stem in ("gg2018", "cgs2021", "bgu2021"):
        return FileSpec(
            path,
            mode="skip",
            symbol=stem,
            note="connectedness reference case indexed by row number (no dates); "
            "read directly by the connectedness tests (reference/CONNECTEDNESS.md)",
        )
    if folder == "fundamentals":
        # fundamentals.csv (symbol, fiscal_period, period_end, metric, value, unit, source,
        # note) and shares_outstanding.csv (symbol, as_of, shares, source): our own schema,
        # read by its columns like any user file
        return FileSpec(path, symbol=stem)
    return FileSpec(path, symbol=stem)
