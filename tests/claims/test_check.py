"""The claims engine against the shared data, and with data missing."""

from __future__ import annotations

import pytest

from bubblewatch.claims.check import (
    CONFIRMED,
    CONTRADICTED,
    NOT_CHECKABLE,
    Claim,
    check_claims,
    claims_counts,
)
from bubblewatch.data.store import Store


def test_empty_store_makes_everything_not_checkable_and_never_raises():
    with Store(":memory:") as st:
        rep = check_claims(st)
    data_free = [v for v in rep.verdicts if v.claim.check == "arithmetic_sum"]  # S2-11's own sum
    others = [v for v in rep.verdicts if v.claim.check != "arithmetic_sum"]
    assert all(v.verdict == NOT_CHECKABLE for v in others)
    assert [v.claim.id for v in data_free] == ["S2-11"]
    v = rep.by_id("S0-1a").to_dict()
    assert v["verdict"] == NOT_CHECKABLE
    assert any("NVDA" in m for m in v["missing"])


def test_verdict_ops():
    from bubblewatch.claims.check import _compare

    def c(**kw):
        base = {"id": "X", "claim": "", "entity": "", "metric": "", "unit": "%"}
        return Claim(**{**base, **kw})

    assert _compare(c(stated=1.0, tolerance=0.1), 1.05)[0] == CONFIRMED
    assert _compare(c(stated=1.0, tolerance=0.1), 1.2) == (CONTRADICTED, pytest.approx(0.2))
    assert _compare(c(stated=1.0, op="gt"), 1.01)[0] == CONFIRMED
    assert _compare(c(stated=-6, op="le"), -6.2)[0] == CONFIRMED
    assert _compare(c(stated_low=3.75, stated_high=4.0, op="range"), 3.7)[0] == CONTRADICTED
    assert _compare(c(date="2025-10-29", stated=5, op="date"), "2025-10-29")[0] == CONFIRMED


@pytest.fixture(scope="module")
def report(shared_store):
    return check_claims(shared_store)


@pytest.mark.shared
def test_must_show_verdicts(report):
    d = {v.claim.id: v.to_dict() for v in report.verdicts}
    # S0-1: -3.12% is contradicted (data -3.96%) while the 1.42T-yuan loss is confirmed
    assert d["S0-1a"]["verdict"] == CONTRADICTED
    assert d["S0-1a"]["computed"] == pytest.approx(-3.96, abs=0.005)
    assert d["S0-1b"]["verdict"] == CONFIRMED
    assert d["S0-1b"]["computed"] == pytest.approx(-1.42, abs=0.01)
    assert "DEXCHUS_USDCNY 2025-11-04" in d["S0-1b"]["source"]
    # S0-2 and S2-1 confirmed
    for cid in ("S0-2a", "S0-2b", "S2-1a"):
        assert d[cid]["verdict"] == CONFIRMED, cid
    assert d["S2-1a"]["computed"] == "2025-10-29"
    # S2-9 decomposition and S2-8 concentration: computed values with the data dates used
    assert d["S2-9c"]["computed"] == pytest.approx(10.81, abs=0.01)
    assert "2022-09-01..2025-09-01" in d["S2-9c"]["source"]
    assert d["S2-8b"]["computed"] == pytest.approx(40.40, abs=0.01)
    assert d["S2-8d"]["computed"] == pytest.approx(34.54, abs=0.01)
    assert "SPY holdings 2025-09-30" in d["S2-8b"]["source"]
    # qualitative figures read from data: the Magnificent 7 except Apple fell on 2025-11-04
    assert d["S3-2c"]["verdict"] == CONFIRMED and d["S3-2d"]["verdict"] == CONFIRMED
    assert d["S0-11e"]["verdict"] == CONTRADICTED  # gold and oil both rose on 2025-10-29
    # missing data is named, with the dates available
    assert d["S2-8e"]["verdict"] == NOT_CHECKABLE
    assert "2022-06-13" in d["S2-8e"]["missing"][0]


@pytest.mark.shared
def test_every_verdict_is_one_of_three_and_json_shape(report):
    rows = report.to_list()
    for r in rows:
        assert {"id", "claim", "stated", "computed", "verdict", "source"} <= set(r)
        assert r["verdict"] in (CONFIRMED, CONTRADICTED, NOT_CHECKABLE)
        if r["verdict"] in (CONFIRMED, CONTRADICTED):
            assert r["source"], r["id"]
    n = report.counts()
    assert n["confirmed"] >= 20 and n["contradicted"] >= 15
    assert sum(n.values()) == len(rows)


@pytest.mark.shared
def test_claims_counts_for_the_header(shared_store, report):
    assert claims_counts(shared_store) == report.counts()


def test_a_partial_store_names_what_is_missing(tmp_path):
    import pandas as pd

    path = tmp_path / "p.duckdb"
    with Store(path) as st:
        bars = pd.DataFrame(
            {
                "symbol": "NVDA",
                "date": pd.to_datetime(["2025-11-03", "2025-11-04"]).date,
                "close": [206.88, 198.69],
                "source": "test",
            }
        )
        st.con.register("bars_df", bars)
        st.con.execute("INSERT INTO prices (symbol, date, close, source) SELECT * FROM bars_df")
        st.con.unregister("bars_df")
        rep = check_claims(st, ids=["S0-1a", "S0-1b", "S2-1a", "S0-2a"])
    d = {v.claim.id: v.to_dict() for v in rep.verdicts}
    assert d["S0-1a"]["verdict"] == CONTRADICTED  # prices alone suffice for the return
    assert d["S0-1a"]["computed"] == pytest.approx(-3.9588, abs=1e-4)
    assert d["S0-1b"]["verdict"] == NOT_CHECKABLE
    assert d["S0-1b"]["missing"] == ["NVDA shares outstanding"]
    assert "2025-10-14" in d["S0-2a"]["missing"][0]  # outside the stored prices


def test_a_failing_check_is_reported_on_its_claim_only(monkeypatch):
    from bubblewatch.claims import checks

    def boom(p, data):
        raise IndexError("empty window")

    monkeypatch.setitem(checks.CHECKS, "daily_return", boom)
    with Store(":memory:") as st:
        rep = check_claims(st, ids=["S0-1a", "S2-11"])
    d = {v.claim.id: v.to_dict() for v in rep.verdicts}
    assert d["S0-1a"]["verdict"] == NOT_CHECKABLE
    assert "IndexError" in d["S0-1a"]["note"]
    assert d["S2-11"]["verdict"] == CONFIRMED
