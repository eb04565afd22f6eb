"""The claims engine: load the structured claims, recompute each from a store, give a verdict.

Verdicts: ``confirmed`` (the computed value satisfies the claim within its tolerance),
``contradicted`` (it does not; the computed value and the gap are given),
``not checkable`` (the claim is marked so in the claims file, with the reason, or the data
its check needs are missing from the store - the missing series and dates are named) and
``no figure to check`` (a digest item that states no figure, e.g. S2-13's leverage loop: it
is listed with its statement so that every item of the articles appears). A missing series
never fails the whole run.

Every claim carries its article (file and title) and its digest item's statement, from the
package's ``episodes/digest_2025.yaml``. A claim whose verdict depends on a reading of an
ambiguous figure (a start date, a debt measure) lists the other ``readings`` in the claims
file; each is checked too and shown beside the main verdict.

This module composes analyses (through :mod:`bubblewatch.claims.checks`) and is
presentation-free: the CLI and the report render its :class:`ClaimsReport`. The claims file,
the digest and their loading are in :mod:`bubblewatch.claims.claims_file` (re-exported).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.claims.checks import CHECKS, ClaimData, MissingData
from bubblewatch.claims.claims_file import (
    Claim,
    Digest,
    load_claims,
    load_digest,
    value_text,
)
from bubblewatch.errors import BubblewatchError
from bubblewatch.results import Result, jsonable, make_metadata

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from bubblewatch.data.store import Store

__all__ = [
    "CONFIRMED",
    "CONTRADICTED",
    "NOT_CHECKABLE",
    "NO_FIGURE",
    "Claim",
    "ClaimsReport",
    "Digest",
    "Verdict",
    "check_claims",
    "claims_counts",
    "load_claims",
    "load_digest",
    "value_text",
]

CONFIRMED = "confirmed"
CONTRADICTED = "contradicted"
NOT_CHECKABLE = "not checkable"
NO_FIGURE = "no figure to check"


@dataclasses.dataclass(frozen=True)
class Verdict:
    """The verdict on one claim."""

    claim: Claim
    verdict: str
    computed: Any = None
    gap: float | None = None
    source: tuple[str, ...] = ()
    note: str = ""
    missing: tuple[str, ...] = ()
    #: the verdicts under the claim's other readings: ``{label, verdict, computed, gap, ...}``
    readings: tuple[Mapping[str, Any], ...] = ()

    @property
    def window_sensitive(self) -> bool:
        """True when another reading of the figure gives another verdict."""
        return any(r["verdict"] != self.verdict for r in self.readings)

    def to_dict(self) -> dict[str, Any]:
        c = self.claim
        stated: Any = (
            [c.stated_low, c.stated_high]
            if c.op == "range"
            else (c.date if c.op == "date" else c.stated)
        )
        return jsonable(
            {
                "id": c.id,
                "claim": c.claim,
                "stated": stated,
                "unit": c.unit,
                "computed": self.computed,
                "gap": self.gap,
                "verdict": self.verdict,
                "source": "; ".join(self.source),
                "date": c.when,
                "metric": c.metric,
                "check": c.check,
                "missing": list(self.missing),
                "note": "; ".join(x for x in (self.note, c.note) if x),
                "readings": [dict(r) for r in self.readings],
                "article": c.article,
                "statement": c.statement,
            }
        )


def _compare(c: Claim, value: Any) -> tuple[str, float | None]:
    if value is None:
        return CONTRADICTED, None
    if c.op == "date":
        return (CONFIRMED if str(value) == str(c.date) else CONTRADICTED), (
            float((pd.Timestamp(value) - pd.Timestamp(c.date)).days)
        )
    v = float(value)
    tol = float(c.tolerance or 0.0)
    if c.op == "range":
        lo, hi = float(c.stated_low), float(c.stated_high)  # type: ignore[arg-type]
        ok = lo - tol <= v <= hi + tol
        gap = 0.0 if lo <= v <= hi else (v - lo if v < lo else v - hi)
        return (CONFIRMED if ok else CONTRADICTED), gap
    s = float(c.stated)
    gap = v - s
    ok = {
        "approx": abs(gap) <= tol + 1e-12,
        "eq": abs(gap) <= 1e-12,
        "gt": v > s,
        "ge": v >= s,
        "lt": v < s,
        "le": v <= s,
    }[c.op]
    return (CONFIRMED if ok else CONTRADICTED), gap


def check_claim(c: Claim, data: ClaimData) -> Verdict:
    """Recompute one claim and its other readings (see :func:`_check_one`)."""
    v = _check_one(c, data)
    if not c.readings:
        return v
    out = []
    for r in c.readings:
        alt = dataclasses.replace(
            c,
            params={**c.params, **dict(r["params"])},
            date=str(r["date"]) if r.get("date") else c.date,
            window=str(r["window"]) if r.get("window") else c.window,
            readings=(),
        )
        a = _check_one(alt, data)
        out.append(
            {
                "label": str(r["label"]),
                "verdict": a.verdict,
                "computed": a.computed,
                "gap": a.gap,
                "source": "; ".join(a.source),
                "note": a.note,
            }
        )
    return dataclasses.replace(v, readings=tuple(out))


def _check_one(c: Claim, data: ClaimData) -> Verdict:
    """Recompute one claim; data problems become *not checkable*, never an exception."""
    if c.check is None:
        return Verdict(c, NOT_CHECKABLE, note=c.not_checkable or "", missing=c.missing)
    params = {**c.params, "date": c.date, "window": c.window, "stated": c.stated}
    try:
        res = CHECKS[c.check](params, data)
    except MissingData as exc:
        return Verdict(c, NOT_CHECKABLE, note="data missing", missing=exc.what)
    except BubblewatchError as exc:
        return Verdict(
            c, NOT_CHECKABLE, note=f"check failed on the data: {exc}", missing=(str(exc),)
        )
    except (KeyError, IndexError, ValueError, ZeroDivisionError) as exc:
        # e.g. an empty window in a user's store: report it on this claim, keep the run going
        return Verdict(
            c,
            NOT_CHECKABLE,
            note=f"check {c.check} could not run on the data ({type(exc).__name__}: {exc})",
            missing=(f"data for {c.check} over {c.when}",),
        )
    value = res.value
    if isinstance(value, float | np.floating) and not np.isfinite(value):
        return Verdict(c, NOT_CHECKABLE, note="computed value is not finite", source=res.source)
    if c.projection:
        return Verdict(
            c,
            NOT_CHECKABLE,
            computed=value,
            source=res.source,
            note="a projection: data cannot confirm or contradict it; the computed baseline is shown for context; "
            + res.note,
            missing=c.missing,
        )
    verdict, gap = _compare(c, value)
    return Verdict(c, verdict, computed=value, gap=gap, source=res.source, note=res.note)


@dataclasses.dataclass(frozen=True)
class ClaimsReport(Result):
    """Verdicts on every claim, in the order of the claims file."""

    verdicts: tuple[Verdict, ...]

    #: the digest items that state no figure (listed with their statement, not counted)
    no_figure: tuple[Claim, ...] = ()

    def counts(self) -> dict[str, int]:
        """Verdicts on the figures: ``confirmed``, ``contradicted``, ``not_checkable``."""
        out = {"confirmed": 0, "contradicted": 0, "not_checkable": 0}
        for v in self.verdicts:
            out[v.verdict.replace(" ", "_")] += 1
        return out

    def rows(self) -> list[Verdict]:
        """Every verdict and every item without a figure (verdict ``no figure to check``),
        in the articles' order: what a reader sees."""
        order = {k: i for i, k in enumerate(load_digest().items)}
        extra = [Verdict(c, NO_FIGURE, note=c.not_checkable or "") for c in self.no_figure]
        return sorted(
            [*self.verdicts, *extra],
            key=lambda v: (order.get(v.claim.item, len(order)), v.claim.id),
        )

    def to_list(self) -> list[dict[str, Any]]:
        return [v.to_dict() for v in self.verdicts]

    def by_id(self, cid: str) -> Verdict:
        for v in self.verdicts:
            if v.claim.id == cid:
                return v
        raise KeyError(cid)

    def summary(self) -> str:
        n = self.counts()
        lines = [
            f"Claims check: {n['confirmed']} confirmed, {n['contradicted']} contradicted, "
            f"{n['not_checkable']} not checkable (of {len(self.verdicts)} figures)"
            + (f"; {len(self.no_figure)} items state no figure" if self.no_figure else "")
        ]
        for v in self.rows():
            if v.verdict == NO_FIGURE:
                lines.append(f"  {v.claim.id:<7} {v.verdict}: {v.claim.statement}")
                continue
            comp_s = "" if v.computed is None else value_text(v.computed, v.claim.unit)
            lines.append(
                f"  {v.claim.id:<7} {v.verdict:<13} stated {v.claim.stated_text():<24} "
                f"computed {comp_s}"
            )
            for r in v.readings:
                c = r["computed"]
                lines.append(
                    f"          other reading ({r['label']}): {r['verdict']}, computed "
                    + value_text(c, v.claim.unit)
                )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.to_list()).set_index("id")

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        n = {**self.counts(), "no_figure": len(self.no_figure)}
        words = {
            "confirmed": ("confirmed", "#59A14F"),
            "contradicted": ("contradicted", "#E15759"),
            "not_checkable": ("not checkable", "#EDC948"),
            "no_figure": ("no figure to check", "#BAB0AC"),
        }
        fig = go.Figure(
            go.Bar(
                x=[words[k][0] for k in n],
                y=list(n.values()),
                marker={"color": [words[k][1] for k in n]},
                text=list(n.values()),
                textposition="outside",
                name="claims",
            )
        )
        fig.update_layout(
            title="Claims check verdicts",
            xaxis_title="verdict",
            yaxis_title="number of claims",
        )
        return fig

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": self.counts(),
            "claims": self.to_list(),
            "no_figure": [
                {"id": c.id, "article": c.article, "statement": c.statement} for c in self.no_figure
            ],
        }


def check_claims(
    store: Store, claims: Sequence[Claim] | None = None, *, ids: Sequence[str] | None = None
) -> ClaimsReport:
    """Check every claim (or those in ``ids``) against ``store``.

    Parameters
    ----------
    store : Store
        The store to read (e.g. ``open_data_dir_store("../shared/data")``).
    claims : sequence of Claim, optional
        Default: :func:`load_claims` (the package's claims file).
    ids : sequence of str, optional
        Only these claim ids.
    """
    cl = list(claims) if claims is not None else load_claims()
    extra = _items_without_figures(cl) if claims is None else []
    if ids:
        want = set(ids)
        cl = [c for c in cl if c.id in want]
        extra = [c for c in extra if c.id in want]
    data = ClaimData(store)
    verdicts = tuple(check_claim(c, data) for c in cl)
    return ClaimsReport(
        metadata=make_metadata(
            {
                "n_claims": len(cl),
                "ids": sorted(ids) if ids else None,
                "store": str(getattr(store, "path", "")),
            },
            data_vintage=_dt.date.today().isoformat(),
        ),
        verdicts=verdicts,
        no_figure=tuple(extra),
    )


def _items_without_figures(claims: list[Claim]) -> list[Claim]:
    """One entry per digest item that no claim checks (a statement without a figure)."""
    digest = load_digest()
    have = {c.item for c in claims}
    return [
        Claim(
            id=k,
            claim=text,
            entity="",
            metric=NO_FIGURE,
            unit="",
            not_checkable="the item states no figure: a qualitative statement, listed for completeness",
            article=digest.article_of(k),
            statement=text,
        )
        for k, text in digest.items.items()
        if k not in have
    ]


def claims_counts(store: Store) -> dict[str, int]:
    """Verdict counts for the report header: ``{confirmed, contradicted, not_checkable}``."""
    return check_claims(store).counts()
