"""A real Dask cluster: `dask scheduler` and two `dask worker` processes on 127.0.0.1 (the
CLIs of `distributed`). `scan --address` gives the same rows as `--scheduler sync`, a
worker killed mid-scan costs no row, and a client killed mid-scan is completed by a rerun
(resume) without duplicates. The waits are on conditions (workers registered, rows
written), with generous limits for a loaded 2-core machine."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scan_inputs import make_panel

from bubblewatch.cli import main
from bubblewatch.results import jsonable
from bubblewatch.scan import PSYAnalysis, scan
from bubblewatch.scan.series_row import RUN_COLUMNS

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
RUN = [c for c, _ in RUN_COLUMNS]
N_SERIES, T = 40, 4000  # about 0.1 s of PSY a series: the scan lasts a few seconds


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(cond, what: str, limit: float = 180.0, every: float = 0.05):
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        got = cond()
        if got:
            return got
        time.sleep(every)
    raise AssertionError(f"timed out after {limit:.0f} s waiting for {what}")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src")
    env["NUMBA_NUM_THREADS"] = "1"
    env.setdefault("NUMBA_CACHE_DIR", str(ROOT / ".numba_cache"))
    env["BUBBLEWATCH_QUIET"] = "1"
    return env


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    from distributed import Client

    logs = tmp_path_factory.mktemp("dask-logs")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [
        subprocess.Popen(
            [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
             "--no-dashboard"],
            env=_env(), stdout=subprocess.DEVNULL, stderr=open(logs / "scheduler.log", "w"),
            start_new_session=True,
        )
    ]  # fmt: skip
    for i in range(2):
        procs.append(
            subprocess.Popen(
                [str(BIN / "dask"), "worker", address, "--nthreads", "1", "--nworkers", "1",
                 "--host", "127.0.0.1", "--no-dashboard", "--name", f"w{i}"],
                env=_env(), stdout=subprocess.DEVNULL, stderr=open(logs / f"worker{i}.log", "w"),
                start_new_session=True,
            )
        )  # fmt: skip
    client = None
    try:
        client = _wait(lambda: _try_client(Client, address), "the scheduler")
        client.wait_for_workers(2, timeout=180)
        yield address, client
    finally:
        if client is not None:
            client.close()
        for p in procs[::-1]:  # each in its own session: its group holds the worker processes
            os.killpg(p.pid, signal.SIGKILL)
        for p in procs:
            p.wait(timeout=60)


def _try_client(Client, address):
    try:
        return Client(address, timeout="2s", set_as_default=False)
    except OSError:
        return None


@pytest.fixture(scope="module")
def panel_file(tmp_path_factory):
    panel = make_panel(N_SERIES, T, seed=7)
    frame = pd.concat(
        pd.DataFrame({"symbol": k, "date": v.index, "close": v.to_numpy()})
        for k, v in panel.items()
    )
    path = tmp_path_factory.mktemp("panel") / "panel.csv"
    frame.to_csv(path, index=False, date_format="%Y-%m-%d", float_format="%.17g")
    return path


@pytest.fixture(scope="module")
def reference(panel_file):
    """The rows of `--scheduler sync` on the panel file."""
    from bubblewatch.data.panel_file import read_panel_file

    return scan(read_panel_file(panel_file).series, [PSYAnalysis()]).to_frame()


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as the JSON output writes them (run columns left out), sorted by symbol."""
    frame = frame.drop(columns=[c for c in RUN if c in frame])
    rows = jsonable(frame.astype(object).where(frame.notna(), None).to_dict(orient="records"))
    return sorted(rows, key=lambda r: r["symbol"])


def _json_rows(payload: dict) -> list[dict]:
    return sorted(
        ({k: v for k, v in r.items() if k not in RUN} for r in payload["series"]),
        key=lambda r: r["symbol"],
    )


def test_address_gives_the_rows_of_sync(cluster, panel_file, reference, capsys):
    address, _ = cluster
    assert main(["scan", "--panel", str(panel_file), "--address", address, "--json"]) == 0
    via_cluster = _json_rows(json.loads(capsys.readouterr().out))
    assert main(["scan", "--panel", str(panel_file), "--scheduler", "sync", "--json"]) == 0
    via_sync = _json_rows(json.loads(capsys.readouterr().out))
    assert via_cluster == via_sync
    assert len(via_cluster) == N_SERIES and all(r["outcome"] == "ok" for r in via_cluster)
    assert via_cluster == _records(reference)


def test_a_worker_killed_mid_scan_costs_no_row(cluster, panel_file, reference, tmp_path):
    from bubblewatch.data.panel_file import read_panel_file

    address, client = cluster
    pids = client.run(os.getpid)
    killed: dict[str, int] = {}

    def kill_one(p):
        if not killed and p.done >= 1:
            victim = sorted(pids)[0]
            os.kill(pids[victim], signal.SIGKILL)
            killed.update(pid=pids[victim], done=p.done)

    res = scan(read_panel_file(panel_file).series, [PSYAnalysis()], scheduler="dask",
               address=address, out=tmp_path, on_progress=kill_one)  # fmt: skip
    assert killed and killed["done"] < N_SERIES, "the worker was not killed mid-scan"
    assert res.counts()["ok"] == N_SERIES
    assert _records(res.to_frame()) == _records(reference)
    # the nanny replaces the worker: the cluster is whole again for the next test
    client.wait_for_workers(2, timeout=180)
    assert killed["pid"] not in client.run(os.getpid).values()


def test_a_client_killed_mid_scan_completes_on_resume(cluster, panel_file, reference, tmp_path):
    address, _ = cluster
    out = tmp_path / "out"
    cmd = [str(BIN / "bubblewatch"), "--quiet", "scan", "--panel", str(panel_file),
           "--address", address, "--out", str(out)]  # fmt: skip
    proc = subprocess.Popen(cmd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def parts_written():
        if proc.poll() is not None:
            raise AssertionError(f"the scan ended before it was killed: {proc.stderr.read()}")
        return list(out.glob("*/manifest.jsonl"))

    manifest = _wait(parts_written, "the first rows on disk")[0]
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    before = {tuple(k[:2]) for line in manifest.read_text().splitlines() if line.endswith("}")
              for k in json.loads(line).get("keys", [])}  # fmt: skip
    assert 0 < len(before) < N_SERIES, "the client was not killed mid-scan"
    rc = main(["--quiet", "scan", "--panel", str(panel_file), "--address", address, "--out",
               str(out), "--json"])  # fmt: skip
    assert rc == 0
    summary = pd.read_parquet(next(out.glob("*/summary.parquet")))
    assert len(summary) == N_SERIES and summary["symbol"].is_unique
    run = json.loads(next(out.glob("*/run.json")).read_text())
    assert run["skipped"] >= len(before) and run["computed"] + run["skipped"] == N_SERIES
    assert _records(summary) == _records(reference)
    assert np.isfinite(summary["gsadf"]).all()
