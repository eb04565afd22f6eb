"""The status on the source articles' dates, under the status table of the default report.

Reads the one default report of the session (``default_report`` fixture, tests/conftest.py:
``bubblewatch report --fast`` on the embedded AI-2025 data) and checks each cell against
:func:`~bubblewatch.status.asset.asset_status` on the series *truncated at the cell's date*:
a cell that used later data would differ.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from bubblewatch.report.context import ARTICLE_DATES

BADGE = re.compile(r"<span class='badge'[^>]*>([a-z]+)</span>")
CELL = re.compile(BADGE.pattern + r"<br><small>BSADF (-?[0-9.]+) vs (-?[0-9.]+)</small>")


def _episode(page: str) -> str:
    status = page.split('<section id="status">', 1)[1].split("</section>", 1)[0]
    assert "<h3>Status on the article dates</h3>" in status
    return status.split("<h3>Status on the article dates</h3>", 1)[1]


def _rows(part: str) -> dict[str, list[tuple[str, float, float]]]:
    body = part.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    out = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", body):
        cells = re.findall(r"<td>(.*?)</td>", tr)
        out[cells[0]] = [
            (m.group(1), float(m.group(2)), float(m.group(3)))
            for m in (CELL.search(c) for c in cells[1:])
            if m
        ]
    return out


@pytest.fixture(scope="module")
def default_inputs(default_report):
    """The default data's store as the report read it, and the report's (fast) parameters."""
    from bubblewatch.data.default_data import open_default_data
    from bubblewatch.status.params import DEFAULT_PARAMS

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BUBBLEWATCH_HOME", str(default_report["home"]))
        store = open_default_data()
    return store, DEFAULT_PARAMS.replace(lppls=False, gsadf_cv=False)


def test_table_is_under_the_status_table_with_the_article_dates(default_report):
    status = default_report["page"].split('<section id="status">', 1)[1]
    first, episode = status.index("<table class='status'>"), status.index("Status on the article")
    assert first < episode < status.index("The status of each asset on")  # right under it
    part = _episode(default_report["page"])
    head = part.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert re.findall(r"\d{4}-\d{2}-\d{2}", head)[:4] == list(ARTICLE_DATES)
    assert "latest (" in head
    rows = _rows(part)
    assert list(rows) == ["Nvidia (NVDA)", "AI equal-weight basket", "NASDAQ Composite"]
    assert all(len(cells) == len(ARTICLE_DATES) + 1 for cells in rows.values())
    assert "LPPLS is skipped in this fast build" in part


def test_cells_use_no_data_after_their_date(default_report, default_inputs):
    """Nvidia's and the NASDAQ's cells equal the status on every input cut at the date
    (prices, the group's P/E median from the members' cut closes, the CAPE)."""
    from bubblewatch.data.status_inputs import cape_series, price_symbols, status_inputs
    from bubblewatch.status.asset import asset_status
    from bubblewatch.status.group import pe_group_median
    from bubblewatch.status.views import ai_complex_inputs

    store, params = default_inputs
    load = lambda s: status_inputs(store, s)  # noqa: E731
    group = ai_complex_inputs(load, price_symbols(store))
    cape = cape_series(store)
    rows = _rows(_episode(default_report["page"]))
    for name, label in (("NVDA", "Nvidia (NVDA)"), ("NASDAQ_COMPOSITE", "NASDAQ Composite")):
        inp = load(name)
        close = inp.history.close
        for day, (level, bsadf, cv) in zip(ARTICLE_DATES, rows[label]):
            when = pd.Timestamp(day)
            cut = close[close.index <= when]
            assert cut.index[-1] < close.index[-1]  # the cut really removes later data
            members = {s: h.close[h.close.index <= when] for s, h in group["members"].items()}
            st = asset_status(
                cut,
                as_of=day,
                params=params,
                symbol=name,
                fundamentals=inp.fundamentals,
                cape=cape[cape.index <= when] if inp.index_level else None,
                group_pe_median=pe_group_median(members, group["fundamentals"], day),
            )
            h = st.headline()
            assert (st.level, round(h["bsadf"], 2), round(h["cv95"], 2)) == (level, bsadf, cv), (
                name,
                day,
            )


def test_basket_cells_match_a_basket_built_from_closes_cut_at_the_date(
    default_report, default_inputs
):
    """The AI equal-weight basket cut at a date equals (up to its scale) the basket of the
    members' closes cut at that date: rebuilding it per date changes no cell."""
    from bubblewatch.data.status_inputs import price_symbols, status_inputs
    from bubblewatch.status.asset import asset_status
    from bubblewatch.status.group import basket
    from bubblewatch.status.views import ai_complex_inputs

    store, params = default_inputs
    inp = ai_complex_inputs(lambda s: status_inputs(store, s), price_symbols(store))
    closes = {
        s: h.close for s, h in inp["members"].items() if inp["kinds"].get(s, "equity") != "index"
    }
    cells = _rows(_episode(default_report["page"]))["AI equal-weight basket"]
    day = ARTICLE_DATES[1]
    cut = basket({s: c[c.index <= pd.Timestamp(day)] for s, c in closes.items()})
    st = asset_status(cut, as_of=day, params=params.replace(trust=False), symbol="ew")
    assert (st.level, round(st.signals.psy.bsadf, 2), round(st.signals.psy.cv95, 2)) == cells[1]


def test_sentence_is_generated_from_the_cells(default_report):
    part = _episode(default_report["page"])
    rows = _rows(part)
    said = part.split("</table>", 1)[1].split("</p>", 1)[0]
    labels = list(rows)
    for i, (label, cells) in enumerate(rows.items()):
        own = said.split(f"{label} was ", 1)[1]
        if i + 1 < len(labels):
            own = own.split(f"{labels[i + 1]} was ", 1)[0]
        dated = list(zip(ARTICLE_DATES, cells[: len(ARTICLE_DATES)]))
        day, (level, b, cv) = max(dated, key=lambda x: x[1][1] / x[1][2])
        if len({c[0] for c in cells[: len(ARTICLE_DATES)]}) == 1:
            assert own.startswith(f"{level} on all {len(ARTICLE_DATES)} dates")
        else:
            assert own.startswith(", ".join(f"{c[0]} on {d}" for d, c in dated))
        assert (
            f"on {day} its BSADF came closest to the 95% critical value ({b:.2f} vs {cv:.2f}"
            in (own)
        )
        assert ("PSY rejects" if b > cv else "PSY does not reject") in own
        assert f"it is {cells[-1][0]}." in own


def test_first_screen_says_nvidias_status_on_the_article_dates(default_report):
    """The header (first screen) carries Nvidia's levels on the article dates and now."""
    page = default_report["page"]
    cells = _rows(_episode(page))["Nvidia (NVDA)"]
    levels = [c[0] for c in cells[: len(ARTICLE_DATES)]]
    assert len(set(levels)) == 1  # on the default data: one level on all four dates
    text = f"{levels[0]} on all 4 ({ARTICLE_DATES[0]} to {ARTICLE_DATES[-1]}); {cells[-1][0]} as of"
    top = page.split("</header>", 1)[0]
    assert "Nvidia (NVDA) on the article dates" in top and text in top
