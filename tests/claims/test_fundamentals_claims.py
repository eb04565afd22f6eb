"""The claims that need company fundamentals (issue 12), on the store built from ../shared/data.

Values written here come from fundamentals/fundamentals.csv, fundamentals/shares_outstanding.csv
and prices/us/*.csv. Before the fundamentals import the claims table read 26 confirmed /
21 contradicted / 48 not checkable; with it 32 / 25 / 38 (measured on main at the landing)."""

from __future__ import annotations

import pandas as pd
import pytest

from bubblewatch.claims.check import (
    CONFIRMED,
    CONTRADICTED,
    NOT_CHECKABLE,
    check_claims,
    load_claims,
)
from bubblewatch.data.store import Store

IDS = ["S0-7a", "S0-7c", "S0-7d", "S1-2a", "S1-2b", "S1-2c", "S1-2d", "S2-3b", "S2-4", "S3-2a"]


@pytest.fixture(scope="module")
def verdicts(shared_store):
    rep = check_claims(shared_store, ids=IDS)
    return {v.claim.id: v for v in rep.verdicts}


def test_s0_7_pe_states_the_closest_method_and_how_far(verdicts):
    a = verdicts["S0-7a"]  # NVDA "dynamic P/E 52.85"
    assert a.verdict == CONFIRMED
    assert a.computed == pytest.approx(198.69 / (2 * (0.76 + 1.08)))  # 53.99
    assert "closest method: dynamic" in a.note and "+1.14 from the stated 52.85" in a.note
    assert "trailing 56.6 (EPS 3.51)" in a.note and "run_rate 46.0" in a.note
    assert "filed 2025-08-27 (10-Q)" in a.note
    c = verdicts["S0-7c"]  # Apple 28: trailing 270.04 / 7.47 = 36.1 is the closest
    assert c.verdict == CONTRADICTED and c.computed == pytest.approx(270.04 / 7.47)
    assert "closest method: trailing" in c.note
    d = verdicts["S0-7d"]  # Microsoft 32: the run rate 514.33 / (4 x 3.72) = 34.6 is the closest
    assert d.verdict == CONTRADICTED and d.computed == pytest.approx(514.33 / (4 * 3.72))
    assert "closest method: run_rate" in d.note and "+2.57 from the stated 32" in d.note


def test_s1_2_nvda_q3_fy2026(verdicts):
    assert verdicts["S1-2a"].computed == pytest.approx(57.006)
    assert verdicts["S1-2c"].computed == pytest.approx(31.910)
    assert round(verdicts["S1-2b"].computed, 1) == 62.5
    assert round(verdicts["S1-2d"].computed, 1) == 65.3
    for cid in ("S1-2a", "S1-2b", "S1-2c", "S1-2d"):
        assert verdicts[cid].verdict == CONFIRMED
    assert "FY2026Q3 57.006B vs FY2025Q3 35.082B" in verdicts["S1-2b"].note
    assert "10-Q filed 2025-11-19" in verdicts["S1-2a"].source[0]


def test_s2_3b_amd_warrant_shares(verdicts):
    v = verdicts["S2-3b"]
    assert v.verdict == CONFIRMED
    assert round(v.computed, 2) == 9.86  # 160M / 1,622,843,689 (cover page of 2025-07-30)
    assert "report of 2025-07-30" in v.source[0]


def test_s2_4_free_cash_flow_names_the_definitions_tried(verdicts):
    v = verdicts["S2-4"]
    assert v.verdict == CONTRADICTED
    assert "no definition gives -62.45%" in v.note
    assert "2024Q4 -> 2025Q2, quarter against quarter: -27.1%" in v.note
    assert "USD 107.27B (2024Q4) -> USD 78.25B (2025Q2)" in v.note
    assert "NVDA FY2025Q4 (ended 2025-01-26)" in v.note  # the pairing
    assert round(v.computed, 1) == -35.8  # the closest: the four cloud spenders


def test_s3_2a_names_the_company_without_a_count(verdicts):
    v = verdicts["S3-2a"]
    assert v.verdict == CONTRADICTED
    assert -0.45 < v.computed < -0.42  # USD 0.436T, not "nearly USD 1T"
    assert "META has no shares-outstanding count: diluted weighted shares of FY2025Q3" in v.note
    assert "NVDA -199.0B" in v.note


@pytest.mark.shared
def test_every_not_checkable_names_what_would_settle_it(shared_store):
    rep = check_claims(shared_store)
    nc = [v for v in rep.verdicts if v.verdict == NOT_CHECKABLE]
    assert all(v.missing and all(m.strip() for m in v.missing) for v in nc), [
        v.claim.id for v in nc if not v.missing
    ]
    n = rep.counts()
    assert n["not_checkable"] <= 38 < 48  # 48 before fundamentals were imported


def test_without_fundamentals_the_claims_say_where_to_get_them(tmp_path):
    with Store(tmp_path / "empty.duckdb") as st:
        st.con.execute(
            "INSERT INTO prices (symbol, date, close, source) VALUES ('NVDA', '2025-11-04', 198.69, 't')"
        )
        st.con.execute(
            "INSERT INTO series (symbol, kind, tbl, source) VALUES ('NVDA', 'equity', 'prices', 't')"
        )
        rep = check_claims(st, load_claims(), ids=["S0-7a", "S2-4", "S1-2b"])
    for v in rep.verdicts:
        assert v.verdict == NOT_CHECKABLE
        assert any("bubblewatch data fetch --provider sec" in m for m in v.missing), v.missing
    assert pd.Series([v.claim.id for v in rep.verdicts]).tolist() == ["S0-7a", "S1-2b", "S2-4"]
