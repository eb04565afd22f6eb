"""The published rule that turns the signals into a status level, with its reasons.

The first level whose conditions hold, in this order (thresholds in
:class:`~bubblewatch.status.params.StatusParams`):

``bursting``
    a drawdown of at least ``burst_drawdown`` from the peak of the PSY sample, the asset
    having been explosive on some session of the ``burst_lookback`` sessions up to that
    peak; or a negative (anti-bubble) LPPLS confidence of at least ``burst_confidence`` at
    either scale.
``critical``
    explosive (below), and a positive LPPLS confidence of at least ``critical_confidence``
    at a scale whose qualified fits put the median critical time at most
    ``critical_tc_days`` calendar days after the as-of date.
``explosive``
    PSY rejects now: the BSADF of the as-of date exceeds its 95% critical value.
``heating``
    any of: BSADF above its ``heating_cv_level`` critical value; a positive LPPLS confidence
    of at least ``heating_confidence``; the 1-year or the 3-year return at or above the
    ``heating_return_percentile`` of the asset's own history; the CAPE at or above its
    ``heating_cape_percentile`` (index-level assets); a trailing P/E at least
    ``heating_pe_multiple`` times the group median.
``calm``
    none of the above; the reasons list the checks that failed, with their numbers.

Every reason carries the condition in words, the value, the threshold and the command that
recomputes the value. A signal that could not be computed is a reason of its own ("not
available: ...") and never counts as met.
"""

from __future__ import annotations

import dataclasses
import math
import shlex
from typing import TYPE_CHECKING, Any

import pandas as pd

from bubblewatch.results import jsonable
from bubblewatch.status.params import DEFAULT_PARAMS, LEVELS, StatusParams
from bubblewatch.validation import Anything, Instance, Options, Text, validate_params

if TYPE_CHECKING:  # pragma: no cover
    from bubblewatch.status.explosive import PSYSignal
    from bubblewatch.status.lppls_signal import LPPLSSignal
    from bubblewatch.status.market_signals import MomentumSignal, StressSignal
    from bubblewatch.status.valuation_signal import ValuationSignal

__all__ = ["Commands", "Reason", "Signals", "decide", "level_rank", "reason_unit", "share_text"]


@validate_params(x=Anything("a share (a fraction) or None"))
def share_text(x: Any) -> str:
    """A share (a fraction of fits, e.g. an LPPLS confidence) for the reader: percent.

    >>> share_text(0.13), share_text(0.0), share_text(None)
    ('13%', '0%', 'n/a')
    """
    if x is None or not isinstance(x, float | int) or not math.isfinite(float(x)):
        return "n/a"
    return f"{float(x):.0%}"


@dataclasses.dataclass(frozen=True)
class Reason:
    """One condition of a status level: what, the value, the threshold, how to recompute.

    ``value`` and ``threshold`` stay fractions (JSON and the API); :attr:`unit` says how
    text shows them and ``short`` is the reason in a few words for a table cell (not
    serialised).
    """

    condition: str
    value: Any
    threshold: Any
    command: str
    short: str = dataclasses.field(default="", compare=False, repr=False)

    @property
    def unit(self) -> str:
        """``"share"`` (text shows percent) or ``"number"``: :func:`reason_unit`."""
        return reason_unit(self.condition)

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "condition": self.condition,
                "value": self.value,
                "threshold": self.threshold,
                "command": self.command,
            }
        )

    def value_text(self) -> str:
        """The value for the reader (percent for a share)."""
        return _text(self.value, self.unit)

    def threshold_text(self) -> str:
        """The threshold for the reader (percent for a share)."""
        return _text(self.threshold, self.unit)


@validate_params(condition=Text())
def reason_unit(condition: str) -> str:
    """How text shows the value and threshold of a reason with this condition (a JSON
    reason has no more): ``"share"`` for an LPPLS confidence (a share of the fits: percent
    in text, a fraction in JSON), else ``"number"``.

    >>> reason_unit("positive LPPLS confidence (long scale) below 10%")
    'share'
    >>> reason_unit("BSADF at or below its 90% critical value")
    'number'
    """
    return "share" if "LPPLS confidence" in condition else "number"


def _text(v: Any, unit: str) -> str:
    if unit == "share":
        return share_text(v)
    if isinstance(v, float):
        return f"{v:.3f}" if math.isfinite(v) else "n/a"
    return "n/a" if v is None else str(v)


def _n(x: Any) -> str:
    return f"{float(x):.2f}" if _fin(x) else "n/a"


@dataclasses.dataclass(frozen=True)
class Signals:
    """The five signals of one asset on one date."""

    psy: PSYSignal
    lppls: LPPLSSignal
    valuation: ValuationSignal
    momentum: MomentumSignal
    stress: StressSignal


@dataclasses.dataclass(frozen=True)
class Commands:
    """The CLI commands that recompute each number of a status (``symbol`` on ``date``)."""

    symbol: str
    date: pd.Timestamp
    params: StatusParams = DEFAULT_PARAMS

    @property
    def _sym(self) -> str:
        return shlex.quote(self.symbol)

    @property
    def _day(self) -> str:
        return self.date.date().isoformat()

    def psy(self) -> str:
        p, d = self.params, DEFAULT_PARAMS
        cmd = f"bubblewatch psy {self._sym} --as-of {self._day}"
        if p.sample_years != d.sample_years:
            cmd += f" --years {p.sample_years}"
        if p.cv_method != d.cv_method or p.cv_rule != d.cv_rule:
            cmd += f" --cv {p.cv_method} --rule {p.cv_rule}"
        if p.cv_reps != d.cv_reps or p.cv_seed != d.cv_seed:
            cmd += f" --reps {p.cv_reps} --seed {p.cv_seed}"
        return cmd

    def lppls(self, scale_name: str) -> str:
        sc = next(s for s in self.params.scales if s.name == scale_name)
        return (
            f"bubblewatch lppls confidence {self._sym} --window-max {sc.window_max} "
            f"--window-min {sc.window_min} --window-step {sc.window_step} "
            f"--start {self._day} --end {self._day}"
        )

    def status(self, field: str) -> str:
        return f"bubblewatch status {self._sym} --as-of {self._day} --json  # {field}"

    def pe(self) -> str:
        return f"bubblewatch valuation pe {self._sym} --as-of {self._day}"

    def cape(self, month: pd.Timestamp | None) -> str:
        when = self._day if month is None else month.date().isoformat()
        return f"bubblewatch valuation cape --as-of {when}"


def _fin(x: float | None) -> bool:
    return x is not None and isinstance(x, float | int) and math.isfinite(float(x))


def _iso(ts: pd.Timestamp | None) -> str | None:
    return None if ts is None else ts.date().isoformat()


@validate_params(
    sig=Anything("the five Signals"),
    cmd=Anything("the Commands of the asset and date"),
    params=Instance(StatusParams),
)
def decide(
    sig: Signals, cmd: Commands, params: StatusParams = DEFAULT_PARAMS
) -> tuple[str, tuple[Reason, ...]]:
    """The level and its reasons (see the module docstring)."""
    p = params
    psy, lp, st = sig.psy, sig.lppls, sig.stress
    years = p.sample_years

    # -- bursting -------------------------------------------------------------------------
    burst: list[Reason] = []
    if (
        _fin(st.drawdown)
        and st.drawdown <= -p.burst_drawdown
        and psy.available
        and psy.explosive_near_peak
    ):
        burst.append(
            Reason(
                f"drawdown from the {years}-year peak ({_iso(st.peak_date)}; BSADF above its "
                f"95% critical value on {_iso(psy.near_peak_date)}, within {p.burst_lookback} "
                f"sessions up to the peak) at least {p.burst_drawdown:.0%}",
                st.drawdown,
                -p.burst_drawdown,
                cmd.status("signals.stress.drawdown") + "; " + cmd.psy(),
                short=f"drawdown {st.drawdown:.0%} after explosive",
            )
        )
    for s in lp.scales:
        if s.available and s.neg >= p.burst_confidence:
            burst.append(
                Reason(
                    f"negative (anti-bubble) LPPLS confidence, {s.scale.describe()}, at least "
                    f"{share_text(p.burst_confidence)}",
                    s.neg,
                    p.burst_confidence,
                    cmd.lppls(s.scale.name),
                    short=f"anti-bubble LPPLS {share_text(s.neg)} ({s.scale.name}) "
                    f">= {share_text(p.burst_confidence)}",
                )
            )
    if burst:
        return "bursting", tuple(burst)

    # -- explosive / critical -------------------------------------------------------------
    if psy.available and psy.explosive:
        since = (
            f" since {_iso(psy.episode_start)} ({psy.episode_length} sessions)"
            if psy.episode_start is not None
            else ""
        )
        explosive = Reason(
            f"BSADF above its 95% critical value ({psy.method}){since}",
            psy.bsadf,
            psy.cv95,
            cmd.psy(),
            short=f"BSADF {_n(psy.bsadf)} > cv95 {_n(psy.cv95)}"
            + (f" since {_iso(psy.episode_start)}" if psy.episode_start is not None else ""),
        )
        horizon = cmd.date + pd.Timedelta(days=p.critical_tc_days)
        crit: list[Reason] = []
        for s in lp.scales:
            tc50 = s.tc_pos[1]
            if s.available and s.pos >= p.critical_confidence and tc50 is not None:
                if tc50 <= horizon:
                    crit = [
                        Reason(
                            f"positive LPPLS confidence, {s.scale.describe()}, at least "
                            f"{share_text(p.critical_confidence)}",
                            s.pos,
                            p.critical_confidence,
                            cmd.lppls(s.scale.name),
                            short=f"LPPLS {share_text(s.pos)} ({s.scale.name})",
                        ),
                        Reason(
                            f"median critical time of the qualified fits ({s.scale.name} scale; "
                            f"10-90%: {_iso(s.tc_pos[0])}..{_iso(s.tc_pos[2])}) within "
                            f"{p.critical_tc_days} days",
                            _iso(tc50),
                            _iso(horizon),
                            cmd.lppls(s.scale.name),
                            short=f"tc {_iso(tc50)}",
                        ),
                    ]
                    break
        if crit:
            return "critical", (explosive, *crit)
        return "explosive", (explosive,)

    # -- heating --------------------------------------------------------------------------
    checks: list[tuple[bool, Reason]] = []
    if psy.available:
        lvl = p.heating_cv_level
        cv = psy.cv90 if lvl == 90 else psy.cv95
        met = bool(psy.bsadf > cv)
        checks.append(
            (
                met,
                Reason(
                    f"BSADF {'above' if met else 'at or below'} its {lvl}% critical value",
                    psy.bsadf,
                    cv,
                    cmd.psy(),
                    short=f"BSADF {_n(psy.bsadf)} {'>' if met else '≤'} cv{lvl} {_n(cv)}",
                ),
            )
        )
    else:
        checks.append(
            (
                False,
                Reason(f"PSY not available: {psy.note}", None, None, cmd.psy(), short="PSY n/a"),
            )
        )
    if lp.available:
        best = max((s for s in lp.scales if s.available), key=lambda s: s.pos)
        met = best.pos >= p.heating_confidence
        checks.append(
            (
                met,
                Reason(
                    f"positive LPPLS confidence ({best.scale.describe()}) "
                    f"{'at least' if met else 'below'} {share_text(p.heating_confidence)}",
                    best.pos,
                    p.heating_confidence,
                    cmd.lppls(best.scale.name),
                    short=f"LPPLS {share_text(best.pos)}",
                ),
            )
        )
    else:
        checks.append(
            (
                False,
                Reason(
                    f"LPPLS not available: {lp.note}",
                    None,
                    None,
                    cmd.lppls(p.scales[0].name),
                    short="LPPLS n/a",
                ),
            )
        )
    mo = sig.momentum
    for years, ret, pct in (
        (1, mo.ret_1y, mo.ret_1y_percentile),
        (3, mo.ret_3y, mo.ret_3y_percentile),
    ):
        if _fin(pct):
            met = pct >= p.heating_return_percentile
            checks.append(
                (
                    met,
                    Reason(
                        f"{years}-year log return {ret:+.1%} {'in' if met else 'not in'} the top "
                        f"{1 - p.heating_return_percentile:.0%} of the asset's own history "
                        "(value: its percentile)",
                        pct,
                        p.heating_return_percentile,
                        cmd.status(f"signals.momentum.ret_{years}y_percentile"),
                        short=f"{years}y return {ret:+.0%} (percentile {pct:.0%})",
                    ),
                )
            )
    va = sig.valuation
    if _fin(va.cape_percentile):
        met = va.cape_percentile >= p.heating_cape_percentile
        checks.append(
            (
                met,
                Reason(
                    f"Shiller CAPE {va.cape:.1f} ({va.cape_month:%Y-%m}) "
                    f"{'in' if met else 'not in'} the top {1 - p.heating_cape_percentile:.0%} of "
                    "its history (value: its percentile)",
                    va.cape_percentile,
                    p.heating_cape_percentile,
                    cmd.cape(va.cape_month),
                    short=f"CAPE {va.cape:.1f} (percentile {va.cape_percentile:.0%})",
                ),
            )
        )
    if _fin(va.pe_multiple):
        met = va.pe_multiple >= p.heating_pe_multiple
        checks.append(
            (
                met,
                Reason(
                    f"trailing P/E {va.pe:.1f} {'at least' if met else 'below'} "
                    f"{p.heating_pe_multiple:g} times the group median {va.pe_group_median:.1f}",
                    va.pe_multiple,
                    p.heating_pe_multiple,
                    cmd.pe(),
                    short=f"P/E {va.pe:.1f} = {va.pe_multiple:.1f}x group median",
                ),
            )
        )
    met_reasons = tuple(r for ok, r in checks if ok)
    if met_reasons:
        return "heating", met_reasons
    return "calm", tuple(r for _, r in checks)


@validate_params(level=Options(*LEVELS))
def level_rank(level: str) -> int:
    """0 (calm) .. 4 (bursting).

    >>> level_rank("explosive")
    2
    """
    return LEVELS.index(level)
