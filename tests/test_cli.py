"""``bubblewatch.cli.main``: usage errors exit 2 with a message, never an internal error."""

from __future__ import annotations

import pytest

from bubblewatch.cli import main


@pytest.mark.parametrize(
    "argv",
    [
        ["psy"],  # missing argument
        ["psy", "x.csv", "--bogus"],  # unknown option
        ["psy", "x.csv", "--lags", "abc"],  # not an integer
        ["network", "stress", "--shock", "OpenAI", "--honour", "1.5"],  # out of range
    ],
)
def test_usage_errors_exit_2(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "internal error" not in err and "Traceback" not in err


def test_unknown_command_exits_2(capsys):
    assert main(["no-such-command"]) == 2
    assert "internal error" not in capsys.readouterr().err


def test_version(capsys):
    from bubblewatch import __version__

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"bubblewatch {__version__}"


def test_help_exits_0(capsys):
    assert main(["market", "--help"]) == 0
    assert "spillover" in capsys.readouterr().out
