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
    # a basket has no asset page
    assert '<td data-v="ai2025:equal-weight">ai2025:equal-weight</td>' in out
    assert 'data-v="explosive"><span class=level style="background:' in out
    assert 'class="level-explosive"' in out


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
