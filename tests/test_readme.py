"""The README's Python tour runs as written (on the shared data's store); every command of its
CLI tour parses (command path, arguments and options), and the ones whose output the README
quotes give it on the embedded default data."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.shared
def test_readme_python_tour_runs(shared_store, shared_data, monkeypatch, capsys):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "the README has a Python tour"
    code = blocks[0].replace("Store(read_only=True)", "_STORE").replace("open_reader()", "_STORE")
    code = code.replace('"../shared/data/', f'"{shared_data.as_posix()}/')
    assert "_STORE" in code
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {"_STORE": shared_store, "__name__": "readme"})
    out = capsys.readouterr().out
    assert "GSADF" in out
    assert "12.59211" in out
    assert "Nvidia -> OpenAI -> Oracle -> Nvidia" in out


def tour_commands(text: str) -> list[str]:
    """The ``bubblewatch ...`` lines of the README's CLI tour (continuations joined,
    comments cut)."""
    block = text.split("## A tour of the CLI", 1)[1].split("\n## ", 1)[0]
    out, cur = [], ""
    for raw in block.splitlines():
        line = raw.strip()
        if cur:
            cur += " " + line
        elif line.startswith("bubblewatch "):
            cur = line
        else:
            continue
        if cur.endswith("\\"):
            cur = cur[:-1]
            continue
        out.append(cur.split("  #")[0].strip())
        cur = ""
    return out


def _parse(argv: list[str]) -> str:
    """Parse ``bubblewatch ARGV`` as the CLI would, without running it; the command path."""
    import typer

    from bubblewatch.cli import app

    cmd = typer.main.get_command(app)
    ctx = cmd.make_context("bubblewatch", list(argv))
    path = []
    while hasattr(cmd, "resolve_command"):
        args = [*(getattr(ctx, "_protected_args", None) or []), *ctx.args]
        name, cmd, rest = cmd.resolve_command(ctx, args)
        ctx = cmd.make_context(name, rest, parent=ctx)
        path.append(str(name))
    return " ".join(path)


def test_readme_cli_tour_parses():
    commands = tour_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    paths = {_parse(shlex.split(c)[1:]) for c in commands}
    # the features a new user should meet in the tour (issues 12, 13, 15, 16, 17)
    for feature in ("status", "psy", "lppls fit", "scan", "market connectedness", "valuation pe",
                    "valuation fcf", "valuation capex", "claims", "report", "serve"):  # fmt: skip
        assert feature in paths, feature
    assert any("compare-2000" in c for c in commands)
    assert any("track-record" in c for c in commands)
    assert any("--analyses psy,lppls,status" in c for c in commands)
    with pytest.raises(Exception, match="--no-such-option"):
        _parse(["psy", "NVDA", "--no-such-option"])


def test_readme_quoted_outputs_on_the_default_data(tmp_path, monkeypatch, capsys):
    # a fresh machine: no store, so the commands read the embedded AI-2025 data
    from bubblewatch.cli import main

    monkeypatch.setenv("BUBBLEWATCH_HOME", str(tmp_path))
    monkeypatch.delenv("BUBBLEWATCH_STORE", raising=False)
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "bubblewatch market event NVDA --date 2025-11-04 --json        # return -0.0396" in text
    assert main(["market", "event", "NVDA", "--date", "2025-11-04", "--json"]) == 0
    assert round(json.loads(capsys.readouterr().out)["return"], 4) == -0.0396
    assert "bubblewatch psy NVDA --as-of 2025-10-29 --json" in text
    assert main(["psy", "NVDA", "--as-of", "2025-10-29", "--cv", "table", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["gsadf"] > 0
    assert not (tmp_path / "store.duckdb").exists()  # reading never creates the store
