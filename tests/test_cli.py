"""``bubblewatch`` entry point: exit codes for usage errors, ``--version`` and ``--help``."""

from __future__ import annotations

import pytest

from bubblewatch import __version__
from bubblewatch.cli import main


@pytest.mark.parametrize(
    "argv",
    [
        ["no-such-command"],
        ["market", "spillover", "x.csv", "--no-such-option"],
        ["market", "spillover", "x.csv", "--lags", "abc"],
        ["market", "event"],  # missing argument and --date
    ],
)
def test_usage_errors_exit_2(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "internal error" not in err
    assert "Error" in err


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"bubblewatch {__version__}"


def test_help_exits_0(capsys):
    assert main(["market", "--help"]) == 0
    assert "spillover" in capsys.readouterr().out
