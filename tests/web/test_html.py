"""The shared HTML pieces: tables escape text, insert Markup as it is, keep raw values for CSV."""

from __future__ import annotations

from markupsafe import Markup

from bubblewatch.web.html import Col, num, table


def test_table_escapes_text_and_keeps_markup():
    rows = [{"name": "<b>x</b>", "link": "A&B", "v": 0.125}]
    cols = [
        Col("Name", "name"),
        Col("Link", "link", lambda v: Markup('<a href="/asset/{0}">{0}</a>').format(v)),
        Col("V", "v", num(1), True),
    ]
    out = str(table("t", cols, rows))
    assert "&lt;b&gt;x&lt;/b&gt;" in out and "<b>x</b>" not in out
    assert '<a href="/asset/A&amp;B">A&amp;B</a>' in out
    # the CSV button exports the raw value, the cell shows the formatted one
    assert '<td class=num data-v="0.125">0.1</td>' in out


def test_row_attributes_are_escaped_and_bare_ones_allowed():
    rows = [{"v": 'a"b'}, {"v": "c"}]
    out = str(
        table(
            "t",
            [Col("V", "v")],
            rows,
            row_class=lambda r: "k-" + r["v"],
            row_attrs=lambda r: {"data-x": r["v"], "hidden": r["v"] == "c", "data-n": False},
        )
    )
    assert '<tr class="k-a&quot;b" data-x="a&quot;b">' in out
    assert '<tr class="k-c" data-x="c" hidden>' in out
    assert "data-n" not in out


def test_status_table_links_members_and_colours_levels():
    from bubblewatch.web.pages import status_table

    signals = {
        "psy": {"bsadf": 2.5, "cv95": 1.9},
        "lppls": {"pos": 0.3, "neg": 0.0},
        "momentum": {"ret_1y": 1.2},
        "stress": {"drawdown": -0.1},
        "valuation": {"pe": 50.0},
    }
    member = {"symbol": "NVDA", "level": "explosive", "signals": signals, "reasons": []}
    basket = {**member, "symbol": "ai2025:equal-weight", "level": "heating"}
    out = str(status_table({"members": [member], "baskets": {"equal_weight": basket}}))
    assert '<a href="/asset/NVDA">NVDA</a>' in out
    long = {**member, "symbol": "SAMSUNG_005930.KS"}
    assert '<a href="/asset/SAMSUNG_005930.KS">SAMSUNG_<wbr>005930.KS</a>' in str(
        status_table({"members": [long]})
    )
    # a basket has no asset page
    assert '<td data-v="ai2025:equal-weight">ai2025:equal-weight</td>' in out
    assert 'data-v="explosive"><span class=level style="background:' in out
    assert 'class="level-explosive"' in out
    # one data date for every row: said once in the caption, no column
    assert "Data to" not in out and "<caption>" not in out  # the rows above have no date
    member["data"] = {"date": "2025-02-14"}
    out = str(status_table({"members": [member]}))
    assert "<caption>Every member&#x27;s data runs to 2025-02-14.</caption>" in out
    late = {**member, "symbol": "AMD", "data": {"date": "2025-02-13"}}
    out = str(status_table({"members": [member, late]}))
    assert "Data to" in out and "<caption>" not in out


def test_claims_page_filters_without_javascript(demo_store, monkeypatch):
    from dashboard_stores import make_client

    from bubblewatch.web import queries

    doc = {
        "counts": {"confirmed": 1, "contradicted": 1},
        "claims": [
            {"id": "S0-1", "claim": "Nvidia <5T>", "verdict": "confirmed", "unit": "USD"},
            {"id": "S0-2", "claim": "Oracle debt", "verdict": "contradicted", "unit": "USD"},
        ],
        "no_figure": [{"id": "S1-3", "statement": "a view"}],
    }
    monkeypatch.setattr(queries, "claims", lambda st, ids=(): doc)
    c = make_client(demo_store)
    page = c.get("/claims", params={"verdict": "contradicted"})
    assert page.status_code == 200
    assert "Nvidia &lt;5T&gt;" in page.text
    assert '<tr class="verdict-confirmed" data-verdict="confirmed" hidden>' in page.text
    assert '<tr class="verdict-contradicted" data-verdict="contradicted">' in page.text
    assert (
        '<tr class="verdict-no-figure-to-check" data-verdict="no figure to check" hidden>'
        in page.text
    )


def test_missing_dates_show_as_n_a():
    import pandas as pd

    from bubblewatch.web.html import date

    assert [date(v) for v in (pd.NaT, "NaT", None, "", float("nan"))] == ["n/a"] * 5
    assert date(pd.Timestamp("2025-01-27 00:00")) == "2025-01-27"
    out = str(table("t", [Col("Session", "d", date)], [{"d": pd.NaT}, {"d": "NaT"}]))
    assert "NaT" not in out and out.count('<td data-v="">n/a</td>') == 2


def test_net_transmitters_ranked_from_the_api_fractions():
    import numpy as np
    import pandas as pd

    from bubblewatch.market.spillover import spillover
    from bubblewatch.web.pages_market import net_transmitters

    rng = np.random.default_rng(7)
    e = rng.standard_normal((400, 3))
    x = np.empty_like(e)
    x[0] = e[0]
    for t in range(1, 400):  # A drives B and C: A transmits, the others receive
        x[t] = e[t] + np.array([0.0, 0.6 * x[t - 1, 0], 0.5 * x[t - 1, 0]])
    d = spillover(pd.DataFrame(x, columns=["A", "B", "C"]), lags=1).to_dict()
    net = d["net"]
    assert abs(sum(net.values())) < 1e-9 and all(abs(v) < 1 for v in net.values())  # fractions
    out = str(net_transmitters(d))
    names = [m for m in ("A", "B", "C") if f'<td data-v="{m}">' in out]
    order = sorted(names, key=lambda m: out.index(f'<td data-v="{m}">'))
    assert order[0] == "A" == max(net, key=net.__getitem__)
    # the cell shows percent, its CSV value keeps the fraction
    a = net["A"]
    assert f'data-v="{a!r}">{a * 100:+.2f}%</td>' in out
    assert f"total spillover {d['total']:.1%}" in out


def test_freshness_summary_skips_projections():
    from bubblewatch.web.pages import _fresh_summary

    rows = [
        {"symbol": "CBO", "last": "2035-01-01", "days_stale": -3000},
        {"symbol": "NVDA", "last": "2025-02-14", "days_stale": 10},
        {"symbol": "OLD", "last": "2020-01-01", "days_stale": 1900},
    ]
    text = _fresh_summary(rows)
    assert text.startswith("3 series; the newest ends 2025-02-14 (NVDA, 10 days ago)")
    assert text.endswith("1 end more than a month before it.")
