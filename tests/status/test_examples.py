"""The issue's asset-dates: level and reasons, each value checked against the command that
recomputes it (``bubblewatch psy``, ``bubblewatch lppls confidence``, ``bubblewatch status``).

Reference values (written here, from the shared data): NVDA 2025-10-29 heating (3-year
return at its 99.6th percentile; BSADF 0.293 against 0.818: not explosive; LPPLS confidence
0 at both scales); NVDA 2025-11-20 heating (3-year return percentile 0.95); NASDAQ Composite
2000-03-10 critical (BSADF 1.943 > 1.061 since 2000-02-01; long-scale LPPLS confidence 0.468,
median tc 2000-03-11); 2002-10-09 bursting (78% below the 2000-03-10 peak, which was
explosive); S&P 500 2005-06-30 calm.
"""

from __future__ import annotations

import json

import pytest

from bubblewatch.cli import main
from bubblewatch.data.status_inputs import cape_series, status_inputs
from bubblewatch.status import asset_status

EXAMPLES = {
    ("NVDA", "2025-10-29"): "heating",
    ("NVDA", "2025-11-20"): "heating",
    ("NASDAQ_COMPOSITE", "2000-03-10"): "critical",
    ("NASDAQ_COMPOSITE", "2002-10-09"): "bursting",
    ("SP500", "2005-06-30"): "calm",
}


@pytest.fixture(scope="module")
def statuses(shared_store):
    cape = cape_series(shared_store)
    out = {}
    for sym, day in EXAMPLES:
        inp = status_inputs(shared_store, sym)
        out[sym, day] = asset_status(
            inp.history,
            as_of=day,
            fundamentals=inp.fundamentals,
            symbol=sym,
            cape=cape if inp.index_level else None,
        )
    return out


def _json(capsys, argv):
    assert main(argv) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(("sym", "day"), list(EXAMPLES))
def test_level_and_values_match_the_commands(statuses, shared_store, capsys, sym, day):
    st = statuses[sym, day]
    assert st.level == EXAMPLES[sym, day]
    store = ["--store", str(shared_store.path)]
    # PSY: the reason's command recomputes BSADF and its critical value bit for bit
    cmd = st.reasons[0].command if "psy" in st.reasons[0].command else None
    psy = _json(capsys, ["psy", sym, "--as-of", day, "--json", *store])
    assert psy["latest"]["bsadf"] == st.signals.psy.bsadf
    assert psy["latest"]["cv95"] == st.signals.psy.cv95
    assert psy["latest"]["explosive"] == st.signals.psy.explosive
    assert psy["cv"]["gsadf"]["95"] == st.signals.psy.gsadf_cv95
    if cmd is not None:
        assert f"bubblewatch psy {sym} --as-of {day}" in cmd
    # LPPLS: both scales' confidence from `lppls confidence` on that one end date
    for sc in st.signals.lppls.scales:
        lp = _json(
            capsys,
            ["lppls", "confidence", sym, "--window-max", str(sc.scale.window_max),
             "--window-min", str(sc.scale.window_min), "--window-step", str(sc.scale.window_step),
             "--from", day, "--to", day, "--json", *store],
        )  # fmt: skip
        assert lp["indicator"][-1]["pos"] == sc.pos and lp["indicator"][-1]["neg"] == sc.neg
    if sym != "NVDA" or day != "2025-10-29":
        return
    # the status command prints the same JSON as the API
    cli = _json(capsys, ["status", sym, "--as-of", day, "--json", *store])
    assert cli["level"] == st.level and cli["reasons"] == [r.to_dict() for r in st.reasons]
    assert cli["signals"] == json.loads(st.to_json())["signals"]


def test_nvda_2025(statuses):
    a = statuses["NVDA", "2025-10-29"]
    assert [r.condition.split(" log return")[0] for r in a.reasons] == ["3-year"]
    assert a.reasons[0].value == pytest.approx(0.996, abs=1e-3)
    assert a.signals.psy.bsadf == pytest.approx(0.293, abs=1e-3) and not a.signals.psy.explosive
    assert a.signals.lppls.pos == 0.0
    assert a.signals.valuation.pe == pytest.approx(59.0, abs=0.1)
    b = statuses["NVDA", "2025-11-20"]
    assert b.reasons[0].value == pytest.approx(0.95, abs=0.01)
    assert b.signals.stress.drawdown == pytest.approx(-0.128, abs=1e-3)
    assert b.signals.stress.peak_date.date().isoformat() == "2025-10-29"


def test_nasdaq_2000_peak_is_critical(statuses):
    st = statuses["NASDAQ_COMPOSITE", "2000-03-10"]
    explosive, conf, tc = st.reasons
    assert "BSADF above its 95% critical value" in explosive.condition
    assert explosive.value == pytest.approx(1.943, abs=1e-3)
    assert explosive.threshold == pytest.approx(1.061, abs=1e-3)
    assert st.signals.psy.episode_start.date().isoformat() == "2000-02-01"
    assert "positive LPPLS confidence, long" in conf.condition
    assert conf.value == pytest.approx(0.468, abs=1e-3) and conf.threshold == 0.2
    assert tc.value == "2000-03-11" and tc.threshold == "2000-09-09"
    assert st.signals.valuation.cape == pytest.approx(42.2, abs=0.1)


def test_lppls_confidence_is_percent_in_text_and_a_fraction_in_json(statuses):
    st = statuses["NASDAQ_COMPOSITE", "2000-03-10"]
    _, conf, tc = st.reasons
    assert conf.condition.endswith(", at least 20%")  # the threshold in words: percent
    assert (conf.value_text(), conf.threshold_text()) == ("47%", "20%")
    assert conf.to_dict()["value"] == conf.value and conf.to_dict()["threshold"] == 0.2
    assert set(conf.to_dict()) == {"condition", "value", "threshold", "command"}
    assert tc.value_text() == "2000-03-11"  # a date stays a date
    assert "LPPLS 47% (long)" in conf.short and "BSADF 1.94 > cv95 1.06" in st.reasons[0].short
    text = st.summary()
    assert "long (750..125 sessions, step 5): confidence 47% (bubble)" in text
    assert ", at least 20%: 47% vs 20%" in text
    calm = statuses["SP500", "2005-06-30"]
    lp = next(r for r in calm.reasons if "LPPLS confidence" in r.condition)
    assert " below 10%" in lp.condition and lp.threshold == 0.1
    assert lp.short == f"LPPLS {lp.value:.0%}"


def test_nasdaq_2002_trough_is_bursting(statuses):
    st = statuses["NASDAQ_COMPOSITE", "2002-10-09"]
    (r,) = st.reasons
    assert "drawdown from the 5-year peak (2000-03-10" in r.condition
    assert r.value == pytest.approx(-0.779, abs=1e-3) and r.threshold == -0.2
    assert st.signals.psy.near_peak_date.date().isoformat() == "2000-03-10"


def test_sp500_2005_is_calm(statuses):
    st = statuses["SP500", "2005-06-30"]
    assert all("not in" in r.condition or "at or below" in r.condition or "below" in r.condition
               for r in st.reasons)  # fmt: skip
    assert len(st.reasons) >= 4


def test_cape_only_for_us_equity_indices(shared_store):
    assert status_inputs(shared_store, "NASDAQ_COMPOSITE").index_level
    assert status_inputs(shared_store, "SP500").index_level
    assert not status_inputs(shared_store, "KOSPI").index_level  # not valued by the S&P CAPE
    assert not status_inputs(shared_store, "NVDA").index_level
