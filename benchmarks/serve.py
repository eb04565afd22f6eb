"""Load test of ``bubblewatch serve`` (issue 15): latency, errors and memory under load.

A real server process (``bubblewatch serve --store STORE --port P`` on 127.0.0.1) is
started and warmed (its start-up precomputation finished); then ``--requests`` GET requests
over the main pages and API answers are sent by ``--clients`` concurrent clients (threads,
one keep-alive connection each). Reported: p50/p99/max latency, throughput, errors (any
status other than 200: must be 0), the server's peak resident memory (sampled every 50 ms).

With ``--during-import`` the same load runs while ``bubblewatch data import`` writes into the
same store again and again (a synthetic price file under a new symbol each time): every
import publishes a new store, the server's cache turns over, and the pages must keep
answering (the previous data's results are served, marked stale, while the new ones are
computed).

Usage::

    PYTHONPATH=src python benchmarks/serve.py [--store FILE] [--requests 500] [--clients 20]
                                              [--during-import] [--port 8765]

Without ``--store`` the embedded AI-2025 episode is copied to a temporary store
(``bubblewatch data load-demo``). Prints a markdown table. ``--requests 40 --clients 4``
proves it runs.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

#: the main pages and API answers (their default views, precomputed at start-up)
URLS = (
    "/",
    "/asset/NVDA",
    "/loop",
    "/loop?party=OpenAI&honour=40&markdown=0&rate_bp=0",
    "/contagion",
    "/claims",
    "/data",
    "/api/status",
    "/api/series",
    "/api/series/NVDA?start=2025-01-01",
    "/api/network/show",
    "/api/network/stress?shock=OpenAI&honour=0.4",
    "/api/claims",
    "/api/health",
)


def _cli() -> list[str]:
    return [sys.executable, "-m", "bubblewatch"]


#: the first answer of each failing (url, status), to say why
WHY: dict[str, str] = {}


def _get(conn: http.client.HTTPConnection, url: str) -> tuple[int, float]:
    t0 = time.perf_counter()
    conn.request("GET", url)
    resp = conn.getresponse()
    body = resp.read()
    if resp.status != 200:
        WHY.setdefault(
            f"{url}: {resp.status}",
            (lambda t: t[t.find("<strong>") :][:400] if "<strong>" in t else t[:300])(
                body.decode(errors="replace")
            ),
        )
    return resp.status, time.perf_counter() - t0


def _wait_ready(port: int, timeout: float) -> float:
    t0 = time.perf_counter()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/api/progress")
            prog = json.loads(conn.getresponse().read())
            if prog.get("ready"):
                return time.perf_counter() - t0
        except (OSError, ValueError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"the server was not warm after {timeout:.0f} s")


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _memory_sampler(pid: int, stop: threading.Event, peak: list[float]) -> None:
    while not stop.is_set():
        try:
            peak[0] = max(peak[0], _rss_mb(pid))
        except OSError:
            return
        time.sleep(0.05)


def _importer(
    store: Path, stop: threading.Event, counts: list[int], folder: Path, every: float
) -> None:
    """Import a fresh synthetic price file into ``store`` every ``every`` seconds until stopped."""
    import pandas as pd

    rng = np.random.default_rng(0)
    dates = pd.bdate_range("2024-01-02", periods=400)
    i = 0
    while not stop.is_set():
        i += 1
        close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, len(dates))))
        f = folder / f"BENCH{i}.csv"
        pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "close": close}).to_csv(f, index=False)
        res = subprocess.run(
            [
                *_cli(),
                "--quiet",
                "data",
                "import",
                str(f),
                "--symbol",
                f"BENCH{i}",
                "--store",
                str(store),
            ],
            capture_output=True,
            text=True,
        )
        counts[0 if res.returncode == 0 else 1] += 1
        stop.wait(every)


def run(
    store: Path, requests: int, clients: int, port: int, during_import: bool, every: float = 5.0
) -> dict:
    env = {**os.environ, "BUBBLEWATCH_QUIET": "1"}
    server = subprocess.Popen(
        [*_cli(), "--quiet", "serve", "--store", str(store), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    stop = threading.Event()
    peak = [0.0]
    sampler = threading.Thread(target=_memory_sampler, args=(server.pid, stop, peak), daemon=True)
    sampler.start()
    imports = [0, 0]
    try:
        warm = _wait_ready(port, 1800)
        importer = None
        tmp = Path(tempfile.mkdtemp(prefix="bw-serve-bench-"))
        if during_import:
            importer = threading.Thread(
                target=_importer, args=(store, stop, imports, tmp, every), daemon=True
            )
            importer.start()
        latencies: list[float] = []
        errors: dict[str, int] = {}
        lock = threading.Lock()
        todo = iter(range(requests))

        def client(k: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            while True:
                with lock:
                    n = next(todo, None)
                if n is None:
                    return
                url = URLS[(n + k) % len(URLS)]
                try:
                    status, dt = _get(conn, url)
                except OSError as exc:
                    status, dt = 0, float("nan")
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                    key = f"{url}: {type(exc).__name__}"
                    with lock:
                        errors[key] = errors.get(key, 0) + 1
                with lock:
                    if status == 200:
                        latencies.append(dt)
                    elif status:
                        errors[f"{url}: {status}"] = errors.get(f"{url}: {status}", 0) + 1

        t0 = time.perf_counter()
        threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
        stop.set()
        if importer is not None:
            importer.join(timeout=120)
        shutil.rmtree(tmp, ignore_errors=True)
    finally:
        stop.set()
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    lat = np.array(latencies) * 1000
    return {
        "requests": requests,
        "clients": clients,
        "during_import": during_import,
        "imports_ok": imports[0],
        "imports_failed": imports[1],
        "warm_up_s": round(warm, 1),
        "wall_s": round(wall, 2),
        "throughput_rps": round(requests / wall, 1),
        "p50_ms": round(float(np.percentile(lat, 50)), 1) if len(lat) else None,
        "p99_ms": round(float(np.percentile(lat, 99)), 1) if len(lat) else None,
        "max_ms": round(float(lat.max()), 1) if len(lat) else None,
        "mean_ms": round(statistics.fmean(lat), 1) if len(lat) else None,
        "errors": sum(errors.values()),
        "error_detail": errors,
        "peak_rss_mb": round(peak[0], 0),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--store", type=Path, help="store to serve (default: a copy of the embedded episode)"
    )
    ap.add_argument("--requests", type=int, default=500)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--during-import", action="store_true", help="also run imports into the store")
    ap.add_argument("--both", action="store_true", help="run without and then with imports")
    ap.add_argument(
        "--import-every", type=float, default=5.0, help="seconds between two imports (default 5)"
    )
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bw-serve-store-"))
    try:
        store = tmp / "bench.duckdb"
        if args.store is not None:
            shutil.copy(args.store, store)
        else:
            made = subprocess.run(  # its table of what it loaded is not this benchmark's output
                [*_cli(), "--quiet", "data", "load-demo", "--store", str(store)],
                capture_output=True,
                text=True,
            )
            if made.returncode != 0:
                raise SystemExit(f"bubblewatch data load-demo failed:\n{made.stdout}{made.stderr}")
        modes = [False, True] if args.both else [args.during_import]
        rows = [
            run(store, args.requests, args.clients, args.port + i, m, args.import_every)
            for i, m in enumerate(modes)
        ]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        "| imports running | requests | clients | p50 ms | p99 ms | max ms | req/s | errors | peak RSS MB | warm-up s | imports |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {'yes' if r['during_import'] else 'no'} | {r['requests']} | {r['clients']} | {r['p50_ms']} | "
            f"{r['p99_ms']} | {r['max_ms']} | {r['throughput_rps']} | {r['errors']} | {r['peak_rss_mb']:.0f} | "
            f"{r['warm_up_s']} | {r['imports_ok']} ok, {r['imports_failed']} failed |"
        )
    for r in rows:
        if r["error_detail"]:
            print("errors:", json.dumps(r["error_detail"]))
    for k, v in WHY.items():
        print(f"  {k}: {v}")


if __name__ == "__main__":
    main()
