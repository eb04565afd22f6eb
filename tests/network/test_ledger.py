"""The ledger format, its validation, and the bundled AI 2025-26 episode."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bubblewatch.data.ledger_io import (
    read_deals,
    read_ledger_frames,
    read_liabilities,
    read_parties,
)
from bubblewatch.episodes import ai2025
from bubblewatch.errors import DataFileError, InputError
from bubblewatch.network.ledger import DIRECTIONS, KINDS, Ledger

HEADER = (
    "deal_id,announced,from_party,to_party,kind,amount_usd,amount_low_usd,amount_high_usd,"
    "gw,horizon_years,conditionality,status,replaced_by,source,notes\n"
)


def _write(tmp_path: Path, rows: str, name: str = "x_deals.csv") -> Path:
    p = tmp_path / name
    p.write_text(HEADER + rows)
    return p


def test_episode_every_deal_has_a_source_and_known_kind():
    led = ai2025.ledger()
    assert len(led.deals) >= 50
    assert (led.deals["source"].str.strip() != "").all()
    # every source is an article id (S<file>-<n>) or a public reference URL
    pat = re.compile(r"(S\d-\d+|https?://)")
    assert led.deals["source"].map(lambda s: bool(pat.search(s))).all()
    assert set(led.deals["kind"]) <= set(KINDS)


def test_episode_records_revisions():
    d = ai2025.ledger().deals.set_index("deal_id")
    assert d.at["A09", "status"] == "replaced" and d.at["A09", "replaced_by"] == "A09b"
    assert d.at["A09b", "amount_usd"] == 30e9
    assert d.at["A12", "replaced_by"] == "A12b" and d.at["A12b", "amount_usd"] == 21e9
    # the articles' own deals are there
    for sid in ("S2-5", "S2-10"):
        assert sid in d.index
    srcs = " ".join(d["source"])
    for sid in ("S1-5", "S2-2", "S2-3", "S2-11"):
        assert sid in srcs


def test_episode_party_figures_are_sourced():
    p = ai2025.ledger().parties
    for stem in ("revenue", "value", "cash", "debt"):
        has = p[f"{stem}_usd"].notna()
        assert (p.loc[has, f"{stem}_source"] != "").all()
        assert (p.loc[has, f"{stem}_as_of"] != "").all()
    assert p.at["Nvidia", "value_usd"] == 5e12  # S2-1
    assert p.at["OpenAI", "revenue_usd"] == 8.6e9  # S2-6 annualised
    assert np.isnan(p.at["Oracle", "revenue_usd"])  # not in the seeds: blank


def test_direction_table_is_explicit():
    assert DIRECTIONS["debt"].later == "reverse"
    assert DIRECTIONS["cloud_contract"].revenue == "to"
    assert DIRECTIONS["warrant"].cash is False
    assert set(DIRECTIONS) == set(KINDS)


def test_replaced_deals_are_not_flows():
    led = ai2025.ledger()
    f = led.flows().set_index(["from_party", "to_party"])
    assert f.at[("Nvidia", "OpenAI"), "amount_usd"] == 30e9  # A09b, not the A09 LOI
    assert ("OpenAI", "Nvidia") not in f.index


def test_amount_value_rules():
    deals = pd.DataFrame(
        {
            "deal_id": ["a", "b", "c", "d"],
            "from_party": ["X"] * 4,
            "to_party": ["Y"] * 4,
            "kind": ["cloud_contract"] * 4,
            "amount_usd": [5.0, np.nan, np.nan, np.nan],
            "amount_low_usd": [np.nan, 10.0, 6.0, np.nan],
            "amount_high_usd": [np.nan, 20.0, np.nan, np.nan],
            "status": ["announced"] * 4,
            "source": ["s"] * 4,
        }
    )
    led = Ledger.from_frames(deals)
    v = led.deal_values().tolist()
    assert v[:3] == [5.0, 15.0, 6.0] and np.isnan(v[3])
    assert led.flows()["amount_usd"].iloc[0] == 26.0


@pytest.mark.parametrize(
    ("row", "column", "line"),
    [
        ("D1,2025-13-01,A,B,debt,1,,,,,binding,announced,,s,\n", "announced", 2),
        ("D1,2025,A,B,gift,1,,,,,binding,announced,,s,\n", "kind", 2),
        ("D1,2025,A,B,debt,-1,,,,,binding,announced,,s,\n", "amount_usd", 2),
        ("D1,2025,A,B,debt,1,,,,,binding,announced,,,\n", "source", 2),
        ("D1,2025,A,B,debt,1,,,,,binding,replaced,,s,\n", "replaced_by", 2),
        ("D1,2025,A,B,debt,1,2,3,,,binding,announced,,s,\n", "amount_usd", 2),
        ("D1,2025,A,B,debt,,5,3,,,binding,announced,,s,\n", "amount_low_usd", 2),
        ("D1,2025,A,B,debt,1,,,,0,binding,announced,,s,\n", "horizon_years", 2),
        ("D1,2025,A,B,debt,1,,,,,maybe,announced,,s,\n", "conditionality", 2),
        (
            "D1,2025,A,B,debt,1,,,,,binding,announced,,s,\nD1,2025,A,B,debt,1,,,,,binding,announced,,s,\n",
            "deal_id",
            3,
        ),
        ("D1,2025,A,B,debt,1,,,,,binding,replaced,D9,s,\n", "replaced_by", 2),
        ("D1,2025,A,A,debt,1,,,,,binding,announced,,s,\n", "to_party", 2),
    ],
)
def test_deal_validation_names_file_line_and_column(tmp_path, row, column, line):
    p = _write(tmp_path, row)
    with pytest.raises(DataFileError) as exc:
        read_deals(p)
    assert exc.value.column == column and exc.value.line == line
    assert str(p) in str(exc.value)


def test_missing_and_unknown_columns(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text("deal_id,from_party\nD1,A\n")
    with pytest.raises(DataFileError, match="missing column"):
        read_deals(p)
    p.write_text(HEADER.strip() + ",extra\n")
    with pytest.raises(DataFileError, match="unknown column"):
        read_deals(p)
    with pytest.raises(DataFileError, match="not found"):
        read_deals(tmp_path / "nope.csv")


def test_parties_validation(tmp_path):
    p = tmp_path / "x_parties.csv"
    p.write_text("name,type,revenue_usd,revenue_as_of,revenue_source\nA,listed,5,,\n")
    with pytest.raises(DataFileError) as exc:
        read_parties(p)
    assert exc.value.column == "revenue_as_of" and exc.value.line == 2
    p.write_text("name,type\nA,alien\n")
    with pytest.raises(DataFileError, match="unknown party type"):
        read_parties(p)


def test_read_ledger_finds_parties_beside_deals(tmp_path):
    d = _write(tmp_path, "D1,2025-01,A,B,cloud_contract,100,,,,,binding,announced,,S0-1,\n")
    (tmp_path / "x_parties.csv").write_text(
        "name,type,revenue_usd,revenue_as_of,revenue_source\nA,listed,50,2025,S0-2\n"
    )
    deals, parties, name = read_ledger_frames(d)
    led = Ledger.from_frames(deals, parties, name=name)
    assert led.name == "x"
    assert led.parties.at["A", "revenue_usd"] == 50
    assert led.party_names == ["A", "B"]  # B added with blank figures


def test_from_frames_validation():
    with pytest.raises(InputError, match="required column"):
        Ledger.from_frames(pd.DataFrame({"deal_id": ["a"]}))


def test_read_liabilities(tmp_path):
    p = tmp_path / "L.csv"
    p.write_text("party,A,B\nB,1,0\nA,0,2\n")
    L = read_liabilities(p)
    assert L.loc["A", "B"] == 2 and L.loc["B", "A"] == 1 and list(L.index) == ["A", "B"]
    p.write_text("party,A,B\nA,0,2\n")
    with pytest.raises(DataFileError, match="not square"):
        read_liabilities(p)
    p.write_text("party,A,B\nA,1,2\nB,1,0\n")
    with pytest.raises(DataFileError, match="owe itself"):
        read_liabilities(p)
