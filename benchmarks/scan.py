"""Scan benchmark: PSY over every S&P 500 member of the shared panel (503 series, one year
of daily closes each), bubblewatch's scan on each scheduler vs pyexuber called series by
series (its statistics only: critical values and date-stamping are extra work for it).

Needs ../shared/data; prints a markdown table for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

SHARED = Path(
    os.environ.get(
        "BUBBLEWATCH_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"
    )
)


def _panel() -> dict[str, pd.Series]:
    files = sorted((SHARED / "prices" / "panel").glob("sp500_daily_*.csv.gz"))
    if not files:
        sys.exit(f"shared panel not found under {SHARED}")
    df = pd.read_csv(files[0], usecols=["date", "ticker", "close"], parse_dates=["date"])
    return {
        str(t): g.set_index("date")["close"].astype(float).sort_index()
        for t, g in df.groupby("ticker")
        if g["close"].gt(0).all() and len(g) >= 60
    }


def main() -> None:
    import exuber

    from bubblewatch.detect.psy import default_min_window
    from bubblewatch.scan import scan_psy

    panel = _panel()
    n = len(panel)
    scan_psy(dict(list(panel.items())[:3]))  # warm the kernels
    rows = []
    base = None
    for scheduler in ("sync", "threads", "processes", "dask"):
        t0 = time.perf_counter()
        res = scan_psy(panel, scheduler=scheduler, workers=2)
        dt = time.perf_counter() - t0
        if base is None:
            base = res.to_frame()
        else:
            pd.testing.assert_frame_equal(res.to_frame(), base)
        label = "one thread" if scheduler == "sync" else "2 workers"
        rows.append(
            (f"bubblewatch scan, {scheduler} ({label}), with critical values and episodes", dt)
        )
    logs = {k: np.log(v.to_numpy()) for k, v in panel.items()}
    t0 = time.perf_counter()
    worst = 0.0
    for sym, y in logs.items():
        e = exuber.radf(y, minw=default_min_window(len(y)) - 1, lag=0)
        worst = max(
            worst,
            abs(float(np.max(e.bsadf[:, 0])) - float(base.set_index("symbol").loc[sym, "gsadf"])),
        )
    rows.append(
        ("pyexuber radf, one series after another (statistics only)", time.perf_counter() - t0)
    )
    peer = rows[-1][1]
    print(f"{n} series; max |GSADF difference| vs pyexuber {worst:.1e}\n")
    print("| run | seconds | vs pyexuber |")
    print("|---|---|---|")
    for name, dt in rows:
        print(f"| {name} | {dt:.2f} | {dt / peer:.2f} |")


if __name__ == "__main__":
    main()
