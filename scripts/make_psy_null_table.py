"""Make the shipped GSADF null distribution ``src/bubblewatch/detect/tables/psy_gsadf_null.npz``.

The p-value of a GSADF statistic is the share of random walks of the same length whose
GSADF is at least as large. This script simulates that distribution under the PSY null
(driftless Gaussian random walk), lag 0, PSY's default smallest window
floor((0.01 + 1.8/sqrt(T))·T), for T in {50, 100, 200, 400, 800, 1600, 3200} (the grid of
the critical-value table, ``scripts/make_psy_cv_table.py``), and stores the sorted GSADF
values of every replication per T (float32).

Replications come in batches of 2000: batch ``b`` of size T is
``simulate_statistics(T, reps=2000, seed=20151 + T + 1_000_000·b)``, so batch 0 is exactly
the 2000 replications of the critical-value table and the tables agree. 10 batches (20,000
replications) give p-values down to 1/20,001 = 5e-5, small enough for Benjamini-Hochberg
over thousands of series. Takes about 15 minutes of one core (``--batches 1`` for a
quick check):

    PYTHONPATH=src NUMBA_NUM_THREADS=1 nice python scripts/make_psy_null_table.py
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from bubblewatch.detect.psy import default_min_window
from bubblewatch.detect.psy_critical import simulate_statistics

GRID = (50, 100, 200, 400, 800, 1600, 3200)
BATCH = 2000
BATCHES = 10
SEED = 20151
OUT = Path(__file__).resolve().parents[1] / "src/bubblewatch/detect/tables/psy_gsadf_null.npz"


def gsadf_sample(T: int, batches: int) -> np.ndarray:
    """Sorted GSADF statistics of ``batches * 2000`` random walks of length ``T``."""
    m = default_min_window(T)
    out = []
    for b in range(batches):
        sims = simulate_statistics(T, min_window=m, reps=BATCH, seed=SEED + T + 1_000_000 * b)
        out.append(np.nanmax(sims["bsadf"], axis=1))
    return np.sort(np.concatenate(out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batches", type=int, default=BATCHES)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    samples = []
    for T in GRID:
        t0 = time.perf_counter()
        s = gsadf_sample(T, args.batches)
        samples.append(s.astype(np.float32))
        print(
            f"T={T}: {s.size} reps, 95% quantile {np.quantile(s, 0.95):.4f} "
            f"({time.perf_counter() - t0:.1f} s)",
            flush=True,
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        grid=np.array(GRID),
        min_window=np.array([default_min_window(T) for T in GRID]),
        reps=np.array(args.batches * BATCH),
        batch=np.array(BATCH),
        seed=np.array(SEED),
        gsadf=np.stack(samples),
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
