"""Report section: LPPLS fits and the DS LPPLS confidence indicator for the tracked symbols.

For each tracked symbol (the daily adjusted closes of its long history, read as the status
and ``bubblewatch lppls`` read it): the LPPLS fit of the last ``FIT_WINDOW``
observations drawn over the price, with the spread (10%-90%) of the critical time over
the qualified windows ending on the last date; and the DS LPPLS confidence indicator (FCO
filter) over the last two years (one year with ``options["fast"]``), on a modest window
grid with :data:`~bubblewatch.detect.lppls_confidence.FAST_CONFIDENCE_GRID`, for the first
``MAX_SYMBOLS`` symbols with enough history (shorter ones are named in the text), so the
section stays within a few seconds.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from bubblewatch.errors import BubblewatchError, ConvergenceWarning
from bubblewatch.report.assets import tracked_assets, with_note
from bubblewatch.report.context import ReportContext, SectionOutput, escape

ID = "lppls"
TITLE = "LPPLS bubble fits and confidence indicator"
FIT_WINDOW = 504  # = bubblewatch.detect.lppls.DEFAULT_FIT_WINDOW, the CLI's default
MAX_SYMBOLS = 2
CI = {"window_max": 252, "window_min": 42, "window_step": 30, "end_step": 5}
FAST_CI = {"window_max": 252, "window_min": 42, "window_step": 42, "end_step": 10}


def _tc_spread(fits: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp, int] | None:
    last = fits[(fits["end"] == fits["end"].max()) & fits["qualified_confidence"]]
    tcs = pd.to_datetime(last["tc"].dropna())
    if tcs.empty:
        return None
    q = np.quantile(tcs.astype("int64").to_numpy(), [0.1, 0.9])
    return pd.Timestamp(int(q[0])), pd.Timestamp(int(q[1])), len(tcs)


def build(ctx: ReportContext) -> SectionOutput:
    """LPPLS fit over the price with the tc spread, and the confidence indicator."""
    from bubblewatch.detect.lppls import fit_lppls
    from bubblewatch.detect.lppls_confidence import FAST_CONFIDENCE_GRID, lppls_confidence
    from bubblewatch.report.sections.psy import history_closes

    fast = bool(ctx.options.get("fast"))
    years = 1 if fast else 2
    params = FAST_CI if fast else CI
    missing: list[str] = []
    short: list[str] = []  # symbols with too little history: named, the others still shown
    figures = []
    sentences: list[str] = []
    for asset in tracked_assets(ctx):
        sym, label = asset.name, asset.display
        if len(sentences) >= MAX_SYMBOLS:
            break
        try:
            # the long history (X_LONG + X), as the status and `lppls` read it
            s = history_closes(ctx, sym)[0].dropna()
        except BubblewatchError:
            missing.append(f"{label} close prices")
            continue
        need = FIT_WINDOW + 252 * years
        if len(s) < need:
            short.append(with_note(label, f"{len(s)} daily closes, needs {need}"))
            continue
        try:
            with warnings.catch_warnings(record=True) as caught:
                # a non-converged fit is reported in the text below, not as a console warning
                warnings.simplefilter("always", ConvergenceWarning)
                fit = fit_lppls(s.iloc[-FIT_WINDOW:])
            unconverged = any(issubclass(w.category, ConvergenceWarning) for w in caught)
            start = s.index[-252 * years]
            ci = lppls_confidence(
                s,
                start=start,
                return_fits=True,
                window_max=params["window_max"],
                window_min=params["window_min"],
                window_step=params["window_step"],
                end_step=params["end_step"],
                grid=FAST_CONFIDENCE_GRID,
            )
        except BubblewatchError as exc:
            missing.append(f"{label}: {exc}")
            continue
        fig = fit.plot()
        spread = _tc_spread(ci.fits) if ci.fits is not None else None
        if spread is not None:
            fig.add_vrect(
                x0=spread[0], x1=spread[1], fillcolor="firebrick", opacity=0.12, line_width=0
            )
        fig.update_layout(title=f"{label}: LPPLS fit of the last {FIT_WINDOW} closes")
        figures.append(fig)
        cfig = ci.plot()
        cfig.update_layout(title=f"{label}: DS LPPLS confidence (FCO filter)")
        figures.append(cfig)
        tc = fit.tc.date().isoformat() if fit.tc is not None else "n/a"
        last = ci.indicator.iloc[-1]
        text = (
            f"{escape(label)}: the best fit of the last {FIT_WINDOW} closes puts tc at {tc} "
            f"({fit.tc_position}, {fit.window_end.date()}), m = {fit.m:.2f}, "
            f"&omega; = {fit.omega:.1f}; it {'passes' if fit.qualified['confidence'] else 'fails'} "
            f"the FCO confidence filter. "
        )
        if unconverged:
            text += "That fit did not converge within its evaluation budget, so it cannot qualify. "
        if spread is not None:
            text += (
                f"Over the {spread[2]} qualified windows ending on the last date, tc spans "
                f"{spread[0].date()} to {spread[1].date()} (10%-90%). "
            )
        else:
            text += "No window ending on the last date qualifies. "
        text += (
            f"The confidence indicator on the last date is {last['pos']:.0%} (bubble) and "
            f"{last['neg']:.0%} (anti-bubble), its maximum over the period "
            f"{ci.indicator['pos'].max():.0%}."
        )
        sentences.append(text)
    if not sentences:
        return SectionOutput(
            id=ID,
            title=TITLE,
            missing=tuple(missing) + tuple(f"{x}: too short for LPPLS" for x in short)
            or ("tracked symbols' close prices",),
        )
    if short:
        sentences.append("Too short for these fits, left out: " + escape(", ".join(short)) + ".")
    intro = (
        "The LPPLS model (Johansen, Ledoit &amp; Sornette) describes a bubble as faster-than-"
        "exponential growth decorated by accelerating log-periodic oscillations ending at a "
        "critical time tc. The DS LPPLS confidence indicator (Sornette et al. 2015) is the share "
        f"of windows ({params['window_min']}-{params['window_max']} trading days) ending on a "
        "date whose fit passes the FCO filter, among all windows. "
    )
    return SectionOutput(
        id=ID,
        title=TITLE,
        html="<p>" + intro + "</p><p>" + "</p><p>".join(sentences) + "</p>",
        figures=tuple(figures),
        missing=tuple(missing),
        partial=tuple(short),
    )


__all__ = ["build"]
