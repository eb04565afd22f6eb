"""Multiple testing across a scan: Benjamini-Hochberg false-discovery-rate control.

Testing 5,000 random walks at the 5% level flags about 250 of them by chance. The
Benjamini-Hochberg step-up procedure [1]_ instead bounds the expected share of false
discoveries among the flagged series by ``q`` (for independent or positively dependent
tests [2]_): with the m p-values sorted, ``p_(1) <= ... <= p_(m)``, it rejects the k
smallest, k the largest index with ``p_(k) <= k·q/m``. The adjusted p-value (q-value) of
the series of rank i is ``min_{j >= i} min(1, m·p_(j)/j)``; a series is flagged when its
q-value is at most ``q``.

References
----------
.. [1] Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate: a
   practical and powerful approach to multiple testing. Journal of the Royal Statistical
   Society B 57(1), 289-300.
.. [2] Benjamini, Y. & Yekutieli, D. (2001). The control of the false discovery rate in
   multiple testing under dependency. Annals of Statistics 29(4), 1165-1188.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bubblewatch.errors import InputError
from bubblewatch.validation import ArrayLike, Real, validate_params

__all__ = ["benjamini_hochberg"]


@validate_params(
    pvalues=ArrayLike(what="p-values"), q=Real(min=0.0, max=1.0, min_open=True, max_open=True)
)
def benjamini_hochberg(pvalues: Any, q: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Benjamini-Hochberg adjusted p-values and rejections at false-discovery rate ``q``.

    Parameters
    ----------
    pvalues : array-like
        One p-value per test; NaN marks a test that was not run (left out of m).
    q : float
        False-discovery rate, in (0, 1).

    Returns
    -------
    qvalues : numpy.ndarray
        Adjusted p-values (NaN where the p-value is NaN).
    reject : numpy.ndarray of bool
        ``qvalues <= q`` (False where the p-value is NaN).

    Examples
    --------
    >>> qv, rej = benjamini_hochberg([0.01, 0.04, 0.03, 0.20, float("nan")], q=0.05)
    >>> [round(float(v), 4) for v in qv[:4]], rej.tolist()
    ([0.04, 0.0533, 0.0533, 0.2], [True, False, False, False, False])
    """
    p = np.asarray(pvalues, dtype=float)
    if p.ndim != 1:
        raise InputError(f"pvalues must be one-dimensional; got shape {p.shape}")
    ok = ~np.isnan(p)
    if ((p[ok] < 0) | (p[ok] > 1)).any():
        bad = float(p[ok][(p[ok] < 0) | (p[ok] > 1)][0])
        raise InputError(f"p-values must lie in [0, 1]; got {bad}")
    qvalues = np.full(p.shape, np.nan)
    m = int(ok.sum())
    if m:
        idx = np.flatnonzero(ok)
        order = idx[np.argsort(p[idx], kind="stable")]
        ranked = p[order] * m / np.arange(1, m + 1)
        qvalues[order] = np.minimum(1.0, np.minimum.accumulate(ranked[::-1])[::-1])
    reject = np.zeros(p.shape, dtype=bool)
    reject[ok] = qvalues[ok] <= q
    return qvalues, reject
