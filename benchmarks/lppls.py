"""LPPLS: bubblewatch vs the ``lppls`` package (0.6.24) on the same inputs, in one run.

1. SSE on 200 random windows (60-750 observations) of NASDAQ 1994-2000 and of NVDA
   2015-2025 (../shared/data): the ``lppls`` package's ``LPPLS.fit(25)`` (seeded
   ``random.seed(k)``) vs :func:`fit_lppls` (default box, and the ``lppls`` package's own
   domain, :meth:`LPPLSBounds.lppls_domain`). Both SSEs are the exact profile SSE (linear
   parameters by least squares) at each package's (tc, m, omega), log prices, ordinal days.
2. Fits per second on the same nested windows: ``lppls.mp_compute_nested_fits`` (2
   workers) vs :func:`lppls_confidence` (2 numba threads), with the SSE comparison per
   window beside it.
3. The 10-year daily DS LPPLS confidence indicator of NVDA (windows 504..30, step 5, every
   end date) on 2 cores.

Run: ``NUMBA_NUM_THREADS=2 PYTHONPATH=src python benchmarks/lppls.py`` (about 10 minutes).
"""

from __future__ import annotations

import datetime as _dt
import os
import random
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BUBBLEWATCH_SHARED_DATA", ROOT.parent / "shared" / "data"))


def _peer():  # type: ignore[no-untyped-def]
    """The ``lppls`` package's module (this file's name shadows it on sys.path)."""
    here = Path(__file__).resolve().parent
    saved = sys.path[:]
    sys.path[:] = [p for p in sys.path if Path(p or os.getcwd()).resolve() != here]
    mod = sys.modules.get("lppls")
    if (
        mod is not None
        and Path(getattr(mod, "__file__", "") or "").resolve() == Path(__file__).resolve()
    ):
        del sys.modules["lppls"]
    try:
        from lppls import lppls as peer
    finally:
        sys.path[:] = saved
    return peer


def _nasdaq() -> pd.Series:
    s = pd.read_csv(SHARED / "indices" / "NASDAQ_COMPOSITE_1971_2020.csv", parse_dates=["date"])
    return s.set_index("date")["close"]["1994-01-01":"2000-03-10"]


def _nvda() -> pd.Series:
    s = pd.read_csv(SHARED / "prices" / "us" / "NVDA.csv", parse_dates=["date"])
    return s.set_index("date")["close"]["2015-01-01":"2025-12-31"]


def sse_comparison(name: str, s: pd.Series, n_windows: int = 200) -> dict:
    lppls = _peer()

    from bubblewatch.detect.lppls import LPPLSBounds, fit_lppls, linear_parameters

    t = np.array([d.toordinal() for d in s.index], float)
    y = np.log(s.to_numpy())
    rng = np.random.default_rng(7)
    rows = []
    t_l = t_d = t_w = 0.0
    for k in range(n_windows):
        w = int(rng.integers(60, 751))
        e = int(rng.integers(w - 1, len(s)))
        obs = np.array([t[e - w + 1 : e + 1], y[e - w + 1 : e + 1]])
        random.seed(k)
        a = time.perf_counter()
        r = lppls.LPPLS(obs).fit(25)
        t_l += time.perf_counter() - a
        failed = r[0] == 0
        sse_l = np.inf if failed else linear_parameters(obs[0], obs[1], *r[:3])[1]
        win = s.iloc[e - w + 1 : e + 1]
        a = time.perf_counter()
        fd = fit_lppls(win)
        t_d += time.perf_counter() - a
        a = time.perf_counter()
        fw = fit_lppls(win, bounds=LPPLSBounds.lppls_domain())
        t_w += time.perf_counter() - a
        span = obs[0, -1] - obs[0, 0]
        b = LPPLSBounds()
        inbox = (
            not failed
            and b.tc_lo <= (r[0] - obs[0, -1]) / span <= b.tc_hi
            and b.m_lo <= r[1] <= b.m_hi
            and b.omega_lo <= abs(r[2]) <= b.omega_hi
        )
        rows.append((sse_l, fd.sse, fw.sse, inbox, failed))
    a = np.array([r[:3] for r in rows], float)
    inbox = np.array([r[3] for r in rows])
    tol = 1e-9
    ok_w = a[:, 2] <= a[:, 0] * (1 + tol)
    close_w = a[:, 2] <= a[:, 0] * (1 + 1e-6)
    ok_d = a[:, 1] <= a[:, 0] * (1 + tol)
    fin = np.isfinite(a[:, 0])
    return {
        "data": name,
        "windows": n_windows,
        "lppls failed": int((~fin).sum()),
        "lppls fit in default box": int(inbox.sum()),
        "ours <= lppls (lppls domain)": f"{ok_w.mean():.1%}",
        "same, within 1e-6": f"{close_w.mean():.1%}",
        "ours <= lppls (default box)": f"{ok_d.mean():.1%}",
        "ours <= lppls, lppls fit in box": f"{ok_d[inbox].mean():.1%}" if inbox.any() else "n/a",
        "median SSE ratio ours/lppls (domain)": f"{np.median(a[fin, 2] / a[fin, 0]):.4f}",
        "worst ratio (domain)": f"{np.max(a[fin, 2] / a[fin, 0]):.4f}",
        "lppls s/fit": f"{t_l / n_windows:.3f}",
        "ours s/fit (default)": f"{t_d / n_windows:.4f}",
        "ours s/fit (domain)": f"{t_w / n_windows:.4f}",
    }


def nested_fits() -> list[dict]:
    lppls = _peer()

    from bubblewatch.detect.lppls_confidence import (
        CONFIDENCE_GRID,
        FAST_CONFIDENCE_GRID,
        lppls_confidence,
    )

    ws, smallest, outer, inner = 120, 30, 5, 5
    s = _nasdaq().iloc[-620:]  # (620 - 120) % 5 == 0: both packages use the same end dates
    t = np.array([d.toordinal() for d in s.index], float)
    y = np.log(s.to_numpy())
    obs = np.array([t, y])
    model = lppls.LPPLS(obs)
    random.seed(0)
    a = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.mp_compute_nested_fits(
            workers=2,
            window_size=ws,
            smallest_window_size=smallest,
            outer_increment=outer,
            inner_increment=inner,
            max_searches=25,
        )
    t_l = time.perf_counter() - a
    n_l = sum(len(r["res"]) for r in res)
    lengths = sorted({ws - j for j in range(0, ws - smallest, inner)})
    lppls_confidence(s.iloc[:200], window_max=60, window_min=30, window_step=10)  # load
    rows = []
    for label, grid in (("default", CONFIDENCE_GRID), ("fast", FAST_CONFIDENCE_GRID)):
        a = time.perf_counter()
        ours = lppls_confidence(
            s,
            window_max=ws,
            window_min=min(lengths),
            window_step=inner,
            end_step=outer,
            return_fits=True,
            grid=grid,
        )
        t_b = time.perf_counter() - a
        ok, close, inbox = _compare_nested(res, ours.fits, s, t, y)
        rows.append(
            {
                "grid": label,
                "windows": f"{len(res)} end dates x {len(lengths)} lengths "
                f"({min(lengths)}..{ws}, step {inner})",
                "fits": f"{n_l} / {ours.n_fits}",
                "lppls s (2 workers)": f"{t_l:.1f}",
                "ours s (2 threads)": f"{t_b:.2f}",
                "lppls fits/s": f"{n_l / t_l:.1f}",
                "ours fits/s": f"{ours.n_fits / t_b:.0f}",
                "speed-up": f"{(ours.n_fits / t_b) / (n_l / t_l):.0f}x",
                "ours SSE <= lppls": f"{ok.mean():.1%}",
                "lppls fits in our box": f"{inbox.mean():.1%}",
                "ours SSE <= lppls, those fits": f"{ok[inbox].mean():.1%}",
                "same, within 1e-6": f"{close[inbox].mean():.1%}",
            }
        )
    return rows


def _compare_nested(res, fits, s, t, y):  # type: ignore[no-untyped-def]
    from bubblewatch.detect.lppls import LPPLSBounds, linear_parameters

    assert fits is not None
    idx = {d: i for i, d in enumerate(s.index)}
    mine = {(e, w): v for e, w, v in zip(fits["end"], fits["window"], fits["sse"])}
    b = LPPLSBounds()
    ok: list[bool] = []
    close: list[bool] = []
    inbox: list[bool] = []
    for r in res:
        for f in r["res"]:
            e = idx[pd.Timestamp.fromordinal(int(f["t2"]))]
            i0 = idx[pd.Timestamp.fromordinal(int(f["t1"]))]
            w = e - i0 + 1
            failed = f["tc"] == 0
            sse_l = (
                np.inf
                if failed
                else linear_parameters(t[i0 : e + 1], y[i0 : e + 1], f["tc"], f["m"], f["w"])[1]
            )
            ok.append(float(mine[(s.index[e], w)]) <= sse_l * (1 + 1e-9))
            close.append(float(mine[(s.index[e], w)]) <= sse_l * (1 + 1e-6))
            span = t[e] - t[i0]
            inbox.append(
                not failed
                and b.tc_lo <= (f["tc"] - t[e]) / span <= b.tc_hi
                and b.m_lo <= f["m"] <= b.m_hi
                and b.omega_lo <= abs(f["w"]) <= b.omega_hi
            )
    return np.array(ok), np.array(close), np.array(inbox)


def nvda_confidence() -> dict:
    from bubblewatch.detect.lppls_confidence import lppls_confidence

    s = _nvda()
    a = time.perf_counter()
    res = lppls_confidence(s, window_max=504, window_min=30, window_step=5, end_step=1)
    el = time.perf_counter() - a
    ind = res.indicator
    return {
        "series": f"NVDA {s.index[0].date()}..{s.index[-1].date()} ({len(s)} closes)",
        "end dates": len(ind),
        "fits": res.n_fits,
        "seconds (2 threads)": f"{el:.1f}",
        "fits/s": f"{res.n_fits / el:.0f}",
        "not converged": f"{ind['n_unconverged'].sum() / res.n_fits:.1%}",
        "max pos": f"{ind['pos'].max():.2f} on {ind['pos'].idxmax().date()}",
    }


def cold_start() -> str:
    code = (
        "import time; a = time.perf_counter();"
        "import numpy as np, pandas as pd;"
        "from bubblewatch.detect.lppls import fit_lppls;"
        "from bubblewatch.detect.lppls_confidence import lppls_confidence;"
        "s = pd.Series(np.exp(np.linspace(0, 1, 200) + 0.01 * np.sin(np.arange(200))),"
        " index=pd.bdate_range('2020-01-01', periods=200));"
        "fit_lppls(s); lppls_confidence(s, window_max=100, window_min=50, window_step=25, end_step=50);"
        "print(time.perf_counter() - a)"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return (
        f"{float(out.stdout.strip()):.2f} s wall, {cpu:.2f} s CPU (python start, numpy/pandas/"
        "numba import, one fit, one small indicator; numba cache warm)"
    )


def _table(d: dict) -> str:
    keys = list(d)
    return (
        "| "
        + " | ".join(keys)
        + " |\n|"
        + "---|" * len(keys)
        + "\n| "
        + " | ".join(str(d[k]) for k in keys)
        + " |"
    )


def main() -> None:
    print(
        f"# LPPLS benchmark ({_dt.date.today()}, NUMBA_NUM_THREADS={os.environ.get('NUMBA_NUM_THREADS')})\n"
    )
    print("Cold start:", cold_start(), "\n")
    print("## Fits per second, same nested windows (NASDAQ, last 620 closes to 2000-03-10)\n")
    nested = nested_fits()
    keys = list(nested[0])
    print("| " + " | ".join(keys) + " |\n|" + "---|" * len(keys))
    for r in nested:
        print("| " + " | ".join(str(r[k]) for k in keys) + " |")
    print()
    print("## SSE on 200 random windows (60-750 closes)\n")
    rows = [
        sse_comparison("NASDAQ 1994-2000", _nasdaq()),
        sse_comparison("NVDA 2015-2025", _nvda()),
    ]
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |\n|" + "---|" * len(keys))
    for r in rows:
        print("| " + " | ".join(str(r[k]) for k in keys) + " |")
    print()
    print("## NVDA 10-year daily confidence indicator (windows 504..30 step 5, every end date)\n")
    print(_table(nvda_confidence()))


if __name__ == "__main__":
    main()
