"""Debt dynamics: the debt-to-GDP path from the interest rate, growth and primary balance.

The one-period law of motion [1]_ [2]_, all as fractions of GDP and per year:

.. math:: d_{t+1} = d_t \\frac{1 + r}{1 + g} - pb

with :math:`d` debt/GDP, :math:`r` the nominal effective interest rate on the debt,
:math:`g` nominal GDP growth and :math:`pb` the primary balance (surplus positive).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError
from bubblewatch.results import Result, make_metadata
from bubblewatch.validation import ArrayLike, Integer, MappingOf, Real, Text, validate_params

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["DebtPath", "DebtScenarios", "debt_path", "debt_scenarios", "debt_stabilising_pb"]


def _per_year(x: float | Sequence[float], n: int, name: str) -> np.ndarray:
    a = np.atleast_1d(np.asarray(x, dtype=float))
    if a.size == 1:
        a = np.full(n, float(a[0]))
    if a.size != n:
        raise InputError(f"{name} has {a.size} values; give one number or one per year ({n})")
    if not np.all(np.isfinite(a)):
        raise InputError(f"{name} must be finite numbers")
    return a


@dataclasses.dataclass(frozen=True)
class DebtPath(Result):
    """A debt/GDP path (ratios and rates as fractions, also in ``to_dict`` and ``to_frame``)."""

    years: np.ndarray
    ratio: np.ndarray
    r: np.ndarray
    g: np.ndarray
    pb: np.ndarray
    name: str = "scenario"

    @property
    def final(self) -> float:
        return float(self.ratio[-1])

    def at(self, year: int) -> float:
        hit = np.flatnonzero(self.years == year)
        if hit.size == 0:
            raise InputError(f"year {year} is outside the path {self.years[0]}..{self.years[-1]}")
        return float(self.ratio[hit[0]])

    def summary(self) -> str:
        return (
            f"Debt/GDP {self.name}: {self.ratio[0] * 100:.1f}% in {self.years[0]} -> "
            f"{self.ratio[-1] * 100:.1f}% in {self.years[-1]} (r {self.r.mean() * 100:.2f}%, "
            f"g {self.g.mean() * 100:.2f}%, pb {self.pb.mean() * 100:.2f}% of GDP on average)"
        )

    def to_frame(self) -> pd.DataFrame:
        r = np.r_[np.nan, self.r]
        g = np.r_[np.nan, self.g]
        pb = np.r_[np.nan, self.pb]
        return pd.DataFrame(
            {"debt_gdp": self.ratio, "r": r, "g": g, "pb": pb},
            index=pd.Index(self.years, name="year"),
        )

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        fig = go.Figure(go.Scatter(x=self.years, y=self.ratio * 100, name=self.name))
        fig.update_layout(title="Debt / GDP", yaxis_title="debt (% of GDP)", xaxis_title="year")
        return fig

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "years": [int(y) for y in self.years],
            "debt_gdp": [float(v) for v in self.ratio],
            "final_year": int(self.years[-1]),
            "final_debt_gdp": self.final,
            "r": [float(v) for v in self.r],
            "g": [float(v) for v in self.g],
            "pb": [float(v) for v in self.pb],
        }


@validate_params(
    d0=Real(),
    r=[Real(), ArrayLike(what="one rate per year")],
    g=[Real(), ArrayLike(what="one growth rate per year")],
    pb=[Real(), ArrayLike(what="one primary balance per year")],
    start_year=Integer(),
    end_year=Integer(),
    name=Text(),
)
def debt_path(
    d0: float,
    r: float | Sequence[float],
    g: float | Sequence[float],
    pb: float | Sequence[float],
    *,
    start_year: int,
    end_year: int = 2034,
    name: str = "scenario",
) -> DebtPath:
    """Iterate :math:`d_{t+1} = d_t (1+r)/(1+g) - pb` from ``start_year`` to ``end_year``.

    Parameters
    ----------
    d0 : float
        Debt/GDP in ``start_year`` as a fraction (0.99 for 99%); must be >= 0.
    r, g, pb : float or sequence
        Nominal effective interest rate, nominal GDP growth and primary balance (surplus
        positive, fraction of GDP); one value or one per year step.
    start_year, end_year : int
        First and last year of the path.

    Returns
    -------
    DebtPath

    Raises
    ------
    InputError
        For g <= -100% (GDP would vanish), negative debt, or end_year <= start_year.

    References
    ----------
    .. [1] Blanchard, O. (1990). Suggestions for a new set of fiscal indicators. OECD
       Economics Department Working Paper 79.
    .. [2] Escolano, J. (2010). A practical guide to public debt dynamics, fiscal
       sustainability, and cyclical adjustment of budgetary aggregates. IMF Technical
       Notes and Manuals 10/02.

    Examples
    --------
    >>> p = debt_path(1.0, 0.04, 0.04, 0.01, start_year=2025, end_year=2027)
    >>> [round(float(v), 4) for v in p.ratio]
    [1.0, 0.99, 0.98]
    """
    if not np.isfinite(d0) or d0 < 0:
        raise InputError(
            f"initial debt/GDP {d0!r} must be a non-negative number (a fraction, 0.99 = 99%)"
        )
    if end_year <= start_year:
        raise InputError(f"end year {end_year} must be after the start year {start_year}")
    n = end_year - start_year
    ra, ga, pa = _per_year(r, n, "r"), _per_year(g, n, "g"), _per_year(pb, n, "pb")
    if np.any(ga <= -1.0):
        raise InputError("g must be above -100% (nominal GDP cannot fall to zero or below)")
    if np.any(ra <= -1.0):
        raise InputError("r must be above -100%")
    out = np.empty(n + 1)
    out[0] = d0
    for t in range(n):
        out[t + 1] = out[t] * (1.0 + ra[t]) / (1.0 + ga[t]) - pa[t]
        if out[t + 1] < 0:
            raise InputError(
                f"debt/GDP turns negative in {start_year + t + 1} ({out[t + 1] * 100:.1f}%): "
                "the primary surpluses exceed the debt; lower pb"
            )
    return DebtPath(
        metadata=make_metadata(
            {
                "d0": d0,
                "r": ra.tolist(),
                "g": ga.tolist(),
                "pb": pa.tolist(),
                "start_year": start_year,
                "end_year": end_year,
            }
        ),
        years=np.arange(start_year, end_year + 1),
        ratio=out,
        r=ra,
        g=ga,
        pb=pa,
        name=name,
    )


@validate_params(
    d=Real(),
    r=Real(),
    g=Real(),
)
def debt_stabilising_pb(d: float, r: float, g: float) -> float:
    """Primary balance that keeps debt/GDP constant: :math:`pb^* = d (r - g)/(1 + g)`.

    Examples
    --------
    >>> round(debt_stabilising_pb(1.0, 0.05, 0.04), 5)
    0.00962
    """
    if g <= -1.0:
        raise InputError("g must be above -100%")
    return d * (r - g) / (1.0 + g)


@dataclasses.dataclass(frozen=True)
class DebtScenarios(Result):
    """Several :class:`DebtPath` scenarios from the same start."""

    paths: tuple[DebtPath, ...]

    def summary(self) -> str:
        return "\n".join(p.summary() for p in self.paths)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {p.name: p.ratio for p in self.paths},
            index=pd.Index(self.paths[0].years, name="year"),
        )

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        fig = go.Figure()
        from bubblewatch.chart_style import color

        for i, p in enumerate(self.paths):
            fig.add_trace(
                go.Scatter(x=p.years, y=p.ratio * 100, name=p.name, line={"color": color(i)})
            )
        fig.update_layout(
            title="Debt / GDP scenarios", yaxis_title="debt (% of GDP)", xaxis_title="year"
        )
        return fig

    def to_dict(self) -> dict[str, Any]:
        return {"scenarios": [p.to_dict() for p in self.paths]}


@validate_params(
    d0=Real(),
    scenarios=MappingOf("a mapping name -> (r, g, pb)"),
    start_year=Integer(),
    end_year=Integer(),
)
def debt_scenarios(
    d0: float,
    scenarios: Mapping[str, tuple[float, float, float]],
    *,
    start_year: int,
    end_year: int = 2034,
) -> DebtScenarios:
    """:func:`debt_path` for each named ``(r, g, pb)`` scenario."""
    if not scenarios:
        raise InputError("give at least one scenario name -> (r, g, pb)")
    paths = tuple(
        debt_path(d0, r, g, pb, start_year=start_year, end_year=end_year, name=name)
        for name, (r, g, pb) in scenarios.items()
    )
    return DebtScenarios(
        metadata=make_metadata({"d0": d0, "scenarios": {k: list(v) for k, v in scenarios.items()}}),
        paths=paths,
    )
