"""``bubblewatch valuation pe | fcf | capex`` on the store built from ../shared/data
(figures from fundamentals/fundamentals.csv and prices/us/*.csv, written in the tests)."""

from __future__ import annotations

import json

import pytest

from bubblewatch.cli import main


def _run(capsys, argv):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_pe_json_nvda_on_2025_11_04(capsys, shared_store):
    st = ["--store", str(shared_store.path)]
    code, out, _ = _run(
        capsys, ["valuation", "pe", "NVDA", "AAPL", "--date", "2025-11-04", "--json", *st]
    )
    assert code == 0
    d = json.loads(out)
    assert d["method"] == "trailing" and d["price_column"] == "close"
    nvda = d["results"][0]["subject"]
    assert nvda["eps"] == pytest.approx(3.51) and round(nvda["pe"], 1) == 56.6
    assert nvda["price"] == 198.69 and nvda["price_date"] == "2025-11-04"
    assert [q["fiscal_period"] for q in nvda["quarters"]] == [
        "FY2025Q3",
        "FY2025Q4",
        "FY2026Q1",
        "FY2026Q2",
    ]
    assert nvda["quarters"][-1]["known_rule"] == "filed 2025-08-27 (10-Q)"
    # AAPL: 270.04 / (2.40 + 1.65 + 1.57 + 1.85); NVDA's peer median is AAPL's P/E
    aapl = d["results"][1]["subject"]
    assert aapl["pe"] == pytest.approx(270.04 / 7.47)
    assert d["results"][0]["peer_median"] == pytest.approx(270.04 / 7.47)
    assert 0 <= d["results"][0]["history"]["percentile"] <= 1


def test_pe_text_and_dynamic(capsys, shared_store):
    st = ["--store", str(shared_store.path)]
    code, out, _ = _run(
        capsys, ["valuation", "pe", "NVDA", "--date", "2025-11-04", "--method", "dynamic", *st]
    )
    assert code == 0
    assert "54.0x" in out and "USD 198.69" in out and "USD 3.68" in out
    assert "filed 2025-08-27 (10-Q)" in out and "last two known quarters x 2" in out
    assert "nan" not in out.lower().replace("annualised", "")


def test_pe_bad_input_exits_2(capsys, shared_store):
    st = ["--store", str(shared_store.path)]
    code, _, err = _run(
        capsys, ["valuation", "pe", "NVDA", "--date", "2025-11-04", "--method", "forward", *st]
    )
    assert code == 2 and "choose one of trailing, dynamic, run_rate" in err
    code, _, err = _run(capsys, ["valuation", "pe", "ZZZZ", "--date", "2025-11-04", *st])
    assert code == 2 and "no fundamentals for 'ZZZZ'" in err
    # several symbols: the ones without data are named, the others printed
    code, out, _ = _run(
        capsys, ["valuation", "pe", "NVDA", "ZZZZ", "--date", "2025-11-04", "--json", *st]
    )
    assert code == 0 and "ZZZZ" in json.loads(out)["unavailable"]
    code, _, err = _run(capsys, ["valuation", "pe", "NVDA", "--date", "2023-01-01", *st])
    assert code == 2 and "4 quarter(s) needed on 2023-01-01, 0 known" in err


def test_fcf_mag7_2024q4_to_2025q2(capsys, shared_store):
    st = ["--store", str(shared_store.path)]
    code, out, _ = _run(
        capsys, ["valuation", "fcf", "MAG7", "--from", "2024Q4", "--to", "2025Q2", "--json", *st]
    )
    assert code == 0
    d = json.loads(out)
    tot = {r["quarter"]: r for r in d["totals"]}
    assert tot["2024Q4"]["free_cash_flow"] == pytest.approx(107_270e6)
    assert tot["2025Q2"]["free_cash_flow"] == pytest.approx(78_245e6)
    assert round(d["change"] * 100, 1) == -27.1
    assert "NVDA FY2025Q4 (ended 2025-01-26)" in d["pairing"]["2024Q4"]
    code, out, _ = _run(
        capsys, ["valuation", "fcf", "MAG7", "--from", "2024Q4", "--to", "2025Q2", *st]
    )
    assert "Change 2024Q4 -> 2025Q2: -27.1%" in out and "USD 107.27B" in out
    code, _, err = _run(
        capsys, ["valuation", "fcf", "NVDA", "--from", "Q4 2024", "--to", "2025Q2", *st]
    )
    assert code == 2 and "write it as YYYYQn" in err


def test_capex_intensity_of_the_hyperscalers(capsys, shared_store):
    st = ["--store", str(shared_store.path)]
    code, out, _ = _run(
        capsys, ["valuation", "capex", "--from", "2025Q3", "--to", "2025Q3", "--json", *st]
    )
    assert code == 0
    d = json.loads(out)
    assert d["symbols"] == ["MSFT", "GOOGL", "AMZN", "META", "ORCL"]
    rows = {r["symbol"]: r for r in d["rows"]}
    # ORCL FY2026Q1 (ended 2025-08-31): capex 8.502B / OCF 8.140B
    assert rows["ORCL"]["fiscal_period"] == "FY2026Q1"
    assert rows["ORCL"]["capex_to_ocf"] > 1
    assert 0 < d["total"]["capex_to_ocf"] < 1
    code, out, _ = _run(capsys, ["valuation", "capex", *st])
    assert code == 0 and "Capex / operating cash flow" in out and "2023Q4..2025Q3" in out
