"""What a scan of the store reads: one analysis series per instrument, and the status' extras.

:func:`store_universe` turns store symbols (named, or every series of a kind) into the
inputs of :func:`bubblewatch.scan.scan`: the pieces of one instrument's history (``X_LONG``,
``X_YYYY_YYYY``, the members of a :data:`~bubblewatch.data.resolve.HISTORY_CHAINS` entry)
fold into one series ``X`` read through :func:`~bubblewatch.data.status_inputs.status_inputs`
(the resolver's adjusted closes and volumes, as ``psy``, ``lppls`` and ``status`` read them),
and each series carries what ``bubblewatch status`` gives the status: its fundamentals
(point-in-time P/E) and, for index-level series, the Shiller CAPE. Joined histories and
gaps are named in the notes, never bridged silently.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pandas as pd

from bubblewatch.data.resolve import HISTORY_CHAINS, history_symbols, resolve_history
from bubblewatch.data.status_inputs import cape_series, price_symbols, status_inputs
from bubblewatch.data.store import Store
from bubblewatch.errors import InputError

__all__ = ["StoreUniverse", "instruments", "store_universe"]

_PIECE = re.compile(r"^(?P<base>.+?)(_LONG|_\d{4}_\d{4})$")


def instruments(names: list[str], stored: list[str]) -> list[str]:
    """The instruments behind store symbols, in order: history pieces fold into their base.

    Examples
    --------
    >>> instruments(["AVGO_LONG", "AVGO", "NVDA_1999_2025", "SP500_1927_2020", "X_LONG"],
    ...             ["AVGO_LONG", "AVGO", "NVDA_1999_2025", "NVDA", "SP500_1927_2020", "X_LONG"])
    ['AVGO', 'NVDA', 'SP500', 'X']
    """
    chain_of = {m: k for k, members in HISTORY_CHAINS.items() for m in members}
    out: dict[str, None] = {}
    for s in names:
        base = chain_of.get(s)
        if base is None:
            m = _PIECE.match(s)
            base = m.group("base") if m else s
        if s not in history_symbols(base, stored)[0]:
            base = s
        out[base] = None
    return list(out)


@dataclasses.dataclass(frozen=True)
class StoreUniverse:
    """``series`` (close/volume frames by instrument), ``extras`` (the status' fundamentals
    and CAPE by instrument, for :func:`bubblewatch.scan.scan`) and ``notes``."""

    series: dict[str, pd.DataFrame]
    extras: dict[str, dict[str, Any]]
    notes: tuple[str, ...]


def store_universe(
    store: Store,
    names: list[str] | None = None,
    *,
    kind: str = "equity",
    column: str = "adj_close",
) -> StoreUniverse:
    """The scan inputs of ``names`` (default: every price series of ``kind``, pieces folded).

    Raises :class:`~bubblewatch.errors.InputError` when the store holds no series of
    ``kind``, and :class:`~bubblewatch.errors.NotFoundError` for an unknown name.
    """
    stored = price_symbols(store)
    if not names:
        cat = store.list_series()
        of_kind = [str(s) for s, k in zip(cat["symbol"], cat["kind"], strict=True) if k == kind]
        if not of_kind:
            raise InputError(f"the store holds no series of kind '{kind}'")
        names = instruments(of_kind, stored)
    cape = None
    series: dict[str, pd.DataFrame] = {}
    extras: dict[str, dict[str, Any]] = {}
    joined: list[str] = []
    notes: list[str] = []
    for name in names:
        try:
            if column == "adj_close":
                inp = status_inputs(store, name)
                hist, fund, index_level = inp.history, inp.fundamentals, inp.index_level
            else:
                hist = resolve_history(store, name, column=column)
                fund, index_level = None, store.kind(name) == "index"
        except InputError as exc:
            if not store.has(name):
                raise
            notes.append(f"{name}: its stored pieces do not join ({exc}); scanned as stored")
            raw = store.series(name, "close" if column == "adj_close" else column)
            series[name] = pd.DataFrame({"close": raw})
            continue
        series[name] = hist.frame()
        extra: dict[str, Any] = {}
        if fund is not None and len(fund):
            extra["fundamentals"] = fund
        if index_level:
            cape = cape_series(store) if cape is None else cape
            if cape is not None:
                extra["cape"] = cape
        if extra:
            extras[name] = extra
        if hist.joined or hist.gaps or hist.missing:
            joined.append(hist.describe())
    if joined:
        notes.append(
            f"{len(joined)} series built from several stored pieces by the resolver "
            "(data.resolve.resolve_history; gaps stated, never bridged): " + " | ".join(joined)
        )
    return StoreUniverse(series, extras, tuple(notes))
