"""Joint (Lastrapes-Wiesen 2021) and extended joint (Balcilar-Gabauer-Umar 2021) connectedness.

The joint FROM share of series i is the part of its H-step forecast-error variance due to the
shocks of *all other* series at once, identified jointly (no order, no double counting):

    S_i = sum_h e_i' Psi_h Sigma M_i (M_i' Sigma M_i)^{-1} M_i' Sigma Psi_h' e_i / Xi_ii,

``M_i`` the identity without column i, ``Xi = sum_h Psi_h Sigma Psi_h'`` (h = 0..H-1). The
joint TCI is ``mean(S)``.

* **Joint** (Lastrapes & Wiesen): the generalized FEVD table is kept; TO is the generalized TO
  divided by ``lambda = gTCI / jTCI`` (so TO and FROM add up to the same total) and
  ``NET = TO - FROM``.
* **Extended joint** (Balcilar, Gabauer & Umar): each row of the generalized FEVD is rescaled
  so its off-diagonal part sums to ``S_i`` (``lambda_i = S_i / gFROM_i``) and the diagonal is
  ``1 - S_i``; TO, FROM, NET and TCI are the table's, so the measures are consistent and NET
  sums to zero.

References
----------
.. [1] Lastrapes, W. D. & Wiesen, T. F. P. (2021). The joint spillover index. *Economic
       Modelling*, 94, 681-691.
.. [2] Balcilar, M., Gabauer, D. & Umar, Z. (2021). Crude oil futures contracts and commodity
       markets: new evidence from a TVP-VAR extended joint connectedness approach. *Resources
       Policy*, 73, 102219.
"""

from __future__ import annotations

import numpy as np

from bubblewatch.market.connectedness import _fevd_kernels as FK
from bubblewatch.market.connectedness._inputs import check_positive_int
from bubblewatch.market.connectedness.model_fit import FIT, ModelFit
from bubblewatch.market.connectedness.tables import (
    Connectedness,
    build,
    dynamic_fevd,
    from_fevd,
    measures,
    require_ok,
)
from bubblewatch.validation import Integer, validate_params

__all__ = ["extended_joint_connectedness", "joint_connectedness"]


def _joint_from(fit: ModelFit, horizon: int) -> np.ndarray:
    s, ok = FK.joint_from(np.ascontiguousarray(fit.coefs), np.ascontiguousarray(fit.sigma), horizon)
    require_ok(fit, ok, "the joint shares are not identified")
    return s


@validate_params(fit=FIT, horizon=Integer(min=1))
def joint_connectedness(fit: ModelFit, *, horizon: int = 10) -> Connectedness:
    """Lastrapes-Wiesen joint connectedness of every estimate (see the module docstring)."""
    horizon = check_positive_int(horizon, "horizon")
    g = dynamic_fevd(fit, horizon, "generalized")
    gto, _gfrom, _gnet, gtci = measures(g)
    jfrom = _joint_from(fit, horizon)
    jtci = jfrom.mean(axis=1)
    lam = gtci / jtci
    to = gto / lam[:, None]
    return build(fit, g, to, jfrom, to - jfrom, jtci, approach="joint", horizon=horizon)


@validate_params(fit=FIT, horizon=Integer(min=1))
def extended_joint_connectedness(fit: ModelFit, *, horizon: int = 10) -> Connectedness:
    """Balcilar-Gabauer-Umar extended joint connectedness (see the module docstring)."""
    horizon = check_positive_int(horizon, "horizon")
    g = dynamic_fevd(fit, horizon, "generalized")
    _gto, gfrom, _gnet, _gtci = measures(g)
    jfrom = _joint_from(fit, horizon)
    table = g * (jfrom / gfrom)[:, :, None]
    k = len(fit.names)
    idx = np.arange(k)
    table[:, idx, idx] = 1.0 - jfrom
    return from_fevd(fit, table, approach="extended-joint", horizon=horizon)
