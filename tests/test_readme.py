"""The README's Python tour runs as written (on the shared data's store)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.shared
def test_readme_python_tour_runs(shared_store, shared_data, monkeypatch, capsys):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "the README has a Python tour"
    code = blocks[0].replace("Store(read_only=True)", "_STORE")
    code = code.replace('"../shared/data/', f'"{shared_data.as_posix()}/')
    assert "_STORE" in code
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {"_STORE": shared_store, "__name__": "readme"})
    out = capsys.readouterr().out
    assert "GSADF" in out
    assert "12.59211" in out
    assert "Nvidia -> OpenAI -> Oracle -> Nvidia" in out
