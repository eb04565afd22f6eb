"""``bubblewatch status``: the bubble status of assets or of the AI complex, 2000 vs now, the
track record.

    bubblewatch status [SYMBOL...] [--group ai2025] [--as-of DATE] [--trust] [--json]
    bubblewatch status compare-2000 [--json]
    bubblewatch status track-record [--json] [--refresh] [--workers N]
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from bubblewatch.commands import tables as t
from bubblewatch.commands.common import DataOpt, JsonOpt, StoreOpt, data_store, emit, progress
from bubblewatch.errors import InputError

__all__ = ["command", "render_asset", "render_compare", "render_group", "render_track"]

_SUB = ("compare-2000", "track-record")


def _pct(x: Any, digits: int = 1) -> str:
    return t.percent(digits)(x)


def _val(v: Any) -> str:
    if isinstance(v, float):
        return t.number(3)(v)
    return t.text(v)


def _shown(r: Any, v: Any) -> str:
    """A reason's value or threshold in text: a share (LPPLS confidence) as percent."""
    return t.percent(0)(v) if r.unit == "share" else _val(v)


def render_asset(st: Any) -> list[Any]:
    """Rich renderables of an :class:`~bubblewatch.status.AssetStatus`."""
    d = st.to_dict()
    s = d["signals"]
    head = f"{st.symbol} on {st.as_of.date()}: {st.level.upper()}"
    if st.data_date != st.as_of:
        head += f" (data to {st.data_date.date()})"
    reasons = t.table(
        list(st.reasons),
        [
            t.Column("Condition", "condition", wrap=True),
            t.Column("Value", lambda r: _shown(r, r.value)),
            t.Column("Threshold", lambda r: _shown(r, r.threshold)),
        ],
        title="Why",
    )
    p, lp, mo, sr, va = s["psy"], s["lppls"], s["momentum"], s["stress"], s["valuation"]
    psy_txt = (
        f"BSADF {t.number(2)(p['bsadf'])} vs 95% critical value {t.number(2)(p['cv95'])} "
        f"({'explosive' if p['explosive'] else 'not explosive'}"
        + (
            f" since {p['episode_start']}, {p['episode_length']} sessions"
            if p["episode_start"]
            else ""
        )
        + f"); GSADF {t.number(2)(p['gsadf'])} vs {t.number(2)(p['gsadf_cv95'])}"
        if p["available"]
        else p["note"]
    )
    lppls_lines = []
    for name, sc in lp["by_scale"].items():
        if sc["available"]:
            trust = (
                f"; trust {_pct(sc['trust_pos'], 0)}/{_pct(sc['trust_neg'], 0)}"
                if sc["trust_pos"] is not None
                else ""
            )
            tc = sc["tc_pos"]["q50"]
            lppls_lines.append(
                f"{name}: {_pct(sc['pos'], 0)} bubble / {_pct(sc['neg'], 0)} anti-bubble"
                + trust
                + (f"; tc {sc['tc_pos']['q10']}..{sc['tc_pos']['q90']} (median {tc})" if tc else "")
            )
        else:
            lppls_lines.append(f"{name}: {sc['note']}")
    facts = t.facts(
        [
            ("PSY", psy_txt),
            ("LPPLS confidence", "; ".join(lppls_lines)),
            (
                "momentum",
                f"1y {_pct(mo['ret_1y'])} (percentile {_pct(mo['ret_1y_percentile'], 0)}), "
                f"3y {_pct(mo['ret_3y'])} (percentile {_pct(mo['ret_3y_percentile'], 0)}), "
                f"200-session MA z {t.number(2)(mo['ma200_z'])}",
            ),
            (
                "stress",
                f"drawdown {_pct(sr['drawdown'])} from the {st.params.sample_years}-year peak "
                f"{t.text(sr['peak_date'])}, 21-session volatility {_pct(sr['vol'], 0)} "
                f"(percentile {_pct(sr['vol_percentile'], 0)}), volume z {t.number(2)(sr['volume_z'])}",
            ),
            (
                "valuation",
                f"P/E {t.number(1)(va['pe'])}"
                + (
                    f" (group median {t.number(1)(va['pe_group_median'])})"
                    if va["pe_group_median"] is not None
                    else ""
                )
                + (
                    f", CAPE {t.number(1)(va['cape'])} in {va['cape_month']} (percentile {_pct(va['cape_percentile'], 0)})"
                    if va["cape"] is not None
                    else ""
                )
                + (f"; {va['note']}" if va["note"] else ""),
            ),
        ],
        title="Signals",
    )
    out: list[Any] = [t.heading(head), reasons, facts]
    out.append(
        t.note("Recompute: " + " | ".join(dict.fromkeys(r["command"] for r in d["reasons"])))
    )
    out.append(
        t.note(
            f"PSY sample: {st.params.sample_description()}; critical values: "
            f"{st.params.cv_description()}; LPPLS scales: "
            + ", ".join(sc.describe() for sc in st.params.scales)
        )
    )
    if st.series is not None:
        out.append(t.note(f"Series: {st.series['description']}"))
    for n in st.notes:
        out.append(t.note(f"Note: {n}"))
    return out


def _row(st: Any, label: str | None = None) -> dict[str, Any]:
    return {"label": label or st.symbol, **st.headline()}


_COLUMNS = [
    t.Column("Member", "label"),
    t.Column("Symbol", "symbol"),
    t.Column("Level", "level"),
    t.Column("BSADF", "bsadf", t.number(2)),
    t.Column("95% cv", "cv95", t.number(2)),
    t.Column("LPPLS +", "lppls_pos", t.percent(0)),
    t.Column("LPPLS -", "lppls_neg", t.percent(0)),
    t.Column("1y return", "ret_1y", t.percent(0, signed=True)),
    t.Column("Drawdown", "drawdown", t.percent(0)),
    t.Column("P/E", "pe", t.number(1)),
    t.Column("First reason", "why", wrap=True),
]


def render_many(statuses: list[Any]) -> list[Any]:
    """One table row per asset status."""
    when = statuses[0].as_of.date()
    return [
        t.heading(f"Bubble status on {when}"),
        t.table([_row(s) for s in statuses], _COLUMNS),
        t.note(
            f"PSY sample: {statuses[0].params.sample_description()}; critical values: {statuses[0].params.cv_description()}"
        ),
        *[t.note(f"{s.symbol}: {n}") for s in statuses for n in s.notes],
    ]


def render_group(g: Any) -> list[Any]:
    """Rich renderables of a :class:`~bubblewatch.status.group.GroupStatus`."""
    b = g.breadth
    rows = [_row(s, g.labels.get(s.symbol)) for s in g.members]
    for label, st in (("equal-weight basket", g.equal_weight), ("cap-weight basket", g.cap_weight)):
        if st is not None:
            rows.append(_row(st, label))
    out: list[Any] = [
        t.heading(
            f"{g.name} on {g.as_of.date()}: {b['n']} members, {_pct(b['share_explosive'], 0)} "
            f"explosive, {_pct(b['share_critical'], 0)} critical"
        ),
        t.table(rows, _COLUMNS),
    ]
    if g.loop:
        lp = g.loop
        known = [c for c in lp["commitment_cover"] if not t.is_missing(c["cover"])]
        cover = ", ".join(f"{c['party']} {t.multiple(1)(c['cover'])}" for c in known[:4])
        out.append(
            t.note(
                f"Capital loop ({lp['ledger']} ledger): {lp['n_cycles']} cycles, "
                f"{_pct(lp['circular_share'], 0)} of gross flows "
                f"({t.money('USD')(lp['gross_usd'])}) can go round"
                + (f"; commitments over revenue + cash: {cover}" if cover else "")
                + f"; see `{lp['command']}`"
            )
        )
    for n in g.basket_notes:
        out.append(t.note(f"Note: {n}"))
    for label, why in g.missing:
        out.append(t.note(f"Missing: {label}: {why}"))
    out.append(
        t.note(
            f"PSY sample: {g.params.sample_description()}; critical values: {g.params.cv_description()}"
        )
    )
    return out


def _as_of(value: str | None, last_dates: list[Any]) -> Any:
    from bubblewatch.status.asset import parse_as_of

    if value is not None:
        return parse_as_of(value)
    return max(last_dates)


def _loader(st: Any) -> Any:
    from bubblewatch.data.status_inputs import status_inputs

    return lambda symbol: status_inputs(st, symbol)


def _group(st: Any, name: str, as_of: str | None, params: Any) -> Any:
    from bubblewatch.data.status_inputs import cape_series, price_symbols
    from bubblewatch.status.views import ai_complex_status

    if name != "ai2025":
        raise InputError(f"--group {name}: the known group is ai2025")
    with progress(f"status of the members of {name}"):
        return ai_complex_status(
            _loader(st), price_symbols(st), as_of=as_of, params=params, cape=cape_series(st)
        )


def render_compare(c: Any) -> list[Any]:
    """Rich renderables of 2000 vs now."""
    frame = c.to_frame()
    cols = [t.Column("Measure", "measure", wrap=True)] + [
        t.Column(col.label, col.label, wrap=True) for col in c.columns
    ]
    rows = [{"measure": m, **frame.loc[m].to_dict()} for m in frame.index]
    out: list[Any] = [t.heading("2000 vs now"), t.table(rows, cols)]
    for col in c.columns:
        out.append(t.note(f"{col.label}: {col.source}"))
    for n in c.notes:
        out.append(t.note(f"Note: {n}"))
    return out


def render_track(r: Any) -> list[Any]:
    """Rich renderables of the track record."""
    rows = [{"level": lv, **row} for lv, row in r.table.iterrows() if row["days"]]
    pct = t.percent(1)
    out: list[Any] = [
        t.heading(
            f"Track record: what followed each status within {r.horizon} sessions "
            f"(a fall of {r.crash:.0%} below the day's close)"
        ),
        t.table(
            rows,
            [
                t.Column("Level", "level"),
                t.Column("Days", "days", t.integer),
                t.Column("Episodes", "episodes", t.integer),
                t.Column("Median return", "median_return", t.percent(1, signed=True)),
                t.Column("P(fall)", "p_fall", pct),
                t.Column("95% interval", "p_fall_lo", lambda v: pct(v)),
                t.Column("to", "p_fall_hi", pct),
                t.Column("Base rate", "base_rate", pct),
                t.Column("Verdict", "verdict", wrap=True),
            ],
        ),
        t.note(
            f"Replayed every {r.stride} sessions (LPPLS every {r.lppls_stride}, carried forward), "
            f"data up to each day only; {r.seconds:.0f} s (cached replays are reused)."
        ),
        t.note(
            "Caveat: days 5 sessions apart share most of their outcome window, so the Wilson "
            "intervals (which assume independent days) are too narrow; see Episodes."
        ),
    ]
    for label, span in r.spans.items():
        out.append(t.note(f"{label}: {span}"))
    return out


def compare_2000_result(st: Any, params: Any) -> Any:
    """``status compare-2000``: the NASDAQ of 1995-2002 against the AI complex now (the
    dashboard's ``/api/status/compare-2000`` calls this too)."""
    from bubblewatch.data.status_inputs import cape_series, price_symbols
    from bubblewatch.status.views import compare_2000_view

    holdings = st.holdings_history("SPY")
    with progress("2000 vs now"):
        return compare_2000_view(
            _loader(st),
            price_symbols(st),
            cape=cape_series(st),
            holdings=holdings if len(holdings) else None,
            params=params,
        )


def _sub(name: str, st: Any, as_json: bool, params: Any, refresh: bool, workers: int) -> None:
    if name == "compare-2000":
        emit(compare_2000_result(st, params), as_json, render=render_compare)
        return
    from bubblewatch.data.cache import FrameCache, track_record_cache
    from bubblewatch.status.views import track_record_view

    # --refresh replays again and overwrites the user's cache
    cache = _Refresh(FrameCache(kind="track-record")) if refresh else track_record_cache()
    with progress("track record (minutes on a first run; cached afterwards)"):
        rec = track_record_view(_loader(st), params=params, cache=cache, workers=workers)
    emit(rec, as_json, render=render_track)


class _Refresh:
    """A cache that misses every read and keeps every write (``--refresh``)."""

    def __init__(self, cache: Any) -> None:
        self.cache = cache

    def get(self, key: str) -> None:
        return None

    def put(self, key: str, frame: Any) -> None:
        self.cache.put(key, frame)


def command(
    symbols: Annotated[
        list[str] | None,
        typer.Argument(help="Store symbols (default: the AI complex)."),
    ] = None,
    group: Annotated[
        str | None, typer.Option("--group", help="A group of assets: ai2025 (the AI complex).")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Date of the status (default: the last date of the data)."),
    ] = None,
    trust: Annotated[
        bool,
        typer.Option("--trust", help="Also the FCO trust indicator (residual bootstrap; slow)."),
    ] = False,
    refresh: Annotated[
        bool,
        typer.Option("--refresh", help="track-record: replay again instead of reading the cache."),
    ] = False,
    workers: Annotated[
        int, typer.Option("--workers", help="track-record: processes replaying the histories.")
    ] = 2,
    data: DataOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Is this a bubble now? The status level of each asset with its reasons, from measured
    signals only (PSY, DS LPPLS confidence, valuation, momentum, stress), no look-ahead."""
    from bubblewatch.status.params import DEFAULT_PARAMS

    names = list(symbols or [])
    params = DEFAULT_PARAMS.replace(trust=trust)
    if workers < 1:
        raise InputError(f"--workers {workers}: give at least 1")
    if names and names[0] in _SUB:
        if len(names) > 1 or group is not None or as_of is not None:
            raise InputError(f"status {names[0]} takes no symbols, --group or --as-of")
        with data_store(data, store) as st:
            _sub(names[0], st, as_json, params, refresh, workers)
        return
    if names and group is not None:
        raise InputError("give symbols or --group, not both")
    with data_store(data, store) as st:
        res = status_result(st, names, group=group, as_of=as_of, params=params)
    if not isinstance(res, list):
        emit(res, as_json, render=render_group)
        return
    out = res
    if len(out) == 1:
        emit(out[0], as_json, render=render_asset)
    elif as_json:
        emit([s.to_dict() for s in out], True)
    else:
        from bubblewatch.commands.tables import show

        show(*render_many(out))


def status_result(
    st: Any, names: list[str], *, group: str | None, as_of: str | None, params: Any
) -> Any:
    """What ``status`` computes: the group's status (no symbols), else one status per symbol
    (a list). The dashboard's ``/api/status`` calls this too."""
    if not names:
        return _group(st, group or "ai2025", as_of, params)
    from bubblewatch.data.status_inputs import cape_series, status_inputs
    from bubblewatch.status.asset import asset_status

    inputs = [status_inputs(st, s) for s in dict.fromkeys(names)]
    when = _as_of(as_of, [i.history.close.index[-1] for i in inputs])
    cape = cape_series(st)
    out = []
    with progress(f"status of {len(inputs)} series"):
        for inp in inputs:
            out.append(
                asset_status(
                    inp.history,
                    as_of=when,
                    fundamentals=inp.fundamentals,
                    params=params,
                    symbol=inp.symbol,
                    cape=cape if inp.index_level else None,
                )
            )
    return out


def status_json(res: Any) -> Any:
    """The ``--json`` of :func:`status_result`: a result's ``to_json``, or a list of dicts."""
    if isinstance(res, list):
        if len(res) == 1:
            return res[0]
        return [s.to_dict() for s in res]
    return res
