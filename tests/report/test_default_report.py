"""The default report as a first-time user opens it (the user-acceptance pass): the status on
the first screen, one line naming the data, readable asset names, sections flagged
``partial`` apart from ``data missing``, the article dates marked, no debug text.

All but the browser test read the one default report built per session by the
``default_report`` fixture (tests/conftest.py).
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from typing import Any

import pytest

#: words that are debug output, never report text (pandas/Python missing values, booleans)
DEBUG_WORDS = re.compile(r"\b(NaN|nan|None|NaT|True|False|inf|-inf)\b")
#: figure keys whose strings a reader does not see (hover text, encodings, styles)
_HIDDEN_KEYS = {
    "hovertemplate",
    "hovertext",
    "customdata",
    "meta",
    "uid",
    "type",
    "mode",
    "xaxis",
    "yaxis",
    "legendgroup",
    "fill",
    "stackgroup",
    "line",
    "marker",
    "colorscale",
    "font",
    "template",
    "bdata",
    "dtype",
}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _strings(obj: Any) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for k, v in obj.items() if k not in _HIDDEN_KEYS for s in _strings(v)]
    if isinstance(obj, list):
        return [s for v in obj for s in _strings(v)]
    return []


def figures(page: str) -> list[tuple[str, list[Any], dict[str, Any]]]:
    """Every Plotly figure of the page: (div id, traces, layout)."""
    dec = json.JSONDecoder()
    out = []
    for m in re.finditer(r'Plotly\.newPlot\(\s*"([^"]+)",\s*', page):
        data, i = dec.raw_decode(page, m.end())
        i = page.index(",", i) + 1
        while page[i].isspace():
            i += 1
        layout, _ = dec.raw_decode(page, i)
        out.append((m.group(1), data, layout))
    return out


def visible_text(page: str) -> str:
    """What a reader sees: the text outside scripts and styles (collapsed details included)
    and the figures' titles, labels, legends, annotations and cell texts."""
    parser = _Text()
    parser.feed(page)
    texts = parser.parts
    for _, data, layout in figures(page):
        texts += _strings(data) + _strings(layout)
    return "\n".join(texts)


def _first_screen(page: str) -> str:
    """The page from the body up to the status table."""
    body = page.split("<body>", 1)[1]
    return body.split("<table class='status'>", 1)[0]


def test_first_screen_is_title_data_line_then_status(default_report):
    page = default_report["page"]
    top = _first_screen(page)
    # title, the one line naming the data, the contents, then the status section and table
    order = ["<h1>", 'id="data-line"', '<nav class="toc"', "</header>", '<section id="status">']
    assert [top.index(x) for x in order] == sorted(top.index(x) for x in order)
    line = re.search(r'id="data-line">(.*?)</dl>', top, re.S).group(1)
    assert "<dt>As of</dt><dd>2026-08-21</dd>" in line
    assert "episode pack ai2025" in line and "2023-01-01 to 2026-08-21" in line
    # no cache path, store file, hash or raw store names before the status table
    for debris in (".duckdb", "cache", "/tmp", "/root", "inputs-hash", "NASDAQ_COMPOSITE_20"):
        assert debris not in top, debris
    # the reading guide follows the table (the table is what the first screen is for)
    assert visible_text(top).count("\n") < 120
    section = page.split('<section id="status">', 1)[1]
    assert section.index("<table class='status'>") < section.index("The status of each asset")


def test_tracked_assets_by_readable_names(default_report):
    page, payload = default_report["page"], default_report["payload"]
    assets = payload["assets"]
    assert assets[:3] == ["Nvidia (NVDA)", "AMD", "Oracle (ORCL)"]
    assert "NASDAQ Composite" in assets and "S&P 500" in assets
    assert "Semiconductor index (SOX)" in assets
    # one asset per history: the 2025-26 file, ^IXIC and the long file are one NASDAQ
    assert assets.count("NASDAQ Composite") == 1
    assert not [a for a in assets if re.search(r"_\d{4}_\d{4}|\^", a)]
    tracked = re.search(r"<dt>Tracked</dt><dd>(.*?)</dd>", page, re.S).group(1)
    assert "Nvidia (NVDA)" in tracked and "NASDAQ_COMPOSITE" not in tracked
    # the status table and the PSY section read the same assets, named alike
    status = page.split('<section id="status">', 1)[1].split("</table>", 1)[0]
    assert "^IXIC" not in status and "NASDAQ Composite" in status
    psy = page.split('<section id="psy">', 1)[1].split("</section>", 1)[0]
    assert "NASDAQ_COMPOSITE_2025_2026 (" not in psy and "Nvidia (NVDA) (" in psy


def test_partial_sections_are_not_flagged_missing(default_report):
    page, sections = default_report["page"], default_report["payload"]["sections"]
    state = {s["id"]: s["state"] for s in sections}
    # connectedness leaves BTC and NASDAQ out, LPPLS leaves AMD out: shown, so partial
    assert state["connectedness"] == "partial" and state["lppls"] == "partial"
    assert "missing" not in state.values() and "error" not in state.values()
    toc = page.split('<nav class="toc"', 1)[1].split("</nav>", 1)[0]
    assert "data missing" not in toc
    assert re.search(r"partial: without [^<]*BTC[^<]*NASDAQ", toc)
    assert re.search(r"partial: without [^<]*AMD", toc)
    lppls = page.split('<section id="lppls">', 1)[1].split("</section>", 1)[0]
    assert "<strong>Partial.</strong>" in lppls and "AMD (" in lppls


def test_article_dates_marked_and_the_nvda_move(default_report):
    page = default_report["page"]
    dates = ["2025-10-14", "2025-10-29", "2025-11-04", "2025-11-20"]
    figs = {fid: (data, layout) for fid, data, layout in figures(page)}
    marked = figs["coverage-fig0"][1]["meta"]["article_dates_marked"]
    assert marked == dates
    tci = {str(s.get("x0", ""))[:10] for s in figs["connectedness-fig0"][1].get("shapes", [])}
    assert set(dates) <= tci
    # the shock panel: NVDA's close on each article date, annotated
    notes = " ".join(a.get("text", "") for a in figs["market-fig0"][1].get("annotations", []))
    assert "-3.96%" in notes
    # NVDA 2025-11-04: 198.69 / 206.88 - 1 = -3.959% (prices/us/NVDA.csv of the shared data)
    shock = page.split('<section id="market">', 1)[1]
    assert re.search(r"2025-11-04</td><td[^>]*>-3\.96%", shock)


def test_no_debug_words_in_the_visible_text(default_report):
    text = visible_text(default_report["page"])
    hits = [text[max(0, m.start() - 40) : m.end() + 20] for m in DEBUG_WORDS.finditer(text)]
    assert hits == []
    assert "`" not in text  # commands are <code>, not Markdown
    assert not re.search(r"\b1 sessions\b", text)


def test_units_percent_in_text_fractions_in_json(default_report):
    page, payload = default_report["page"], default_report["payload"]
    assert "%" in visible_text(page.split('<section id="status">', 1)[1].split("</table>")[0])
    # the report's JSON carries no percent strings
    assert "%" not in json.dumps({k: v for k, v in payload.items() if k not in ("sections", "out")})


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium not installed")
def test_status_table_is_on_the_first_screen_in_a_browser(default_report):
    playwright = pytest.importorskip("playwright.sync_api")
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=args)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(default_report["out"].as_uri())
        top = page.evaluate(
            "document.querySelector('#status table.status').getBoundingClientRect().top"
        )
        browser.close()
    assert top < 768 / 2  # the table starts in the upper half of a 1366x768 screen
