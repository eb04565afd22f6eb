"""Build the embedded AI-2025 episode pack ``src/bubblewatch/data/episode_ai2025/`` from
``../shared/data``.

The pack is a small copy of the shared data layout in Parquet: the same relative paths
(``prices/us/NVDA.csv`` -> ``prices/us/NVDA.parquet``), the same columns and values (each
file is read with the importer's own reader, so a pack file imports to exactly the rows the
CSV imports to), cut to the episode:

* daily series (median step of at most 4 days): the rows from ``DAILY_FROM`` on, except the
  long histories the bubble status reads (``WHOLE``: NASDAQ 1971-, S&P 500 1927-, SOX 1994-,
  NVDA 2010-, BTC 2014-2020, gold and WTI 2000-2020, and the FRED index copies that join
  them), kept whole;
* weekly, monthly, quarterly and annual series, the holdings snapshots, the share counts and
  the fundamentals: every row (they are small, and valuation percentiles need the history).

What goes in (``SELECT``): every file the report's sections and the claims check read (the
tracked equities and indices, the contagion universe of US AI names and semis, SOX, NASDAQ,
S&P 500, the Asian suppliers and indices, BTC, gold, oil, DXY, USD/CNY and the other FRED
FX rates, the FRED macro series, Shiller's monthly data, NVDA's shares outstanding, the SPY
holdings snapshots and the fundamentals). Left out: second uploads of the same window
(``*_flippe2``),
the 503-name S&P 500 panel, the connectedness reference cases, Shiller's workbook and its
duplicates (the importer skips those too).

Written beside the data: ``MANIFEST.json`` (per file: source file and its SHA-256, origin
repository, path and commit, licence and basis from SOURCES.md, rows kept of rows in the
source, first and last date, the store symbols it imports to, the content hash and the
file's SHA-256) and ``SOURCES.md`` (the shared SOURCES.md's conventions, caveats and
licences verbatim, its file table cut to the files in the pack: the attribution travels
with the data). No timestamp is written: the same source files give the same content
hashes (and, with the same pyarrow, the same bytes).

Usage (from the repository root)::

    PYTHONPATH=src python scripts/build_episode_pack.py [--data ../shared/data] [--out DIR]
    PYTHONPATH=src python scripts/build_episode_pack.py --check   # rebuild in a temp dir, compare
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from bubblewatch.data.csv_reader import read_raw_table  # noqa: E402
from bubblewatch.data.shared_layout import source_rows  # noqa: E402

#: the pack's format; bump when the layout of the pack (not its data) changes
PACK_FORMAT = 1
NAME = "ai2025"
TITLE = (
    "The AI boom of 2025-26 (Nvidia at USD 5T, the vendor-financing loop, the November sell-off)"
)
DAILY_FROM = "2023-01-01"
OUT = ROOT / "src" / "bubblewatch" / "data" / "episode_ai2025"
DATA = ROOT.parent / "shared" / "data"

#: (glob under the data folder, reason); every match is taken unless EXCLUDE names it
SELECT: tuple[tuple[str, str], ...] = (
    ("prices/us/*.csv", "tracked US AI names, semis and ETFs"),
    ("prices/us_long/*.csv", "longer histories of the US names (joined by the resolver)"),
    ("prices/asia/*.csv", "Asian suppliers (contagion universe)"),
    ("indices/*.csv", "indices: NASDAQ, S&P 500, SOX, DJIA, VIX, Asian indices, US 10y"),
    ("fx_commodities_crypto/*.csv", "BTC, gold, oil, copper, silver, DXY, USD/CNY, FRED FX"),
    ("macro/*.csv", "FRED series of the macro section and the claims"),
    ("constituents/*_shares_outstanding.csv", "NVDA shares outstanding (market value)"),
    ("constituents/spy_holdings_*.csv", "SPY holdings snapshots (index concentration)"),
    ("shiller/shiller_ie_data_monthly.csv", "Shiller monthly P, E, D, CAPE (valuation)"),
    ("fundamentals/*.csv", "quarterly fundamentals (P/E, free cash flow, capex claims)"),
)
#: file-name patterns left out, with the reason recorded in the manifest
EXCLUDE: tuple[tuple[str, str], ...] = (
    (r"_flippe2\.csv$", "second upload of the *_2025_2026 window"),
)
#: daily files kept whole (every row), with the reason: the long histories the bubble status
#: reads (its track record over past episodes, 2000 vs now) and the chains that join them
WHOLE: dict[str, str] = {
    rel: "a long history the status reads (track record, 2000 vs now)"
    for rel in (
        "indices/NASDAQ_COMPOSITE_1971_2020.csv",
        "indices/NASDAQCOM_fred_1971_2024.csv",
        "indices/SP500_1927_2020.csv",
        "indices/SP500_fred_2016_2026.csv",
        "indices/SOX.csv",
        "prices/us/NVDA.csv",
        "fx_commodities_crypto/BTC-USD_2014_2020.csv",
        "fx_commodities_crypto/GOLD_GC=F_2000_2020.csv",
        "fx_commodities_crypto/WTI_CL=F_2000_2020.csv",
    )
}
_DATE_COLUMNS = ("date", "as_of", "period_end")
_DAILY_MAX_STEP = pd.Timedelta(days=4)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def selected_files(data: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """``([(relative path, reason)], [(excluded path, reason)])`` in path order."""
    chosen: dict[str, str] = {}
    left: dict[str, str] = {}
    for pattern, reason in SELECT:
        for f in sorted(data.glob(pattern)):
            rel = f.relative_to(data).as_posix()
            why_not = next((r for p, r in EXCLUDE if re.search(p, rel)), None)
            if why_not:
                left[rel] = why_not
            else:
                chosen.setdefault(rel, reason)
    return sorted(chosen.items()), sorted(left.items())


def _window(frame: pd.DataFrame, rel: str) -> tuple[pd.DataFrame, str, str | None]:
    """Cut a daily file to DAILY_FROM; keep WHOLE files and lower-frequency files whole."""
    col = next((c for c in _DATE_COLUMNS if c in frame.columns), None)
    if col is None:  # Shiller: YYYY-MM months
        return frame, "every row (monthly)", None
    dates = pd.to_datetime(frame[col].astype(str), format="%Y-%m-%d")
    step = pd.Series(np.sort(dates.unique())).diff().median()
    if rel in WHOLE:
        return frame, f"every row; {WHOLE[rel]}", col
    if col == "date" and pd.notna(step) and step <= _DAILY_MAX_STEP:
        keep = (dates >= pd.Timestamp(DAILY_FROM)).to_numpy()
        return frame.loc[keep].reset_index(drop=True), f"rows from {DAILY_FROM} (daily)", col
    return frame, "every row", col


def _arrow_table(frame: pd.DataFrame, names: dict[str, str], date_col: str | None) -> pa.Table:
    arrays = []
    fields = []
    for col in frame.columns:
        s = frame[col]
        if col == date_col:
            arr = pa.array(pd.to_datetime(s.astype(str), format="%Y-%m-%d").dt.date, pa.date32())
        elif pd.api.types.is_bool_dtype(s.dtype):
            arr = pa.array(s.astype(object).where(s.notna(), None), pa.string())
        elif pd.api.types.is_integer_dtype(s.dtype):
            arr = pa.array(s.to_numpy(), pa.int64())
        elif pd.api.types.is_float_dtype(s.dtype):
            arr = pa.array(s.to_numpy(dtype=float), pa.float64(), from_pandas=True)
        else:
            vals = [
                None if (v is None or (isinstance(v, float) and np.isnan(v))) else str(v) for v in s
            ]
            arr = pa.array(vals, pa.string())
        arrays.append(arr)
        fields.append(pa.field(names[col], arr.type))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def content_hash(table: pa.Table) -> str:
    """SHA-256 of a canonical text of the table (column names, types, values; floats in
    shortest round-trip form): independent of the Parquet writer's version."""
    h = hashlib.sha256()
    h.update(json.dumps([[f.name, str(f.type)] for f in table.schema]).encode())
    for col in table.columns:
        for v in col.to_pylist():
            h.update(b"\x1f" + (b"\x00" if v is None else repr(v).encode()))
        h.update(b"\x1e")
    return h.hexdigest()


def _write(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(
        table.replace_schema_metadata(None),
        path,
        compression="zstd",
        compression_level=9,
        use_dictionary=True,
        write_statistics=False,
    )


def _symbols(out: Path) -> dict[str, tuple[str | None, str | None, list[str]]]:
    """Import the written pack into a throw-away store: per pack file, the store table,
    the kind and the symbols it imports to."""
    from bubblewatch.data.importer import import_paths
    from bubblewatch.data.store import Store
    from bubblewatch.errors import DataQualityWarning

    with Store(":memory:") as st, warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        report = import_paths(st, [out])
    root = out.resolve()
    found: dict[str, tuple[str | None, str | None, list[str]]] = {}
    for f in report.files:
        rel = Path(f.path).resolve().relative_to(root).as_posix()
        found[rel] = (f.table, f.kind, sorted(f.symbols))
    return found


def _sources_md(data: Path, files: list[str], text: str) -> str:
    """The shared SOURCES.md with its file table cut to ``files`` (attribution kept)."""
    keep = set(files)
    lines = []
    for line in text.splitlines():
        m = re.match(r"^\|\s*`([^`]+)`\s*\|", line)
        if m and "/" in m.group(1) and m.group(1) not in keep and not line.startswith("| file"):
            if m.group(1).endswith((".csv", ".csv.gz", ".xls")):
                continue
        lines.append(line)
    head = (
        f"# Embedded episode pack `{NAME}`: sources and terms\n\n"
        f"{TITLE}.\n\n"
        "Generated by `scripts/build_episode_pack.py` from the project's shared data folder; "
        "never edit by hand. Each `X.parquet` here holds the rows of the shared file `X.csv` "
        f"(daily series from {DAILY_FROM}, other series whole); `MANIFEST.json` records, per "
        "file, its source file and SHA-256, origin repository, path and commit, licence, "
        "rows and dates. The text below is the shared folder's SOURCES.md with its file "
        "table cut to the files in this pack: keep this attribution with the data.\n\n---\n\n"
    )
    return head + "\n".join(lines).rstrip() + "\n"


def build(data: Path = DATA, out: Path = OUT) -> dict[str, Any]:
    """Write the pack into ``out`` (replacing it) and return its manifest."""
    data = data.resolve()
    sources_text = (data / "SOURCES.md").read_text(encoding="utf-8")
    rows = source_rows(data)
    chosen, left_out = selected_files(data)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    entries: list[dict[str, Any]] = []
    for rel, reason in chosen:
        src = data / rel
        raw = read_raw_table(src)
        frame, window, date_col = _window(raw.frame, rel)
        table = _arrow_table(frame, raw.original, date_col)
        target = out / (rel[: -len(".csv")] + ".parquet")
        _write(table, target)
        first = last = None
        if date_col is not None and len(frame):
            d = pd.to_datetime(frame[date_col].astype(str), format="%Y-%m-%d")
            first, last = d.min().date().isoformat(), d.max().date().isoformat()
        elif "month" in frame.columns:
            first, last = str(frame["month"].iloc[0]), str(frame["month"].iloc[-1])
        row = rows.get(rel)
        origin = re.match(r"github:(.+)@(\w+)$", row.vintage) if row else None
        table_line = next(
            (ln for ln in sources_text.splitlines() if ln.startswith(f"| `{rel}` |")), ""
        )
        cells = [c.strip() for c in table_line.strip().strip("|").split("|")] if table_line else []
        entries.append(
            {
                "path": target.relative_to(out).as_posix(),
                "source_file": rel,
                "source_sha256": _sha256(src),
                "origin": f"github:{origin.group(1)}" if origin else "per-row source column",
                "origin_path": cells[2].strip("`") if len(cells) > 2 else None,
                "commit": cells[3].split("`")[1] if len(cells) > 3 and "`" in cells[3] else None,
                "basis": cells[8] if len(cells) > 8 else None,
                "licence": cells[9] if len(cells) > 9 else "see SOURCES.md",
                "why": reason,
                "window": window,
                "rows": len(frame),
                "source_rows": len(raw.frame),
                "first": first,
                "last": last,
                "content_sha256": content_hash(table),
                "sha256": _sha256(target),
                "bytes": target.stat().st_size,
            }
        )
    (out / "SOURCES.md").write_text(
        _sources_md(data, [e["source_file"] for e in entries], sources_text), encoding="utf-8"
    )
    symbols = _symbols(out)  # the layout (SOURCES.md) decides the symbols, as on import
    for e in entries:
        e["table"], e["kind"], e["symbols"] = symbols.get(e["path"], (None, None, []))
    overall = hashlib.sha256("".join(e["content_sha256"] for e in entries).encode()).hexdigest()
    manifest = {
        "name": NAME,
        "title": TITLE,
        "format": PACK_FORMAT,
        "generator": "scripts/build_episode_pack.py",
        "writer": f"pyarrow {pa.__version__}",
        "source": {
            "folder": "shared/data (the project's offline data folder)",
            "sources_md_sha256": hashlib.sha256(sources_text.encode()).hexdigest(),
        },
        "daily_from": DAILY_FROM,
        "content_sha256": overall,
        "files": entries,
        "left_out": [{"source_file": r, "why": w} for r, w in left_out],
    }
    (out / "MANIFEST.json").write_text(
        json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA, help="the shared data folder")
    ap.add_argument("--out", type=Path, default=OUT, help="the pack folder to (re)write")
    ap.add_argument(
        "--check",
        action="store_true",
        help="rebuild into a temporary folder and compare its content hashes with --out",
    )
    args = ap.parse_args(argv)
    if not (args.data / "SOURCES.md").is_file():
        print(f"error: {args.data} is not the shared data folder (no SOURCES.md)", file=sys.stderr)
        return 2
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = build(args.data, Path(tmp) / "pack")
        shipped = json.loads((args.out / "MANIFEST.json").read_text(encoding="utf-8"))
        same = fresh["content_sha256"] == shipped["content_sha256"]
        print(f"pack content {'matches' if same else 'DIFFERS from'} a rebuild from {args.data}")
        return 0 if same else 1
    manifest = build(args.data, args.out)
    size = sum(e["bytes"] for e in manifest["files"])
    print(
        f"wrote {len(manifest['files'])} files, {size / 1e6:.2f} MB, to {args.out} "
        f"(content {manifest['content_sha256'][:16]})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
