"""PSY benchmark: bubblewatch vs pyexuber (exuber's C++ core) on the same inputs, in one run.

* GSADF+BSADF (all statistics) at T = 400, 1500, 5000, lags 0 and 2 (warm, best of repeats);
* Monte Carlo critical values at T = 400 with 2000 replications (bubblewatch on 2 threads,
  pyexuber single-threaded as it is);
* peak memory at T = 10,000, each library in a fresh subprocess after its warm-up: the
  growth of the peak resident set size (VmHWM, reset through /proc/self/clear_refs) over the
  size before the computation, and tracemalloc's peak;
* the cold numba compile time (empty cache) on its own line.

Input: log NASDAQ Composite closes from ../shared/data (the last T observations), or a
Gaussian random walk when the shared data are absent. Run:

    PYTHONPATH=src NUMBA_NUM_THREADS=2 python benchmarks/psy.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BUBBLEWATCH_SHARED_DATA", ROOT.parent / "shared" / "data"))


def _series(T: int) -> tuple[np.ndarray, str]:
    path = SHARED / "indices" / "NASDAQ_COMPOSITE_1971_2020.csv"
    if path.exists():
        import pandas as pd

        s = pd.read_csv(path)["close"].to_numpy(float)
        if s.shape[0] >= T:
            return np.log(s[-T:]), "log NASDAQ"
    return np.cumsum(np.random.default_rng(0).normal(size=T)), "random walk"


def _best(fn, repeats: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


_MEM_CHILD = r"""
import json, sys, tracemalloc
import numpy as np
which, T = sys.argv[1], int(sys.argv[2])
y = np.cumsum(np.random.default_rng(0).normal(size=T))
from bubblewatch.detect.psy import psy, default_min_window
import exuber
m = default_min_window(T)
psy(y[:200], min_window=30)  # compile/load outside the measurement
exuber.radf(y[:200], minw=29)
def status_kb(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # reset the peak resident set size (VmHWM) to the current size
base = status_kb("VmRSS")
tracemalloc.start()
if which == "bubblewatch":
    psy(y, min_window=m)
else:
    exuber.radf(y, minw=m - 1)
peak_py = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
peak = status_kb("VmHWM")
print(json.dumps({"rss_growth_mb": max(0, peak - base) / 1024, "tracemalloc_mb": peak_py / 2**20}))
"""

_COLD_CHILD = r"""
import time, numpy as np
t0 = time.perf_counter()
from bubblewatch.detect.psy import psy
from bubblewatch.detect.psy_critical import simulate_statistics
t1 = time.perf_counter()
y = np.cumsum(np.random.default_rng(0).normal(size=300))
psy(y, lags=0); psy(y, lags=2); psy(y, ic="aic", max_lags=2)
simulate_statistics(100, reps=10)
t2 = time.perf_counter()
psy(y, lags=0); psy(y, lags=2); psy(y, ic="aic", max_lags=2)
simulate_statistics(100, reps=10)
t3 = time.perf_counter()
print((t2 - t1) - (t3 - t2))
"""


def _child(code: str, *args: str, env: dict[str, str] | None = None) -> str:
    e = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=e, check=True
    )
    return out.stdout.strip().splitlines()[-1]


def main() -> None:
    import exuber
    import numba

    from bubblewatch.detect.psy import default_min_window, psy
    from bubblewatch.detect.psy_critical import mc_critical_values

    threads = numba.get_num_threads()
    rows = []
    warm, _ = _series(300)
    psy(warm, lags=0)
    psy(warm, lags=2)
    src = ""
    for T in (400, 1500, 5000):
        y, src = _series(T)
        m = default_min_window(T)
        for lags in (0, 2):
            reps = 7 if T < 5000 else 3
            ours = _best(lambda y=y, lags=lags: psy(y, lags=lags), reps)
            theirs = _best(
                lambda y=y, m=m, lags=lags: exuber.radf(y, minw=m - lags - 1, lag=lags), reps
            )
            r = psy(y, lags=lags)
            e = exuber.radf(y, minw=m - lags - 1, lag=lags)
            err = float(np.max(np.abs(r.bsadf.to_numpy() - e.bsadf[:, 0])))
            rows.append(
                f"| GSADF+BSADF, T={T}, lags={lags} | {ours * 1e3:.1f} ms | {theirs * 1e3:.1f} ms "
                f"| {ours / theirs:.2f} | max abs BSADF diff {err:.1e} |"
            )
    mc_critical_values(100, reps=20, seed=0)  # warm
    t0, c0 = time.perf_counter(), time.process_time()
    mc_critical_values(400, reps=2000, seed=1, threads=threads)
    ours, ours_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    exuber.radf_mc_cv(400, minw=default_min_window(400) - 1, nrep=2000, seed=1)
    theirs, theirs_cpu = time.perf_counter() - t0, time.process_time() - c0
    rows.append(
        f"| MC critical values, T=400, 2000 reps, lag 0 | {ours:.2f} s ({threads} threads) "
        f"| {theirs:.2f} s (1 thread) | {ours / theirs:.2f} | CPU seconds {ours_cpu:.2f} vs "
        f"{theirs_cpu:.2f} |"
    )
    mem = {w: json.loads(_child(_MEM_CHILD, w, "10000")) for w in ("bubblewatch", "pyexuber")}
    b, p = mem["bubblewatch"], mem["pyexuber"]
    rows.append(
        f"| Peak memory, T=10,000, lag 0 (RSS growth / tracemalloc) | {b['rss_growth_mb']:.1f} MB / "
        f"{b['tracemalloc_mb']:.1f} MB | {p['rss_growth_mb']:.1f} MB / {p['tracemalloc_mb']:.1f} MB "
        f"| {b['rss_growth_mb'] / max(p['rss_growth_mb'], 1e-9):.3f} | |"
    )
    with tempfile.TemporaryDirectory() as cache:
        cold = float(_child(_COLD_CHILD, env={"NUMBA_CACHE_DIR": cache}))
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(
        f"PSY benchmark ({src}; numba threads: {threads}; warm timings, best of repeats; "
        f"load average at the end {load} on {os.cpu_count()} cores)\n"
    )
    print("| Task | bubblewatch | pyexuber | ratio | note |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(r)
    print(
        f"\nCold numba compile (empty cache, all PSY kernels): {cold:.1f} s, paid once per machine (cache=True)."
    )


if __name__ == "__main__":
    main()
