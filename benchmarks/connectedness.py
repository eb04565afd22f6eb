"""TVP-VAR / QVAR connectedness: cost by size, threads, the floor, the bootstrap.

Data: a simulated stable VAR(1) (seeded) with k = 4, 8, 12 series and T = 1,000 and 5,000
observations. Measured, best of ``REPEAT`` runs after a warm-up (kernels compiled or loaded
from the numba cache first):

* TVP-VAR(1) connectedness (Minnesota prior, kappa1 = kappa2 = 0.99, generalized FEVD, H = 10)
  on one and two threads (numba threads and BLAS threads both limited): ``fit_s`` the public
  fit (validation, prior, filter), ``filter_s`` the compiled filter alone, ``fevd_s`` the
  per-date FEVDs and measures;
* the floor of the filter: the symmetric rank-k covariance downdate ``P - W W'`` (m x m,
  m = k^2) that an exact Kalman step cannot avoid, timed alone as T BLAS products in the same
  compiled loop - the filter's time over this is its distance from the floor;
* the dense reference filter (a direct numpy translation, ~3 m^2 k per step, as the R
  package's algebra) for the sizes where it runs in reasonable time;
* a QVAR sweep of 19 quantiles (k = 4, T = 1,000, rolling windows of 200: 801 windows x 4
  equations x 19 quantiles) on one and two threads;
* the bootstrap: seconds per replication of the TVP-VAR bands (k = 8, T = 1,000).

Run ``python benchmarks/connectedness.py`` (full grid; minutes on a quiet machine) or
``python benchmarks/connectedness.py --small`` (k = 3, 4; T = 300: proves it runs).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numba  # noqa: E402
from numba import njit  # noqa: E402

from bubblewatch.market.connectedness import _tvp_var_kernels as TK  # noqa: E402
from bubblewatch.market.connectedness import (  # noqa: E402
    bootstrap_bands,
    fit_tvp_var,
    quantile_sweep,
    time_connectedness,
)
from bubblewatch.market.connectedness import priors as P  # noqa: E402

REPEAT = 3


def simulate(k: int, n: int, seed: int = 0) -> pd.DataFrame:
    """A stable VAR(1) with cross-effects and correlated shocks."""
    rng = np.random.default_rng(seed)
    a = rng.uniform(-0.15, 0.15, (k, k)) + np.diag(rng.uniform(0.1, 0.4, k))
    a *= 0.8 / max(1e-9, float(np.max(np.abs(np.linalg.eigvals(a)))))
    c = rng.standard_normal((k, k)) * 0.4 + np.eye(k)
    e = rng.standard_normal((n, k)) @ c.T
    y = np.zeros((n, k))
    for t in range(1, n):
        y[t] = a @ y[t - 1] + e[t]
    return pd.DataFrame(y, columns=[f"s{i}" for i in range(k)])


@njit(cache=True)
def _floor(n: int, m: int, k: int, w: np.ndarray, s: np.ndarray) -> float:
    """T symmetric rank-k downdates S -= W W' (the unavoidable part of an exact step)."""
    acc = 0.0
    for _ in range(n):
        ww = np.dot(w, w.T)
        for a in range(m):
            for b in range(m):
                s[a, b] = 0.99 * s[a, b] - ww[a, b]
        acc += s[0, 0]
    return acc


def _best(fn, repeat: int = REPEAT) -> float:
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _threads(n: int):
    from threadpoolctl import threadpool_limits

    numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
    return threadpool_limits(limits=n)


def tvp_grid(ks: list[int], ns: list[int], threads: list[int]) -> list[dict]:
    rows = []
    for k in ks:
        for n in ns:
            df = simulate(k, n)
            fit_tvp_var(df.iloc[:50], prior="minnesota")  # warm-up (kernels loaded or compiled)
            y = df.to_numpy()
            pr = P.minnesota_prior(k, 1, 0.1)
            q0 = np.cov(y, rowvar=False)
            yc = np.ascontiguousarray(y - y.mean(axis=0))
            for th in threads:
                with _threads(th):
                    fit = fit_tvp_var(df, prior="minnesota")
                    time_connectedness(fit, horizon=10)  # warm-up of this thread count's path
                    t_fit = _best(lambda df=df: fit_tvp_var(df, prior="minnesota"))
                    t_kernel = _best(
                        lambda yc=yc, pr=pr, q0=q0: TK.tvp_var_filter(
                            yc, 1, pr.b0, pr.v0, q0, 0.99, 0.99
                        )
                    )
                    t_fevd = _best(lambda fit=fit: time_connectedness(fit, horizon=10))
                    m = k * k
                    w = np.random.default_rng(1).standard_normal((m, k)) * 1e-3
                    s = np.eye(m)
                    _floor(2, m, k, w, s)
                    t_floor = _best(lambda m=m, k=k, w=w, s=s, n=n: _floor(n, m, k, w, s))
                rows.append(
                    {
                        "k": k,
                        "T": n,
                        "threads": th,
                        "fit_s": t_fit,
                        "filter_s": t_kernel,
                        "fevd_s": t_fevd,
                        "total_s": t_fit + t_fevd,
                        "floor_s": t_floor,
                        "x_floor": t_kernel / t_floor,
                        "us_per_step": 1e6 * t_kernel / n,
                        "floor_gflops": (m * m * k / 2) * n / t_floor / 1e9,
                    }
                )
                print(rows[-1], flush=True)
    return rows


def reference_filter(ks: list[int], n: int) -> list[dict]:
    rows = []
    for k in ks:
        df = simulate(k, n)
        y = df.to_numpy()
        pr = P.minnesota_prior(k, 1, 0.1)
        q0 = np.cov(y, rowvar=False)
        yc = np.ascontiguousarray(y - y.mean(axis=0))
        TK.tvp_var_filter(yc[:20], 1, pr.b0, pr.v0, q0, 0.99, 0.99)
        t_ref = _best(
            lambda yc=yc, pr=pr, q0=q0: TK.tvp_var_filter_reference(
                yc, 1, pr.b0, pr.v0, q0, 0.99, 0.99
            ),
            1,
        )
        t_k = _best(
            lambda yc=yc, pr=pr, q0=q0: TK.tvp_var_filter(yc, 1, pr.b0, pr.v0, q0, 0.99, 0.99)
        )
        c1 = TK.tvp_var_filter(yc, 1, pr.b0, pr.v0, q0, 0.99, 0.99)[0]
        c2 = TK.tvp_var_filter_reference(yc, 1, pr.b0, pr.v0, q0, 0.99, 0.99)[0]
        rows.append({"k": k, "T": n, "reference_s": t_ref, "kernel_s": t_k, "speedup": t_ref / t_k,
                     "max_abs_diff": float(np.abs(c1 - c2).max())})  # fmt: skip
        print(rows[-1], flush=True)
    return rows


def qvar_sweep(k: int, n: int, window: int, threads: list[int], taus: int = 19) -> list[dict]:
    rows = []
    df = simulate(k, n, seed=2)
    ts = tuple(round((i + 1) / (taus + 1), 4) for i in range(taus))
    for th in threads:
        with _threads(th):
            quantile_sweep(df.iloc[: window + 40], taus=ts[:2], window=window)  # warm-up
            t = _best(lambda: quantile_sweep(df, taus=ts, window=window), 1)
        n_qr = (n - window + 1) * k * taus
        rows.append({"k": k, "T": n, "window": window, "taus": taus, "threads": th,
                     "seconds": t, "regressions": n_qr, "us_per_regression": 1e6 * t / n_qr})  # fmt: skip
        print(rows[-1], flush=True)
    return rows


def bootstrap_cost(k: int, n: int, n_boot: int, threads: list[int]) -> list[dict]:
    rows = []
    df = simulate(k, n, seed=3)
    c = time_connectedness(fit_tvp_var(df, prior="minnesota"), horizon=10)
    for th in threads:
        with _threads(th):
            bootstrap_bands(c, n_boot=th * 8)  # warm-up (the batched filter path too)
            t = _best(lambda: bootstrap_bands(c, n_boot=n_boot), 1)
        rows.append({"k": k, "T": n, "n_boot": n_boot, "threads": th, "seconds": t,
                     "s_per_replication": t / n_boot})  # fmt: skip
        print(rows[-1], flush=True)
    return rows


def growth(rows: list[dict]) -> None:
    """Empirical exponents of the filter time in k (T fixed) and T (k fixed), one thread."""
    one = [r for r in rows if r["threads"] == 1]
    ks = sorted({r["k"] for r in one})
    ns = sorted({r["T"] for r in one})
    for n in ns:
        sel = {r["k"]: r["filter_s"] for r in one if r["T"] == n}
        if len(ks) > 1:
            e = np.polyfit(np.log(ks), np.log([sel[k] for k in ks]), 1)[0]
            print(f"T={n}: filter time ~ k^{e:.2f} (floor k^5 for p = 1: m^2 k = k^5)")
    for k in ks:
        sel = {r["T"]: r["filter_s"] for r in one if r["k"] == k}
        if len(ns) > 1:
            e = np.log(sel[ns[-1]] / sel[ns[0]]) / np.log(ns[-1] / ns[0])
            print(f"k={k}: filter time ~ T^{e:.2f}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="tiny sizes: proves the script runs")
    args = ap.parse_args(argv or [])
    threads = [1, 2] if numba.config.NUMBA_NUM_THREADS >= 2 else [1]
    if args.small:
        rows = tvp_grid([3, 4], [300], threads)
        reference_filter([3], 300)
        qvar_sweep(3, 300, 100, threads, taus=3)
        bootstrap_cost(3, 300, 4, threads)
    else:
        rows = tvp_grid([4, 8, 12], [1000, 5000], threads)
        reference_filter([4, 8, 12], 1000)
        qvar_sweep(4, 1000, 200, threads)
        bootstrap_cost(8, 1000, 20, threads)
    growth(rows)


if __name__ == "__main__":
    main(sys.argv[1:])
