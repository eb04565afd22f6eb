"""``bubblewatch market event|reaction|spillover`` end to end."""

from __future__ import annotations

import json

import pytest

from bubblewatch.cli import main

pytestmark = pytest.mark.shared

EVENT_KEYS = {
    "return",
    "close",
    "market_value_usd",
    "market_value_change_usd",
    "market_value_change_cny",
    "rank_in_year",
    "moves_as_large_10y",
    "volume_change",
    "turnover_rate",
    "panic",
    "drawdown",
}


@pytest.fixture(scope="module")
def store_args(shared_store):
    return ["--store", str(shared_store.path)]


def _json(capsys):
    return json.loads(capsys.readouterr().out)


def test_event_json(store_args, capsys):
    assert main(["market", "event", "NVDA", "--date", "2025-10-14", "--json", *store_args]) == 0
    d = _json(capsys)
    assert EVENT_KEYS <= set(d)
    assert round(100 * d["return"], 2) == -4.40
    assert d["close"] == 180.03
    assert d["market_value_change_cny"] < -1.4e12


def test_event_text_and_bad_dates(store_args, capsys):
    assert main(["market", "event", "NVDA", "--date", "2025-11-20", *store_args]) == 0
    assert "-3.15%" in capsys.readouterr().out
    assert main(["market", "event", "NVDA", "--date", "2025-12-13", *store_args]) == 2
    err = capsys.readouterr().err
    assert "2025-12-12" in err and "2025-12-15" in err
    # FX ends 2025-11-28: the CNY figure is omitted with a note naming the series and the
    # dates needed (issue 14: it used to fail); the USD figures stay
    assert main(["market", "event", "NVDA", "--date", "2025-12-17", *store_args]) == 0
    out = capsys.readouterr().out
    assert "DEXCHUS_USDCNY" in out and "2025-11-28" in out and "CNY figure omitted" in out
    assert (
        main(
            [
                "market",
                "event",
                "NVDA",
                "--date",
                "2025-12-17",
                "--fx",
                "none",
                "--json",
                *store_args,
            ]
        )
        == 0
    )
    d = _json(capsys)
    assert round(100 * d["drawdown"], 1) == -17.4 and d["peak_date"] == "2025-10-29"


def test_reaction(store_args, capsys, tmp_path):
    uni = tmp_path / "universe.txt"
    uni.write_text("INTC\nKOSPI\n# comment\nBTC-USD\n")
    assert (
        main(
            [
                "market",
                "reaction",
                "NVDA",
                "--date",
                "2025-11-04",
                "--universe",
                str(uni),
                "--json",
                *store_args,
            ]
        )
        == 0
    )
    d = _json(capsys)
    rows = {r["symbol"]: r for r in d["rows"]}
    assert rows["KOSPI"]["session"] == "2025-11-05" and rows["INTC"]["lag"] == "same session"
    assert (
        main(
            [
                "market",
                "reaction",
                "NVDA",
                "--date",
                "2025-11-04",
                "--universe",
                "INTC,NOPE",
                *store_args,
            ]
        )
        == 2
    )
    assert "NOPE" in capsys.readouterr().err
    csv = tmp_path / "universe.csv"
    csv.write_text("symbol,comment\nSK_HYNIX_000660.KS,memory\nGOLD_GC=F,gold\n")
    args = ["market", "reaction", "NVDA", "--date", "2025-11-20", "--universe", str(csv)]
    assert main([*args, *store_args]) == 0
    out = capsys.readouterr().out
    assert "SK_HYNIX_000660.KS" in out and "next session (Korea)" in out


def test_spillover_file_and_window(shared_data, capsys):
    f = str(shared_data / "reference/dy2012.csv")
    assert main(["market", "spillover", f, "--json"]) == 0
    d = _json(capsys)
    assert {"total", "table", "to", "from", "net"} <= set(d)
    assert round(100 * d["total"], 5) == 12.59211  # JSON: fractions
    f9 = str(shared_data / "reference/dy2009.csv")
    assert main(["market", "spillover", f9, "--lags", "2", "--method", "cholesky", "--json"]) == 0
    assert round(100 * _json(capsys)["total"], 4) == 35.5282
    assert main(["market", "spillover", f, "--window", "2700", "--json"]) == 0
    rows = _json(capsys)["total"]  # the result's JSON: parameters, metadata and the totals
    assert len(rows) == 2771 - 2700 + 1 and set(rows[0]) == {"date", "total"}


def test_spillover_store_symbols_and_errors(store_args, tmp_path, capsys):
    assert (
        main(
            [
                "market",
                "spillover",
                "NVDA",
                "KOSPI",
                "BTC-USD",
                "--returns",
                "--lags",
                "1",
                "--json",
                *store_args,
            ]
        )
        == 0
    )
    assert set(_json(capsys)["to"]) == {"NVDA", "KOSPI", "BTC-USD"}
    bad = tmp_path / "short.csv"
    bad.write_text("date,a,b\n2025-01-01,1,2\n2025-01-02,2,1\n2025-01-03,3,5\n")
    assert main(["market", "spillover", str(bad)]) == 2
    assert "VAR(4)" in capsys.readouterr().err
    bad.write_text("date,a,b\n2025-01-01,1,2\n2025-01-0x,2,1\n")
    assert main(["market", "spillover", str(bad)]) == 2
    assert "line 3" in capsys.readouterr().err


def test_event_range(store_args, capsys):
    args = ["market", "event", "NVDA", "--date", "2025-10-01", "--end", "2025-11-28", "--json"]
    assert main([*args, *store_args]) == 0
    d = _json(capsys)
    assert len(d["rows"]) == 42
    panic = [r["date"] for r in d["rows"] if r["panic"]]
    assert "2025-11-20" in panic


def test_event_without_shares_says_so(store_args, capsys):
    # META: the shared data hold no share count for it (fundamentals/ gave AAPL one)
    assert main(["market", "event", "META", "--date", "2025-11-20", "--json", *store_args]) == 0
    out = capsys.readouterr()
    d = json.loads(out.out)
    assert d["market_value_usd"] is None and d["turnover_rate"] is None
    assert "no shares-outstanding series 'META'" in out.err
    assert (
        main(["market", "event", "META", "--date", "2025-11-20", "--shares", "NOPE", *store_args])
        == 2
    )


def test_spillover_file_without_dates_is_rejected(tmp_path, capsys):
    f = tmp_path / "nodate.csv"
    f.write_text("a,b,c\n1,2,3\n3,4,5\n")
    assert main(["market", "spillover", str(f)]) == 2
    assert "no date column" in capsys.readouterr().err


def test_event_before_the_shares_series_names_range_and_way_out(store_args, capsys):
    args = ["market", "event", "NVDA", "--date", "2015-03-16", "--fx", "none", *store_args]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "shares outstanding of NVDA" in err and "2015-03-13..2015-03-16" in err
    assert "--shares none" in err
    assert main([*args, "--shares", "none"]) == 0
