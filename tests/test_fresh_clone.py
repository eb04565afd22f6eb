"""A new user's first five minutes: clone into an empty folder (no ``../shared``), ``make
report``, and the report shows the AI-2025 episode (issue 14, must show).

Slow: ``make report`` creates ``.venv`` and installs the package with its runtime
dependencies from the package registries (the only test that does), then compiles the
numba kernels and builds the report from the embedded episode pack. CI runs it.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _text(page: str) -> str:
    """The page's visible text (scripts and tags removed, entities decoded)."""
    page = re.sub(r"<script\b.*?</script>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


@pytest.mark.slow
@pytest.mark.timeout(2400)
def test_make_report_on_a_fresh_clone_shows_the_episode(tmp_path: Path) -> None:
    if shutil.which("git") is None or shutil.which("make") is None:
        pytest.skip("needs git and make")
    empty = tmp_path / "empty"
    empty.mkdir()
    clone = empty / "bubblewatch"
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", "--detach", head], check=True)
    assert not (empty / "shared").exists()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BUBBLEWATCH_", "PYTHONPATH", "NUMBA_", "VIRTUAL_ENV"))
    }
    env["BUBBLEWATCH_HOME"] = str(tmp_path / "home")  # a fresh machine: no store, no cache
    env["NUMBA_CACHE_DIR"] = str(tmp_path / "numba")  # and no compiled kernels
    t0 = time.monotonic()
    run = subprocess.run(
        ["make", "report", f"PYTHON={sys.executable}"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=2300,
    )
    seconds = time.monotonic() - t0
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    size = _du(clone / ".venv")
    print(f"make report on a fresh clone: {seconds:.0f} s, .venv {size / 1e6:.0f} MB")
    # only what the report needs: no test, lint, benchmark or peer packages
    site = next((clone / ".venv" / "lib").glob("python3*/site-packages"))
    for dev in ("pytest", "ruff", "mypy", "hypothesis", "lppls", "pyexuber", "dask"):
        assert not list(site.glob(f"{dev}-*.dist-info")), dev
    # no deprecation warning from our own packaging (was: `project.license` as a TOML table)
    for warning in ("is deprecated", "DeprecationWarning", "BuildBackendWarning"):
        assert warning not in run.stderr, run.stderr[-3000:]
    page = (clone / "out" / "report.html").read_text(encoding="utf-8")
    text = _text(page)
    assert re.search(r"2025-11-04 -3\.96% 198\.69", text), "NVDA's 2025-11-04 move"
    assert "Nvidia -> OpenAI -> Oracle -> Nvidia" in text, "the loop"
    assert re.search(r"CAPE 20\d\d-\d\d: \d\d\.\d", text), "a CAPE figure"
    m = re.search(r"(\d+) confirmed / \d+ contradicted / \d+ not checkable", text)
    assert m and int(m.group(1)) >= 20, "at least 20 confirmed claims"
    assert "reading the embedded default data" in run.stderr
    assert not (tmp_path / "home" / "store.duckdb").exists()  # the report wrote no store
