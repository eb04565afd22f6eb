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


def _prices(tmp_path):
    f = tmp_path / "ACME.csv"
    f.write_text("date,close\n2025-01-02,1.5\n2025-01-03,1.6\n", encoding="utf-8")
    return f


def test_ctrl_c_exits_130_nothing_written(tmp_path, monkeypatch, capsys, store_digest):
    """Ctrl-C mid-write: exit 130, 'interrupted: nothing written', the store unchanged."""
    from bubblewatch.data import writer

    store = tmp_path / "s.duckdb"
    assert main(["data", "import", str(_prices(tmp_path)), "--store", str(store)]) == 0
    before = store_digest(store)
    real = writer.put_rows

    def interrupted(con, table, df, **kw):
        real(con, table, df, **kw)  # the first rows are in the open transaction
        raise KeyboardInterrupt

    monkeypatch.setattr(writer, "put_rows", interrupted)
    capsys.readouterr()
    code = main(["data", "import", str(_prices(tmp_path)), "--symbol", "B", "--store", str(store)])
    assert code == 130
    err = " ".join(capsys.readouterr().err.split())
    assert err.startswith("interrupted: nothing written")
    assert store_digest(store) == before


def test_internal_error_one_traceback_exit_1(tmp_path, monkeypatch, capsys):
    from bubblewatch.data import importer

    def broken(*a, **k):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(importer, "import_paths", broken)
    code = main(["data", "import", str(_prices(tmp_path)), "--store", str(tmp_path / "s.duckdb")])
    assert code == 1
    err = capsys.readouterr().err
    assert err.count("Traceback") == 1
    assert "AttributeError" not in err  # the old second traceback (typer's missing Abort)
    assert err.strip().splitlines()[-1] == "internal error: ZeroDivisionError: division by zero"


def test_click_abort_from_ctrl_c_is_130(monkeypatch, capsys):
    """Older click/typer turn Ctrl-C into Abort: still 130 with the message."""
    import click

    from bubblewatch import cli

    def run(**kw):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise click.exceptions.Abort() from None

    monkeypatch.setattr(cli, "app", run)
    assert main(["data", "list"]) == 130
    assert "interrupted: nothing written" in capsys.readouterr().err
