"""Real-time PSY monitoring: append one observation, get its BSADF in O(T) work.

A new observation ``y_t`` adds one BSADF value (the maximum ADF over the windows ending at
``t``) and one BADF value; nothing computed before changes. :class:`PSYMonitor` computes
exactly those windows with the same kernel as the batch :func:`~bubblewatch.detect.psy.psy`,
so its values are bit-identical to the batch result on the same data — O(T·k²) work and
O(T) memory per step, suited to daily monitoring of thousands of series.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> y = np.cumsum(rng.normal(size=120))
>>> mon = PSYMonitor(y[:100], min_window=20)
>>> for v in y[100:]:
...     _ = mon.update(v)
>>> from bubblewatch.detect.psy import psy
>>> bool((mon.result().bsadf.to_numpy() == psy(y, min_window=20).bsadf.to_numpy()).all())
True

References
----------
.. [1] Phillips, P.C.B. & Shi, S. (2020). Real time monitoring of asset markets: bubbles and
   crises. Handbook of Statistics 42, 61-80.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.detect import _psy_kernels as _k
from bubblewatch.detect.psy import PSYResult, _warn_nan, psy
from bubblewatch.detect.psy_setup import IC_CODES, check_window
from bubblewatch.errors import InputError
from bubblewatch.results import make_metadata

__all__ = ["PSYMonitor"]


class PSYMonitor:
    """Incremental BSADF for a growing series.

    Parameters
    ----------
    y : array-like or pandas.Series
        The history so far (at least ``min_window`` observations).
    min_window : int, optional
        Smallest window; fixed for the monitor's life (default from the history's length).
    lags, ic, max_lags, log
        As in :func:`~bubblewatch.detect.psy.psy`.
    """

    def __init__(
        self,
        y: Any,
        *,
        min_window: int | None = None,
        lags: int = 0,
        ic: str | None = None,
        max_lags: int | None = None,
        log: bool = False,
    ) -> None:
        first = psy(y, min_window=min_window, lags=lags, ic=ic, max_lags=max_lags, log=log)
        self._log = bool(log)
        self._ic = first.ic
        self._icc = IC_CODES[first.ic]
        self._K = first.lags
        self.min_window = first.min_window
        n = first.nobs
        cap = max(16, 2 * n)
        self._y = np.empty(cap)
        self._y[:n] = first.y.to_numpy()
        self._dyp = np.zeros(cap + self._K)
        self._dyp[self._K + 1 : self._K + n] = np.diff(self._y[:n])
        self._rec = _k.reciprocals(cap + 1)
        self._n = n
        self._index: list[Any] = list(first.y.index)
        self._badf: list[float] = first.badf.tolist()
        self._bsadf: list[float] = first.bsadf.tolist()
        p = self._K + 2
        self._C = np.empty((p, p))
        self._L = np.empty((p, p))
        self._mean = np.empty(p)
        self._z = np.empty(p)
        self._ring = np.empty(self._K + 1, dtype=np.int64)
        self._nan = first.nan_windows
        self._name = first.y.name
        check_window(n, self.min_window, self._K, "the monitor")

    @property
    def nobs(self) -> int:
        """Observations so far."""
        return self._n

    @property
    def bsadf(self) -> pd.Series:
        """The BSADF sequence so far."""
        return pd.Series(
            self._bsadf, index=pd.Index(self._index[self.min_window - 1 :]), name="bsadf"
        )

    def update(self, value: float, date: Any = None) -> float:
        """Append one observation (dated ``date``; default: the next position) and return its
        BSADF value."""
        v = float(value)
        dated = isinstance(self._index[-1], pd.Timestamp)
        if date is None:
            if dated:
                raise InputError(
                    "this monitor's series is dated: pass date= with each new observation"
                )
            label: Any = len(self._index)
        else:
            label = pd.Timestamp(date) if dated else date
            if dated and label <= self._index[-1]:
                raise InputError(
                    f"new date {label.date()} is not after the last date {self._index[-1].date()}"
                )
        if not math.isfinite(v):
            raise InputError(f"the new observation at {label} is {v}; PSY needs finite values")
        if self._log:
            if v <= 0:
                raise InputError(
                    f"the new observation at {label} is {v}, non-positive, so its log is undefined"
                )
            v = math.log(v)
        n = self._n
        if n == self._y.shape[0]:
            self._y = np.concatenate((self._y, np.empty(n)))
            self._dyp = np.concatenate((self._dyp, np.zeros(n)))
            self._rec = _k.reciprocals(self._y.shape[0] + 1)
        self._y[n] = v
        self._dyp[self._K + n] = v - self._y[n - 1]
        self._n = n + 1
        b, a, nn = _k.psy_end(
            self._y[: n + 1],
            self._dyp[: self._K + n + 1],
            self._rec,
            n,
            self.min_window,
            self._K,
            self._icc,
            self._C,
            self._mean,
            self._z,
            self._L,
            self._ring,
        )
        _warn_nan(int(nn))
        self._nan += int(nn)
        self._index.append(label)
        self._badf.append(float(a))
        self._bsadf.append(float(b))
        return float(b)

    def result(self) -> PSYResult:
        """The statistics so far as a :class:`~bubblewatch.detect.psy.PSYResult` (equal to the
        batch result on the same data)."""
        idx = pd.Index(self._index)
        y = pd.Series(self._y[: self._n].copy(), index=idx, name=self._name)
        bidx = idx[self.min_window - 1 :]
        badf = pd.Series(self._badf, index=bidx, name="badf")
        bsadf = pd.Series(self._bsadf, index=bidx, name="bsadf")
        params = {
            "min_window": self.min_window,
            "lags": None if self._ic else self._K,
            "ic": self._ic,
            "max_lags": self._K if self._ic else None,
            "log": self._log,
            "nobs": self._n,
        }
        return PSYResult(
            metadata=make_metadata(params, data=y),
            y=y,
            adf=float(badf.iloc[-1]),
            sadf=float(np.nanmax(badf.to_numpy())) if badf.notna().any() else math.nan,
            gsadf=float(np.nanmax(bsadf.to_numpy())) if bsadf.notna().any() else math.nan,
            badf=badf,
            bsadf=bsadf,
            min_window=self.min_window,
            lags=self._K,
            ic=self._ic,
            nan_windows=self._nan,
        )
