"""CLI: valuation concentration/decompose/cape, macro debt/rate-cut/interest/fed, claims."""

from __future__ import annotations

import json

import pytest

from bubblewatch.cli import main


def _json(capsys, argv):
    code = main(argv)
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def test_macro_debt_json_and_typed_error(capsys):
    d = _json(
        capsys, ["macro", "debt", "--r", "3.4", "--g", "4", "--pb", "-3", "--to", "2034", "--json"]
    )
    assert d["final_year"] == 2034
    assert d["debt_gdp"][0] == pytest.approx(0.99)  # JSON: fractions
    assert d["final_debt_gdp"] > 1.16
    assert main(["macro", "debt", "--g", "-100"]) == 2
    assert "-100%" in capsys.readouterr().err
    assert main(["macro", "debt", "--d0", "-5"]) == 2
    assert (
        "--d0 -5: the starting debt/GDP must be a non-negative percent" in capsys.readouterr().err
    )
    sc = _json(
        capsys, ["macro", "debt", "--scenario", "hi=5,4,-3", "--scenario", "lo=3,5,-2", "--json"]
    )
    names = [p["name"] for p in sc["scenarios"]]
    assert names == ["scenario", "hi", "lo"]
    assert sc["scenarios"][1]["final_debt_gdp"] > sc["scenarios"][2]["final_debt_gdp"]
    assert main(["macro", "debt", "--scenario", "bad=1,2"]) == 2


def test_macro_rate_cut_with_given_debt(capsys):
    d = _json(
        capsys, ["macro", "rate-cut", "--bp", "25", "--debt", "35", "--share", "100", "--json"]
    )
    assert d["saving_usd_bn"] == pytest.approx(87.5)
    assert d["implied_repricing_share"] == pytest.approx(1.0)


@pytest.mark.shared
def test_concentration_cli(capsys, shared_store):
    st = str(shared_store.path)
    d = _json(
        capsys, ["valuation", "concentration", "--holdings", "2025-09-30", "--store", st, "--json"]
    )
    assert d["as_of"] == "2025-09-30"
    assert round(100 * d["top10_weight"], 1) == 40.4  # JSON: fractions
    assert round(100 * d["group_weight"]["Magnificent 7"], 1) == 34.5
    assert {"hhi", "effective_n"} <= set(d)
    line = _json(
        capsys,
        [
            "valuation",
            "concentration",
            "--holdings",
            "2025-09-30",
            "--by",
            "line",
            "--store",
            st,
            "--json",
        ],
    )
    assert round(100 * line["top10_weight"], 1) == 38.9
    g = _json(
        capsys,
        [
            "valuation",
            "concentration",
            "--holdings",
            "2025-09-30",
            "--group",
            "AI=NVDA,AVGO,AMD",
            "--store",
            st,
            "--json",
        ],
    )
    assert list(g["group_weight"]) == ["AI"]
    # an unavailable date lists the available ones (exit code 2)
    assert main(["valuation", "concentration", "--holdings", "2025-10-31", "--store", st]) == 2
    err = capsys.readouterr().err
    assert "2025-09-30" in err and "2022-06-13" in err


@pytest.mark.shared
def test_decompose_cape_interest_fed_cli(capsys, shared_store):
    st = str(shared_store.path)
    d = _json(
        capsys,
        [
            "valuation",
            "decompose",
            "--from",
            "2022-09-01",
            "--to",
            "2025-09-01",
            "--store",
            st,
            "--json",
        ],
    )
    total = d["earnings_growth"] + d["pe_change"] + d["dividend_yield"] + d["interaction"]
    assert total == pytest.approx(d["total_return"])
    c = _json(capsys, ["valuation", "cape", "--as-of", "2025-10-01", "--store", st, "--json"])
    assert round(c["cape"]) == 39 and round(c["dotcom_peak_cape"]) == 44
    i = _json(capsys, ["macro", "interest", "--store", st, "--json"])
    assert 1100 < i["interest_usd_bn"] < 1300
    f = _json(capsys, ["macro", "fed", "--store", st, "--json"])
    assert [r["name"] for r in f["runoffs"]] == ["QT1", "QT2"]


@pytest.mark.shared
def test_claims_cli_json(capsys, shared_store):
    # the report's to_json(): counts, claims, items without a figure, metadata (parameters)
    rows = _json(capsys, ["claims", "--store", str(shared_store.path), "--json"])["claims"]
    assert isinstance(rows, list) and len(rows) >= 80
    first = rows[0]
    assert {"id", "claim", "stated", "computed", "verdict", "source"} <= set(first)
    by = {r["id"]: r for r in rows}
    assert by["S0-1a"]["verdict"] == "contradicted"
    assert by["S0-1b"]["verdict"] == "confirmed"
    only = _json(capsys, ["claims", "--store", str(shared_store.path), "--id", "S2-1a", "--json"])
    assert [r["id"] for r in only["claims"]] == ["S2-1a"]


def test_multiple_cli_on_a_small_store(capsys, tmp_path):
    import numpy as np
    import pandas as pd

    from bubblewatch.data.store import Store

    path = tmp_path / "s.duckdb"
    quarters = pd.date_range("2023-03-31", periods=12, freq="QE")
    days = pd.bdate_range("2024-01-02", "2025-12-31")
    step = 0.01
    with Store(path) as st:
        for sym, eps, px in (("AAA", 1.0, 100.0), ("BBB", 2.0, 50.0), ("CCC", 1.0, 30.0)):
            fund = pd.DataFrame(
                {
                    "symbol": sym,
                    "period_end": quarters.date,
                    "metric": "eps",
                    "value": eps,
                    "source": "test",
                }
            )
            bars = pd.DataFrame(
                {
                    "symbol": sym,
                    "date": days.date,
                    "close": px + step * np.arange(len(days)),
                    "source": "test",
                }
            )
            st.con.register("fund_df", fund)
            st.con.register("bars_df", bars)
            st.con.execute(
                "INSERT INTO fundamentals (symbol, period_end, metric, value, source) "
                "SELECT * FROM fund_df"
            )
            st.con.execute("INSERT INTO prices (symbol, date, close, source) SELECT * FROM bars_df")
            st.con.unregister("fund_df")
            st.con.unregister("bars_df")
    last = len(days) - 1
    d = _json(
        capsys,
        ["valuation", "multiple", "AAA", "--peers", "BBB,CCC", "--store", str(path), "--json"],
    )
    assert d["value"] == pytest.approx((100 + step * last) / 4)  # price / (4 x EPS 1)
    assert d["peers"] == {
        "BBB": pytest.approx((50 + step * last) / 8),
        "CCC": pytest.approx((30 + step * last) / 4),
    }
    assert d["peer_percentile"] == 1.0  # JSON: fractions
    assert main(["valuation", "multiple", "ZZZ", "--store", str(path)]) == 2
