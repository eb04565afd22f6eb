"""The shipped table of PSY critical values (no simulation).

Table (``method="table"``)
    Monte Carlo values shipped in ``detect/tables/psy_cv.npz`` (lag 0, default window,
    2000 replications, streams seeded ``20151 + T``, T in {50, 100, 200, 400, 800, 1600,
    3200}), made by ``scripts/make_psy_cv_table.py``. For other T the curves are read at the
    same relative position in the BSADF sequence and interpolated linearly in log T; above
    the grid its last point is used (the method string says so); below it the table refuses
    (``critical_values(result, method="auto")`` simulates for that T instead).

"""

from __future__ import annotations

import dataclasses
import importlib.resources
import math

import numpy as np
import pandas as pd

from bubblewatch.detect.psy_cv import LEVELS, PSYCriticalValues
from bubblewatch.detect.psy_setup import CV_RULE, INDEX, default_min_window
from bubblewatch.errors import InputError
from bubblewatch.results import make_metadata
from bubblewatch.validation import Integer, validate_params

__all__ = ["load_table", "table_critical_values"]

TABLE_FILE = "psy_cv.npz"


@dataclasses.dataclass(frozen=True)
class _Table:
    grid: np.ndarray
    min_window: np.ndarray
    reps: int
    seed: int
    adf: np.ndarray
    sadf: np.ndarray
    gsadf: np.ndarray
    curves: dict[str, list[np.ndarray]]


_TABLE: list[_Table] = []


@validate_params()
def load_table() -> _Table:
    """The shipped Monte Carlo table (cached after the first call)."""
    if not _TABLE:
        ref = importlib.resources.files("bubblewatch.detect") / "tables" / TABLE_FILE
        with importlib.resources.as_file(ref) as path, np.load(path) as z:
            offsets = z["offsets"]
            curves = {
                key: [z[key][offsets[i] : offsets[i + 1]] for i in range(len(offsets) - 1)]
                for key in ("badf", "bsadf_psy", "bsadf_pointwise")
            }
            _TABLE.append(
                _Table(
                    grid=z["grid"],
                    min_window=z["min_window"],
                    reps=int(z["reps"]),
                    seed=int(z["seed"]),
                    adf=z["adf"],
                    sadf=z["sadf"],
                    gsadf=z["gsadf"],
                    curves=curves,
                )
            )
    return _TABLE[0]


@validate_params(
    T=Integer(min=1),
    min_window=[None, Integer(min=1)],
    lags=Integer(min=0),
    rule=CV_RULE["rule"],
    index=INDEX,
)
def table_critical_values(
    T: int,
    *,
    min_window: int | None = None,
    lags: int = 0,
    rule: str = "psy",
    index: pd.Index | None = None,
) -> PSYCriticalValues:
    """Critical values from the shipped table (lag 0, default window; no simulation).

    Examples
    --------
    >>> round(table_critical_values(400).gsadf[95], 2) > 1.5
    True
    """
    if lags != 0:
        raise InputError(f"the shipped table is for lag 0 only; got lags={lags}: use method='mc'")
    m = default_min_window(T)
    if min_window is not None and int(min_window) != m:
        raise InputError(
            f"the shipped table uses the default min window ({m} for T={T}); got {min_window}: "
            "use method='mc'"
        )
    if rule not in ("psy", "pointwise"):
        raise InputError(
            f"the shipped table has the rules 'psy' and 'pointwise'; got {rule!r}: use method='mc'"
        )
    tab = load_table()
    grid = tab.grid.astype(float)
    if T < grid[0]:
        raise InputError(
            f"the shipped table starts at T={int(grid[0])}; got T={T}: its critical values "
            "would be too small for so short a series; use method='mc' (simulated for this T)",
            parameter="T",
        )
    n = T - m + 1
    u = np.linspace(0.0, 1.0, n)
    lt = math.log(T)
    lg = np.log(grid)
    if T <= grid[0] or T >= grid[-1]:
        j = 0 if T <= grid[0] else len(grid) - 1
        pairs = [(j, 1.0)]
        how = "exact" if T == grid[j] else "nearest"
        method = f"table (T={int(grid[j])}{'' if how == 'exact' else ', nearest grid point'})"
    else:
        hi = int(np.searchsorted(grid, T))
        if grid[hi] == T:
            pairs = [(hi, 1.0)]
            method = f"table (T={T})"
        else:
            w = (lt - lg[hi - 1]) / (lg[hi] - lg[hi - 1])
            pairs = [(hi - 1, 1.0 - w), (hi, w)]
            method = f"table (interpolated between T={int(grid[hi - 1])} and T={int(grid[hi])})"

    def curve(key: str) -> np.ndarray:
        out = np.zeros((n, 3))
        for j, w in pairs:
            c = tab.curves[key][j]
            ug = np.linspace(0.0, 1.0, c.shape[0])
            out += w * np.column_stack([np.interp(u, ug, c[:, q]) for q in range(3)])
        return out

    def scalar(arr: np.ndarray) -> dict[int, float]:
        v = sum(w * arr[j] for j, w in pairs)
        return dict(zip(LEVELS, map(float, v)))

    idx = index if index is not None else pd.RangeIndex(m - 1, T)
    if len(idx) != n:
        raise InputError(f"index has {len(idx)} labels; the BSADF sequence has {n}")
    cols = list(LEVELS)
    params = {"method": method, "rule": rule, "nobs": T, "min_window": m, "lags": 0}
    return PSYCriticalValues(
        metadata=make_metadata(params, seed=tab.seed),
        method=method,
        rule=rule,
        reps=tab.reps,
        seed=tab.seed,
        nobs=T,
        min_window=m,
        lags=0,
        ic=None,
        adf=scalar(tab.adf),
        sadf=scalar(tab.sadf),
        gsadf=scalar(tab.gsadf),
        badf=pd.DataFrame(curve("badf"), index=idx, columns=cols),
        bsadf=pd.DataFrame(curve(f"bsadf_{rule}"), index=idx, columns=cols),
    )
