"""The house style of the charts (issue 14 item 4): categorical event axis, at most eight lines
per chart, titled axes, round secondary ticks, the LPPLS window with tc marked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblewatch.chart_style import MAX_LINES, round_secondary_axis
from bubblewatch.report.context import ReportContext
from bubblewatch.report.sections import market
from bubblewatch.report.sections.coverage import coverage_figure


def _walk(n=300, seed=0):
    idx = pd.bdate_range("2025-06-02", periods=n)
    rng = np.random.default_rng(seed)
    return pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, n))), index=idx)


def test_more_than_eight_series_become_small_multiples():
    closes = {f"S{i}": _walk(seed=i) for i in range(MAX_LINES + 2)}
    fig = coverage_figure(closes, "rebased", y_title="rebased close (100 = start, log scale)")
    assert list(fig.layout.meta["panels"]) == list(closes)
    assert len(fig.data) == MAX_LINES + 2 and all(not tr.showlegend for tr in fig.data)
    assert fig.layout.yaxis2.matches == "y"  # one y axis for all panels
    assert len(fig.layout.meta["article_dates_marked"]) == 4
    few = coverage_figure({k: closes[k] for k in list(closes)[:3]}, "three")
    assert len({tr.line.color for tr in few.data}) == 3  # distinct colours
    assert few.layout.xaxis.title.text == "date"


def test_secondary_axis_gets_round_ticks():
    from plotly.subplots import make_subplots

    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_scatter(y=[1, 2, 3])
    fig.add_scatter(y=[1.67, 9.69, 13.7], secondary_y=True)
    round_secondary_axis(fig, [1.67, 9.69, 13.7], title="rate (%)")
    ax = fig.layout.yaxis2
    assert ax.dtick == 5 and ax.tick0 == 0 and list(ax.range) == [0, 15]  # 0, 5, 10, 15
    assert ax.title.text == "rate (%)" and ax.showgrid is False


def test_lppls_fit_chart_shows_the_window_and_marks_tc():
    from bubblewatch.detect.lppls import fit_lppls, lppls_curve

    t = pd.date_range("2020-01-01", periods=200)
    p = np.exp(lppls_curve(np.arange(200.0), 400.0, 0.5, 8.0, 5.0, -0.1, 0.01, 0.0))
    fit = fit_lppls(pd.Series(p, index=t))
    fig = fit.plot()
    lo, hi = (pd.Timestamp(x) for x in fig.layout.xaxis.range)
    assert lo == t[0] and hi == t[-1] + (t[-1] - t[0]) * 0.15  # not stretched to tc
    assert fit.tc > hi
    notes = [a.text for a in fig.layout.annotations]
    assert any(f"tc {fit.tc.date()}" in n and "after the window's end" in n for n in notes)
    assert [tr.name for tr in fig.data] == ["price", "LPPLS fit (log price)"]
    assert fig.layout.yaxis.title.text and fig.layout.xaxis.title.text == "date"


@pytest.mark.shared
def test_reaction_heat_map_columns_are_the_event_sessions(shared_store):
    ctx = ReportContext(store=shared_store, symbols=["NVDA"], as_of=pd.Timestamp("2026-05-21"))
    heat = market.build(ctx).figures[1]
    assert heat.layout.xaxis.type == "category"
    assert list(heat.data[0].x) == [
        "Tue 2025-10-14",
        "Wed 2025-10-29",
        "Tue 2025-11-04",
        "Thu 2025-11-20",
    ]
    assert heat.layout.xaxis.title.text and heat.layout.yaxis.title.text
