"""Scan benchmark: throughput, accuracy and the false-alarm rate of `bubblewatch scan`.

Inputs: the seeded synthetic universe of :func:`bubblewatch.scan.synthetic.synthetic_panel`
(default 5,000 series of 1,000 sessions: 90% GARCH(1,1) random walks, 10% with an explosive
episode and its collapse) and, when ../shared/data is there, the 503-stock S&P 500 panel.
For each input:

1. series per second for each analysis set (default ``psy`` and ``psy,lppls,status``) on
   1 and 2 workers of the chosen scheduler (wall time of the whole scan, pool start
   included), and the speed-up of 2 workers over 1;
2. GSADF of a sample (default 1%) against pyexuber's ``radf`` (the maximum of its BSADF),
   the largest absolute difference;
3. the flags: on the synthetic panel the false-alarm rate on the random walks and the power
   on the explosive ones, raw (GSADF above its 95% critical value) and after
   Benjamini-Hochberg at FDR 5%; on the S&P panel the share flagged each way.

It prints markdown for ``benchmarks/RESULTS.md``. Timing figures need a quiet machine; the
accuracy and flag figures do not. Full run (about an hour of CPU with LPPLS and the status):

    PYTHONPATH=src python benchmarks/scan.py --series 5000 --sessions 1000 --workers 1,2 \\
        --analyses psy --analyses psy,lppls,status --scheduler processes

A quick check: ``python benchmarks/scan.py --series 200 --sessions 400 --analyses psy``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

SHARED = Path(
    os.environ.get(
        "BUBBLEWATCH_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"
    )
)


def sp500_panel() -> dict[str, pd.Series] | None:
    """The S&P 500 members' daily closes from the shared panel file (None without it)."""
    from bubblewatch.data.panel_file import read_panel_file

    files = sorted((SHARED / "prices" / "panel").glob("sp500_daily_*.csv.gz"))
    return read_panel_file(files[0]).series if files else None


def throughput(
    panel: dict[str, pd.Series], analyses: list[str], workers: int, scheduler: str
) -> tuple[float, float, Any]:
    """Seconds for the whole scan, series per second once the first row is in (the pool
    running), and the result."""
    from bubblewatch.scan import scan

    marks: list[tuple[float, int]] = []
    t0 = time.perf_counter()
    res = scan(
        panel,
        analyses,
        scheduler=scheduler,
        workers=workers,
        on_progress=lambda p: marks.append((time.perf_counter(), p.done)),
    )
    dt = time.perf_counter() - t0
    first = next(((t, d) for t, d in marks if d > 0), None)
    steady = (
        (marks[-1][1] - first[1]) / (marks[-1][0] - first[0])
        if first and marks[-1][0] > first[0]
        else float("nan")
    )
    return dt, steady, res


def versus_pyexuber(
    panel: dict[str, pd.Series], table: pd.DataFrame, share: float
) -> tuple[int, float]:
    """Series compared and the largest |GSADF - pyexuber's max BSADF| on the first ``share``."""
    import exuber

    from bubblewatch.detect.psy_setup import default_min_window

    names = list(panel)[: max(1, round(share * len(panel)))]
    ours = table.set_index("symbol")["gsadf"]
    worst = 0.0
    for sym in names:
        y = np.log(panel[sym].dropna().to_numpy())
        e = exuber.radf(y, minw=default_min_window(len(y)) - 1, lag=0)
        worst = max(worst, abs(float(np.max(e.bsadf[:, 0])) - float(ours[sym])))
    return len(names), worst


def rates(
    table: pd.DataFrame, truth: pd.Series | None, raw: str = "GSADF > 95% cv"
) -> list[tuple[str, str]]:
    """Flag rates: raw and Benjamini-Hochberg, per truth class when given."""
    t = table.set_index("symbol")
    flag = t["explosive"].fillna(False).astype(bool)
    bh = t["explosive_bh"].fillna(False).astype(bool)
    if truth is None:
        return [
            (f"share flagged, raw ({raw})", f"{flag.mean():.1%} of {len(t)}"),
            ("share flagged after Benjamini-Hochberg (FDR 5%)", f"{bh.mean():.1%}"),
        ]
    bub = truth.reindex(t.index).astype(bool)
    rw, ex = ~bub, bub
    return [
        (f"false alarms on {int(rw.sum())} random walks, raw", f"{flag[rw].mean():.1%}"),
        ("false alarms, Benjamini-Hochberg (FDR 5%)", f"{bh[rw].mean():.1%}"),
        (f"power on {int(ex.sum())} explosive series, raw", f"{flag[ex].mean():.1%}"),
        ("power, Benjamini-Hochberg", f"{bh[ex].mean():.1%}"),
        (
            "false-discovery proportion among the BH flags",
            f"{(bh & rw).sum() / max(1, bh.sum()):.1%}",
        ),
    ]


def cpu_per_series(n: int, sessions: int, seed: int) -> None:
    """CPU seconds per series of each analysis (one numba thread, ``time.process_time``)."""
    import numba

    from bubblewatch.scan import LPPLSAnalysis, PSYAnalysis, StatusAnalysis
    from bubblewatch.scan.series_row import run_series
    from bubblewatch.scan.synthetic import synthetic_panel
    from bubblewatch.status.params import LONG_SCALE, SHORT_SCALE

    numba.set_num_threads(1)
    panel, _ = synthetic_panel(n + 1, sessions, seed=seed)
    items = list(panel.items())
    cases = [
        ("PSY (statistics, table critical values, episodes, table p-value)", (PSYAnalysis(),)),
        ("PSY with wild-bootstrap p-value (199 replications)", (PSYAnalysis(pvalue="wb"),)),
        ("LPPLS, long scale (126 windows, 750..125 sessions)", (LPPLSAnalysis((LONG_SCALE,)),)),
        ("LPPLS, short scale (19 windows, 120..30 sessions)", (LPPLSAnalysis((SHORT_SCALE,)),)),
        ("status (includes both LPPLS scales)", (StatusAnalysis(),)),
        ("psy + lppls + status (LPPLS taken from the status)",
         (PSYAnalysis(), LPPLSAnalysis(), StatusAnalysis())),
    ]  # fmt: skip
    print(f"\nCPU seconds per series of {sessions} sessions ({n} series, one numba thread)\n")
    print("| analysis | CPU s / series | wall s / series |")
    print("|---|---|---|")
    for label, analyses in cases:
        sym, s0 = items[0]
        run_series(sym, s0.index.to_numpy(), s0.to_numpy(), analyses)  # load the kernels
        c0, w0 = time.process_time(), time.perf_counter()
        for sym, s in items[1:]:
            run_series(sym, s.index.to_numpy(), s.to_numpy(), analyses)
        cpu, wall = (time.process_time() - c0) / n, (time.perf_counter() - w0) / n
        print(f"| {label} | {cpu:.4f} | {wall:.4f} |", flush=True)


def wild_bootstrap_rates(
    panel: dict[str, pd.Series], truth: pd.Series | None, args: argparse.Namespace
) -> None:
    """The flags with wild-bootstrap p-values (199 replications) on the first series."""
    from bubblewatch.scan import PSYAnalysis, scan

    sub = dict(list(panel.items())[: max(1, round(args.wb_share * len(panel)))])
    workers = max(args.workers)
    t0 = time.perf_counter()
    res = scan(sub, [PSYAnalysis(pvalue="wb")], scheduler=args.scheduler, workers=workers)
    dt = time.perf_counter() - t0
    print(
        f"\nWild-bootstrap p-values (199 replications) on the first {len(sub)} series: "
        f"{dt:.1f} s on {workers} workers ({len(sub) / dt:.2f} series/s); raw = p <= 5%\n"
    )
    print("| flag, wild-bootstrap p-values | rate |")
    print("|---|---|")
    table = res.table.assign(explosive=res.table["gsadf_pvalue"] <= 0.05)
    for label, value in rates(table, truth, raw="p <= 5%"):
        print(f"| {label} | {value} |")


def run(
    name: str,
    panel: dict[str, pd.Series],
    truth: pd.Series | None,
    args: argparse.Namespace,
) -> None:
    print(f"\n### {name}: {len(panel)} series\n")
    print(
        "| analyses | workers | scheduler | seconds | series/s | series/s after the first row "
        "| speed-up vs 1 worker (after the first row) |"
    )
    print("|---|---|---|---|---|---|---|")
    psy_table = None
    for analyses in args.analyses:
        names = analyses.split(",")
        base = None
        for w in args.workers:
            dt, steady, res = throughput(panel, names, w, args.scheduler)
            base = base or steady
            print(
                f"| {analyses} | {w} | {args.scheduler} | {dt:.1f} | {len(panel) / dt:.1f} | "
                f"{steady:.1f} | {steady / base:.2f}x |",
                flush=True,
            )
            if "psy" in names and psy_table is None:
                psy_table = res.table
    if psy_table is None:
        return
    if args.wb_share > 0:
        wild_bootstrap_rates(panel, truth, args)
    n, worst = versus_pyexuber(panel, psy_table, args.sample)
    counts = psy_table["outcome"].value_counts().to_dict()
    print(f"\nOutcomes: {counts}. GSADF vs pyexuber on {n} series: max |difference| {worst:.1e}\n")
    print("| flag | rate |")
    print("|---|---|")
    for label, value in rates(psy_table, truth):
        print(f"| {label} | {value} |")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="scan benchmark (see the module docstring)")
    ap.add_argument("--series", type=int, default=5000)
    ap.add_argument("--sessions", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--scheduler", default="processes")
    ap.add_argument("--analyses", action="append")
    ap.add_argument("--sample", type=float, default=0.01, help="share compared with pyexuber")
    ap.add_argument("--no-sp500", action="store_true")
    ap.add_argument("--cpu", type=int, default=0, help="only measure CPU s per series on N series")
    ap.add_argument(
        "--wb-share",
        type=float,
        default=0.1,
        help="share of the series also scanned with wild-bootstrap p-values (0: none)",
    )
    args = ap.parse_args(argv or [])
    args.workers = [int(w) for w in str(args.workers).split(",")]
    args.analyses = args.analyses or ["psy", "psy,lppls,status"]
    if args.cpu:
        cpu_per_series(args.cpu, args.sessions, args.seed)
        return
    from bubblewatch.scan import scan
    from bubblewatch.scan.synthetic import synthetic_panel

    t0 = time.perf_counter()
    panel, truth = synthetic_panel(args.series, args.sessions, seed=args.seed)
    made = time.perf_counter() - t0
    scan(dict(list(panel.items())[:3]))  # compile / load the kernels once
    print(
        f"Synthetic panel: {args.series} series x {args.sessions} sessions, seed {args.seed} "
        f"({made:.1f} s to generate); load average {os.getloadavg()[0]:.1f} at the start"
    )
    run("Synthetic GARCH(1,1) panel", panel, truth.set_index("symbol")["explosive"], args)
    sp = None if args.no_sp500 else sp500_panel()
    if sp is not None:
        run("S&P 500 members, shared panel", sp, None, args)
    else:
        print("\n(S&P 500 panel skipped: no shared data or --no-sp500)", file=sys.stderr)
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main(sys.argv[1:])
