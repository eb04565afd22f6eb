"""Human output of the CLI: rich tables, key-value panels and the cell formats they use.

Every command prints its text result through this module, so that the console never shows
a raw pandas frame, ``NaN``, a 6-decimal float, a snake_case header or Python's
``True``/``False``. Values come in as stored (returns and shares as **fractions**, money in
units of the currency, dates as timestamps); the formatters add the percent sign, the
currency and its scale (``USD 4.83T``), and ``n/a`` for a missing value.

Typical use in a command::

    from bubblewatch.commands import tables as t

    t.show(
        t.heading("NVDA on 2025-11-04"),
        t.table(rows, [t.Column("Symbol", "symbol"), t.Column("Return", "ret", t.percent(signed=True))]),
    )

Cells are plain text (never rich markup), so a value such as ``[undisclosed]`` prints as is.
Outside a terminal the tables are laid out on a wide page (``$COLUMNS`` or 200 columns) so that
piped output does not wrap, and carry no colour.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "MISSING",
    "Column",
    "count",
    "date",
    "facts",
    "heading",
    "integer",
    "money",
    "multiple",
    "note",
    "number",
    "percent",
    "plural",
    "points",
    "quarter",
    "show",
    "stdout_console",
    "table",
    "text",
    "verdict_style",
    "yes_no",
]

#: what a cell shows for a missing value (None, NaN, NaT)
MISSING = "n/a"

Formatter = Callable[[Any], str]


def is_missing(x: Any) -> bool:
    """True for None, NaN, NaT and pandas' NA."""
    import pandas as pd

    if x is None:
        return True
    if isinstance(x, float) and math.isnan(x):
        return True
    try:
        return bool(pd.isna(x)) if not isinstance(x, list | tuple | dict | set) else False
    except (TypeError, ValueError):
        return False


def _guard(f: Callable[[Any], str]) -> Formatter:
    def fmt(x: Any) -> str:
        if is_missing(x):
            return MISSING
        return f(x)

    return fmt


def text(x: Any) -> str:
    """Any value as text: booleans as yes/no, floats with four significant digits.

    >>> text(True), text(0.123456), text(None), text("OpenAI")
    ('yes', '0.1235', 'n/a', 'OpenAI')
    """
    import pandas as pd

    if is_missing(x):
        return MISSING
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        return f"{x:.4g}"
    if isinstance(x, pd.Timestamp):
        return date(x)
    return str(x)


def yes_no(x: Any) -> str:
    """``yes``/``no`` (``n/a`` when missing).

    >>> yes_no(False), yes_no(None)
    ('no', 'n/a')
    """
    return MISSING if is_missing(x) else ("yes" if bool(x) else "no")


def percent(digits: int = 2, *, signed: bool = False) -> Formatter:
    """Format a **fraction** as a percent.

    >>> percent(1)(0.1234), percent(signed=True)(-0.0396), percent()(float("nan"))
    ('12.3%', '-3.96%', 'n/a')
    """
    sign = "+" if signed else ""
    return _guard(lambda x: f"{100 * float(x):{sign},.{digits}f}%")


def points(digits: int = 2, *, signed: bool = False, unit: str = "%") -> Formatter:
    """Format a value that is **already in percent** (or another unit given as ``unit``).

    >>> points(1)(38.8), points(0, unit=" bp")(-25)
    ('38.8%', '-25 bp')
    """
    sign = "+" if signed else ""
    return _guard(lambda x: f"{float(x):{sign},.{digits}f}{unit}")


def number(digits: int = 2, *, signed: bool = False, unit: str = "") -> Formatter:
    """A number with thousands separators, ``digits`` decimals and an optional unit suffix.

    >>> number(2)(1234.5678), number(1, unit=" y")(10.04), number(2, signed=True)(0.5)
    ('1,234.57', '10.0 y', '+0.50')
    """
    sign = "+" if signed else ""
    return _guard(lambda x: f"{float(x):{sign},.{digits}f}{unit}")


def integer(x: Any) -> str:
    """An integer with thousands separators.

    >>> integer(188920000.0)
    '188,920,000'
    """
    return MISSING if is_missing(x) else f"{round(float(x)):,}"


def multiple(digits: int = 2) -> Formatter:
    """A ratio printed as a multiple: ``72.72x``.

    >>> multiple(1)(52.849)
    '52.8x'
    """
    return _guard(lambda x: f"{float(x):,.{digits}f}x")


_SCALES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))


def money(
    currency: str = "USD", *, signed: bool = False, digits: int | None = None, scale: str = "auto"
) -> Formatter:
    """An amount in units of ``currency`` with a readable scale (T, B, M, k).

    ``scale`` fixes the scale for a whole column (``"B"`` prints every amount in billions, one
    decimal unless ``digits``); ``"auto"`` picks it per value with three significant digits
    (two decimals below 10, one below 100, none above).

    >>> money()(4.828e12), money(signed=True)(-199.04e9), money("CNY", scale="B")(-1.419e12)
    ('USD 4.83T', 'USD -199B', 'CNY -1,419.0B')
    >>> money()(950.0), money()(0.0), money(scale="B")(3.5e8)
    ('USD 950', 'USD 0', 'USD 0.3B')
    """
    divisors = {suffix: div for div, suffix in _SCALES}

    def fmt(x: Any) -> str:
        v = float(x)
        sign = "+" if signed and v > 0 else ""
        if scale != "auto":
            d = 1 if digits is None else digits
            return f"{currency} {sign}{v / divisors.get(scale, 1.0):,.{d}f}{scale}"
        for div, suffix in _SCALES:
            if abs(v) >= div:
                q = v / div
                d = (
                    digits
                    if digits is not None
                    else (2 if abs(q) < 10 else 1 if abs(q) < 100 else 0)
                )
                return f"{currency} {sign}{q:,.{d}f}{suffix}"
        d = 0 if digits is None else digits
        return f"{currency} {sign}{v:,.{d}f}"

    return _guard(fmt)


def quarter(x: Any) -> str:
    """The calendar quarter of a date: ``2026 Q1``.

    >>> import pandas as pd
    >>> quarter(pd.Timestamp("2025-10-01"))
    '2025 Q4'
    """
    import pandas as pd

    if is_missing(x):
        return MISSING
    ts = pd.Timestamp(x)
    return f"{ts.year} Q{ts.quarter}"


def date(x: Any) -> str:
    """An ISO date (``YYYY-MM-DD``) from a timestamp, a date or a string.

    >>> import pandas as pd
    >>> date(pd.Timestamp("2025-11-04 00:00")), date("2025-11-04")
    ('2025-11-04', '2025-11-04')
    """
    import pandas as pd

    if is_missing(x):
        return MISSING
    if isinstance(x, str):
        return x[:10]
    return pd.Timestamp(x).date().isoformat()


def plural(n: int | float, word: str, many: str | None = None) -> str:
    """``n`` and the noun in the right number.

    >>> plural(1, "party", "parties"), plural(16, "cycle"), plural(0, "series", "series")
    ('1 party', '16 cycles', '0 series')
    """
    k = int(n) if float(n).is_integer() else n
    noun = word if k == 1 else (many or word + "s")
    return f"{k:,} {noun}" if isinstance(k, int) else f"{k} {noun}"


def count(word: str, many: str | None = None) -> Formatter:
    """A formatter printing a count with its noun (``plural``)."""
    return _guard(lambda x: plural(int(x), word, many))


#: colours of the claims verdicts and other status words (used only on a terminal)
_STATUS_STYLES = {
    "confirmed": "bold green",
    "contradicted": "bold red",
    "not checkable": "yellow",
    "no figure to check": "dim",
    "yes": "bold red",
}


def verdict_style(value: Any) -> str:
    """The rich style of a verdict or status word (empty for others)."""
    return _STATUS_STYLES.get(str(value), "")


@dataclass(frozen=True)
class Column:
    """One column of a :func:`table`.

    Parameters
    ----------
    header : str
        Header in words (with the unit when the cells do not carry it).
    key : str or callable
        The row's field (mapping key, attribute or frame column), or a function of the row.
    fmt : callable
        Cell formatter (:func:`text` by default); it receives the value, missing included.
    justify : {"left", "right", "center"}, optional
        Default: right for the numeric formatters, left for text.
    style : callable, optional
        Function of the **raw value** returning a rich style (e.g. :func:`verdict_style`).
    wrap : bool
        Let long text wrap inside the cell (default: numbers never wrap).
    """

    header: str
    key: str | Callable[[Any], Any]
    fmt: Formatter = text
    justify: str | None = None
    style: Callable[[Any], str] | None = None
    wrap: bool = False

    def value(self, row: Any) -> Any:
        import pandas as pd

        if callable(self.key):
            return self.key(row)
        if isinstance(row, Mapping):
            return row.get(self.key)
        if isinstance(row, pd.Series):
            return row.get(self.key)
        return getattr(row, self.key, None)


def _rows(data: Any) -> list[Any]:
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return [r for _, r in data.iterrows()]
    return list(data)


def table(
    data: pd.DataFrame | Iterable[Any],
    columns: Sequence[Column],
    *,
    title: str | None = None,
    caption: str | None = None,
    index: Column | None = None,
) -> Table:
    """A rich table of ``data`` (a frame, or records: mappings or objects) with ``columns``.

    ``index`` adds a first column computed from a frame's index label (its ``key`` is ignored;
    the label is passed to ``fmt``).
    """
    import pandas as pd

    t = Table(
        box=box.SIMPLE_HEAD,
        header_style="bold",
        pad_edge=False,
        show_edge=False,
    )
    cols = ([index] if index is not None else []) + list(columns)
    for c in cols:
        justify = c.justify or ("left" if c.fmt in (text, date, yes_no) or c.wrap else "right")
        t.add_column(
            c.header,
            justify=justify,  # type: ignore[arg-type]
            no_wrap=not c.wrap,
            overflow="fold",
        )
    labels: list[Any] = list(data.index) if isinstance(data, pd.DataFrame) else []
    for i, row in enumerate(_rows(data)):
        cells = []
        for c in cols:
            raw = labels[i] if (c is index and index is not None) else c.value(row)
            cells.append(Text(c.fmt(raw), style=c.style(raw) if c.style else ""))
        t.add_row(*cells)
    return _titled(t, title, caption)


def _titled(t: Table, title: str | None, caption: str | None = None) -> Table:
    """``t`` with a title line above and a caption line below (neither wraps to its width)."""
    if title is None and caption is None:
        return t
    outer = Table.grid()
    if title is not None:
        outer.add_row(heading(title))
    outer.add_row(t)
    if caption is not None:
        outer.add_row(note(caption))
    return outer


def facts(pairs: Iterable[tuple[str, Any]], *, title: str | None = None) -> Table:
    """A two-column panel of labelled values (the values already formatted, or any value).

    The title sits on its own line above (it never wraps to the panel's width).
    """
    t = Table(
        box=None,
        show_header=False,
        title_justify="left",
        title_style="bold",
        pad_edge=False,
        padding=(0, 2, 0, 0),
    )
    t.add_column("what", style="bold", no_wrap=True)
    t.add_column("value", overflow="fold")
    for label, value in pairs:
        t.add_row(Text(label), value if isinstance(value, Text | Table) else Text(text(value)))
    return _titled(t, title)


def heading(line: str) -> Text:
    """A bold line of text (a result's headline)."""
    return Text(line, style="bold")


def note(line: str) -> Text:
    """A dim explanatory line (rule, source, caveat)."""
    return Text(line, style="dim")


def stdout_console() -> Console:
    """The console of the command's result: stdout, wide and colourless outside a terminal."""
    if sys.stdout.isatty():
        return Console(highlight=False)
    width = int(os.environ.get("COLUMNS", "0") or 0) or 200
    return Console(highlight=False, width=width, no_color=True, force_terminal=False)


def show(*items: RenderableType | str | None) -> None:
    """Print renderables (tables, panels, headings, plain strings) to stdout.

    ``None`` items are skipped; a blank line separates one table or panel from the next.
    Outside a terminal the lines carry no trailing blanks.
    """
    con = stdout_console()
    previous: Any = None
    for item in items:
        if item is None:
            continue
        if isinstance(item, Table) and previous is not None:
            _print(con, Text(""))
        elif isinstance(previous, Table):
            _print(con, Text(""))
        _print(con, Text(item) if isinstance(item, str) else item)
        previous = item


def _print(con: Console, item: RenderableType) -> None:
    if con.is_terminal:
        con.print(item, soft_wrap=isinstance(item, Text))
        return
    with con.capture() as cap:
        con.print(item, soft_wrap=isinstance(item, Text))
    lines = [line.rstrip() for line in cap.get().splitlines()]
    sys.stdout.write("\n".join(lines) + "\n")
