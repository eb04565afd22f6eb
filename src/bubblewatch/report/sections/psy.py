"""Report section: PSY bubble tests (BSADF against its critical value) for the tracked symbols.

The sample is the status's (:mod:`bubblewatch.status.params`): the daily log adjusted closes
of the last five years up to the report's as-of date, of each symbol's long history
(:func:`~bubblewatch.data.resolve.resolve_history`), PSY's default window, lag 0, and the
status's heteroskedasticity-robust critical values (wild bootstrap, 199 replications,
exuber's pointwise rule). So the section, ``bubblewatch psy SYMBOL`` and
``bubblewatch status SYMBOL`` reach the same verdict on the same data. With
``options["fast"]`` the shipped homoskedastic Monte Carlo table replaces the bootstrap (said
in the text).
"""

from __future__ import annotations

import pandas as pd

from bubblewatch.errors import BubblewatchError
from bubblewatch.report.assets import tracked_assets, with_note
from bubblewatch.report.context import ReportContext, SectionOutput, escape

ID = "psy"
TITLE = "Explosive-bubble tests (PSY)"
MIN_OBS = 60


def history_closes(ctx: ReportContext, sym: str) -> tuple[pd.Series, str]:
    """The symbol's long history (adjusted closes) and its description; a store without the
    resolver (a test double) gives its plain close series."""
    from bubblewatch.data.resolve import resolve_history
    from bubblewatch.data.store import Store

    if isinstance(ctx.store, Store):
        hist = resolve_history(ctx.store, sym).until(ctx.as_of)
        return hist.close, hist.describe()
    s = ctx.store.series(sym)
    return s[s.index <= ctx.as_of], sym


def _sample(s: pd.Series) -> tuple[pd.Series, str]:
    """The status's PSY sample of the positive closes (daily, the last five years)."""
    from bubblewatch.status.explosive import psy_sample
    from bubblewatch.status.params import DEFAULT_PARAMS

    s = s.dropna()
    s = s[s > 0]
    if not isinstance(s.index, pd.DatetimeIndex) or s.empty:
        return s, "observations"
    return psy_sample(s, DEFAULT_PARAMS), "days"


def _describe(sym: str, res, eps: pd.DataFrame, series: str) -> str:  # type: ignore[no-untyped-def]
    v = res.verdict(95)
    now = res.latest(95)
    rejects = v.rejects
    text = (
        f"{escape(sym)} ({res.nobs} daily closes from {pd.Timestamp(res.y.index[0]).date()}): "
        f"GSADF {v.statistic:.2f} against a 95% critical value of {v.critical_value:.2f} "
        f"({v.words} over the sample)"
    )
    if len(eps):
        label = "" if rejects else " (not significant for the whole sample)"
        ongoing = eps[eps["ongoing"]]
        if len(ongoing):
            start = pd.Timestamp(ongoing.iloc[-1]["start"]).date().isoformat()
            text += f"; an explosive episode{label} is ongoing since {start}"
        else:
            last = eps.iloc[-1]
            text += (
                f"; {len(eps)} episode(s){label}, the latest from "
                f"{pd.Timestamp(last['start']).date()} to {pd.Timestamp(last['end']).date()}"
            )
    else:
        text += "; no episode lasted the minimum duration"
    text += (
        f"; the latest BSADF ({now['date']}) is {now['bsadf']:.2f} against its 95% critical "
        f"value {now['cv95']:.2f}: {'explosive' if now['explosive'] else 'not explosive'}"
    )
    if series != sym:
        text += f" <small>[{escape(series)}]</small>"
    return text + "."


def build(ctx: ReportContext) -> SectionOutput:
    """BSADF against its 95% critical value for each tracked symbol, episodes shaded."""
    from bubblewatch.detect.psy import cv_source, default_min_duration, psy
    from bubblewatch.status.params import DEFAULT_PARAMS

    fast = bool(ctx.options.get("fast"))
    missing: list[str] = []
    figures = []
    sentences = []
    durations: list[int] = []
    source = ""
    short: list[str] = []  # too short to test: named, the others still shown
    for asset in tracked_assets(ctx):
        sym, label = asset.name, asset.display
        try:
            closes, series = history_closes(ctx, sym)
            s, _ = _sample(closes)
        except BubblewatchError:
            missing.append(f"{label} close prices")
            continue
        if len(s) < MIN_OBS:
            short.append(with_note(label, f"{len(s)} closes, needs {MIN_OBS}"))
            continue
        try:
            res = psy(s.rename(label), log=True)  # the chart's legend names the asset
            if fast:
                res = res.with_critical_values(method="table")
            else:
                p = DEFAULT_PARAMS
                res = res.with_critical_values(
                    method="wb", reps=p.cv_reps, seed=p.cv_seed, rule=p.cv_rule
                )
            eps = res.episodes(95)
        except BubblewatchError as exc:
            missing.append(f"{label}: {exc}")
            continue
        source = cv_source(res.cv)
        fig = res.plot()
        fig.update_layout(title=f"{label}: log price and BSADF vs 95% critical value (daily)")
        figures.append(fig)
        sentences.append(_describe(label, res, eps, series))
        durations.append(default_min_duration(res.nobs))
    if not sentences:
        return SectionOutput(
            id=ID,
            title=TITLE,
            missing=tuple(missing) + tuple(f"{x}: too short to test" for x in short)
            or ("tracked symbols' close prices",),
        )
    if short:
        sentences.append("Too short to test, left out: " + escape(", ".join(short)) + ".")
    intro = (
        "The PSY test (Phillips, Shi &amp; Yu 2015) asks whether a price grew faster than a random "
        f"walk allows. On the status's sample, the {escape(DEFAULT_PARAMS.sample_description())} "
        "(the same as <code>bubblewatch psy</code> and <code>bubblewatch status</code>), with the smallest window "
        "floor((0.01 + 1.8/&radic;T)&middot;T) and no lags; critical values: "
        f"{escape(source)}: "
    )
    outro = (
        "Shaded spans are episodes where the BSADF stayed above its 95% critical value for at "
        f"least round(log T) observations ({min(durations)}-{max(durations)} here); when the "
        "GSADF does not reject, they are not significant for the whole sample."
    )
    items = "".join(f"<li>{sentence}</li>" for sentence in sentences)
    return SectionOutput(
        id=ID,
        title=TITLE,
        html=f"<p>{intro}</p><ul class='readings'>{items}</ul><p>{outro}</p>",
        figures=tuple(figures),
        missing=tuple(missing),
        partial=tuple(short),
    )


__all__ = ["build", "history_closes"]
