"""``bubblewatch network show | stress | clear``."""

from __future__ import annotations

import json

import pytest

from bubblewatch.cli import main


def _run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_show_default_ledger_json(capsys):
    code, out, _ = _run(capsys, "network", "show", "--json")
    assert code == 0
    d = json.loads(out)
    for key in (
        "deals",
        "parties",
        "cycles",
        "max_circulation_usd",
        "circular_share",
        "round_trip",
        "commitment_cover",
    ):
        assert key in d
    assert ["Nvidia", "OpenAI", "Oracle"] in d["cycles"]
    assert d["deals"] >= 50


def test_show_text(capsys):
    code, out, _ = _run(capsys, "network", "show")
    assert code == 0 and "Nvidia -> OpenAI -> Oracle -> Nvidia" in out


def test_stress_json(capsys):
    code, out, _ = _run(
        capsys, "network", "stress", "--shock", "OpenAI", "--honour", "0.4", "--json"
    )
    assert code == 0
    d = json.loads(out)
    assert d["parties"]["Oracle"]["backlog_at_risk_usd"] == pytest.approx(180e9)
    assert d["rounds"][0]["round"] == 1


def test_stress_needs_a_scenario_and_a_known_party(capsys):
    assert _run(capsys, "network", "stress")[0] == 2
    assert _run(capsys, "network", "stress", "--shock", "Nobody", "--honour", "0.5")[0] == 2


def test_stress_on_user_ledger(tmp_path, capsys):
    p = tmp_path / "mine_deals.csv"
    p.write_text(
        "deal_id,announced,from_party,to_party,kind,amount_usd,status,source\n"
        "D1,2025-01,A,B,cloud_contract,100,announced,S0-1\n"
    )
    code, out, _ = _run(
        capsys, "network", "stress", str(p), "--shock", "A", "--honour", "0.5", "--json"
    )
    assert code == 0 and json.loads(out)["parties"]["B"]["loss_usd"] == 50


def test_clear_known_answer(tmp_path, capsys):
    L = tmp_path / "L.csv"
    L.write_text("party,A,B,C\nA,0,4,4\nB,2,0,2\nC,1,1,0\n")
    e = tmp_path / "e.csv"
    e.write_text("party,outside_assets\nA,1\nB,0.5\nC,1\n")
    code, out, _ = _run(capsys, "network", "clear", str(L), str(e), "--json")
    assert code == 0
    d = json.loads(out)
    assert d["payments"]["A"] == pytest.approx(11 / 3) and d["payments"]["B"] == pytest.approx(
        10 / 3
    )
    assert (
        d["defaulted"] == ["A", "B"] and d["rounds"] == [["A"], ["A", "B"]] and d["unique"] is True
    )
    code, out, _ = _run(
        capsys, "network", "clear", str(L), str(e), "--alpha", "0.5", "--beta", "0.5", "--json"
    )
    d = json.loads(out)
    assert d["payments"]["A"] == pytest.approx(19 / 15) and d["payments"]["B"] == pytest.approx(
        16 / 15
    )


def test_clear_bad_csv_exits_2(tmp_path, capsys):
    L = tmp_path / "L.csv"
    L.write_text("party,A,B\nA,0,oops\nB,1,0\n")
    e = tmp_path / "e.csv"
    e.write_text("party,outside_assets\nA,1\nB,1\n")
    code, _, err = _run(capsys, "network", "clear", str(L), str(e))
    assert code == 2 and "line 2" in err and "'B'" in err
    e.write_text("party,outside_assets\nA,1\n")
    L.write_text("party,A,B\nA,0,1\nB,1,0\n")
    assert _run(capsys, "network", "clear", str(L), str(e))[0] == 2


def test_bad_ledger_exits_2(tmp_path, capsys):
    p = tmp_path / "bad_deals.csv"
    p.write_text(
        "deal_id,announced,from_party,to_party,kind,status,source\nD1,2025,A,B,gift,announced,s\n"
    )
    code, _, err = _run(capsys, "network", "show", str(p))
    assert code == 2 and "kind" in err
