"""Internal/external decomposition of connectedness for groups of series (Gabauer & Gupta 2018).

Given a partition of the series into groups, the per-date table is split in two without
renormalising: the *internal* table keeps the links within each group (the blocks between
groups set to zero), the *external* table the links between groups. Their TCIs add up to
the TCI; each group's internal TCI is its members' internal TO divided by k.

References
----------
.. [1] Gabauer, D. & Gupta, R. (2018). On the transmission mechanism of country-specific and
       international economic uncertainty spillovers: evidence from a TVP-VAR connectedness
       decomposition approach. *Economics Letters*, 171, 63-71.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError
from bubblewatch.market.connectedness.tables import RESULT, Connectedness, build, measures
from bubblewatch.results import Result, make_metadata
from bubblewatch.validation import MappingOf, validate_params

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["Decomposition", "decompose"]


@dataclasses.dataclass(frozen=True)
class Decomposition(Result):
    """Internal and external connectedness of a grouping (fractions)."""

    groups: Mapping[str, tuple[str, ...]]
    internal: Connectedness
    external: Connectedness

    @property
    def group_tci(self) -> pd.DataFrame:
        """Each group's internal TCI per date (its members' internal TO / k)."""
        names = list(self.internal.names)
        to = np.asarray(self.internal.to_t)
        k = len(names)
        return pd.DataFrame(
            {
                g: to[:, [names.index(m) for m in ms]].sum(axis=1) / k
                for g, ms in self.groups.items()
            },
            index=self.internal.index,
        )

    def summary(self) -> str:
        return "\n".join(
            [
                f"internal connectedness (within {', '.join(self.groups)}): TCI "
                f"{100 * self.internal.tci:.2f}%, cTCI {100 * self.internal.ctci:.2f}%",
                self.internal.table().round(2).to_string(),
                f"external connectedness (between groups): TCI {100 * self.external.tci:.2f}%, "
                f"cTCI {100 * self.external.ctci:.2f}%",
                self.external.table().round(2).to_string(),
            ]
        )

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "internal": np.asarray(self.internal.tci_t),
                "external": np.asarray(self.external.tci_t),
            },
            index=self.internal.index,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "groups": {g: list(m) for g, m in self.groups.items()},
            "internal": self.internal.to_dict(),
            "external": self.external.to_dict(),
        }

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        f = self.to_frame() * 100
        fig = go.Figure()
        for c in f.columns:
            fig.add_trace(go.Scatter(x=f.index, y=f[c].to_numpy(), name=c, stackgroup="one"))
        fig.update_layout(title="Internal and external TCI", yaxis_title="%")
        return fig


@validate_params(result=RESULT, groups=MappingOf("a mapping of group name -> series names"))
def decompose(result: Connectedness, groups: Mapping[str, Sequence[str]]) -> Decomposition:
    """Split ``result`` into internal and external connectedness of ``groups``.

    ``groups`` maps a group name to its series; the groups must partition the series.
    Joint connectedness is not decomposable (its TO is not a table's column sum).
    """
    if result.approach == "joint" or result.fit is None:
        raise InputError(
            "the internal/external decomposition needs a table-based result (time, extended "
            "joint or a frequency band); joint connectedness has none"
        )
    names = list(result.names)
    if len(groups) < 2:
        raise InputError("give at least two groups")
    seen: dict[str, str] = {}
    member = np.empty(len(names), dtype=int)
    for gi, (g, ms) in enumerate(groups.items()):
        for m in ms:
            if m not in names:
                raise InputError(f"group {g!r}: no series {m!r}; series are {', '.join(names)}")
            if m in seen:
                raise InputError(f"series {m!r} is in groups {seen[m]!r} and {g!r}")
            seen[m] = g
            member[names.index(m)] = gi
    missing = [n for n in names if n not in seen]
    if missing:
        raise InputError(f"the groups must cover every series; {', '.join(missing)} in none")
    same = member[:, None] == member[None, :]
    th = np.asarray(result.fevd)
    parts = {}
    for part, mask in (("internal", same), ("external", ~same)):
        t = np.where(mask[None], th, 0.0)
        if part == "external":
            idx = np.arange(len(names))
            t[:, idx, idx] = 0.0
        to, frm, net, tci = measures(t)
        parts[part] = build(
            result.fit,
            t,
            to,
            frm,
            net,
            tci,
            approach=f"{result.approach} {part}",
            horizon=result.horizon,
            parameters={"groups": {g: list(m) for g, m in groups.items()}},
        )
    return Decomposition(
        metadata=make_metadata(
            {**dict(result.metadata.parameters), "groups": {g: list(m) for g, m in groups.items()}},
            data=result.fit.data,
        ),
        groups={g: tuple(m) for g, m in groups.items()},
        internal=parts["internal"],
        external=parts["external"],
    )
