"""Memory and speed of odd inputs (issue 10, item 11).

1. ``network clear``'s liabilities reader on an N x N matrix (default 1500 x 1500).
2. Peak memory of ``bubblewatch data import`` of a long panel CSV (default 2,000,000 rows,
   date,ticker,open,high,low,close,adj_close,volume), in a fresh process each (peak RSS
   from ``getrusage`` less the RSS after the imports), against the file's size and the peak of a bare ``pandas.read_csv``.

Usage::

    PYTHONPATH=src python benchmarks/odd_inputs.py [--matrix 1500] [--rows 2000000]

Prints a markdown table. Small sizes (``--matrix 200 --rows 50000``) prove it runs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

_CHILD = r"""
import json, resource, sys, time, warnings
mode, path, store = sys.argv[1], sys.argv[2], sys.argv[3]
import pandas as pd
from bubblewatch.data.importer import import_paths
from bubblewatch.data.store import Store
with open("/proc/self/statm") as fh:
    start_mb = int(fh.read().split()[1]) * resource.getpagesize() / 2**20
t0 = time.perf_counter()
if mode == "pandas":
    rows = len(pd.read_csv(path))
else:
    warnings.simplefilter("ignore")
    with Store(store) as st:
        rows = sum(import_paths(st, [path]).rows.values())
seconds = time.perf_counter() - t0
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak_mb - start_mb}))
"""


def _write_matrix(path: Path, n: int) -> None:
    rng = np.random.default_rng(0)
    names = [f"B{i:04d}" for i in range(n)]
    vals = np.where(rng.random((n, n)) < 0.3, rng.random((n, n)) * 1e6, 0.0)
    np.fill_diagonal(vals, 0.0)
    df = pd.DataFrame(vals, index=names, columns=names).round(2)
    df = df.astype(object).where(df != 0, "")
    df.index.name = "owes"
    df.to_csv(path)


def _write_panel(path: Path, rows: int) -> None:
    rng = np.random.default_rng(0)
    tickers = 100
    per = rows // tickers
    dates = pd.bdate_range("1990-01-01", periods=per).strftime("%Y-%m-%d")
    with path.open("w") as fh:
        fh.write("date,ticker,open,high,low,close,adj_close,volume\n")
        for t in range(tickers):
            close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, per)))
            df = pd.DataFrame(
                {
                    "date": dates,
                    "ticker": f"T{t:03d}",
                    "open": close,
                    "high": close * 1.01,
                    "low": close * 0.99,
                    "close": close,
                    "adj_close": close,
                    "volume": rng.integers(1_000, 1_000_000, per),
                }
            )
            df.to_csv(fh, header=False, index=False, float_format="%.4f")


def _child(mode: str, path: Path, store: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, mode, str(path), str(store)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--matrix", type=int, default=1500)
    ap.add_argument("--rows", type=int, default=2_000_000)
    args = ap.parse_args()
    from bubblewatch.data.ledger_io import read_liabilities

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        m = d / "liabilities.csv"
        _write_matrix(m, args.matrix)
        t0 = time.perf_counter()
        read_liabilities(m)
        t_matrix = time.perf_counter() - t0
        panel = d / "panel.csv"
        _write_panel(panel, args.rows)
        size_mb = panel.stat().st_size / 2**20
        base = _child("pandas", panel, d / "unused.duckdb")
        imp = _child("import", panel, d / "store.duckdb")
    print("| input | measure | value |")
    print("|---|---|---:|")
    print(
        f"| liabilities {args.matrix}x{args.matrix} | read_liabilities seconds | {t_matrix:.2f} |"
    )
    print(
        f"| panel {args.rows:,} rows ({size_mb:.0f} MB) | pandas.read_csv peak RSS growth MB | "
        f"{base['peak_mb']:.0f} |"
    )
    print(
        f"| panel {args.rows:,} rows ({size_mb:.0f} MB) | bubblewatch import peak RSS growth MB | "
        f"{imp['peak_mb']:.0f} ({imp['peak_mb'] / size_mb:.1f}x the file) |"
    )
    print(f"| panel {args.rows:,} rows | bubblewatch import seconds | {imp['seconds']:.1f} |")


if __name__ == "__main__":
    main()
