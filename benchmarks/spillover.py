"""Rolling Diebold-Yilmaz spillovers: bubblewatch vs pyconnectedness on the same data, one run.

Data: ../shared/data/reference/dy2012.csv (4 volatility series, 2771 days). Rolling window 200,
VAR(4), H = 10, generalized FEVD, every window (2572 windows). Both results are compared
window by window (total, to, from) before the timings are reported.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from bubblewatch.market.spillover import rolling_spillover  # noqa: E402

DATA = (
    Path(os.environ.get("BUBBLEWATCH_SHARED_DATA", ROOT.parent / "shared" / "data"))
    / "reference"
    / "dy2012.csv"
)


def _best(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    if not DATA.exists():
        print(f"skipped: {DATA} not found")
        return
    import pyconnectedness as pc

    df = pd.read_csv(DATA, index_col="Index", parse_dates=True)
    window, lags, horizon = 200, 4, 10

    t0 = time.perf_counter()
    rolling_spillover(
        df.iloc[: window + 5], window, lags=lags, horizon=horizon
    )  # JIT warm-up / cache load
    warm = time.perf_counter() - t0
    t_bw, ours = _best(lambda: rolling_spillover(df, window, lags=lags, horizon=horizon), 5)

    plain = df.reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_pc, theirs = _best(lambda: pc.dynamic_connectedness(plain, window, horizon, lags=lags), 1)

    n_win = len(ours.index)  # type: ignore[attr-defined]
    d_total = float(np.max(np.abs(ours.total.to_numpy() - theirs.total.to_numpy())))  # type: ignore[attr-defined]
    d_to = float(np.max(np.abs(ours.to.to_numpy() - theirs.directional_to.to_numpy())))  # type: ignore[attr-defined]
    d_from = float(np.max(np.abs(ours.from_.to_numpy() - theirs.directional_from.to_numpy())))  # type: ignore[attr-defined]
    same = max(d_total, d_to, d_from) < 1e-8
    print(
        f"rolling DY on dy2012: {len(df)} days, {n_win} windows of {window}, VAR({lags}), H={horizon}, generalized"
    )
    print()
    print("| implementation | time (s) | windows/s | ratio |")
    print("|---|---:|---:|---:|")
    print(
        f"| bubblewatch rolling_spillover (numba, cross-product updates) | {t_bw:.3f} | {n_win / t_bw:,.0f} | 1 |"
    )
    print(
        f"| pyconnectedness.dynamic_connectedness (statsmodels per window) | {t_pc:.2f} | {n_win / t_pc:,.0f} | {t_pc / t_bw:,.0f}x slower |"
    )
    print()
    print(
        f"speed-up: {t_pc / t_bw:,.0f}x; first call incl. JIT compile or cache load: {warm:.2f} s"
    )
    print(
        f"max |difference| over all windows: total {d_total:.1e}, to {d_to:.1e}, from {d_from:.1e} (pp) -> same values: {same}"
    )


if __name__ == "__main__":
    main()
