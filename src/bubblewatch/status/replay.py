"""The replay of the status for the track record (see :mod:`bubblewatch.status.track_record`).

:func:`replay` recomputes the status of one history every ``stride`` sessions with the data
of each day only (LPPLS every ``lppls_stride`` sessions, carried forward, never backward);
:func:`run_track_record` replays several histories, in processes, through a cache keyed by
:func:`replay_key` (the data, the span, the parameters and the package version), and builds
the :class:`~bubblewatch.status.track_record.TrackRecord`.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.results import jsonable
from bubblewatch.status.asset import asset_status, price_frame
from bubblewatch.status.params import DEFAULT_PARAMS, StatusParams
from bubblewatch.status.track_record import TrackRecord, TrackSpec, track_record
from bubblewatch.validation import Anything, Bool, Instance, Integer, Real, Text, validate_params

__all__ = ["replay", "replay_key", "run_track_record"]


@validate_params(
    prices=Anything("a Series, a DataFrame or a ResolvedHistory"),
    params=Instance(StatusParams),
    start=[None, Anything("a date")],
    end=[None, Anything("a date")],
    stride=Integer(min=1),
    lppls_stride=Integer(min=1),
    symbol=Text(),
)
def replay(
    prices: Any,
    *,
    params: StatusParams = DEFAULT_PARAMS,
    start: Any = None,
    end: Any = None,
    stride: int = 5,
    lppls_stride: int = 20,
    symbol: str = "series",
) -> pd.DataFrame:
    """The status of ``prices`` every ``stride`` sessions (LPPLS every ``lppls_stride``).

    Returns a frame indexed by date: ``level``, ``explosive``, ``bsadf``, ``cv95``,
    ``lppls_pos``, ``lppls_neg``, ``lppls_date``. Every row equals :func:`asset_status` on
    that date with the LPPLS signal of ``lppls_date`` (the last LPPLS date on or before it).
    """
    frame = price_frame(prices)
    close = frame["close"].dropna()
    p = params.replace(gsadf_cv=False, trust=False)
    if lppls_stride % stride:
        raise InputError(f"lppls_stride ({lppls_stride}) must be a multiple of stride ({stride})")
    first = p.psy_min_sessions - 1
    pos = np.arange(first, close.shape[0])
    dates = close.index[pos]
    keep = np.ones(pos.shape[0], dtype=bool)
    if start is not None:
        keep &= dates >= pd.Timestamp(start)
    if end is not None:
        keep &= dates <= pd.Timestamp(end)
    pos = pos[keep][::stride]
    rows = []
    lp = None
    for k, i in enumerate(pos):
        day = close.index[i]
        cut = frame.iloc[: i + 1]
        if lp is None or k % (lppls_stride // stride) == 0:
            st = asset_status(cut, as_of=day, params=p, symbol=symbol)
            lp = st.signals.lppls
        else:
            st = asset_status(cut, as_of=day, params=p, symbol=symbol, lppls=lp)
        s = st.signals
        dates_lp = [x.date for x in s.lppls.scales if x.date is not None]
        rows.append(
            {
                "date": day,
                "level": st.level,
                "explosive": bool(s.psy.explosive),
                "bsadf": s.psy.bsadf,
                "cv95": s.psy.cv95,
                "lppls_pos": s.lppls.pos,
                "lppls_neg": s.lppls.neg,
                "lppls_date": max(dates_lp) if dates_lp else pd.NaT,
            }
        )
    cols = ["level", "explosive", "bsadf", "cv95", "lppls_pos", "lppls_neg", "lppls_date"]
    if not rows:
        return pd.DataFrame(columns=cols, index=pd.DatetimeIndex([], name="date"))
    return pd.DataFrame(rows).set_index("date")[cols]


@validate_params(
    spec=Anything("a TrackSpec"),
    frame=Anything("a close/volume frame"),
    params=Instance(StatusParams),
    stride=Integer(min=1),
    lppls_stride=Integer(min=1),
)
def replay_key(
    spec: TrackSpec, frame: pd.DataFrame, params: StatusParams, stride: int, lppls_stride: int
) -> str:
    """Fingerprint of one replay's inputs: the data, the span, the parameters, the version."""
    import hashlib
    import json

    from bubblewatch import __version__

    h = hashlib.sha256()
    h.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    doc = {
        "spec": dataclasses.asdict(spec),
        "params": jsonable(params.to_dict()),
        "stride": stride,
        "lppls_stride": lppls_stride,
        "version": __version__,
    }
    h.update(json.dumps(doc, sort_keys=True).encode())
    return h.hexdigest()


def _replay_job(args: tuple[Any, ...]) -> pd.DataFrame:
    frame, spec, params, stride, lppls_stride = args
    return replay(
        frame,
        params=params,
        start=spec.start,
        end=spec.end,
        stride=stride,
        lppls_stride=lppls_stride,
        symbol=spec.symbol,
    )


@validate_params(
    histories=Anything("a mapping label -> (TrackSpec, prices)"),
    params=Instance(StatusParams),
    stride=Integer(min=1),
    lppls_stride=Integer(min=1),
    horizon=Integer(min=1),
    crash=Real(min=0, max=1),
    cache=[None, Anything("an object with get(key) and put(key, frame)")],
    workers=Integer(min=1),
    cached_only=Bool(),
)
def run_track_record(
    histories: Mapping[str, tuple[TrackSpec, Any]],
    *,
    params: StatusParams = DEFAULT_PARAMS,
    stride: int = 5,
    lppls_stride: int = 20,
    horizon: int = 126,
    crash: float = 0.20,
    cache: Any = None,
    workers: int = 1,
    cached_only: bool = False,
) -> TrackRecord:
    """Replay every history (in ``workers`` processes; ``cache`` keyed by :func:`replay_key`
    skips the replays already made on the same data and parameters) and build the record.

    With ``cached_only`` a replay missing from the cache raises
    :class:`~bubblewatch.errors.InsufficientDataError` naming it instead of being computed
    (the report reads the record without spending minutes on it)."""
    from concurrent.futures import ProcessPoolExecutor, as_completed

    t0 = time.perf_counter()
    frames = {label: price_frame(px) for label, (_, px) in histories.items()}
    keys = {
        label: replay_key(spec, frames[label], params, stride, lppls_stride)
        for label, (spec, _) in histories.items()
    }
    done: dict[str, pd.DataFrame] = {}
    if cache is not None:
        for label, key in keys.items():
            hit = cache.get(key)
            if hit is not None:
                done[label] = hit
    todo = [label for label in histories if label not in done]
    if cached_only and todo:
        raise InsufficientDataError(
            "the track record of " + ", ".join(todo) + " is not computed for these data and "
            "parameters yet: run `bubblewatch status track-record` (minutes, then cached)"
        )
    jobs = {lb: (frames[lb], histories[lb][0], params, stride, lppls_stride) for lb in todo}

    def _keep(label: str, rep: pd.DataFrame) -> None:  # cached as soon as it is done
        done[label] = rep
        if cache is not None:
            cache.put(keys[label], rep)

    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(_replay_job, job): lb for lb, job in jobs.items()}
            for fut in as_completed(futures):
                _keep(futures[fut], fut.result())
    else:
        for lb, job in jobs.items():
            _keep(lb, _replay_job(job))
    spans = {}
    for label, (spec, _) in histories.items():
        rep = done[label]
        spans[label] = (
            f"{spec.symbol} {rep.index[0].date()}..{rep.index[-1].date()}"
            if len(rep)
            else spec.symbol
        )
    return track_record(
        {label: (done[label], frames[label]["close"].dropna()) for label in histories},
        spans=spans,
        params=params,
        stride=stride,
        lppls_stride=lppls_stride,
        horizon=horizon,
        crash=crash,
        seconds=time.perf_counter() - t0,
    )
