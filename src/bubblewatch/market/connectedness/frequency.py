"""Frequency connectedness (Baruník & Křehlík 2018): short- vs long-run spillovers.

The generalized FEVD is decomposed over frequencies: with ``F(w) = sum_h Psi_h e^{-iwh}`` the
transfer function of the MA coefficients h = 0..H (H+1 terms, as the reference packages),
evaluated on the DFT grid ``w_j = 2 pi j / (H+1)``,

    theta_d[r, q] = sum_{w_j in d} |(F(w_j) Sigma)_rq|^2 / Sigma_qq / (row r's total over all w_j),

so the band tables add up to the time-domain generalized FEVD with H+1 MA terms (Parseval).

* ``scenario="absolute"``: each band's table as it is - its TCI is that band's share of the
  forecast-error variance due to others; the bands' TCIs add up to the time-domain TCI.
* ``scenario="within"``: each band's table rescaled to sum to k (connectedness *within* the
  band, comparable across bands).

The partition is given by decreasing break points from pi (or above) down to 0, e.g.
``(pi, pi/5, 0)``: band ``[pi/5, pi]`` holds cycles of 2 to 10 observations. ``grid="exact"``
uses the DFT frequencies ``2 pi j / n`` and closes the top band at pi; ``grid="reference"``
reproduces the band membership of ConnectednessApproach / frequencyConnectedness (their grid
``j pi / floor(n/2)`` and half-open bands ``[lo, hi)``, which leave out the frequency pi
when the partition starts exactly at pi and n is even).

References
----------
.. [1] Baruník, J. & Křehlík, T. (2018). Measuring the frequency dynamics of financial
       connectedness and systemic risk. *Journal of Financial Econometrics*, 16(2), 271-296.
.. [2] Chatziantoniou, I., Gabauer, D. & Gupta, R. (2023). Integration and risk transmission
       in the market for crude oil: a time-varying parameter frequency connectedness approach.
       *Resources Policy*, 84, 103729.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError
from bubblewatch.market.connectedness import _fevd_kernels as FK
from bubblewatch.market.connectedness._inputs import check_positive_int, label
from bubblewatch.market.connectedness.model_fit import FIT, ModelFit
from bubblewatch.market.connectedness.tables import Connectedness, _mark, from_fevd, require_ok
from bubblewatch.results import Result, frozen_array, make_metadata
from bubblewatch.validation import ArrayLike, Integer, Options, Text, validate_params

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = [
    "FrequencyConnectedness",
    "frequency_connectedness",
    "parse_partition",
    "partition_from_periods",
]

SCENARIOS = ("absolute", "within")
GRIDS = ("exact", "reference")


@validate_params(periods=ArrayLike(what="cycle lengths in observations"))
def partition_from_periods(periods: Sequence[float]) -> tuple[float, ...]:
    """Break points for cycle lengths (in observations) cutting the spectrum.

    Examples
    --------
    >>> [round(b, 4) for b in partition_from_periods([5, 21])]
    [3.1416, 1.2566, 0.2992, 0.0]
    """
    ps = sorted(float(p) for p in periods)
    if not ps or any(not p > 2.0 for p in ps):
        raise InputError(
            f"periods must be cycle lengths longer than 2 observations (2 is the shortest cycle "
            f"a sampled series shows); got {list(periods)!r}"
        )
    return (math.pi, *(2 * math.pi / p for p in ps), 0.0)


@validate_params(text=Text(empty=False))
def parse_partition(text: str) -> tuple[float, ...]:
    """Parse ``"pi,pi/5,0"`` (numbers, ``pi``, ``pi/x``, ``x*pi``) into break points."""
    out = []
    for part in str(text).split(","):
        tok = part.strip().lower().replace(" ", "")
        if not tok:
            continue
        try:
            if "pi" in tok:
                num, _, den = tok.partition("/")
                fac = num.replace("*pi", "").replace("pi", "") or "1"
                val = float(fac) * math.pi / (float(den) if den else 1.0)
            else:
                val = float(tok)
        except ValueError:
            raise InputError(
                f"cannot read the frequency break {part.strip()!r} in --partition {text!r}; "
                "write e.g. 'pi,pi/5,0'"
            ) from None
        out.append(val)
    return tuple(out)


def _check_partition(partition: Sequence[float]) -> tuple[float, ...]:
    try:
        bp = tuple(float(b) for b in partition)
    except (TypeError, ValueError):
        raise InputError(f"partition must be numbers (radians); got {partition!r}") from None
    if len(bp) < 2 or any(not np.isfinite(b) for b in bp):
        raise InputError(f"partition needs at least two finite break points; got {partition!r}")
    if any(not a > b for a, b in itertools.pairwise(bp)):
        raise InputError(
            f"partition break points must decrease strictly from pi to 0; got {list(bp)!r}"
        )
    if bp[0] < math.pi - 1e-12 or bp[-1] != 0.0:
        raise InputError(
            f"the partition {list(bp)!r} does not cover [0, pi]: it must start at pi (or above) "
            "and end at 0, e.g. (pi, pi/5, 0)"
        )
    return bp


def band_index(partition: Sequence[float], n: int, grid: str = "exact") -> np.ndarray:
    """Band of each of the n DFT frequencies (-1 where a frequency falls in no band)."""
    bp = _check_partition(partition)
    if grid not in GRIDS:
        raise InputError(f"grid must be one of {', '.join(GRIDS)}; got {grid!r}")
    j = np.arange(n)
    fold = np.minimum(j, n - j)
    if grid == "exact":
        w = 2 * np.pi * fold / n
    else:
        w = fold / (n // 2) * np.pi
    out = np.full(n, -1)
    for b in range(len(bp) - 1):
        hi, lo = bp[b], bp[b + 1]
        inside = (w >= lo) & (w < hi)
        if grid == "exact" and b == 0:
            inside |= w >= lo
        out[inside & (out < 0)] = b
    return out


def _band_name(hi: float, lo: float) -> str:
    def cyc(w: float) -> str:
        if w <= 0:
            return "inf"
        c = 2 * math.pi / w
        return f"{c:.3g}"

    return f"{cyc(min(hi, math.pi))}-{cyc(lo)}"


@dataclasses.dataclass(frozen=True)
class FrequencyConnectedness(Result):
    """Connectedness per frequency band (see :func:`frequency_connectedness`).

    ``fevd[t, b]`` is band b's absolute table at date t (fractions; the bands add up to the
    time-domain table). Band names are the cycle lengths they hold, in observations
    (``"2-10"``: cycles of 2 to 10 observations; ``"10-inf"``: longer).
    """

    names: tuple[str, ...]
    index: pd.Index
    fevd: np.ndarray
    partition: tuple[float, ...]
    band_names: tuple[str, ...]
    scenario: str
    grid: str
    model: str
    description: str
    horizon: int
    lags: int
    fit: ModelFit | None = dataclasses.field(default=None, repr=False, compare=False)

    def _b(self, band: int | str) -> int:
        if isinstance(band, str):
            if band not in self.band_names:
                raise InputError(f"no band {band!r}; bands are {', '.join(self.band_names)}")
            return self.band_names.index(band)
        return int(band)

    def band(self, band: int | str, scenario: str | None = None) -> Connectedness:
        """One band's connectedness (``scenario`` defaults to the result's)."""
        b = self._b(band)
        sc = scenario or self.scenario
        th = np.asarray(self.fevd)[:, b]
        if sc == "within":
            th = th / th.sum(axis=(1, 2))[:, None, None] * len(self.names)
        assert self.fit is not None
        return from_fevd(
            self.fit,
            th,
            approach=f"frequency {self.band_names[b]} ({sc})",
            horizon=self.horizon,
            parameters={
                "partition": list(self.partition),
                "scenario": sc,
                "band": self.band_names[b],
            },
        )

    def total(self) -> Connectedness:
        """All bands together: the time-domain table with H+1 MA terms."""
        assert self.fit is not None
        return from_fevd(
            self.fit,
            np.asarray(self.fevd).sum(axis=1),
            approach="frequency total",
            horizon=self.horizon,
            parameters={"partition": list(self.partition), "grid": self.grid},
        )

    @property
    def tci_by_band(self) -> pd.DataFrame:
        """Dynamic TCI per band (fractions, the result's scenario)."""
        return pd.DataFrame(
            {n: np.asarray(self.band(i).tci_t) for i, n in enumerate(self.band_names)},
            index=self.index,
        )

    def to_frame(self) -> pd.DataFrame:
        return self.tci_by_band

    def to_dict(self) -> dict[str, Any]:
        tot = self.total()
        bands = []
        for i, n in enumerate(self.band_names):
            c = self.band(i)
            d = c.to_dict()
            bands.append(
                {
                    "name": n,
                    "frequencies": [self.partition[i + 1], min(self.partition[i], math.pi)],
                    "tci": c.tci,
                    "ctci": c.ctci,
                    "table": d["table"],
                    "to": d["to"],
                    "from": d["from"],
                    "net": d["net"],
                }
            )
        by = self.tci_by_band
        return {
            "model": self.model,
            "approach": "frequency",
            "description": self.description,
            "units": "fractions (0.25 = 25%)",
            "scenario": self.scenario,
            "grid": self.grid,
            "partition": list(self.partition),
            "horizon": self.horizon,
            "names": list(self.names),
            "tci": tot.tci,
            "ctci": tot.ctci,
            "table": tot.to_dict()["table"],
            "net": tot.to_dict()["net"],
            "frequency_bands": bands,
            "dynamic": [
                {
                    "date": label(ix),
                    "tci": float(tot.tci_t[e]),
                    "by_band": {n: float(by.iloc[e, i]) for i, n in enumerate(self.band_names)},
                }
                for e, ix in enumerate(self.index)
            ],
        }

    def summary(self) -> str:
        tot = self.total()
        lines = [
            f"frequency connectedness ({self.scenario}), {self.description}, H={self.horizon} "
            f"(H+1 MA terms), {len(self.index)} dates: total TCI {100 * tot.tci:.2f}% "
            f"(cTCI {100 * tot.ctci:.2f}%)"
        ]
        for i, n in enumerate(self.band_names):
            c = self.band(i)
            lo, hi = self.partition[i + 1], min(self.partition[i], math.pi)
            lines.append(
                f"\nband {n} (cycles of {n} observations; frequencies [{lo:.4f}, {hi:.4f}]): "
                f"TCI {100 * c.tci:.2f}%, cTCI {100 * c.ctci:.2f}%"
            )
            lines.append(c.table().round(2).to_string())
        return "\n".join(lines)

    def plot(self, marks: tuple[str, ...] = ()) -> go.Figure:
        """Dynamic TCI by band (stacked for the absolute scenario)."""
        import plotly.graph_objects as go

        by = self.tci_by_band * 100
        fig = go.Figure()
        stack = self.scenario == "absolute"
        for n in by.columns:
            fig.add_trace(
                go.Scatter(
                    x=by.index,
                    y=by[n].to_numpy(),
                    name=f"cycles {n}",
                    stackgroup="one" if stack else None,
                    mode="lines",
                )
            )
        _mark(fig, self.index, marks)
        fig.update_layout(
            title=f"TCI by frequency band ({self.scenario}): {self.description}",
            yaxis_title="%",
        )
        return fig


@validate_params(
    fit=FIT,
    horizon=Integer(min=1),
    partition=ArrayLike(what="frequency break points in radians, pi down to 0"),
    scenario=Options(*SCENARIOS),
    grid=Options(*GRIDS),
)
def frequency_connectedness(
    fit: ModelFit,
    *,
    horizon: int = 100,
    partition: Sequence[float] = (math.pi, math.pi / 2, 0.0),
    scenario: str = "absolute",
    grid: str = "exact",
) -> FrequencyConnectedness:
    """Baruník-Křehlík frequency connectedness of every estimate of ``fit``.

    Parameters
    ----------
    fit : ModelFit
        A VAR, TVP-VAR or QVAR estimate.
    horizon : int
        H: the MA terms h = 0..H are transformed (H+1 frequencies). The long-run bands need
        a long horizon (the reference's examples use 100).
    partition : sequence of float
        Decreasing break points from pi to 0 (radians); see :func:`partition_from_periods`.
    scenario : {"absolute", "within"}
    grid : {"exact", "reference"}
        DFT grid and band edges (module docstring).
    """
    horizon = check_positive_int(horizon, "horizon")
    if scenario not in SCENARIOS:
        raise InputError(f"scenario must be one of {', '.join(SCENARIOS)}; got {scenario!r}")
    bp = _check_partition(partition)
    n = horizon + 1
    band_of = band_index(bp, n, grid)
    nb = len(bp) - 1
    for b in range(nb):
        if not (band_of == b).any():
            raise InputError(
                f"band {b + 1} [{bp[b + 1]:.4f}, {bp[b]:.4f}) holds none of the {n} DFT "
                f"frequencies of horizon {horizon} (spacing 2 pi / {n} = {2 * math.pi / n:.4f}); "
                "raise --horizon or widen the band"
            )
    theta, ok = FK.frequency_fevd(
        np.ascontiguousarray(fit.coefs), np.ascontiguousarray(fit.sigma), n, band_of, nb
    )
    require_ok(fit, ok, "no FEVD there")
    params = {
        "model": fit.model,
        "approach": "frequency",
        "lags": fit.lags,
        "horizon": horizon,
        **dict(fit.params),
        "partition": list(bp),
        "scenario": scenario,
        "grid": grid,
        "series": list(fit.names),
        "dropped_dates": fit.dropped,
    }
    return FrequencyConnectedness(
        metadata=make_metadata(params, data=fit.data),
        names=fit.names,
        index=fit.index,
        fevd=frozen_array(theta),
        partition=bp,
        band_names=tuple(_band_name(bp[b], bp[b + 1]) for b in range(nb)),
        scenario=scenario,
        grid=grid,
        model=fit.model,
        description=fit.describe(),
        horizon=horizon,
        lags=fit.lags,
        fit=fit,
    )
