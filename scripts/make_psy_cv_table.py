"""Make the shipped PSY critical-value table ``src/bubblewatch/detect/tables/psy_cv.npz``.

Monte Carlo under the PSY null (driftless Gaussian random walk), lag 0, PSY's default
smallest window floor((0.01 + 1.8/sqrt(T))·T), 2000 replications, seed 20151, for
T in {50, 100, 200, 400, 800, 1600, 3200} (replication streams seeded 20151 + T). Stores the 90/95/99% quantiles of ADF, SADF and GSADF,
the pointwise BADF curve and the BSADF curves under the rules "psy" (running maximum of
BADF) and "pointwise". Takes about three minutes on 2 idle cores:

    PYTHONPATH=src NUMBA_NUM_THREADS=2 python scripts/make_psy_cv_table.py
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from bubblewatch.detect.psy import default_min_window
from bubblewatch.detect.psy_critical import bsadf_rule, simulate_statistics

GRID = (50, 100, 200, 400, 800, 1600, 3200)
REPS = 2000
SEED = 20151
OUT = Path(__file__).resolve().parents[1] / "src/bubblewatch/detect/tables/psy_cv.npz"
Q = np.array([0.90, 0.95, 0.99])


def main() -> None:
    adf, sadf, gsadf, mins = [], [], [], []
    curves: dict[str, list[np.ndarray]] = {"badf": [], "bsadf_psy": [], "bsadf_pointwise": []}
    for T in GRID:
        t0 = time.perf_counter()
        m = default_min_window(T)
        sims = simulate_statistics(T, min_window=m, reps=REPS, seed=SEED + T)
        badf, bsadf = sims["badf"], sims["bsadf"]
        adf.append(np.quantile(badf[:, -1], Q))
        sadf.append(np.quantile(badf.max(axis=1), Q))
        gsadf.append(np.quantile(bsadf.max(axis=1), Q))
        curves["badf"].append(np.quantile(badf, Q, axis=0).T)
        curves["bsadf_psy"].append(bsadf_rule(badf, bsadf, "psy"))
        curves["bsadf_pointwise"].append(bsadf_rule(badf, bsadf, "pointwise"))
        mins.append(m)
        print(
            f"T={T}: min window {m}, GSADF 95% {gsadf[-1][1]:.4f} ({time.perf_counter() - t0:.1f} s)"
        )
    offsets = np.concatenate(([0], np.cumsum([c.shape[0] for c in curves["badf"]])))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        OUT,
        grid=np.array(GRID),
        min_window=np.array(mins),
        reps=np.array(REPS),
        seed=np.array(SEED),
        adf=np.array(adf),
        sadf=np.array(sadf),
        gsadf=np.array(gsadf),
        offsets=offsets,
        **{k: np.concatenate(v) for k, v in curves.items()},
    )
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
