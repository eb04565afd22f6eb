"""Start-up stays light (issue 11): ``import bubblewatch`` and ``--help`` of the CLI, of every
command group and of every command load none of the heavy libraries a command imports only
when it runs (pandas, numpy, DuckDB, numba, Plotly, SciPy, pyarrow)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
HEAVY = ("pandas", "numpy", "duckdb", "numba", "plotly", "scipy", "pyarrow")

#: runs in a fresh interpreter: every ``--help`` of the CLI, then reports what is loaded
HELP_PROBE = """
import contextlib, io, json, sys
import typer.main
from bubblewatch.cli import app, main

def paths(group, prefix):
    yield prefix
    for cmd in group.registered_commands:
        yield prefix + [cmd.name or typer.main.get_command_name(cmd.callback.__name__)]
    for grp in group.registered_groups:
        yield from paths(grp.typer_instance, prefix + [grp.name])

seen, failed = [], []
for p in paths(app, []):
    with contextlib.redirect_stdout(io.StringIO()) as out:
        code = main(p + ["--help"])
    if code != 0 or "Usage" not in out.getvalue():
        failed.append(p)
    seen.append(" ".join(p))
heavy = sorted(m for m in json.loads(sys.argv[1]) if m in sys.modules)
print(json.dumps({"seen": seen, "failed": failed, "heavy": heavy}))
"""

IMPORT_PROBE = """
import json, sys
import bubblewatch
print(json.dumps({"heavy": sorted(m for m in json.loads(sys.argv[1]) if m in sys.modules)}))
"""


def _probe(code: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_bubblewatch_loads_no_heavy_library():
    assert _probe(IMPORT_PROBE)["heavy"] == []


def test_every_help_loads_no_heavy_library():
    got = _probe(HELP_PROBE)
    assert {"", "psy", "market", "market connectedness", "valuation pe", "scan"} <= set(got["seen"])
    assert got["failed"] == []
    assert got["heavy"] == [], f"--help loaded {got['heavy']} (import them where they are used)"
