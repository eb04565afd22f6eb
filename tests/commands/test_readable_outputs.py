"""Human output (rich tables), --export csv, --start/--end and the lppls fit window (issue 14)."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pandas as pd
import pytest

from bubblewatch.cli import main

DEBUG_DUMP = re.compile(r"\bNaN\b|\bnan\b|\bTrue\b|\bFalse\b|[a-z]+_[a-z]+_usd|\d\.\d{6}")


def _run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    "argv",
    [
        ["network", "show"],
        ["network", "stress", "--shock", "OpenAI", "--honour", "0.4"],
        ["macro", "debt", "--scenario", "hi=5,4,-3"],
        ["macro", "rate-cut", "--debt", "35"],
    ],
)
def test_text_output_is_not_a_debug_dump(capsys, argv):
    code, out, _ = _run(capsys, *argv)
    assert code == 0
    assert not DEBUG_DUMP.search(out), DEBUG_DUMP.search(out)
    assert "─" in out or "USD" in out  # a rich table or a labelled panel


def test_singular_and_plural_and_every_cycle_listed(capsys):
    code, out, _ = _run(capsys, "network", "show")
    assert code == 0
    n = int(re.search(r"(\d+) simple cycles", out).group(1))
    rows = re.findall(r"^\s*\d+\s+\S.* -> .*", out, flags=re.M)
    assert len(rows) == n  # every cycle listed (the count says how many)
    assert "31 parties" in out and not re.search(r"\b1 parties", out)


def test_export_csv_carries_fractions(capsys):
    code, out, _ = _run(capsys, "macro", "debt", "--export", "csv")
    assert code == 0
    df = pd.read_csv(io.StringIO(out), index_col="year")
    assert list(df.columns) == ["debt_gdp", "r", "g", "pb"]
    assert df.loc[2025, "debt_gdp"] == pytest.approx(0.99)
    assert df.loc[2026, "r"] == pytest.approx(0.034)
    code, out, _ = _run(
        capsys, "network", "stress", "--shock", "OpenAI", "--honour", "0.4", "--export", "csv"
    )
    assert code == 0
    parties = pd.read_csv(io.StringIO(out), index_col=0)
    assert 0 <= parties["cut"].max() <= 1
    code, _, err = _run(capsys, "macro", "debt", "--export", "csv", "--json")
    assert code == 2 and "--json and --export csv" in err


def test_start_end_with_hidden_old_names(capsys):
    new = _run(capsys, "macro", "debt", "--start", "2026", "--end", "2030", "--json")
    old = _run(capsys, "macro", "debt", "--from", "2026", "--to", "2030", "--json")
    assert new[0] == old[0] == 0
    a, b = json.loads(new[1]), json.loads(old[1])
    assert a["years"] == b["years"] == [2026, 2027, 2028, 2029, 2030]
    assert _run(capsys, "macro", "debt", "--start", "2026", "--from", "2027")[0] == 2
    code, out, _ = _run(capsys, "macro", "debt", "--help")
    assert code == 0 and "--start" in out and "--from" not in out


def _bubble_csv(tmp_path, n=700):
    idx = pd.bdate_range("2022-01-03", periods=n)
    rng = np.random.default_rng(1)
    p = 100 * np.exp(np.cumsum(rng.normal(0.001, 0.01, n)))
    path = tmp_path / "px.csv"
    pd.DataFrame({"date": idx.date, "close": p}).to_csv(path, index=False)
    return path, idx


def test_lppls_fit_default_window_and_end_past_the_data(tmp_path, capsys):
    path, idx = _bubble_csv(tmp_path)
    code, out, _ = _run(capsys, "lppls", "fit", str(path), "--json")
    assert code == 0
    d = json.loads(out)
    assert d["n_obs"] == 504 and d["window_end"] == idx[-1].date().isoformat()
    assert d["window_start"] == idx[-504].date().isoformat()
    code, out, _ = _run(capsys, "lppls", "fit", str(path))
    assert code == 0 and "the last 504 observations ending" in out and "(default window)" in out
    assert re.search(r"calendar days? (after|before) the window's end", out)
    code, _, err = _run(capsys, "lppls", "fit", str(path), "--end", "2030-01-01")
    assert code == 2 and idx[-1].date().isoformat() in err and "--end" in err


def test_table_helper_formats():
    from bubblewatch.commands import tables as t

    assert t.plural(1, "party", "parties") == "1 party"
    assert t.percent(1)(float("nan")) == "n/a" and t.yes_no(None) == "n/a"
    assert t.money()(-199.04e9) == "USD -199B" and t.money()(4.828e12) == "USD 4.83T"
    tab = t.table(
        [{"a": 0.123456, "b": None, "c": True}],
        [t.Column("Share", "a", t.percent(1)), t.Column("B", "b"), t.Column("Ok", "c", t.yes_no)],
    )
    from rich.console import Console

    con = Console(width=80, record=True, no_color=True)
    con.print(tab)
    text = con.export_text()
    assert "12.3%" in text and "n/a" in text and "yes" in text and "True" not in text
