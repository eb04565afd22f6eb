"""The status views the CLI, the report and the dashboard show, built the same way for all.

Each view takes a *loader*, a function ``symbol -> inputs`` with the attributes ``history``
(a :class:`~bubblewatch.data.resolve.ResolvedHistory`), ``fundamentals``, ``shares`` and
``kind`` (as :func:`bubblewatch.data.status_inputs.status_inputs` returns them), so this
package never opens the store itself:

* :func:`ai_complex_status` -- the AI complex (:func:`~bubblewatch.status.group.ai_complex`)
  with breadth, baskets and the capital loop's figures;
* :func:`compare_2000_view` -- the NASDAQ Composite of 1995-2002 against the AI complex's
  equal-weight basket and the NASDAQ Composite of 2023-now;
* :func:`track_record_view` -- the replay of :data:`~bubblewatch.status.track_record.TRACK_HISTORIES`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from bubblewatch.errors import BubblewatchError, InputError
from bubblewatch.status.compare2000 import THEN, Compare2000, compare_2000
from bubblewatch.status.group import (
    GroupStatus,
    ai_complex,
    basket,
    group_as_of,
    group_status,
    loop_figures,
)
from bubblewatch.status.params import DEFAULT_PARAMS, StatusParams
from bubblewatch.status.replay import run_track_record
from bubblewatch.status.track_record import TRACK_HISTORIES, TrackRecord
from bubblewatch.validation import Anything, Bool, Date, Instance, Integer, validate_params

__all__ = ["ai_complex_inputs", "ai_complex_status", "compare_2000_view", "track_record_view"]

Loader = Callable[[str], Any]


@validate_params(load=Anything("a function symbol -> inputs"), available=Anything("symbols"))
def ai_complex_inputs(load: Loader, available: Iterable[str]) -> dict[str, Any]:
    """The AI complex's members read through ``load``: ``members`` (symbol -> history),
    ``fundamentals``, ``shares``, ``kinds``, ``labels`` and ``missing`` (label, why)."""
    out: dict[str, Any] = {
        "members": {},
        "fundamentals": {},
        "shares": {},
        "kinds": {},
        "labels": {},
        "missing": [],
    }
    for m in ai_complex(available):
        if m.symbol is None:
            out["missing"].append((f"{m.label} ({m.ticker})", m.note))
            continue
        try:
            inp = load(m.symbol)
        except BubblewatchError as exc:
            out["missing"].append((f"{m.label} ({m.ticker})", str(exc)))
            continue
        out["members"][m.symbol] = inp.history
        out["fundamentals"][m.symbol] = inp.fundamentals
        out["shares"][m.symbol] = inp.shares
        out["kinds"][m.symbol] = inp.kind or m.kind
        out["labels"][m.symbol] = m.label
    if not out["members"]:
        raise InputError(
            "none of the AI complex's members is in the store; missing: "
            + ", ".join(a for a, _ in out["missing"])
        )
    return out


@validate_params(
    load=Anything("a function symbol -> inputs"),
    available=Anything("symbols"),
    as_of=[None, Date()],
    params=Instance(StatusParams),
    cape=[None, Anything("a monthly CAPE Series")],
)
def ai_complex_status(
    load: Loader,
    available: Iterable[str],
    *,
    as_of: Any = None,
    params: StatusParams = DEFAULT_PARAMS,
    cape: pd.Series | None = None,
) -> GroupStatus:
    """The AI complex's status on ``as_of`` (default :func:`group_as_of` of the members)."""
    inp = ai_complex_inputs(load, available)
    members = inp["members"]
    when = (
        as_of if as_of is not None else group_as_of([h.close.index[-1] for h in members.values()])
    )
    return group_status(
        members,
        as_of=when,
        fundamentals=inp["fundamentals"],
        shares=inp["shares"],
        kinds=inp["kinds"],
        labels=inp["labels"],
        missing=inp["missing"],
        cape=cape,
        loop=loop_figures(),
        name="ai2025",
        params=params,
    )


@validate_params(
    load=Anything("a function symbol -> inputs"),
    available=Anything("symbols"),
    cape=[None, Anything("a monthly CAPE Series")],
    holdings=[None, Anything("a holdings frame")],
    params=Instance(StatusParams),
    as_of=[None, Date()],
)
def compare_2000_view(
    load: Loader,
    available: Iterable[str],
    *,
    cape: pd.Series | None = None,
    holdings: pd.DataFrame | None = None,
    params: StatusParams = DEFAULT_PARAMS,
    as_of: Any = None,
) -> Compare2000:
    """2000 vs now with the store's NASDAQ Composite and the AI complex's basket, with the
    data up to ``as_of`` (default: all)."""
    have = list(available)
    nasdaq_name = (
        "NASDAQ_COMPOSITE" if any(s.startswith("NASDAQ_COMPOSITE") for s in have) else "^IXIC"
    )
    try:
        nasdaq = load(nasdaq_name).history
        if as_of is not None:
            nasdaq = nasdaq.until(as_of)
    except BubblewatchError as exc:
        raise InputError(f"2000 vs now needs the NASDAQ Composite: {exc}") from exc
    inp = ai_complex_inputs(load, have)
    cut = pd.Timestamp(as_of) if as_of is not None else None
    equities = {
        s: (h.close if cut is None else h.close[h.close.index <= cut])
        for s, h in inp["members"].items()
        if inp["kinds"][s] != "index"
    }
    now: dict[str, tuple[pd.Series, str]] = {}
    try:
        ew = basket(equities, name="AI complex (equal weight)")
        now["AI complex (equal weight)"] = (ew, "equal-weight basket of " + ", ".join(equities))
    except BubblewatchError:
        pass
    now["NASDAQ 2023-now"] = (nasdaq.close, nasdaq.describe())
    return compare_2000(
        nasdaq.close,
        now,
        then_source=nasdaq.until(THEN[1]).describe(),
        cape=cape,
        holdings=holdings,
        params=params,
    )


@validate_params(
    load=Anything("a function symbol -> inputs"),
    params=Instance(StatusParams),
    cache=[None, Anything("a FrameCache")],
    workers=Integer(min=1),
    stride=Integer(min=1),
    lppls_stride=Integer(min=1),
    histories=[None, Anything("TrackSpec entries")],
    cached_only=Bool(),
)
def track_record_view(
    load: Loader,
    *,
    params: StatusParams = DEFAULT_PARAMS,
    cache: Any = None,
    workers: int = 1,
    stride: int = 5,
    lppls_stride: int = 20,
    histories: Any = None,
    cached_only: bool = False,
) -> TrackRecord:
    """The track record over ``histories`` (default :data:`TRACK_HISTORIES`); a history whose
    symbol the store lacks is left out and named in the record's spans."""
    specs = TRACK_HISTORIES if histories is None else tuple(histories)
    have: dict[str, Any] = {}
    missing: dict[str, str] = {}
    for spec in specs:
        try:
            have[spec.label] = (spec, load(spec.symbol).history)
        except BubblewatchError as exc:
            missing[spec.label] = f"not in the store: {exc}"
    if not have:
        raise InputError("no history of the track record is in the store: " + "; ".join(missing))
    rec = run_track_record(
        have,
        params=params,
        cache=cache,
        workers=workers,
        stride=stride,
        lppls_stride=lppls_stride,
        cached_only=cached_only,
    )
    return dataclasses.replace(rec, spans={**rec.spans, **missing})
