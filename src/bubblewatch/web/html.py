"""HTML pieces the pages share: tables with a CSV button, Plotly figures, panels.

A table keeps each cell's raw value (fractions, ISO dates, USD) in ``data-v`` so that its
CSV button exports the numbers, not their text; a figure is its Plotly JSON in a
``<script type="application/json">`` that ``dashboard.js`` draws (PNG export through
Plotly's camera button); a panel shows a result, its error, or a "computing" placeholder
that fetches itself again a few seconds later (``<noscript>`` pages refresh instead).
"""

from __future__ import annotations

import dataclasses
import html
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
from markupsafe import Markup

from bubblewatch.series import iso_date
from bubblewatch.web.compute import Outcome
from bubblewatch.web.public_errors import error_text

__all__ = [
    "Col",
    "date",
    "figure",
    "money",
    "num",
    "panel_state",
    "pct",
    "table",
]


def _missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def pct(digits: int = 1, signed: bool = False) -> Callable[[Any], str]:
    """Fractions shown as percent: ``pct(1)(0.1234) == '12.3%'``."""

    def f(v: Any) -> str:
        if _missing(v):
            return "n/a"
        return f"{float(v) * 100:{'+' if signed else ''}.{digits}f}%"

    return f


def num(digits: int = 2, signed: bool = False) -> Callable[[Any], str]:
    """Numbers with ``digits`` decimals (thousands separated)."""

    def f(v: Any) -> str:
        if _missing(v):
            return "n/a"
        return f"{float(v):{'+' if signed else ''},.{digits}f}"

    return f


def money(v: Any) -> str:
    """USD amounts: ``money(4.83e12) == 'USD 4.83T'``."""
    if _missing(v):
        return "n/a"
    x = float(v)
    for unit, scale in (("T", 1e12), ("B", 1e9), ("M", 1e6)):
        if abs(x) >= scale:
            return f"USD {x / scale:,.2f}{unit}"
    return f"USD {x:,.0f}"


def date(v: Any) -> str:
    """ISO date (``n/a`` when missing)."""
    if _missing(v) or v in ("NaT", ""):
        return "n/a"
    return pd.Timestamp(v).date().isoformat()


def text(v: Any) -> str:
    return "" if _missing(v) else str(v)


@dataclasses.dataclass(frozen=True)
class Col:
    """A table column: header, the row key (or a function of the row), its formatter."""

    header: str
    key: str | Callable[[Any], Any]
    fmt: Callable[[Any], str] = text
    numeric: bool = False

    def value(self, row: Any) -> Any:
        if callable(self.key):
            return self.key(row)
        if isinstance(row, Mapping):
            return row.get(self.key)
        return getattr(row, self.key, None)


def _raw(v: Any) -> str:
    if _missing(v) or v == "NaT":
        return ""
    if isinstance(v, pd.Timestamp):
        return iso_date(v)
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else ""
    return str(v)


def _attrs(attrs: Mapping[str, str | bool]) -> str:
    out = []
    for name, v in attrs.items():
        if v is True:
            out.append(f" {html.escape(name)}")
        elif v is not False:
            out.append(f' {html.escape(name)}="{html.escape(str(v))}"')
    return "".join(out)


def table(
    table_id: str,
    columns: Sequence[Col],
    rows: Iterable[Any],
    *,
    caption: str | None = None,
    row_class: Callable[[Any], str] | None = None,
    row_attrs: Callable[[Any], Mapping[str, str | bool]] | None = None,
    empty: str = "no rows",
) -> Markup:
    """An HTML table whose CSV button exports the raw values (``data-v``).

    A formatter that returns :class:`~markupsafe.Markup` (a link, a badge) is inserted as it
    is, any other text escaped; ``row_attrs(row)`` gives extra attributes of the row's
    ``<tr>`` (``True``: a bare attribute such as ``hidden``, ``False``: left out; values
    escaped).
    """
    rows = list(rows)
    head = "".join(
        f"<th{' class=num' if c.numeric else ''} scope=col>{html.escape(c.header)}</th>"
        for c in columns
    )
    body = []
    for r in rows:
        cells = []
        for c in columns:
            v = c.value(r)
            cls = " class=num" if c.numeric else ""
            shown = c.fmt(v)
            shown = shown if isinstance(shown, Markup) else html.escape(shown)
            cells.append(f'<td{cls} data-v="{html.escape(_raw(v))}">{shown}</td>')
        cls = f' class="{html.escape(row_class(r))}"' if row_class else ""
        attrs = _attrs(row_attrs(r)) if row_attrs else ""
        body.append(f"<tr{cls}{attrs}>{''.join(cells)}</tr>")
    if not rows:
        body.append(f"<tr><td colspan={len(columns)}>{html.escape(empty)}</td></tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return Markup(
        f"<div class=table-wrap><div class=table-tools><button type=button class=csv "
        f'data-csv="{table_id}" title="Download this table as CSV">CSV</button></div>'
        f'<table id="{table_id}" class=data>{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def figure(fig: Any, fig_id: str, *, height: int = 420, name: str | None = None) -> Markup:
    """A Plotly figure drawn by ``dashboard.js`` (PNG export named ``name``)."""
    import plotly.io as pio

    payload = pio.to_json(fig, validate=False, pretty=False).replace("</", "<\\/")
    return Markup(
        f'<div class=figure id="{fig_id}" style="min-height:{height}px" '
        f'data-png="{html.escape(name or fig_id)}" role=img aria-label="chart"></div>'
        f'<script type="application/json" data-figure="{fig_id}">{payload}</script>'
        "<noscript><p class=note>Charts need JavaScript; the numbers are in the tables.</p>"
        "</noscript>"
    )


def panel_state(outcome: Outcome, panel_id: str, what: str) -> Markup | None:
    """The placeholder of a panel still computing, or the box of one that failed; None when
    its result is ready."""
    if outcome.pending is not None:
        job = outcome.pending
        return Markup(
            f'<div class="computing" id="{panel_id}-wait" data-refresh="{panel_id}">'
            f"<span class=spinner></span> computing {html.escape(what)} "
            f"({html.escape(job.state)}, {job.seconds():.0f} s); this panel refreshes by itself"
            "</div>"
        )
    if outcome.error is not None:
        return Markup(
            f"<div class=error-box role=alert>{html.escape(what)}: "
            f"{html.escape(error_text(outcome.error, what))}</div>"
        )
    return None


def json_link(url: str, label: str = "JSON") -> Markup:
    """A link to the API answer behind a panel."""
    return Markup(f'<a class=api-link href="{html.escape(url)}">{html.escape(label)}</a>')


def dumps(obj: Any) -> str:
    return json.dumps(obj, default=str)
