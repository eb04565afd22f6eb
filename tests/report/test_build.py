"""The report builder: one self-contained file, plotly.js once, no external URL, robust sections."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from bubblewatch import __version__
from bubblewatch.data.store import Store
from bubblewatch.data.tables import write_macro, write_prices
from bubblewatch.report.build import (
    build_context,
    build_report,
    default_symbols,
    inputs_hash,
)
from bubblewatch.report.context import ReportContext, SectionOutput
from bubblewatch.report.sections import coverage


def _frame(start: str, n: int, base: float, source: str) -> pd.DataFrame:
    dates = pd.bdate_range(start, periods=n)
    close = base * np.exp(np.linspace(0.0, 0.5, n))
    return pd.DataFrame(
        {
            "date": dates,
            "open": close,
            "high": close * 1.01,
            "low": close * 0.99,
            "close": close,
            "adj_close": close,
            "volume": 1e6,
            "currency": "USD",
            "source": source,
        }
    )


@pytest.fixture()
def store():
    st = Store(":memory:")
    with st.transaction() as con:
        write_prices(
            con,
            "NVDA",
            _frame("2025-06-02", 150, 140.0, "test:NVDA"),
            kind="equity",
            source="test:NVDA",
        )
        write_prices(
            con,
            "^IXIC",
            _frame("2025-06-02", 150, 19000.0, "test:IXIC"),
            kind="index",
            source="test:IXIC",
        )
        write_prices(
            con, "ZZZ", _frame("2024-01-02", 20, 5.0, "test:ZZZ"), kind="equity", source="test:ZZZ"
        )
        write_macro(
            con,
            "DGS10",
            pd.DataFrame(
                {
                    "date": pd.bdate_range("2025-01-02", periods=5),
                    "value": [4.5, 4.6, np.nan, 4.4, 4.3],
                }
            ),
            source="test:DGS10",
        )
    yield st
    st.close()


def _strip_plotlyjs(html: str) -> str:
    from plotly.offline import get_plotlyjs

    js = get_plotlyjs()
    assert html.count(js) == 1, "plotly.js must be inlined exactly once"
    return html.replace(js, "")


def test_report_is_one_self_contained_file(store, tmp_path):
    out = tmp_path / "sub" / "report.html"
    res = build_report(store, out)
    assert out.exists() and res.out == str(out)
    assert sorted(p.name for p in out.parent.iterdir()) == ["report.html"]  # one file, no tmp left
    html = out.read_text(encoding="utf-8")
    rest = _strip_plotlyjs(html)
    # the page outside the (trusted, inlined) plotly.js bundle references no URL at all
    assert re.findall(r"https?://", rest) == []
    assert re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", rest, flags=re.I) == []
    assert "<script src" not in html.lower()
    assert "<link" not in html.lower()
    assert "@import" not in rest and "url(" not in rest
    assert res.bytes == out.stat().st_size


def test_header_fields(store, tmp_path):
    res = build_report(store, tmp_path / "r.html")
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert res.as_of == "2025-12-26"  # last date of the tracked series (150 business days)
    assert res.symbols == ("NVDA", "^IXIC")  # the watch list members present, in watch-list order
    assert f"<dt>As of</dt><dd>{res.as_of}</dd>" in html
    assert f"bubblewatch {__version__}" in html
    assert res.inputs_hash == inputs_hash(store, ["NVDA", "^IXIC"])
    assert f'id="inputs-hash">{res.inputs_hash}<' in html
    for src in ("test:NVDA", "test:IXIC", "test:DGS10", "2025-06-02"):
        assert src in html
    assert '<nav class="toc"' in html and 'href="#coverage"' in html


def test_coverage_marks_article_dates_in_range(store):
    ctx = build_context(store)
    out = coverage.build(ctx)
    assert out.missing == ()
    rebased, full = out.figures
    for fig in (rebased, full):
        assert fig.layout.yaxis.type == "log"
        # the four article dates fall inside 2025-06-02..2025-12-26
        assert list(fig.layout.meta["article_dates_marked"]) == [
            "2025-10-14",
            "2025-10-29",
            "2025-11-04",
            "2025-11-20",
        ]
        assert len(fig.layout.shapes) == 4
    assert len(rebased.layout.annotations) == 4 and len(full.layout.annotations) == 0
    # rebased to 100 at the common start
    assert [tr.y[0] for tr in rebased.data] == [100.0, 100.0]
    assert "since 2025-06-02" in rebased.layout.title.text
    assert "ZZZ" in out.html and "DGS10" in out.html  # table lists every series


def test_coverage_out_of_range_dates_not_marked(store):
    ctx = build_context(store, ["ZZZ"])
    figs = coverage.build(ctx).figures
    for fig in figs:
        assert list(fig.layout.meta["article_dates_marked"]) == []
        assert len(fig.layout.shapes) == 0
    assert len(figs) == 1  # 20 days: too short for the rebased chart


def test_failing_section_shows_error_box_and_others_survive(store, tmp_path, caplog):
    def boom(ctx: ReportContext) -> SectionOutput:
        raise ZeroDivisionError("kaboom in the section")

    def lacking(ctx: ReportContext) -> SectionOutput:
        return SectionOutput(
            id="lacking",
            title="Lacking data",
            html="<p>partial</p>",
            missing=("FRED series GFDEBTN",),
        )

    boom.__module__ = "bubblewatch.report.sections.boom"
    res = build_report(store, tmp_path / "r.html", sections=[boom, coverage.build, lacking])
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    status = {s.id: s.status for s in res.sections}
    assert status == {"boom": "error", "coverage": "ok", "lacking": "missing"}
    assert 'class="error-box"' in html
    assert "The section <strong>boom</strong> failed" in html
    assert "ZeroDivisionError: kaboom in the section" in html
    assert "This section lacks data" in html and "FRED series GFDEBTN" in html
    assert "<p>partial</p>" in html
    assert any("boom" in r.getMessage() for r in caplog.records)
    assert res.to_dict()["sections"][0]["error"] == "ZeroDivisionError: kaboom in the section"


def test_section_html_is_not_double_escaped_but_titles_are(store, tmp_path):
    def evil(ctx: ReportContext) -> SectionOutput:
        return SectionOutput(
            id="evil", title="<b>t</b>", html="<p>ok</p>", missing=("<script>x</script>",)
        )

    build_report(store, tmp_path / "r.html", sections=[evil])
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;t&lt;/b&gt;" in html and "<p>ok</p>" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


def test_section_headline_facts_appear_in_the_header(store, tmp_path):
    def verdicts(ctx: ReportContext) -> SectionOutput:
        return SectionOutput(
            id="verdicts", title="Verdicts", headline=(("Claims check", "3 confirmed / 1 <x>"),)
        )

    build_report(store, tmp_path / "r.html", sections=[verdicts])
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    header = html.split("</header>")[0]
    assert "<dt>Claims check</dt>" in header
    assert "3 confirmed / 1 &lt;x&gt;" in header


def test_empty_store_reports_missing(tmp_path):
    with Store(":memory:") as st:
        res = build_report(st, tmp_path / "r.html")
    assert res.symbols == ()
    assert res.sections[0].status == "missing"
    assert "This section lacks data" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_inputs_hash_tracks_values(store):
    h0 = inputs_hash(store, ["NVDA"])
    assert h0 == inputs_hash(store, ["NVDA"])
    assert h0 != inputs_hash(store, ["NVDA", "^IXIC"])
    store.con.execute(
        "UPDATE prices SET close = close + 1 WHERE symbol = 'NVDA' AND date = '2025-06-03'"
    )
    assert inputs_hash(store, ["NVDA"]) != h0


def test_default_symbols_falls_back_to_any_equity():
    with Store(":memory:") as st:
        with st.transaction() as con:
            write_prices(con, "QQQQ", _frame("2025-01-02", 5, 10.0, "t"), kind="equity", source="t")
        assert default_symbols(st) == ["QQQQ"]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium not installed")
def test_renders_in_headless_chromium_with_network_off(store, tmp_path):
    from bubblewatch.report.sections import coverage

    out = tmp_path / "r.html"
    build_report(store, out, sections=[coverage.build])
    proc = subprocess.run(
        [
            shutil.which("chromium") or "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            # network off: every host resolves to nothing and every proxy request fails
            "--proxy-server=http://127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--virtual-time-budget=5000",
            "--dump-dom",
            Path(out).as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    # plotly drew both charts: one trace per tracked symbol in each
    assert 'class="main-svg"' in dom
    assert len(re.findall(r'class="trace scatter', dom)) == 4


@pytest.mark.shared
def test_report_on_shared_data(shared_store, tmp_path):
    res = build_report(shared_store, tmp_path / "shared.html")
    assert res.sections[0].status == "ok"
    assert {"NVDA", "AMD", "ORCL", "MSFT"} <= set(res.symbols)
    nvda_last = shared_store.prices("NVDA").index[-1]
    assert nvda_last >= pd.Timestamp("2026-05-21")
    assert pd.Timestamp(res.as_of) >= nvda_last
    ctx = build_context(shared_store)
    rebased = coverage.build(ctx).figures[0]
    assert list(rebased.layout.meta["article_dates_marked"]) == [
        "2025-10-14",
        "2025-10-29",
        "2025-11-04",
        "2025-11-20",
    ]
    # the hash is reproducible (DuckDB's parallel float sums are not: we sum DECIMALs)
    assert inputs_hash(shared_store, res.symbols) == res.inputs_hash
    assert inputs_hash(shared_store, res.symbols) == res.inputs_hash


def test_console_summary_shortens_long_missing_lists():
    from bubblewatch.report.build import _first_missing

    items = [f"series {i}; the store /x.duckdb holds: A, B" for i in range(5)]
    assert _first_missing(items) == (
        "series 0; series 1; series 2; and 2 more (listed in the report)"
    )
    assert _first_missing(items[:2]) == "series 0; series 1"


def test_report_never_fails_on_a_stored_value(store, tmp_path):
    """Issue 10 item 4: a close of 1e32 already in a store (written before the plausible
    ranges existed) made the inputs hash overflow its DECIMAL sum and the report fail."""
    from bubblewatch.data.writer import put_rows

    h0 = inputs_hash(store, ["NVDA"])
    row = pd.DataFrame(
        {
            "symbol": ["NVDA"],
            "date": [pd.Timestamp("2025-12-31")],
            "open": [np.nan],
            "high": [np.nan],
            "low": [np.nan],
            "close": [1e32],
            "adj_close": [1e32],
            "volume": [np.nan],
            "currency": ["USD"],
            "source": ["old store"],
            "warning": [None],
        }
    )
    with store.transaction() as con:
        put_rows(con, "prices", row)
    h1 = inputs_hash(store, ["NVDA"])
    assert h1 != h0 and len(h1) == 64
    assert inputs_hash(store, ["NVDA"]) == h1
    res = build_report(store, tmp_path / "r.html", symbols=["NVDA"])
    assert res.inputs_hash == h1
    assert (tmp_path / "r.html").stat().st_size > 0


def test_two_reports_to_the_same_file_at_once(tmp_path):
    """Issue 10 item 8: two ``report --out same.html`` at once shared one temporary name
    (``same.html.tmp``): one process's rename then failed, or published a page the other was
    still writing. Two processes write the same file 60 times each."""
    import os
    import subprocess
    import sys

    out = tmp_path / "same.html"
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from bubblewatch.report.build import write_page\n"
        "page = '<html>' + sys.argv[2] * 300_000 + '</html>'\n"
        "for _ in range(60):\n"
        "    write_page(Path(sys.argv[1]), page)\n"
    )
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = dict(os.environ, PYTHONPATH=src + os.pathsep + os.environ.get("PYTHONPATH", ""))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(out), letter],
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for letter in "ab"
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    text = out.read_text(encoding="utf-8")
    assert text in ("<html>" + "a" * 300_000 + "</html>", "<html>" + "b" * 300_000 + "</html>")
    assert [p.name for p in tmp_path.iterdir()] == ["same.html"]


def test_partial_sections_apart_from_missing_ones(store, tmp_path):
    # shown with one input short -> "partial", naming it; nothing to show -> "data missing"
    def short_one(ctx: ReportContext) -> SectionOutput:
        return SectionOutput(id="short", title="Short one", html="<p>AAA shown</p>",
                             partial=("BBB (40 closes, needs 60)",))  # fmt: skip

    def left_out(ctx: ReportContext) -> SectionOutput:
        return SectionOutput(id="left", title="Left out", figures=(go.Figure(),),
                             missing=("BTC: left out - its returns start later",))  # fmt: skip

    def nothing(ctx: ReportContext) -> SectionOutput:
        return SectionOutput(id="nothing", title="Nothing", missing=("FRED series GFDEBTN",))

    res = build_report(store, tmp_path / "r.html", sections=[short_one, left_out, nothing])
    state = {s.id: s.state for s in res.sections}
    assert state == {"short": "partial", "left": "partial", "nothing": "missing"}
    assert {s.id: s.status for s in res.sections}["short"] == "ok"  # nothing missing, one short
    assert res.to_dict()["sections"][0]["partial"] == ["BBB (40 closes, needs 60)"]
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    toc = html.split('<nav class="toc"', 1)[1].split("</nav>", 1)[0]
    assert "partial: without BBB</span>" in toc and "partial: without BTC</span>" in toc
    assert toc.count("data missing") == 1
    assert "<strong>Partial.</strong>" in html and "<strong>Data missing.</strong>" in html
    summary = res.summary()
    assert "partial  short (shown without: BBB (40 closes" in summary
    assert "missing  nothing (lacks: FRED series GFDEBTN)" in summary
