"""Request parameters: bounds, dates and lists, each refused with HTTP 422 saying what is allowed.

Numbers are bounded in the route declarations (FastAPI ``Query(ge=, le=)``, shown in
``/openapi.json``); this module checks what a declaration cannot: dates (ISO, 1900-2100),
comma-separated lists (their length), and the cost of an LPPLS request.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from bubblewatch.errors import InputError

__all__ = [
    "MAX_LPPLS_FITS",
    "check_fits",
    "parse_date",
    "parse_list",
]

#: the most LPPLS fits one request may ask for (end dates x window lengths)
MAX_LPPLS_FITS = 20_000
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SYMBOL = re.compile(r"^[A-Za-z0-9^][A-Za-z0-9^._:=\- ]{0,59}$")


def parse_date(name: str, value: str | None) -> str | None:
    """``value`` as an ISO date string (None stays None), or 422 naming ``name``.

    >>> parse_date("as_of", "2025-10-29")
    '2025-10-29'
    >>> parse_date("as_of", "29/10/2025")
    Traceback (most recent call last):
    ...
    bubblewatch.errors.InputError: as_of='29/10/2025': not a date; give YYYY-MM-DD between 1900-01-01 and 2100-12-31
    """
    if value is None or value == "":
        return None
    allowed = "give YYYY-MM-DD between 1900-01-01 and 2100-12-31"
    text = str(value).strip()
    if not _ISO.match(text):
        raise InputError(f"{name}={value!r}: not a date; {allowed}", parameter=name)
    try:
        when = pd.Timestamp(text)
    except (ValueError, OverflowError):
        raise InputError(f"{name}={value!r}: no such day; {allowed}", parameter=name) from None
    if not pd.Timestamp("1900-01-01") <= when <= pd.Timestamp("2100-12-31"):
        raise InputError(f"{name}={value!r}: out of range; {allowed}", parameter=name)
    return text


def parse_list(
    name: str, values: Sequence[str] | str | None, *, most: int, least: int = 0
) -> list[str]:
    """Symbols given as repeated parameters and/or comma-separated, in order, without
    repeats; 422 when there are fewer than ``least`` or more than ``most``.

    >>> parse_list("symbols", ["NVDA,AMD", "TSM"], most=5)
    ['NVDA', 'AMD', 'TSM']
    """
    if values is None:
        items: list[str] = []
    else:
        raw = [values] if isinstance(values, str) else list(values)
        items = [p.strip() for v in raw for p in str(v).split(",") if p.strip()]
    items = list(dict.fromkeys(items))
    for s in items:
        if not _SYMBOL.match(s):
            raise InputError(
                f"{name}: {s[:40]!r} is not a symbol (letters, digits and ^ . _ : = - only)",
                parameter=name,
            )
    if len(items) > most:
        raise InputError(
            f"{name}: {len(items)} symbols given; at most {most} are allowed per request",
            parameter=name,
        )
    if len(items) < least:
        raise InputError(
            f"{name}: {len(items)} symbol(s) given; give at least {least}", parameter=name
        )
    return items


def check_symbol(name: str, value: str) -> str:
    """A symbol path parameter: letters, digits and ``^ . _ : = -`` (never a path)."""
    if not _SYMBOL.match(value):
        raise InputError(
            f"{name}: {value[:40]!r} is not a symbol (letters, digits and ^ . _ : = - only)",
            parameter=name,
        )
    return value


def check_fits(
    index: pd.DatetimeIndex,
    *,
    window_max: int,
    window_min: int,
    window_step: int,
    end_step: int,
    start: Any,
    end: Any,
) -> int:
    """The number of LPPLS fits a confidence request asks for, or 422 past
    :data:`MAX_LPPLS_FITS`."""
    if window_min > window_max:
        raise InputError(
            f"window_min={window_min} is above window_max={window_max}; give window_min <= "
            "window_max",
            parameter="window_min",
        )
    ends = index
    if start is not None:
        ends = ends[ends >= pd.Timestamp(start)]
    if end is not None:
        ends = ends[ends <= pd.Timestamp(end)]
    n_ends = math.ceil(len(ends) / end_step) if len(ends) else 0
    n_windows = (window_max - window_min) // window_step + 1
    fits = n_ends * n_windows
    if fits > MAX_LPPLS_FITS:
        raise InputError(
            f"this asks for {fits:,} LPPLS fits ({n_ends} end dates x {n_windows} windows); "
            f"the dashboard computes at most {MAX_LPPLS_FITS:,} per request: narrow start..end, "
            "raise end_step or window_step (the CLI `bubblewatch lppls confidence` has no limit)",
            parameter="end_step",
        )
    return fits
