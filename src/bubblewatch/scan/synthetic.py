"""A seeded synthetic universe for scan benchmarks: GARCH random walks, some with a bubble.

Each series is ``n_obs`` daily closes starting at 100. Log returns follow a GARCH(1,1)
with Gaussian innovations, ``r_t = σ_t z_t``, ``σ²_t = ω + α r²_{t-1} + β σ²_{t-1}``
(``α = 0.08``, ``β = 0.90`` as in the status issue's size study, ``ω`` giving an
unconditional daily volatility of 2%), started at the unconditional variance, so the
log price is a random walk with volatility clustering: the PSY null in spirit, not in the
homoskedastic letter (the false-alarm rate of homoskedastic critical values is above
nominal on it, which is the point of measuring it).

A share ``share_explosive`` of the series (the first of every block of
``round(1/share_explosive)``, so any prefix keeps the proportion) also carry a bubble and
its collapse, added to the log price:

* the run-up starts at a uniform position in [0.35, 0.65]·n_obs, lasts ``L`` sessions
  (uniform in [80, 160]) and adds ``R·(δ^k - 1)/(δ^L - 1)`` after k sessions, with
  ``δ^L = e^3`` (a convex, explosive path) and ``R`` uniform in [0.5, 1.0] log points;
* the collapse lasts ``C`` sessions (uniform in [10, 30]) and takes back a share ``f``
  (uniform in [0.6, 1.0]) of the run-up, linearly; the component then stays put.

Series ``i`` uses the ``i``-th child of ``SeedSequence(seed)`` for everything, so it is
the same whatever ``n_series`` is: a 1% sample is the first 1% of the full panel.

References
----------
.. [1] Bollerslev, T. (1986). Generalized autoregressive conditional heteroskedasticity.
   Journal of Econometrics 31(3), 307-327.
.. [2] Phillips, P.C.B., Shi, S. & Yu, J. (2015). Testing for multiple bubbles.
   International Economic Review 56(4), 1043-1078 (the bubble-and-collapse design).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError
from bubblewatch.validation import Date, Integer, Real, validate_params

__all__ = ["synthetic_panel"]


@validate_params(
    n_series=Integer(min=1),
    n_obs=Integer(min=200),
    share_explosive=Real(min=0.0, max=1.0),
    alpha=Real(min=0.0),
    beta=Real(min=0.0),
    daily_vol=Real(min=0.0, min_open=True),
    seed=Integer(min=0),
    start=Date(),
)
def synthetic_panel(
    n_series: int = 5000,
    n_obs: int = 1000,
    *,
    share_explosive: float = 0.1,
    alpha: float = 0.08,
    beta: float = 0.90,
    daily_vol: float = 0.02,
    seed: int = 2026,
    start: str = "2020-01-01",
) -> tuple[dict[str, pd.Series], pd.DataFrame]:
    """The synthetic universe (see the module docstring).

    Returns
    -------
    series : dict of str to pandas.Series
        ``{"SYN00000": closes, ...}`` on business days from ``start``.
    truth : pandas.DataFrame
        One row per series: ``symbol``, ``explosive`` (has a bubble), and for the bubbles
        ``start``, ``peak``, ``end`` (dates), ``runup`` (log points), ``collapse`` (share
        of the run-up given back).

    Examples
    --------
    >>> s, truth = synthetic_panel(20, 300, seed=1)
    >>> len(s), int(truth["explosive"].sum()), bool((s["SYN00000"] > 0).all())
    (20, 2, True)
    >>> s2, _ = synthetic_panel(5, 300, seed=1)
    >>> bool((s2["SYN00003"] == s["SYN00003"]).all())
    True
    """
    if alpha + beta >= 1:
        raise InputError(f"GARCH needs alpha, beta >= 0 and alpha + beta < 1; got {alpha}, {beta}")
    every = round(1 / share_explosive) if share_explosive > 0 else 0
    omega = daily_vol**2 * (1 - alpha - beta)
    gens = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(n_series)]
    z = np.stack([g.standard_normal(n_obs - 1) for g in gens])
    # GARCH(1,1), vectorised across series
    r = np.empty_like(z)
    var = np.full(n_series, daily_vol**2)
    for t in range(n_obs - 1):
        r[:, t] = np.sqrt(var) * z[:, t]
        var = omega + alpha * r[:, t] ** 2 + beta * var
    logp = np.log(100.0) + np.concatenate([np.zeros((n_series, 1)), np.cumsum(r, axis=1)], axis=1)
    dates = pd.bdate_range(start, periods=n_obs)
    names = [f"SYN{i:05d}" for i in range(n_series)]
    truth = {n: {"symbol": n, "explosive": False} for n in names}
    for i in range(n_series):
        if not every or i % every:
            continue
        g = gens[i]
        L = int(g.integers(80, 161))
        C = int(g.integers(10, 31))
        t0 = int(g.uniform(0.35, 0.65) * n_obs)
        t0 = min(t0, n_obs - L - C - 1)
        R = float(g.uniform(0.5, 1.0))
        f = float(g.uniform(0.6, 1.0))
        delta = math.exp(3.0 / L)
        k = np.arange(L + 1)
        bubble = np.zeros(n_obs)
        bubble[t0 : t0 + L + 1] = R * (delta**k - 1) / (delta**L - 1)
        fall = R * (1 - f * np.arange(1, C + 1) / C)
        bubble[t0 + L + 1 : t0 + L + 1 + C] = fall
        bubble[t0 + L + 1 + C :] = R * (1 - f)
        logp[i] += bubble
        truth[names[i]].update(
            explosive=True, start=dates[t0], peak=dates[t0 + L], end=dates[t0 + L + C],
            runup=R, collapse=f,
        )  # fmt: skip
    series = {n: pd.Series(np.exp(logp[i]), index=dates, name=n) for i, n in enumerate(names)}
    cols = ["symbol", "explosive", "start", "peak", "end", "runup", "collapse"]
    table = pd.DataFrame(list(truth.values()), columns=cols)
    for c in ("start", "peak", "end"):
        table[c] = pd.to_datetime(table[c])
    return series, table
