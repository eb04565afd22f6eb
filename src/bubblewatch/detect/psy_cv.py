"""The critical values of the PSY statistics as a result, and the BSADF critical-value rules.

BSADF critical-value rules (``rule``):

* ``"psy"`` (default): at each date, the quantile over replications of the running maximum
  of BADF up to that date, i.e. the SADF critical value for the sample up to that date —
  PSY (2015, eq. 8) and exuber's Monte Carlo rule;
* ``"pointwise"``: the quantile over replications of BSADF at that date;
* ``"familywise"`` (Phillips & Shi 2020; psymonitor's ``cvPSYwmboot``): the quantile of the
  maximum of BSADF over the first ``span`` dates of the sequence, constant over the sample;
  controls the probability of any false alarm in ``span`` observations (default span: the
  whole sequence, which gives the GSADF critical value).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.detect.psy_setup import LEVELS
from bubblewatch.errors import InputError
from bubblewatch.results import Result, make_metadata
from bubblewatch.validation import ArrayLike, Integer, Options, validate_params

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["LEVELS", "PSYCriticalValues", "bsadf_rule"]

_Q = np.array([0.90, 0.95, 0.99])
_RULES = ("psy", "pointwise", "familywise")


@dataclasses.dataclass(frozen=True)
class PSYCriticalValues(Result):
    """Critical values at 90/95/99% for ADF, SADF, GSADF and the BADF/BSADF sequences.

    ``adf``, ``sadf``, ``gsadf`` map a level (90, 95, 99) to a float; ``badf`` (pointwise)
    and ``bsadf`` (per ``rule``) are DataFrames with columns 90, 95, 99 indexed like the
    statistics' sequences.
    """

    method: str
    rule: str
    reps: int
    seed: int | None
    nobs: int
    min_window: int
    lags: int
    ic: str | None
    adf: Mapping[int, float]
    sadf: Mapping[int, float]
    gsadf: Mapping[int, float]
    badf: pd.DataFrame
    bsadf: pd.DataFrame

    def summary(self) -> str:
        lines = [
            f"PSY critical values ({self.method}, BSADF rule '{self.rule}', {self.reps} reps): "
            f"T={self.nobs}, min window {self.min_window}, lags {self.lags}",
            "         90%      95%      99%",
        ]
        for name in ("adf", "sadf", "gsadf"):
            d = getattr(self, name)
            lines.append(f"{name.upper():<6} {d[90]:8.4f} {d[95]:8.4f} {d[99]:8.4f}")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        out = self.bsadf.add_prefix("bsadf_")
        return out.join(self.badf.add_prefix("badf_"))

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        fig = go.Figure()
        for lv in LEVELS:
            fig.add_trace(go.Scatter(x=self.bsadf.index, y=self.bsadf[lv], name=f"BSADF {lv}%"))
        fig.update_layout(title=f"PSY BSADF critical values ({self.method}, rule {self.rule})")
        return fig

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "rule": self.rule,
            "reps": self.reps,
            "seed": self.seed,
            "adf": {str(k): v for k, v in self.adf.items()},
            "sadf": {str(k): v for k, v in self.sadf.items()},
            "gsadf": {str(k): v for k, v in self.gsadf.items()},
            "bsadf": [
                {"date": i, **{str(lv): row[lv] for lv in LEVELS}}
                for i, row in self.bsadf.iterrows()
            ],
        }


def _nan_quantile(a: np.ndarray, axis: int = 0) -> np.ndarray:
    return np.nanquantile(a, _Q, axis=axis) if np.isnan(a).any() else np.quantile(a, _Q, axis=axis)


@validate_params(
    badf=ArrayLike(what="BADF replications (reps x n)"),
    bsadf=ArrayLike(what="BSADF replications (reps x n)"),
    rule=Options("psy", "pointwise", "familywise"),
    span=[None, Integer(min=1)],
)
def bsadf_rule(
    badf: np.ndarray, bsadf: np.ndarray, rule: str = "psy", span: int | None = None
) -> np.ndarray:
    """BSADF critical values (n × 3, levels 90/95/99) from replications (reps × n).

    See the module docstring for the rules ``"psy"``, ``"pointwise"`` and ``"familywise"``.
    """
    if rule not in _RULES:
        raise InputError(f"rule must be one of {', '.join(_RULES)}; got {rule!r}")
    n = bsadf.shape[1]
    if rule == "psy":
        return _nan_quantile(np.fmax.accumulate(badf, axis=1)).T
    if rule == "pointwise":
        return _nan_quantile(bsadf).T
    span = n if span is None else int(span)
    if not 1 <= span <= n:
        raise InputError(
            f"span must be between 1 and {n} (the BSADF sequence's length); got {span}"
        )
    q = _nan_quantile(np.nanmax(bsadf[:, :span], axis=1))
    return np.tile(q, (n, 1))


def _assemble(
    sims: dict[str, np.ndarray],
    *,
    method: str,
    rule: str,
    span: int | None,
    reps: int,
    seed: int | None,
    T: int,
    min_window: int,
    K: int,
    ic: str | None,
    index: pd.Index | None,
) -> PSYCriticalValues:
    badf, bsadf = sims["badf"], sims["bsadf"]
    n = badf.shape[1]
    idx = index if index is not None else pd.RangeIndex(min_window - 1, T)
    if len(idx) != n:
        raise InputError(f"index has {len(idx)} labels; the BSADF sequence has {n}")
    adf = _nan_quantile(badf[:, -1])
    sadf = _nan_quantile(np.nanmax(badf, axis=1))
    gsadf = _nan_quantile(np.nanmax(bsadf, axis=1))
    cols = list(LEVELS)
    params = {
        "method": method,
        "rule": rule,
        "span": span,
        "reps": reps,
        "nobs": T,
        "min_window": min_window,
        "lags": K,
        "ic": ic,
    }
    return PSYCriticalValues(
        metadata=make_metadata(params, seed=seed),
        method=method,
        rule=rule,
        reps=reps,
        seed=seed,
        nobs=T,
        min_window=min_window,
        lags=K,
        ic=ic,
        adf=dict(zip(LEVELS, map(float, adf))),
        sadf=dict(zip(LEVELS, map(float, sadf))),
        gsadf=dict(zip(LEVELS, map(float, gsadf))),
        badf=pd.DataFrame(_nan_quantile(badf).T, index=idx, columns=cols),
        bsadf=pd.DataFrame(bsadf_rule(badf, bsadf, rule, span), index=idx, columns=cols),
    )
