"""Bootstrap confidence bands of connectedness measures and a test of a change in the TCI.

Pseudo-samples are drawn from the fitted model and the *whole* estimation is repeated on
each (prior, filter or windows, FEVD, measures), so the bands include the estimation noise
of every step:

* ``scheme="residual"`` (any model): the standardized one-step residuals
  ``u_t = L_{t-1}^{-1} (y_t - c_{t-1} - sum_l A_{t-1,l} y_{t-l})`` (``L`` the Cholesky factor of
  the residual covariance of the estimate dated t-1; for rolling windows the window ending at
  t-1, the first window before it) are centred and resampled - one date's vector at a time
  (``block_length=1``) or in moving blocks - and the series rebuilt through the same
  time-varying coefficients and covariances. Time-varying volatility and the contemporaneous
  correlation survive the resampling.
* ``scheme="block"`` (whole-sample estimates only): a moving-block bootstrap of the
  observations themselves (Künsch 1989), model-free.

Bands are centred percentile intervals at ``level``: the quantiles of the replications'
deviations from their own mean, placed around the estimate (re-estimating on pseudo-samples
adds noise, and noise reads as spurious spillovers, so the replications' level is biased
upward; their spread is what measures the uncertainty). :meth:`ConnectednessBands.change_test`
compares the mean TCI of two dates or periods with the same replications: the interval is
built the same way and the p-value is the share of centred bootstrap differences at least as
large as the observed one (two-sided).

References
----------
.. [1] Künsch, H. R. (1989). The jackknife and the bootstrap for general stationary
       observations. *Annals of Statistics*, 17(3), 1217-1241.
.. [2] Efron, B. & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.
.. [3] Diebold, F. X. & Yilmaz, K. (2014). On the network topology of variance
       decompositions. *Journal of Econometrics*, 182(1), 119-134 (bootstrap bands of
       connectedness measures).
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError
from bubblewatch.market.connectedness import _bootstrap_kernels as BK
from bubblewatch.market.connectedness._inputs import check_fraction, check_positive_int, label
from bubblewatch.market.connectedness._specs import UNIT_OPEN
from bubblewatch.market.connectedness.models import FIT, ModelFit, refit
from bubblewatch.market.connectedness.tables import RESULT
from bubblewatch.results import Result, frozen_array, make_metadata
from bubblewatch.validation import Instance, Integer, Options, validate_params

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from bubblewatch.market.connectedness.tables import Connectedness

__all__ = ["ConnectednessBands", "TCIChangeTest", "bootstrap_bands", "simulate"]

SCHEMES = ("residual", "block")


def _chol(sigma: np.ndarray) -> np.ndarray:
    from bubblewatch.errors import InsufficientDataError

    try:
        return np.linalg.cholesky(sigma)
    except np.linalg.LinAlgError:
        raise InsufficientDataError(
            "a residual covariance of the fitted model is not positive definite: the residual "
            "bootstrap cannot standardize its residuals"
        ) from None


def _block_indices(n: int, length: int, rng: np.random.Generator) -> np.ndarray:
    starts = rng.integers(0, n - length + 1, size=math.ceil(n / length))
    return (starts[:, None] + np.arange(length)[None, :]).ravel()[:n]


@validate_params(
    fit=FIT,
    rng=Instance(np.random.Generator, what="a numpy random Generator"),
    scheme=Options(*SCHEMES),
    block_length=Integer(min=1),
)
def simulate(
    fit: ModelFit,
    rng: np.random.Generator,
    *,
    scheme: str = "residual",
    block_length: int = 1,
) -> np.ndarray:
    """One pseudo-sample (n, k) from ``fit`` (see the module docstring)."""
    y = fit.data.to_numpy(dtype=float)
    n, _k = y.shape
    if scheme == "block":
        return y[_block_indices(n, block_length, rng)]
    p = fit.lags
    est = np.clip(np.arange(n) - 1 - fit.offset, 0, len(fit.index) - 1)
    chol = _chol(np.asarray(fit.sigma))
    u = BK.standardized_residuals(y, p, np.asarray(fit.coefs), np.asarray(fit.intercept), chol, est)
    u = u - u.mean(axis=0)
    m = len(u)
    pick = _block_indices(m, block_length, rng) if block_length > 1 else rng.integers(0, m, m)
    return BK.rebuild(y, p, np.asarray(fit.coefs), np.asarray(fit.intercept), chol, est, u[pick])


def _recompute(result: Connectedness, fit: ModelFit) -> np.ndarray:
    """(tci_t, net_t) of ``result``'s approach on another fit, stacked as (T, 1 + k)."""
    from bubblewatch.market.connectedness.frequency import frequency_connectedness
    from bubblewatch.market.connectedness.joint import (
        extended_joint_connectedness,
        joint_connectedness,
    )
    from bubblewatch.market.connectedness.tables import time_connectedness

    prm = dict(result.metadata.parameters)
    a = result.approach
    if a == "time":
        c = time_connectedness(fit, horizon=result.horizon, method=prm.get("method", "generalized"))
    elif a == "joint":
        c = joint_connectedness(fit, horizon=result.horizon)
    elif a == "extended-joint":
        c = extended_joint_connectedness(fit, horizon=result.horizon)
    elif a.startswith("frequency"):
        f = frequency_connectedness(
            fit,
            horizon=result.horizon,
            partition=prm["partition"],
            scenario=prm.get("scenario", "absolute"),
            grid=prm.get("grid", "exact"),
        )
        c = f.total() if a == "frequency total" else f.band(prm["band"], prm.get("scenario"))
    else:
        raise InputError(f"bootstrap bands are not available for {a!r} connectedness")
    return np.column_stack([np.asarray(c.tci_t), np.asarray(c.net_t)])


def _replicate_fits(fit: ModelFit, samples: list[np.ndarray]) -> list[ModelFit | None]:
    if fit.model == "tvp-var":
        from bubblewatch.market.connectedness.tvp_var import fit_tvp_var_batch

        return fit_tvp_var_batch(fit, samples)
    out: list[ModelFit | None] = []
    for s in samples:
        try:
            out.append(refit(fit, s))
        except InputError:
            out.append(None)
    return out


@dataclasses.dataclass(frozen=True)
class TCIChangeTest(Result):
    """Bootstrap test of a change in the mean TCI between two dates or periods (fractions)."""

    period_a: tuple[Any, Any]
    period_b: tuple[Any, Any]
    tci_a: float
    tci_b: float
    difference: float
    lower: float
    upper: float
    p_value: float
    level: float
    n_boot: int
    description: str

    def summary(self) -> str:
        def per(p: tuple[Any, Any]) -> str:
            return str(p[0]) if p[0] == p[1] else f"{p[0]}..{p[1]}"

        verb = "rose" if self.difference > 0 else "fell"
        return (
            f"TCI {verb} from {100 * self.tci_a:.2f}% ({per(self.period_a)}) to "
            f"{100 * self.tci_b:.2f}% ({per(self.period_b)}): {100 * self.difference:+.2f} "
            f"points, {100 * self.level:.0f}% bootstrap interval [{100 * self.lower:+.2f}, "
            f"{100 * self.upper:+.2f}], p = {self.p_value:.3f} ({self.n_boot} replications; "
            f"{self.description})"
        )

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([self.to_dict()])

    def to_dict(self) -> dict[str, Any]:
        return {
            "period_a": list(self.period_a),
            "period_b": list(self.period_b),
            "tci_a": self.tci_a,
            "tci_b": self.tci_b,
            "difference": self.difference,
            "interval": [self.lower, self.upper],
            "level": self.level,
            "p_value": self.p_value,
            "n_boot": self.n_boot,
            "units": "fractions (0.25 = 25%)",
        }

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        fig = go.Figure(
            go.Bar(
                x=[str(self.period_a[0]), str(self.period_b[0])],
                y=[100 * self.tci_a, 100 * self.tci_b],
            )
        )
        fig.update_layout(title=self.summary(), yaxis_title="TCI %")
        return fig


@dataclasses.dataclass(frozen=True)
class ConnectednessBands(Result):
    """Bootstrap bands of the dynamic TCI and NET and of their averages (fractions)."""

    names: tuple[str, ...]
    index: pd.Index
    level: float
    scheme: str
    block_length: int
    n_boot: int
    n_failed: int
    seed: int | None
    point_tci: np.ndarray  # (T,)
    point_net_t: np.ndarray  # (T, k)
    boot_tci: np.ndarray  # (B, T)
    boot_net: np.ndarray  # (B, T, k)
    description: str

    def _dev(self, boot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Quantiles of the replications' deviations from their mean (axis 0)."""
        lo = (1.0 - self.level) / 2.0
        d = boot - boot.mean(axis=0)
        return np.quantile(d, lo, axis=0), np.quantile(d, 1.0 - lo, axis=0)

    def _band(self, point: np.ndarray, boot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = self._dev(boot)
        return point + lo, point + hi

    @property
    def point_net(self) -> np.ndarray:
        return np.asarray(self.point_net_t)

    @property
    def tci_lower(self) -> np.ndarray:
        return self._band(np.asarray(self.point_tci), np.asarray(self.boot_tci))[0]

    @property
    def tci_upper(self) -> np.ndarray:
        return self._band(np.asarray(self.point_tci), np.asarray(self.boot_tci))[1]

    @property
    def net_lower(self) -> np.ndarray:
        return self._band(self.point_net, np.asarray(self.boot_net))[0]

    @property
    def net_upper(self) -> np.ndarray:
        return self._band(self.point_net, np.asarray(self.boot_net))[1]

    @property
    def mean_tci_interval(self) -> tuple[float, float]:
        lo, hi = self._band(
            np.asarray(self.point_tci).mean(), np.asarray(self.boot_tci).mean(axis=1)
        )
        return float(lo), float(hi)

    @property
    def mean_net_interval(self) -> pd.DataFrame:
        lo, hi = self._band(self.point_net.mean(axis=0), np.asarray(self.boot_net).mean(axis=1))
        return pd.DataFrame({"lower": lo, "upper": hi}, index=list(self.names))

    def _period(self, spec: Any) -> tuple[np.ndarray, tuple[Any, Any]]:
        if isinstance(spec, tuple | list) and len(spec) == 2:
            a, b = spec
        else:
            a = b = spec
        idx = self.index
        if isinstance(idx, pd.DatetimeIndex):
            ta, tb = pd.Timestamp(a), pd.Timestamp(b)
            mask = (idx >= ta) & (idx <= tb)
            if a == b:  # one date: that date or the last estimate before it
                pos = idx.searchsorted(ta, side="right") - 1
                mask = np.zeros(len(idx), dtype=bool)
                if pos >= 0:
                    mask[pos] = True
        else:
            mask = (idx >= a) & (idx <= b)
        if not mask.any():
            raise InputError(
                f"no estimate dated in {a}..{b}; the measures run {label(idx[0])}..{label(idx[-1])}"
            )
        sel = np.flatnonzero(mask)
        return sel, (label(idx[sel[0]]), label(idx[sel[-1]]))

    def change_test(self, a: Any, b: Any) -> TCIChangeTest:
        """Test H0: same mean TCI at ``a`` and ``b`` (dates, or (start, end) periods)."""
        ia, pa = self._period(a)
        ib, pb = self._period(b)
        pt = np.asarray(self.point_tci)
        bt = np.asarray(self.boot_tci)
        d = float(pt[ib].mean() - pt[ia].mean())
        db = bt[:, ib].mean(axis=1) - bt[:, ia].mean(axis=1)
        lo, hi = self._band(np.asarray(d), db)
        p = (1 + int(np.sum(np.abs(db - db.mean()) >= abs(d)))) / (len(db) + 1)
        return TCIChangeTest(
            metadata=make_metadata(
                {"a": list(pa), "b": list(pb), "level": self.level, "n_boot": self.n_boot},
                seed=self.seed,
            ),
            period_a=pa,
            period_b=pb,
            tci_a=float(pt[ia].mean()),
            tci_b=float(pt[ib].mean()),
            difference=d,
            lower=float(lo),
            upper=float(hi),
            p_value=float(p),
            level=self.level,
            n_boot=len(db),
            description=self.description,
        )

    def summary(self) -> str:
        lo, hi = self.mean_tci_interval
        return (
            f"{100 * self.level:.0f}% bootstrap bands ({self.scheme}"
            + (f", blocks of {self.block_length}" if self.block_length > 1 else "")
            + f", {self.n_boot} replications"
            + (f", {self.n_failed} failed and redrawn" if self.n_failed else "")
            + f"): mean TCI in [{100 * lo:.2f}%, {100 * hi:.2f}%]"
        )

    def to_frame(self) -> pd.DataFrame:
        out = pd.DataFrame(
            {"tci": self.point_tci, "tci_lower": self.tci_lower, "tci_upper": self.tci_upper},
            index=self.index,
        )
        lo, hi = self.net_lower, self.net_upper
        for i, n in enumerate(self.names):
            out[f"net_lower:{n}"] = lo[:, i]
            out[f"net_upper:{n}"] = hi[:, i]
        return out

    def to_dict(self) -> dict[str, Any]:
        lo, hi = self.mean_tci_interval
        nl, nh = self.net_lower, self.net_upper
        mn = self.mean_net_interval
        return {
            "level": self.level,
            "scheme": self.scheme,
            "block_length": self.block_length,
            "n_boot": self.n_boot,
            "n_failed": self.n_failed,
            "seed": self.seed,
            "tci": [lo, hi],
            "net": {n: [float(mn.loc[n, "lower"]), float(mn.loc[n, "upper"])] for n in self.names},
            "dynamic": [
                {
                    "date": label(ix),
                    "tci": [float(self.tci_lower[e]), float(self.tci_upper[e])],
                    "net": {
                        n: [float(nl[e, i]), float(nh[e, i])] for i, n in enumerate(self.names)
                    },
                }
                for e, ix in enumerate(self.index)
            ],
        }

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        fig = go.Figure()
        fig.add_trace(
            go.Scatter(x=self.index, y=100 * self.tci_upper, line={"width": 0}, showlegend=False)
        )
        fig.add_trace(
            go.Scatter(
                x=self.index, y=100 * self.tci_lower, fill="tonexty", line={"width": 0}, name="band"
            )
        )
        fig.add_trace(go.Scatter(x=self.index, y=100 * np.asarray(self.point_tci), name="TCI"))
        fig.update_layout(title=self.summary(), yaxis_title="%")
        return fig


@validate_params(
    result=RESULT,
    n_boot=Integer(min=2),
    level=UNIT_OPEN,
    scheme=Options(*SCHEMES),
    block_length=Integer(min=1),
    seed=[None, Integer(min=0)],
    batch=Integer(min=1),
)
def bootstrap_bands(
    result: Connectedness,
    *,
    n_boot: int = 200,
    level: float = 0.9,
    scheme: str = "residual",
    block_length: int = 1,
    seed: int | None = 0,
    batch: int = 8,
) -> Connectedness:
    """``result`` with bootstrap bands of its TCI and NET attached (``result.bands``).

    Parameters
    ----------
    result : Connectedness
        A time, joint, extended joint or frequency-band result (keeps its model fit).
    n_boot : int
        Replications that succeed (failed draws - an explosive pseudo-sample, a singular
        window - are redrawn, at most ``n_boot`` times, and counted).
    level : float
        Coverage of the percentile bands.
    scheme : {"residual", "block"}
        See the module docstring; ``"block"`` needs a whole-sample estimate.
    block_length : int
        Length of the resampled blocks (1: independent draws of residual vectors).
    seed : int or None
        Seed of the random generator (recorded in the metadata).
    batch : int
        TVP-VAR pseudo-samples filtered together (one per thread).
    """
    from bubblewatch.errors import InsufficientDataError

    n_boot = check_positive_int(n_boot, "n_boot (bootstrap replications)", 2)
    level = check_fraction(level, "level")
    block_length = check_positive_int(block_length, "block_length")
    if scheme not in SCHEMES:
        raise InputError(f"scheme must be one of {', '.join(SCHEMES)}; got {scheme!r}")
    fit = result.fit
    if fit is None:
        raise InputError("this result does not keep its model fit; recompute it to get bands")
    if scheme == "block" and len(fit.index) > 1:
        raise InputError(
            "scheme='block' resamples the observations, which only suits a whole-sample "
            "estimate; use scheme='residual' for time-varying or rolling models"
        )
    if block_length >= len(fit.data) // 2:
        raise InputError(
            f"block_length {block_length} is too long for {len(fit.data)} observations"
        )
    rng = np.random.default_rng(seed)
    scale = np.abs(fit.data.to_numpy()).max()
    draws: list[np.ndarray] = []
    failed = 0
    while len(draws) < n_boot:
        todo = min(batch, n_boot - len(draws))
        samples = []
        for _ in range(todo):
            s = simulate(fit, rng, scheme=scheme, block_length=block_length)
            if not (np.all(np.isfinite(s)) and np.abs(s).max() < 1e3 * scale):
                failed += 1
                continue
            samples.append(s)
        for f in _replicate_fits(fit, samples) if samples else []:
            if f is None:
                failed += 1
                continue
            try:
                draws.append(_recompute(result, f))
            except InsufficientDataError:
                failed += 1
        if failed > n_boot:
            raise InsufficientDataError(
                f"{failed} bootstrap replications failed (explosive or singular pseudo-samples); "
                "the fitted model is too close to instability for a residual bootstrap"
            )
    arr = np.stack(draws)
    bands = ConnectednessBands(
        metadata=make_metadata(
            {
                "n_boot": n_boot,
                "level": level,
                "scheme": scheme,
                "block_length": block_length,
                **dict(result.metadata.parameters),
            },
            data=fit.data,
            seed=seed,
        ),
        names=result.names,
        index=result.index,
        level=level,
        scheme=scheme,
        block_length=block_length,
        n_boot=n_boot,
        n_failed=failed,
        seed=seed,
        point_tci=frozen_array(result.tci_t),
        point_net_t=frozen_array(result.net_t),
        boot_tci=frozen_array(arr[:, :, 0]),
        boot_net=frozen_array(arr[:, :, 1:]),
        description=f"{result.approach} connectedness, {result.description}",
    )
    return dataclasses.replace(result, bands=bands)
