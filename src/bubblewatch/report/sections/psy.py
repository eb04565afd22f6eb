"""Report section: PSY bubble tests (BSADF against its critical value) for the tracked symbols.

Each symbol's close is taken over the last ten years (five with ``options["fast"]``), in
logs: weekly (last close of the week) when that gives at least 150 weeks, else daily; the
statistics use PSY's default window and lag 0, and the critical values come from the shipped
Monte Carlo table (no simulation), so the section builds in well under a second per symbol.
"""

from __future__ import annotations

import pandas as pd

from bubblewatch.errors import BubblewatchError
from bubblewatch.report.context import ReportContext, SectionOutput, escape

ID = "psy"
TITLE = "Explosive-bubble tests (PSY)"
YEARS = 10
FAST_YEARS = 5
MIN_OBS = 60
MIN_WEEKS_FOR_WEEKLY = 150


def _sample(s: pd.Series, years: int) -> tuple[pd.Series, str]:
    """The last ``years`` of positive closes: weekly if long enough, else daily."""
    s = s.dropna()
    s = s[s > 0]
    if not isinstance(s.index, pd.DatetimeIndex) or s.empty:
        return s, "observations"
    s = s[s.index >= s.index.max() - pd.DateOffset(years=years)]
    weekly = s.resample("W-FRI").last().dropna()
    if len(weekly) >= MIN_WEEKS_FOR_WEEKLY:
        return weekly, "weeks"
    return s, "days"


def _describe(sym: str, res, eps: pd.DataFrame, unit: str) -> str:  # type: ignore[no-untyped-def]
    v = res.verdict(95)
    last_b = float(res.bsadf.iloc[-1])
    last_cv = float(res.cv.bsadf[95].iloc[-1])
    text = (
        f"{escape(sym)} ({res.nobs} {'weekly' if unit == 'weeks' else 'daily'} closes from "
        f"{pd.Timestamp(res.y.index[0]).date()}): GSADF {v.statistic:.2f} against a 95% critical "
        f"value of {v.critical_value:.2f} ({v.words})"
    )
    if len(eps):
        ongoing = eps[eps["ongoing"]]
        if len(ongoing):
            start = pd.Timestamp(ongoing.iloc[-1]["start"]).date().isoformat()
            text += f"; an explosive episode is ongoing since {start}"
        else:
            last = eps.iloc[-1]
            text += (
                f"; {len(eps)} episode(s), the latest from {pd.Timestamp(last['start']).date()} "
                f"to {pd.Timestamp(last['end']).date()}"
            )
    else:
        text += "; no episode lasted the minimum duration"
    text += f"; the latest BSADF is {last_b:.2f} (95% critical value {last_cv:.2f})"
    return text + "."


def build(ctx: ReportContext) -> SectionOutput:
    """BSADF against its 95% critical value for each tracked symbol, episodes shaded."""
    from bubblewatch.detect.psy import default_min_duration, psy

    years = FAST_YEARS if ctx.options.get("fast") else YEARS
    missing: list[str] = []
    figures = []
    sentences = []
    durations: list[int] = []
    for sym in ctx.symbols:
        try:
            s, unit = _sample(ctx.store.series(sym), years)
        except BubblewatchError:
            missing.append(f"{sym} close prices")
            continue
        if len(s) < MIN_OBS:
            missing.append(f"{sym}: at least {MIN_OBS} closes (has {len(s)})")
            continue
        try:
            res = psy(s, log=True)
            res = res.with_critical_values(method="table")
            eps = res.episodes(95)
        except BubblewatchError as exc:
            missing.append(f"{sym}: {exc}")
            continue
        fig = res.plot()
        freq = "weekly" if unit == "weeks" else "daily"
        fig.update_layout(title=f"{sym}: log price and BSADF vs 95% critical value ({freq})")
        figures.append(fig)
        sentences.append(_describe(sym, res, eps, unit))
        durations.append(default_min_duration(res.nobs))
    if not sentences:
        return SectionOutput(
            id=ID, title=TITLE, missing=tuple(missing) or ("tracked symbols' close prices",)
        )
    intro = (
        f"The PSY test (Phillips, Shi &amp; Yu 2015) asks whether a price grew faster than a random "
        f"walk allows. On log closes over at most the last {years} years (weekly when there are "
        f"at least {MIN_WEEKS_FOR_WEEKLY} weeks, else daily), with the smallest window "
        f"floor((0.01 + 1.8/&radic;T)&middot;T) and no lags: "
    )
    outro = (
        "Shaded spans are episodes where the BSADF stayed above its 95% critical value "
        f"(running maximum rule, shipped Monte Carlo table) for at least round(log T) "
        f"observations ({min(durations)}-{max(durations)} here)."
    )
    items = "".join(f"<li>{sentence}</li>" for sentence in sentences)
    return SectionOutput(
        id=ID,
        title=TITLE,
        html=f"<p>{intro}</p><ul class='readings'>{items}</ul><p>{outro}</p>",
        figures=tuple(figures),
        missing=tuple(missing),
    )


__all__ = ["build"]
