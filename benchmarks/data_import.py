"""Import of the whole ../shared/data layout: bubblewatch's validated import vs a plain read.

The baseline is what any import must at least do: ``pandas.read_csv`` of every CSV file
(no checks, no store). bubblewatch additionally validates every cell, maps the layout and
writes all rows into DuckDB in one transaction. Prints a markdown table.
"""

from __future__ import annotations

import os
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

from bubblewatch.data.importer import import_paths
from bubblewatch.data.store import Store
from bubblewatch.errors import DataQualityWarning

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BUBBLEWATCH_SHARED_DATA", ROOT.parent / "shared" / "data"))


def _plain_read(root: Path) -> int:
    rows = 0
    for f in sorted(root.rglob("*.csv")) + sorted(root.rglob("*.csv.gz")):
        rows += len(pd.read_csv(f))
    return rows


def main() -> None:
    if not (SHARED / "SOURCES.md").exists():
        print(f"shared data not found at {SHARED}; skipped")
        return
    t0 = time.perf_counter()
    plain_rows = _plain_read(SHARED)
    t_plain = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        with Store(Path(tmp) / "bench.duckdb") as st:
            t0 = time.perf_counter()
            report = import_paths(st, [SHARED])
            t_import = time.perf_counter() - t0
            counts = st.row_counts()
            t0 = time.perf_counter()
            import_paths(st, [SHARED])
            t_again = time.perf_counter() - t0
    stored = sum(v for k, v in counts.items() if k != "series")
    print("| step | seconds | rows |")
    print("|---|---:|---:|")
    print(f"| pandas.read_csv of every CSV (baseline, no checks) | {t_plain:.2f} | {plain_rows} |")
    print(f"| bubblewatch import into an empty store | {t_import:.2f} | {stored} |")
    print(f"| bubblewatch re-import (upsert, same rows) | {t_again:.2f} | {stored} |")
    print(f"| ratio import / baseline | {t_import / t_plain:.2f} | |")
    print()
    print(
        f"{len(report.imported)} files, {report.series} series; rows per table: "
        + ", ".join(f"{k} {v}" for k, v in counts.items())
    )


if __name__ == "__main__":
    main()
