"""Bubble status benchmark: the explosive flag's size and power, and the status's timings.

Parts (each prints a Markdown table):

``size``
    False alarms of the explosive flag -- BSADF on the last date above its 95% critical
    value -- on ``--walks`` GARCH(1,1) random walks (alpha 0.08, beta 0.9, unit long-run
    variance, Gaussian shocks, T = 800), and its power on explosive series of the same
    volatility (the same GARCH shocks; over the last 20% of the sample the series follows
    PSY's mildly explosive root rho = 1 + c T^-0.6 around the level where the bubble starts,
    starting one unconditional s.d. above it), for the critical values the status uses (wild
    bootstrap, 199 replications, pointwise rule) and for the shipped homoskedastic table
    (its pointwise rule on the last date, and its 'psy' rule). The GSADF test (whole sample)
    is given too: the table's GSADF value, and the wild bootstrap's with ``--gsadf-wb``
    (O(T²) per replication: slow). Accuracy figures: run them at any load.
``ai``
    The status of the AI complex (about 15 assets, both LPPLS scales, no trust), warm.
``panel``
    The status of the 503-stock S&P 500 panel (PSY + momentum + stress, no LPPLS), warm. The
    panel holds one year per stock, so PSY says "insufficient data" for each (it needs 500
    sessions): the figure is the cost of the status machinery per series, not of PSY.
``track``
    The track record's whole replay (no cache), ``--workers`` processes.

Run (timings on a quiet machine)::

    PYTHONPATH=src NUMBA_NUM_THREADS=2 python benchmarks/status.py size --walks 500
    PYTHONPATH=src NUMBA_NUM_THREADS=2 python benchmarks/status.py ai panel track --store STORE

``--store`` is a store holding ../shared/data (``bubblewatch data import ../shared/data``);
without it the parts that need data import the shared folder into a temporary store first.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BUBBLEWATCH_SHARED_DATA", ROOT.parent / "shared" / "data"))


# ----------------------------------------------------------------------------------- size/power
def garch_shocks(rng: np.random.Generator, T: int, a: float = 0.08, b: float = 0.9) -> np.ndarray:
    """GARCH(1,1) shocks with unit unconditional variance (200 burn-in draws dropped)."""
    z = rng.standard_normal(T + 200)
    out = np.empty(T + 200)
    s2, e = 1.0, 0.0
    for t in range(T + 200):
        s2 = (1 - a - b) + a * e * e + b * s2
        e = math.sqrt(s2) * z[t]
        out[t] = e
    return out[200:]


def explosive(eps: np.ndarray, c: float = 1.0, share: float = 0.2) -> np.ndarray:
    """A random walk of ``eps`` whose last ``share`` of the sample is mildly explosive."""
    T = eps.shape[0]
    y = np.cumsum(eps)
    tau = int((1 - share) * T)
    rho = 1 + c * T**-0.6
    base = y[tau - 1] - 1.0
    for t in range(tau, T):
        y[t] = base + rho * (y[t - 1] - base) + eps[t]
    return y


def size_power(walks: int, T: int, reps: int, gsadf_wb: bool) -> str:
    from bubblewatch.detect.psy import default_min_window, psy
    from bubblewatch.detect.psy_bootstrap import bootstrap_bsadf, pointwise_critical_values
    from bubblewatch.detect.psy_critical import table_critical_values, wb_critical_values

    m = default_min_window(T)
    tab_pw = table_critical_values(T, rule="pointwise")
    tab_psy = table_critical_values(T, rule="psy")
    hits: dict[str, dict[str, int]] = {}
    t0 = time.perf_counter()
    for kind, c in (("size", 0.0), ("power c=1", 1.0), ("power c=0.5", 0.5)):
        h = hits.setdefault(kind, {})
        for i in range(walks):
            eps = garch_shocks(np.random.default_rng(20_000 + i), T)
            y = np.cumsum(eps) if c == 0.0 else explosive(eps, c)
            r = psy(y)
            b = float(r.bsadf.iloc[-1])
            wb = pointwise_critical_values(
                bootstrap_bsadf(y, [T - 1], min_window=m, reps=reps, seed=i)
            )[0, 1]
            h["wb pointwise (status)"] = h.get("wb pointwise (status)", 0) + (b > wb)
            h["table pointwise"] = h.get("table pointwise", 0) + (b > tab_pw.bsadf[95].iloc[-1])
            h["table psy rule"] = h.get("table psy rule", 0) + (b > tab_psy.bsadf[95].iloc[-1])
            h["GSADF, table"] = h.get("GSADF, table", 0) + (r.gsadf > tab_psy.gsadf[95])
            if gsadf_wb:
                g = wb_critical_values(y, reps=reps, seed=i).gsadf[95]
                h["GSADF, wild bootstrap"] = h.get("GSADF, wild bootstrap", 0) + (r.gsadf > g)
    secs = time.perf_counter() - t0
    rows = list(hits["size"])
    lines = [
        f"Explosive flag on GARCH(1,1) walks (alpha 0.08, beta 0.9), T={T}, {walks} series each, "
        f"wild bootstrap {reps} replications ({secs:.0f} s)",
        "",
        "| Critical values | Size (no bubble, 5% nominal) | 95% band | Power c=1 | Power c=0.5 |",
        "|---|---|---|---|---|",
    ]
    se = 1.96 * math.sqrt(0.05 * 0.95 / walks)
    for r in rows:
        lines.append(
            f"| {r} | {hits['size'][r] / walks:.1%} | {max(0.0, 0.05 - se):.1%}-{0.05 + se:.1%} | "
            f"{hits['power c=1'][r] / walks:.1%} | {hits['power c=0.5'][r] / walks:.1%} |"
        )
    return "\n".join(lines)


# -------------------------------------------------------------------------------------- timings
def _store(path: str | None) -> Any:
    from bubblewatch.data.store import Store

    if path:
        return Store(path, read_only=True)
    from bubblewatch.data.importer import import_paths

    tmp = Path(tempfile.mkdtemp()) / "shared.duckdb"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Store(tmp) as st:
            import_paths(st, [SHARED])
    return Store(tmp, read_only=True)


def _timed(fn: Any) -> tuple[float, Any]:
    fn()  # warm: numba caches, imports, the bootstrap's weights
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def ai_timing(st: Any) -> str:
    from bubblewatch.data.status_inputs import cape_series, price_symbols, status_inputs
    from bubblewatch.status.params import DEFAULT_PARAMS
    from bubblewatch.status.views import ai_complex_status

    load = lambda s: status_inputs(st, s)  # noqa: E731
    secs, g = _timed(
        lambda: ai_complex_status(
            load, price_symbols(st), params=DEFAULT_PARAMS, cape=cape_series(st)
        )
    )
    return (
        f"| AI complex status ({g.breadth['n']} members + 2 baskets, both LPPLS scales, "
        f"GSADF bootstrap, no trust) | {secs:.1f} s | {secs / (g.breadth['n'] + 2):.2f} s per series |"
    )


def panel_timing(st: Any) -> str:
    from bubblewatch.status.asset import asset_status
    from bubblewatch.status.params import DEFAULT_PARAMS

    panel = st.query(
        "SELECT symbol FROM series WHERE source LIKE '%panel%' AND tbl = 'prices' ORDER BY symbol"
    )["symbol"].tolist()
    frames = {s: st.prices(s)[["close", "adj_close", "volume"]] for s in panel}
    # the panel's members whose file is prices/us/ (imported from there): same dates
    first = min(f.index[0] for f in frames.values())
    last = max(f.index[-1] for f in frames.values())
    us = st.query(
        "SELECT symbol FROM series WHERE source LIKE '%prices/us/%' AND kind = 'equity' "
        "AND symbol NOT IN ('QQQ', 'SPY') ORDER BY symbol"
    )["symbol"].tolist()
    for s in us:
        f = st.prices(s)[["close", "adj_close", "volume"]]
        frames[s] = f[(f.index >= first) & (f.index <= last)]
    rows = []
    for label, p in (
        ("PSY + momentum + stress, no LPPLS", DEFAULT_PARAMS.replace(lppls=False, gsadf_cv=False)),
        ("with both LPPLS scales (the long one says 'insufficient data')",
         DEFAULT_PARAMS.replace(gsadf_cv=False)),
    ):  # fmt: skip

        def run(p: Any = p) -> list[Any]:
            return [
                asset_status(f, as_of=f.index[-1], params=p, symbol=s) for s, f in frames.items()
            ]

        secs, out = _timed(run)
        rows.append(
            f"| S&P 500 panel status ({len(out)} stocks, one year each, {label}; PSY says "
            f"'insufficient data' on one year) | {secs:.1f} s | {1000 * secs / len(out):.1f} ms per stock |"
        )
    return "\n".join(rows)


def track_timing(st: Any, workers: int) -> str:
    from bubblewatch.data.status_inputs import status_inputs
    from bubblewatch.status.views import track_record_view

    t0 = time.perf_counter()
    rec = track_record_view(lambda s: status_inputs(st, s), workers=workers)
    secs = time.perf_counter() - t0
    days = int(rec.table.loc["all", "days"])
    return (
        f"| Track record replay ({days} days over {len(rec.replays)} histories, every 5 sessions, "
        f"LPPLS every 20, {workers} processes, no cache) | {secs / 60:.1f} min | "
        f"{1000 * secs * workers / days:.0f} ms CPU per day |"
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("parts", nargs="*", default=["size", "ai", "panel", "track"])
    ap.add_argument("--walks", type=int, default=500)
    ap.add_argument("--T", type=int, default=800)
    ap.add_argument("--reps", type=int, default=199)
    ap.add_argument("--gsadf-wb", action="store_true")
    ap.add_argument("--store", default=None)
    ap.add_argument("--workers", type=int, default=2)
    if argv is None:  # run_all.py calls main() with its own arguments: use the defaults
        argv = sys.argv[1:] if Path(sys.argv[0]).name == "status.py" else []
    args = ap.parse_args(argv)
    if "size" in args.parts:
        print(size_power(args.walks, args.T, args.reps, args.gsadf_wb), flush=True)
    timed = [p for p in args.parts if p in ("ai", "panel", "track")]
    if timed:
        st = _store(args.store)
        print("\n| Task | Time | Per unit |\n|---|---|---|", flush=True)
        if "ai" in timed:
            print(ai_timing(st), flush=True)
        if "panel" in timed:
            print(panel_timing(st), flush=True)
        if "track" in timed:
            print(track_timing(st, args.workers), flush=True)


if __name__ == "__main__":
    main()
