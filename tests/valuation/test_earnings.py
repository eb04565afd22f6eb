"""Point-in-time EPS, P/E and relative P/E, on values copied from
../shared/data/fundamentals/fundamentals.csv (NVDA diluted EPS, split-adjusted, with the
filing date each quarter's source names) and prices/us/NVDA.csv (close 2025-11-04 198.69)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.valuation.earnings import (
    annual_figure,
    pe_history,
    price_earnings,
    trailing_eps,
)
from bubblewatch.valuation.quarters import known_dates, year_on_year
from bubblewatch.valuation.relative_pe import relative_pe

# fiscal period, period end, diluted EPS (USD), filing date of the quarter's 10-Q/10-K
NVDA_EPS = [
    ("FY2024Q3", "2023-10-29", 0.37, "2023-11-21"),
    ("FY2024Q4", "2024-01-28", 0.49, "2024-02-21"),
    ("FY2025Q1", "2024-04-28", 0.60, "2024-05-29"),
    ("FY2025Q2", "2024-07-28", 0.67, "2024-08-28"),
    ("FY2025Q3", "2024-10-27", 0.78, "2024-11-20"),
    ("FY2025Q4", "2025-01-26", 0.89, "2025-02-26"),
    ("FY2026Q1", "2025-04-27", 0.76, "2025-05-28"),
    ("FY2026Q2", "2025-07-27", 1.08, "2025-08-27"),
    ("FY2026Q3", "2025-10-26", 1.30, "2025-11-19"),
]
# revenue and net income (USD) of FY2025Q3 and FY2026Q3; diluted weighted shares FY2026Q2
NVDA_OTHER = [
    ("FY2025Q3", "2024-10-27", "revenue", 35_082e6, "2024-11-20"),
    ("FY2025Q3", "2024-10-27", "net_income", 19_309e6, "2024-11-20"),
    ("FY2026Q3", "2025-10-26", "revenue", 57_006e6, "2025-11-19"),
    ("FY2026Q3", "2025-10-26", "net_income", 31_910e6, "2025-11-19"),
]


def nvda(*, filed: bool = True) -> pd.DataFrame:
    rows = [
        {
            "symbol": "NVDA",
            "fiscal_period": fp,
            "period_end": pe,
            "metric": "eps_diluted",
            "value": v,
            "filed": f if filed else None,
        }
        for fp, pe, v, f in NVDA_EPS
    ]
    rows += [
        {
            "symbol": "NVDA",
            "fiscal_period": fp,
            "period_end": pe,
            "metric": m,
            "value": v,
            "filed": f,
        }
        for fp, pe, m, v, f in NVDA_OTHER
    ]
    return pd.DataFrame(rows)


CLOSE = pd.Series(
    [206.88, 198.69, 195.21], index=pd.to_datetime(["2025-11-03", "2025-11-04", "2025-11-05"])
)


def test_nvda_trailing_eps_known_on_2025_11_04_is_3_51() -> None:
    b = trailing_eps(nvda(), "2025-11-04")
    # Q3 FY2026 (filed 2025-11-19) is not yet known: FY2025Q3..FY2026Q2
    assert b.quarters == ("FY2025Q3", "FY2025Q4", "FY2026Q1", "FY2026Q2")
    assert b.value == pytest.approx(3.51, abs=1e-9)
    assert b.rules[-1] == "filed 2025-08-27 (10-Q)"
    assert b.rules[1] == "filed 2025-02-26 (10-K)"


def test_nvda_pe_56_6_at_the_close_of_2025_11_04() -> None:
    r = price_earnings(nvda(), CLOSE, "2025-11-04")
    assert r.price == 198.69 and r.price_date == pd.Timestamp("2025-11-04")
    assert round(r.pe, 1) == 56.6
    assert r.pe == pytest.approx(198.69 / 3.51, rel=1e-12)
    d = json.loads(r.to_json())
    assert d["method"] == "trailing" and d["eps_unit"] == "USD/share"
    assert [q["fiscal_period"] for q in d["quarters"]][-1] == "FY2026Q2"
    assert "P/E 56.6 on 2025-11-04" in r.summary()
    assert r.plot() is not None and len(r.to_frame()) == 4


def test_the_filing_date_moves_the_quarters() -> None:
    # on 2025-11-19 (the 10-Q filing day) FY2026Q3 counts: 0.89 + 0.76 + 1.08 + 1.30
    assert trailing_eps(nvda(), "2025-11-19").value == pytest.approx(4.03)
    assert trailing_eps(nvda(), "2025-11-18").value == pytest.approx(3.51)


def test_without_filing_dates_the_45_and_60_day_rule_applies_and_is_stated() -> None:
    f = nvda(filed=False)
    k = known_dates(f[f["metric"] == "eps_diluted"])
    q4 = k[k["fiscal_period"] == "FY2025Q4"].iloc[0]
    assert q4["known_from"] == pd.Timestamp("2025-01-26") + pd.Timedelta(days=60)
    assert q4["known_rule"] == "period end 2025-01-26 + 60 days (10-K; filing date unknown)"
    q2 = k[k["fiscal_period"] == "FY2026Q2"].iloc[0]
    assert q2["known_from"] == pd.Timestamp("2025-09-10")  # 2025-07-27 + 45
    # 2025-11-04: FY2026Q2 is known (from 2025-09-10), FY2026Q3 is not (2025-12-10)
    eps_only = f[f["metric"] == "eps_diluted"]
    b = trailing_eps(eps_only, "2025-11-04")
    assert b.value == pytest.approx(3.51) and "+ 45 days" in b.rules[-1]


def test_dynamic_and_run_rate_pe() -> None:
    dyn = price_earnings(nvda(), CLOSE, "2025-11-04", method="dynamic")
    assert dyn.eps == pytest.approx(2 * (0.76 + 1.08)) and round(dyn.pe, 2) == 53.99
    rr = price_earnings(nvda(), CLOSE, "2025-11-04", method="run_rate")
    assert rr.eps == pytest.approx(4 * 1.08)
    with pytest.raises(InputError, match="method='forward'"):
        price_earnings(nvda(), CLOSE, "2025-11-04", method="forward")


def test_missing_quarter_and_stale_quarters_are_named() -> None:
    f = nvda()
    gap = f[~((f["fiscal_period"] == "FY2025Q4") & (f["metric"] == "eps_diluted"))]
    with pytest.raises(InsufficientDataError, match="not consecutive"):
        trailing_eps(gap, "2025-11-04")
    with pytest.raises(InsufficientDataError, match="latest known quarter ended 2025-10-26"):
        trailing_eps(f, "2026-06-30")
    with pytest.raises(InsufficientDataError, match="4 quarter"):
        trailing_eps(f, "2024-05-01")


def test_negative_eps_gives_nan_pe_with_a_note() -> None:
    f = nvda()
    f.loc[f["metric"] == "eps_diluted", "value"] = -0.1
    r = price_earnings(f, CLOSE, "2025-11-04")
    assert math.isnan(r.pe) and "not positive" in r.note
    assert json.loads(r.to_json())["pe"] is None


def test_pe_history_is_point_in_time() -> None:
    days = pd.bdate_range("2024-08-01", "2025-11-28")
    px = pd.Series(100.0, index=days)
    h = pe_history(nvda(), px)
    # the first four consecutive quarters are known once FY2025Q2's 10-Q is filed (2024-08-28)
    assert h.first_valid_index() == pd.Timestamp("2024-08-28")
    assert h[pd.Timestamp("2024-08-28")] == pytest.approx(100 / (0.37 + 0.49 + 0.60 + 0.67))
    assert h[pd.Timestamp("2025-11-04")] == pytest.approx(100 / 3.51)
    assert h[pd.Timestamp("2025-11-19")] == pytest.approx(100 / 4.03)


def test_year_on_year_nvda_q3_fy2026() -> None:
    rev = year_on_year(nvda(), "revenue", "2025-10-26")
    ni = year_on_year(nvda(), "net_income", "2025-10-26")
    assert rev.prior_fiscal_period == "FY2025Q3"
    assert round(rev.growth * 100, 1) == 62.5
    assert round(ni.growth * 100, 1) == 65.3


def test_relative_pe_names_peers_without_pe() -> None:
    aapl = pd.DataFrame(
        {
            "period_end": ["2024-12-28", "2025-03-29", "2025-06-28", "2025-09-27"],
            "fiscal_period": ["FY2025Q1", "FY2025Q2", "FY2025Q3", "FY2025Q4"],
            "metric": "eps_diluted",
            "value": [2.40, 1.65, 1.57, 1.85],
            "filed": ["2025-01-31", "2025-05-02", "2025-08-01", "2025-10-31"],
        }
    )
    closes = {"NVDA": CLOSE, "AAPL": pd.Series([270.04], index=pd.to_datetime(["2025-11-04"]))}
    r = relative_pe(
        "NVDA",
        {"NVDA": nvda(), "AAPL": aapl, "AMD": aapl},
        closes,
        "2025-11-04",
        peers=["AAPL", "AMD", "META"],
    )
    assert r.peer_median == pytest.approx(270.04 / 7.47)
    assert r.premium_to_median == pytest.approx((198.69 / 3.51) / (270.04 / 7.47) - 1)
    assert set(r.unavailable) == {"AMD", "META"}
    assert 0 <= r.history_percentile <= 1
    json.loads(r.to_json())


def test_bad_frames_are_refused() -> None:
    with pytest.raises(InputError, match="missing column"):
        trailing_eps(pd.DataFrame({"period_end": ["2025-01-01"], "value": [1.0]}), "2025-06-01")
    twice = pd.concat([nvda(), nvda().iloc[:1]])
    with pytest.raises(InputError, match="given twice"):
        trailing_eps(twice, "2025-11-04")
    two = nvda()
    two.loc[0, "symbol"] = "AMD"
    with pytest.raises(InputError, match="one company per frame"):
        trailing_eps(two, "2025-11-04")
    with pytest.raises(InputError, match="cannot read"):
        annual_figure(nvda(), "yesterday-ish")
    with pytest.raises(InsufficientDataError, match="no close within"):
        price_earnings(nvda(), CLOSE, "2025-12-31")
    assert np.isfinite(price_earnings(nvda(), CLOSE, "2025-11-06").pe)  # last close 11-05
