"""Examples of the detect/ results for the result contract test."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bubblewatch.detect.lppls import LPPLSFit, fit_lppls
from bubblewatch.detect.lppls_confidence import LPPLSConfidence, lppls_confidence
from bubblewatch.detect.lppls_model import SearchGrid, lppls_curve
from bubblewatch.detect.psy import PSYResult, psy
from bubblewatch.detect.psy_cv import PSYCriticalValues
from bubblewatch.detect.psy_table import table_critical_values


def _walk(n: int = 120) -> pd.Series:
    rng = np.random.default_rng(0)
    return pd.Series(
        100 * np.exp(np.cumsum(rng.normal(0, 0.01, n))),
        index=pd.bdate_range("2024-01-01", periods=n),
    )


def _bubble(n: int = 160) -> pd.Series:
    t = np.arange(float(n))
    p = np.exp(lppls_curve(t, n + 20.0, 0.5, 8.0, 5.0, -0.1, 0.01, 0.0))
    return pd.Series(p, index=pd.bdate_range("2024-01-01", periods=n))


def _psy() -> PSYResult:
    return psy(_walk(), log=True).with_critical_values(method="table")


EXAMPLES = {
    PSYResult: _psy,
    PSYCriticalValues: lambda: table_critical_values(120),
    LPPLSFit: lambda: fit_lppls(_bubble()),
    LPPLSConfidence: lambda: lppls_confidence(
        _bubble(),
        window_max=60,
        window_min=40,
        window_step=10,
        end_step=20,
        grid=SearchGrid(n_tc=4, n_m=3, n_omega=3, n_polish=1),
    ),
}
