"""Two reports and a ``psy`` at once on the same store, while an import writes to it (issue 14).

Readers open the store read-only and writers swap a new file in atomically, so nobody
waits for anybody and every process succeeds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bubblewatch.cli import main
from bubblewatch.data.store import Store

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _run(name: str, args: list[str], cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": SRC, "BUBBLEWATCH_HOME": str(cwd / "home")}
    env.pop("BUBBLEWATCH_STORE", None)
    # files, not pipes: a child blocked on a full pipe would never finish
    with (cwd / f"{name}.out").open("w") as out, (cwd / f"{name}.err").open("w") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "bubblewatch", "--wait", "0", *args],
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=err,
            text=True,
        )


def _finish(name: str, proc: subprocess.Popen[str], cwd: Path) -> tuple[int, str, str]:
    code = proc.wait(timeout=600)
    return code, (cwd / f"{name}.out").read_text(), (cwd / f"{name}.err").read_text()


@pytest.mark.slow
def test_two_reports_a_psy_and_an_import_at_once(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    assert (
        main(["--quiet", "data", "load-demo", "--store", str(store), "--symbols", "NVDA,^IXIC"])
        == 0
    )
    extra = tmp_path / "ACME.csv"
    extra.write_text("date,close\n2025-01-02,1.5\n2025-01-03,2\n", encoding="utf-8")
    # --wait 0: any lock conflict would fail at once instead of being waited out
    commands = {
        "report_a": ["report", "--store", str(store), "--fast", "--out", "a.html", "--json"],
        "report_b": ["report", "--store", str(store), "--fast", "--out", "b.html", "--json"],
        "psy": ["psy", "NVDA", "--store", str(store), "--json"],
        "import": ["data", "import", str(extra), "--store", str(store)],
    }
    procs = {name: _run(name, args, tmp_path) for name, args in commands.items()}
    results = {name: _finish(name, p, tmp_path) for name, p in procs.items()}
    for name, (code, _out, err) in results.items():
        assert code == 0, f"{name} exited {code}: {err}"
        assert "store busy" not in err
    a = json.loads(results["report_a"][1])
    b = json.loads(results["report_b"][1])
    assert (tmp_path / "a.html").exists() and (tmp_path / "b.html").exists()
    assert a["as_of"] == b["as_of"]
    assert json.loads(results["psy"][1])  # the PSY result, as JSON
    with Store(store, read_only=True) as st:
        assert st.has("ACME") and st.has("NVDA")
