"""Help screens read as flowing text: no summary breaks mid-sentence where the docstring was
hard-wrapped in the source (``--help`` of the app, of every group and of every command, at a
fixed terminal width of 100 columns)."""

from __future__ import annotations

import contextlib
import io
import itertools
import re
from typing import Any

import pytest
import typer.main
import typer.rich_utils

from bubblewatch.cli import app, main
from bubblewatch.commands.help_text import reflow, starts_own_line

WIDTH = 100


def _screens() -> list[tuple[list[str], Any]]:
    """Every (path, click command) of the CLI, the app itself first."""
    found: list[tuple[list[str], Any]] = []

    def walk(cmd: Any, path: list[str]) -> None:
        found.append((path, cmd))
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


SCREENS = _screens()


@pytest.fixture
def render(monkeypatch):
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    monkeypatch.setattr(typer.rich_utils, "MAX_WIDTH", WIDTH)  # TERMINAL_WIDTH, if set

    def run(path: list[str]) -> str:
        with contextlib.redirect_stdout(io.StringIO()) as out:
            assert main([*path, "--help"]) == 0
        return out.getvalue()

    return run


def _flat(text: str) -> str:
    return " ".join(text.split())


def _greedy_breaks(lines: list[str], width: int) -> list[tuple[str, str]]:
    """The line breaks that are neither forced by the width nor before a line that keeps its
    own line by design (``JSON:``, ``--export csv:``, list items)."""
    bad = []
    for prev, nxt in itertools.pairwise(lines):
        if not prev.strip() or not nxt.strip() or starts_own_line(nxt):
            continue
        if len(prev.rstrip()) + 1 + len(nxt.split()[0]) <= width:
            bad.append((prev.rstrip(), nxt.strip()))
    return bad


def _description(screen: str) -> list[str]:
    """The help text under ``Usage:`` (up to the first panel), one leading space removed."""
    lines = screen.splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("Usage:")) + 1
    stop = next((i for i, line in enumerate(lines) if line.startswith("╭")), len(lines))
    body = [line[1:].rstrip() for line in lines[start:stop]]
    while body and not body[0]:
        body.pop(0)
    while body and not body[-1]:
        body.pop()
    return body


def _command_rows(screen: str) -> dict[str, tuple[list[str], int]]:
    """Rows of the Commands panel: name -> (description lines, description column width)."""
    rows: dict[str, tuple[list[str], int]] = {}
    inside, start, name = False, 0, ""
    for line in screen.splitlines():
        if line.startswith("╭─ Commands"):
            inside = True
            continue
        if not inside:
            continue
        if line.startswith("╰"):
            break
        right = line.rindex("│")
        m = re.match(r"│ (\S+)(\s+)", line)
        if m:
            name, start = m.group(1), m.end()
            rows[name] = ([], right - 1 - start)
        rows[name][0].append(line[start:right].rstrip())
    return rows


@pytest.mark.parametrize(
    ("path", "cmd"), SCREENS, ids=[" ".join(p) or "bubblewatch" for p, _ in SCREENS]
)
def test_help_text_flows(render, path, cmd):
    """Each paragraph of the help reads as the docstring's paragraph, wrapped by the terminal
    only (every line break falls where the next word would not fit)."""
    body = _description(render(path))
    expected = reflow(cmd.help or "").partition("\f")[0].split("\n\n")
    got = "\n".join(body).split("\n\n")
    assert [_flat(p) for p in got] == [_flat(p) for p in expected]
    assert _greedy_breaks(body, WIDTH - 2) == []


@pytest.mark.parametrize(
    ("path", "cmd"),
    [(p, c) for p, c in SCREENS if hasattr(c, "commands")],
    ids=[" ".join(p) or "bubblewatch" for p, c in SCREENS if hasattr(c, "commands")],
)
def test_command_list_summaries_flow(render, path, cmd):
    """In a group's command list each summary is the whole first paragraph, wrapped only where
    the column is full (``fcf`` and ``serve`` broke at the source's line ends before)."""
    rows = _command_rows(render(path))
    assert set(rows) == set(cmd.commands)
    for name, (lines, width) in rows.items():
        first = (cmd.commands[name].help or "").split("\n\n")[0]
        assert _flat(" ".join(lines)) == _flat(first), name
        assert _greedy_breaks(lines, width) == [], name


def test_every_screen_is_covered():
    seen = {" ".join(p) for p, _ in SCREENS}
    assert {"", "status", "scan", "serve", "valuation", "valuation pe", "valuation fcf"} <= seen
    assert "data load-demo" in seen and "market connectedness" in seen


def test_reflow_joins_wrapped_lines_and_keeps_blocks():
    text = """Is this a bubble now? From measured
    signals only (PSY, LPPLS).

    Columns:
    - level: green to red,
      wrapped item
    - reasons
    JSON: {"as_of",
    "results"}

        bubblewatch status NVDA
        bubblewatch status --json
    """
    assert reflow(text) == (
        "Is this a bubble now? From measured signals only (PSY, LPPLS).\n\n"
        "Columns:\n- level: green to red, wrapped item\n- reasons\n"
        'JSON: {"as_of", "results"}\n\n'
        "    bubblewatch status NVDA\n    bubblewatch status --json"
    )


def test_reflow_keeps_click_markers():
    assert reflow("\b\nline one\nline two") == "\b\nline one\nline two"
    assert reflow("Summary\nwrapped.\n\f\nhidden\ntext") == "Summary wrapped.\n\f\nhidden\ntext"
    assert reflow(reflow("a\nb\n\nc\nd")) == "a b\n\nc d"


def test_source_docstrings_are_untouched():
    """The reflow works on the registered help, not on the functions' docstrings."""
    from bubblewatch.commands import status

    assert "measured\n" in (status.command.__doc__ or "")
