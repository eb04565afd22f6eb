"""An import stopped mid-write -- ``kill -9`` or Ctrl-C -- leaves the store as it was and usable.

The child process imports through the CLI with the writer slowed down after its first
statement inside the transaction, says so on stdout, and is then killed (or interrupted).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bubblewatch.cli import main
from bubblewatch.data.store import Store

GOOD = "date,close\n2025-01-02,1.5\n2025-01-03,1.6\n"

_CHILD = """
import sys, time
from bubblewatch.data import writer
real = writer.put_rows
def slow(con, table, df, **kw):
    real(con, table, df, **kw)
    print("WRITING", flush=True)
    time.sleep(float(sys.argv[3]))
writer.put_rows = slow
from bubblewatch.cli import main
sys.exit(main(["data", "import", sys.argv[1], "--store", sys.argv[2]]))
"""


def _env() -> dict[str, str]:
    src = str(Path(__file__).resolve().parents[2] / "src")
    return dict(os.environ, PYTHONPATH=src + os.pathsep + os.environ.get("PYTHONPATH", ""))


def _panel(path: Path, rows: int) -> None:
    rng = np.random.default_rng(1)
    dates = pd.bdate_range("1990-01-01", periods=rows // 2).strftime("%Y-%m-%d")
    parts = [
        pd.DataFrame({"date": dates, "ticker": t, "close": rng.random(len(dates)) + 1})
        for t in ("AAA", "BBB")
    ]
    pd.concat(parts).to_csv(path, index=False)


@pytest.fixture()
def seeded(tmp_path: Path) -> Path:
    good = tmp_path / "GOOD.csv"
    good.write_text(GOOD, encoding="utf-8")
    store = tmp_path / "s.duckdb"
    assert main(["data", "import", str(good), "--store", str(store)]) == 0
    return store


def _start(args: list[str]) -> subprocess.Popen[str]:
    # a shell's background job inherits SIGINT ignored, and Python then installs no
    # KeyboardInterrupt handler: the child gets the default disposition back
    return subprocess.Popen(
        [sys.executable, "-c", _CHILD, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _wait_writing(proc: subprocess.Popen[str]) -> None:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "WRITING", proc.stderr.read() if proc.stderr else line


def _usable(store: Path, tmp_path: Path) -> None:
    again = tmp_path / "AGAIN.csv"
    again.write_text(GOOD, encoding="utf-8")
    assert main(["data", "import", str(again), "--store", str(store)]) == 0
    with Store(store, read_only=True) as st:
        assert st.prices("AGAIN")["close"].tolist() == [1.5, 1.6]


def test_kill_9_mid_write_leaves_the_store_unchanged(
    seeded: Path, tmp_path: Path, store_digest
) -> None:
    big = tmp_path / "BIG.csv"
    _panel(big, 20_000)
    before = store_digest(seeded)
    proc = _start([str(big), str(seeded), "60"])
    try:
        _wait_writing(proc)  # the first table's rows are in the open transaction
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert store_digest(seeded) == before
    _usable(seeded, tmp_path)


def test_ctrl_c_mid_write_exits_130_nothing_written(
    seeded: Path, tmp_path: Path, store_digest
) -> None:
    big = tmp_path / "BIG.csv"
    _panel(big, 2_000)
    before = store_digest(seeded)
    proc = _start([str(big), str(seeded), "60"])
    try:
        _wait_writing(proc)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert " ".join(err.split()).startswith("interrupted: nothing written")
    assert store_digest(seeded) == before
    _usable(seeded, tmp_path)


@pytest.mark.slow
def test_kill_9_at_random_moments(seeded: Path, tmp_path: Path, store_digest) -> None:
    """Kills at random times across reading, writing and committing a 200,000-row panel:
    the store holds either nothing of it or all of it, never a part, and stays usable."""
    big = tmp_path / "BIG.csv"
    _panel(big, 200_000)
    before = store_digest(seeded)
    rng = random.Random(0)
    outcomes = []
    for _ in range(6):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bubblewatch",
                "data",
                "import",
                str(big),
                "--store",
                str(seeded),
                "--replace",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=_env(),
        )
        time.sleep(rng.uniform(1.0, 6.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        with Store(seeded, read_only=True) as st:
            rows = st.row_counts()["prices"]
        assert rows in (2, 2 + 200_000), rows
        outcomes.append(rows)
        if rows == 2:
            assert store_digest(seeded) == before
    _usable(seeded, tmp_path)
