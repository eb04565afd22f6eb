"""Stress scenarios and the valuation-financing spiral: hand-derived cases."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bubblewatch.episodes import ai2025
from bubblewatch.errors import InputError, NotFoundError
from bubblewatch.network.ledger import Ledger
from bubblewatch.network.spiral import stress_ledger


def _loop(pass_revenue: float = 100.0) -> Ledger:
    # F finances C (equity 50 over 5 years); C buys 100 of cloud from V over 5 years;
    # V buys 40 of chips from F over 5 years. Revenues: C 10/yr, V 40/yr, F 200/yr.
    deals = pd.DataFrame(
        {
            "deal_id": ["e", "c", "p"],
            "from_party": ["F", "C", "V"],
            "to_party": ["C", "V", "F"],
            "kind": ["equity_investment", "cloud_contract", "chip_supply"],
            "amount_usd": [50.0, pass_revenue, 40.0],
            "horizon_years": [5.0, 5.0, 5.0],
            "status": ["announced"] * 3,
            "source": ["t"] * 3,
        }
    )
    parties = pd.DataFrame(
        {
            "name": ["F", "C", "V"],
            "type": ["listed", "private", "listed"],
            "revenue_usd": [200.0, 10.0, 40.0],
            "value_usd": [4000.0, 300.0, 400.0],
            "value_kind": ["market", "private", "market"],
        }
    )
    return Ledger.from_frames(deals, parties, name="loop")


def test_direct_losses_and_first_spiral_round_by_hand():
    res = stress_ledger(_loop(), shock="C", honour=0.4, pass_through=1.0)
    p = res.parties
    # round 1: C pays 40% of 100 -> V loses 60 of backlog, 12 a year of revenue
    assert p.at["V", "direct_loss_usd"] == pytest.approx(60.0)
    assert p.at["V", "backlog_at_risk_usd"] == pytest.approx(60.0)
    assert p.at["V", "revenue_at_risk_usd"] == pytest.approx(12.0)
    # V's value drop = 12 / 40 = 30%: value loss 0.3 * 400 = 120 (= 12/yr x multiple 10)
    assert p.at["V", "value_drop"] == pytest.approx(0.3)
    assert p.at["V", "value_loss_usd"] == pytest.approx(120.0)
    assert p.at["V", "multiple"] == pytest.approx(10.0)
    # round 2: V cuts 30% of its 40 of chips -> F loses 12 (2.4/yr of 200: 1.2% drop)
    assert p.at["F", "loss_usd"] == pytest.approx(12.0)
    assert p.at["F", "value_drop"] == pytest.approx(2.4 / 200)
    # round 3: F cuts 1.2% of its 50 equity -> C's funding gap 0.12/yr of its 20/yr outflow;
    # C's cut stays at max(0.6, ...) = 0.6, so the spiral stops
    assert p.at["C", "loss_usd"] == pytest.approx(50 * 0.012)
    assert p.at["C", "cut"] == pytest.approx(0.6)
    assert res.converged
    r = res.rounds
    assert r["new_loss_usd"].iloc[0] == pytest.approx(60.0)
    assert r["new_loss_usd"].iloc[1] == pytest.approx(12.0)
    assert r["new_loss_usd"].iloc[2] == pytest.approx(0.6)
    assert res.total_loss_usd == pytest.approx(72.6)


def test_fixed_point_of_a_linear_loop():
    # pass-through 0.5: x = cut of V, y = cut of F, cut of C = max(shock, gap)
    res = stress_ledger(_loop(), shock="C", honour=0.9, pass_through=0.5)
    p = res.parties
    # V: drop = cutC * 20 / 40; cutV = 0.5 * drop; F: drop = cutV * 8 / 200; cutF = 0.5 * drop
    cut_c = 0.1
    cut_v = 0.5 * cut_c * 20 / 40
    cut_f = 0.5 * cut_v * 8 / 200
    assert p.at["V", "cut"] == pytest.approx(cut_v)
    assert p.at["F", "cut"] == pytest.approx(cut_f)
    assert p.at["C", "cut"] == pytest.approx(cut_c)


def test_markdown_hits_private_values_and_spirals():
    res = stress_ledger(_loop(), markdown=0.2, pass_through=1.0)
    p = res.parties
    assert p.at["C", "value_drop"] == pytest.approx(0.2)  # only C is private
    assert p.at["C", "value_loss_usd"] == pytest.approx(60.0)
    # the loop closes: c_V = c_C / 2, c_F = c_V * 8 / 200 = c_C / 50, C's funding gap
    # c_F * 10 / 20 = c_C / 100, so c_C = 0.2 + c_C / 100 -> 0.2 / 0.99
    assert p.at["C", "cut"] == pytest.approx(0.2 / 0.99)
    assert p.at["V", "loss_usd"] == pytest.approx(100 * 0.2 / 0.99)
    assert res.rounds["new_loss_usd"].iloc[0] == 0.0  # a markdown moves no cash by itself


def test_rate_shock_through_debt():
    deals = pd.DataFrame(
        {
            "deal_id": ["d", "p"],
            "from_party": ["Bank", "B"],
            "to_party": ["B", "V"],
            "kind": ["debt", "chip_supply"],
            "amount_usd": [1000.0, 50.0],
            "horizon_years": [5.0, 5.0],
            "status": ["announced"] * 2,
            "source": ["t"] * 2,
        }
    )
    parties = pd.DataFrame(
        {
            "name": ["B", "V", "Bank"],
            "type": ["listed", "listed", "investors"],
            "revenue_usd": [100.0, 10.0, np.nan],
        }
    )
    res = stress_ledger(Ledger.from_frames(deals, parties), rate_bp=200)
    # extra interest 1000 * 2% = 20 on revenue 100: a 20% drop, B cuts 20% of its purchases
    assert res.parties.at["B", "value_drop"] == pytest.approx(0.2)
    assert res.parties.at["V", "loss_usd"] == pytest.approx(10.0)
    relief = stress_ledger(Ledger.from_frames(deals, parties), rate_bp=-100)
    assert relief.total_loss_usd == 0.0


def test_no_proxy_base_stops_at_parties_without_revenue():
    res = stress_ledger(ai2025.ledger(), shock="OpenAI", honour=0.4, proxy_base=False)
    assert len(res.rounds) == 1
    assert np.isnan(res.parties.at["Oracle", "value_drop"])
    assert res.parties.at["Oracle", "backlog_at_risk_usd"] == pytest.approx(180e9)


def test_default_ledger_scenario_reports_rounds():
    res = stress_ledger(ai2025.ledger(), shock="OpenAI", honour=0.4)
    assert res.converged and len(res.rounds) > 2
    assert res.total_loss_usd > res.direct_loss_usd
    assert (np.diff(res.rounds["loss_usd"]) >= -1e-6).all()
    d = json.loads(res.to_json())
    assert d["scenario"]["shock"] == ["OpenAI"] and len(d["rounds"]) == len(res.rounds)
    assert res.plot().data
    assert "round 2" in res.summary()


def test_validation():
    with pytest.raises(NotFoundError):
        stress_ledger(ai2025.ledger(), shock="Nobody", honour=0.5)
    with pytest.raises(InputError):
        stress_ledger(ai2025.ledger(), shock="OpenAI", honour=1.5)
