"""The report's status and track-record sections on a small synthetic store."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bubblewatch.data.store import Store
from bubblewatch.data.tables import write_prices
from bubblewatch.report.context import ReportContext
from bubblewatch.report.sections import status as section
from bubblewatch.report.sections import track_record as track_section

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "status"))
from status_samples import bubble, walk


def _frame(s: pd.Series) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": s.index,
            "open": s.to_numpy(),
            "high": s.to_numpy(),
            "low": s.to_numpy(),
            "close": s.to_numpy(),
            "adj_close": s.to_numpy(),
            "volume": 1e6,
            "currency": "USD",
            "source": "test",
        }
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    st = Store(tmp_path_factory.mktemp("st") / "s.duckdb")
    series = {
        "NVDA": (bubble(1600).set_axis(pd.bdate_range("2020-01-01", periods=1600)), "equity"),
        "MSFT": (walk(1600, seed=5, start="2020-01-01"), "equity"),
        "AMD": (walk(1600, seed=6, start="2020-01-01"), "equity"),
        "ORCL": (walk(1600, seed=7, start="2020-01-01"), "equity"),
        "NASDAQ_COMPOSITE_1971_2020": (walk(3000, seed=8, start="1993-01-04"), "index"),
    }
    with st.transaction() as con:
        for sym, (s, kind) in series.items():
            write_prices(con, sym, _frame(s), kind=kind, source=f"test:{sym}")
    yield st
    st.close()


def test_status_section(store):
    ctx = ReportContext(store=store, symbols=["NVDA", "MSFT", "NOPE"], as_of=pd.Timestamp("2026-02-16"),
                        options={"fast": True})  # fmt: skip
    out = section.build(ctx)
    assert out.id == "status"
    assert "<table class='status'>" in out.html and "badge" in out.html
    assert "explosive" in out.html  # NVDA's synthetic bubble
    assert "<svg" in out.html  # sparklines
    assert "The AI complex" in out.html and "Not in the store" in out.html
    assert "2000 vs now" in out.html and len(out.figures) == 1
    assert any(m.startswith("NOPE") for m in out.missing)
    assert "skipped in this fast build" in out.html


def test_status_reasons_are_short_with_the_full_list_under_them(store):
    ctx = ReportContext(store=store, symbols=["NVDA", "MSFT"], as_of=pd.Timestamp("2026-02-16"),
                        options={"fast": True})  # fmt: skip
    html = section.build(ctx).html
    table = html.split("<table class='status'>", 1)[1].split("</table>", 1)[0]
    cells = re.findall(r"<details class='why'><summary>(.*?)</summary><ul>(.*?)</ul>", table)
    assert len(cells) == table.count("<tr>") - 1  # one per row (the head has none)
    for short, full in cells:
        assert len(short) < 80 and "<" not in short  # a line or two of plain words
        assert full.count("<li>") >= 1 and " vs " in full  # each reason: value vs threshold
    # NVDA's synthetic bubble: the deciding numbers in words, the full condition below
    assert re.search(r"<summary>BSADF \d+\.\d\d &gt; cv95 \d+\.\d\d since \d{4}-\d\d-\d\d", table)
    assert "BSADF above its 95% critical value" in table


def test_track_record_section_without_cache(store, monkeypatch, tmp_path):
    monkeypatch.setenv("BUBBLEWATCH_CACHE", str(tmp_path))
    ctx = ReportContext(store=store, symbols=["NVDA"], as_of=pd.Timestamp("2026-02-16"))
    out = track_section.build(ctx)
    assert out.missing and "bubblewatch status track-record" in out.missing[0]


def test_helpers():
    s = pd.Series(np.linspace(1, 2, 300), index=pd.bdate_range("2020-01-01", periods=300))
    svg = section.sparkline(s)
    assert svg.startswith("<svg") and "polyline" in svg and "#2e7d32" in svg
    assert section.sparkline(s.iloc[:1]) == ""
    assert "background:#c62828" in section.badge("critical")
