"""Every item of the articles' digest appears in the claims check (issue 14 item 5)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bubblewatch.claims.check import (
    CONFIRMED,
    CONTRADICTED,
    NO_FIGURE,
    check_claims,
    load_claims,
    load_digest,
    value_text,
)
from bubblewatch.data.store import Store

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "DIGEST.md"


def test_every_digest_item_is_a_claim_or_listed_without_a_figure():
    digest = load_digest()
    assert list(digest.articles) == ["S0", "S1", "S2", "S3"]
    claimed = {c.item for c in load_claims()}
    without = set(digest.items) - claimed
    assert without == {"S1-3", "S1-6", "S2-13"}
    assert claimed <= set(digest.items)  # no claim cites an item the digest lacks
    with Store(":memory:") as st:
        rep = check_claims(st, ids=["S1-3", "S1-6", "S2-13", "S2-11"])
    assert [c.id for c in rep.no_figure] == ["S1-3", "S1-6", "S2-13"]
    assert rep.counts() == {"confirmed": 1, "contradicted": 0, "not_checkable": 0}  # S2-11
    rows = rep.rows()
    assert [v.claim.id for v in rows] == ["S1-3", "S1-6", "S2-11", "S2-13"]  # articles' order
    loop = next(v for v in rows if v.claim.id == "S2-13")
    assert loop.verdict == NO_FIGURE and "buy back shares" in loop.claim.statement
    assert "S2-13" in rep.summary() and "no figure to check" in rep.summary()
    d = rep.to_dict()
    assert d["no_figure"][0]["article"].startswith("S1 001_")


def test_each_claim_carries_its_article_and_statement():
    by = {c.id: c for c in load_claims()}
    c = by["S0-1b"]
    assert c.article == (
        "S0 000_9ec293c0c3cc42ad.txt: Nvidia loses over 1.4 trillion yuan twice in a month"
    )
    assert c.statement.startswith("2025-11-04: NVDA closed -3.12%")
    assert all(c.article and c.statement for c in by.values())


@pytest.mark.skipif(not SEEDS.exists(), reason="shared/seeds/DIGEST.md not present")
def test_the_package_digest_matches_the_seeds():
    ids = re.findall(r"^- (S\d+-\d+) ", SEEDS.read_text(encoding="utf-8"), flags=re.M)
    assert list(load_digest().items) == ids


def test_value_text_units():
    assert value_text(-3.9588, "%") == "-3.959%"
    assert value_text(98.24, "% of GDP") == "98.24% of GDP"
    assert value_text(2, "count") == "2"


@pytest.mark.shared
def test_window_sensitive_verdicts_show_both_readings(shared_store):
    rep = check_claims(shared_store, ids=["S2-10c", "S0-9c"])
    v = {x.claim.id: x for x in rep.verdicts}
    # S2-10c: from the deal day (2025-08-22) Intel rose ~67%; from 2025-08-01 ~114%
    intel = v["S2-10c"]
    assert intel.verdict == CONTRADICTED and intel.computed == pytest.approx(66.69, abs=0.01)
    (alt,) = intel.readings
    assert alt["verdict"] == CONFIRMED and alt["computed"] == pytest.approx(114.09, abs=0.01)
    assert "2025-08-01" in alt["label"] and intel.window_sensitive
    # S0-9c: debt held by the public gives less than USD 87.5B a year; total public debt more
    cut = v["S0-9c"]
    assert cut.verdict == CONTRADICTED and cut.computed == pytest.approx(77.18, abs=0.01)
    (alt,) = cut.readings
    assert alt["verdict"] == CONFIRMED and alt["computed"] > 87.5
    assert "GFDEBTN" in alt["label"]
    assert cut.to_dict()["readings"][0]["verdict"] == CONFIRMED
    assert "other reading" in rep.summary()
