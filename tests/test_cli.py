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
