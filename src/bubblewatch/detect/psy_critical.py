"""Critical values of the PSY statistics: Monte Carlo, wild bootstrap and a shipped table.

* :mod:`~bubblewatch.detect.psy_simulation` -- Monte Carlo under the PSY null (``method="mc"``)
  and the wild bootstrap (``method="wb"``, HLST 2016 or Phillips & Shi 2020);
* :mod:`~bubblewatch.detect.psy_table` -- the shipped Monte Carlo table (``method="table"``);
* :mod:`~bubblewatch.detect.psy_cv` -- the result (:class:`PSYCriticalValues`) and the BSADF
  critical-value rules (``"psy"``, ``"pointwise"``, ``"familywise"``).

This module chooses among them for a result (:func:`critical_values`, :func:`auto_method`)
and re-exports their names. Replications draw from independent seeded streams, so the values
are bit-identical for any thread count.

Names: the critical values of PSY are computed by ``critical_values`` everywhere --
``critical_values(result, method=...)`` here and ``PSYResult.critical_values(method=...)``
are the same call; the builders of one method are ``<method>_critical_values``
(``mc_``, ``wb_``, ``table_``: the values of ``method=``). On a result,
``with_critical_values(...)`` returns a copy with them attached and
``critical_values_in_use()`` gives those its verdict and episodes use (the attached ones,
else ``method="auto"`` computed once). A parameter or field holding them is ``cv``. The old
names ``critical_values_for`` and ``PSYResult.default_critical_values`` still work and warn.

The references (PSY 2015, HLST 2016, Phillips & Shi 2020) are listed in
:mod:`~bubblewatch.detect.psy_simulation`.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from bubblewatch.detect.psy_cv import LEVELS, PSYCriticalValues, bsadf_rule
from bubblewatch.detect.psy_setup import CV_CHOICE, default_min_window
from bubblewatch.detect.psy_simulation import (
    mc_critical_values,
    simulate_statistics,
    wb_critical_values,
)
from bubblewatch.detect.psy_table import TABLE_FILE, load_table, table_critical_values
from bubblewatch.errors import InputError
from bubblewatch.validation import Anything, Options, validate_params

if TYPE_CHECKING:  # pragma: no cover
    from bubblewatch.detect.psy import PSYResult

__all__ = [
    "LEVELS",
    "TABLE_FILE",
    "PSYCriticalValues",
    "auto_method",
    "bsadf_rule",
    "critical_values",
    "load_table",
    "mc_critical_values",
    "simulate_statistics",
    "table_critical_values",
    "wb_critical_values",
]


@validate_params(
    result=Anything("a PSYResult (from psy())"),
    rule=Options("psy", "pointwise", "familywise"),
)
def auto_method(result: PSYResult, rule: str = "psy") -> str:
    """What ``method="auto"`` picks for ``result``: ``"table"`` when the shipped table applies
    (lag 0, no IC, the default window, rule psy/pointwise, T within or above the table's
    grid), else ``"mc"``."""
    fits = (
        result.lags == 0
        and result.ic is None
        and result.min_window == default_min_window(result.nobs)
        and rule in ("psy", "pointwise")
        and result.nobs >= int(load_table().grid[0])  # below the table: simulate for this T
    )
    return "table" if fits else "mc"


@validate_params(result=Anything("a PSYResult (from psy())"), **CV_CHOICE)
def critical_values(
    result: PSYResult,
    *,
    method: str = "auto",
    reps: int = 2000,
    seed: int | None = 0,
    rule: str = "psy",
    span: int | None = None,
    variant: str = "hlst",
    threads: int | None = None,
) -> PSYCriticalValues:
    """Critical values matching a :class:`~bubblewatch.detect.psy.PSYResult` (its T, window,
    lags and index). ``method="auto"`` uses the table when it applies (lag 0, no IC,
    default window, rule psy/pointwise, T within or above the table's grid), else Monte
    Carlo."""
    T = result.nobs
    if method == "auto":
        method = auto_method(result, rule)
    lags = result.lags if result.ic is None else 0
    max_lags = result.lags if result.ic else None
    if method == "table":
        if result.ic is not None:
            raise InputError("the shipped table is for a fixed lag 0; use method='mc'")
        return table_critical_values(
            T, min_window=result.min_window, lags=result.lags, rule=rule, index=result.bsadf.index
        )
    if method == "mc":
        return mc_critical_values(
            T,
            min_window=result.min_window,
            reps=reps,
            seed=seed,
            rule=rule,
            span=span,
            threads=threads,
            index=result.bsadf.index,
            lags=lags,
            ic=result.ic,
            max_lags=max_lags,
        )
    if method == "wb":
        return wb_critical_values(
            result.y.to_numpy(),
            min_window=result.min_window,
            reps=reps,
            seed=seed,
            rule=rule,
            span=span,
            variant=variant,
            threads=threads,
            index=result.bsadf.index,
            lags=lags,
            ic=result.ic,
            max_lags=max_lags,
        )
    raise InputError(f"method must be 'auto', 'mc', 'wb' or 'table'; got {method!r}")


def critical_values_for(result: PSYResult, **kwargs: Any) -> PSYCriticalValues:
    """Deprecated: the old name of :func:`critical_values` (same arguments, same values)."""
    warnings.warn(
        "critical_values_for() is now critical_values() (bubblewatch.detect.psy_critical)",
        DeprecationWarning,
        stacklevel=2,
    )
    return critical_values(result, **kwargs)
