"""The claims engine: load the structured claims, recompute each from a store, give a verdict.

Verdicts: ``confirmed`` (the computed value satisfies the claim within its tolerance),
``contradicted`` (it does not; the computed value and the gap are given) and
``not checkable`` (the claim is marked so in the claims file, with the reason, or the data
its check needs are missing from the store - the missing series and dates are named). A
missing series never fails the whole run.

This module composes analyses (through :mod:`bubblewatch.claims.checks`) and is
presentation-free: the CLI and the report render its :class:`ClaimsReport`.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import yaml

from bubblewatch.claims.checks import CHECKS, ClaimData, MissingData
from bubblewatch.errors import BubblewatchError, DataFileError
from bubblewatch.results import Result, jsonable, make_metadata

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from bubblewatch.data.store import Store

__all__ = [
    "CONFIRMED",
    "CONTRADICTED",
    "NOT_CHECKABLE",
    "Claim",
    "ClaimsReport",
    "Verdict",
    "check_claims",
    "claims_counts",
    "load_claims",
]

CONFIRMED = "confirmed"
CONTRADICTED = "contradicted"
NOT_CHECKABLE = "not checkable"
OPS = ("approx", "gt", "ge", "lt", "le", "range", "eq", "date")
DEFAULT_CLAIMS = "claims_2025.yaml"


@dataclasses.dataclass(frozen=True)
class Claim:
    """One structured claim of the claims file."""

    id: str
    claim: str
    entity: str
    metric: str
    unit: str
    date: str | None = None
    window: str | None = None
    stated: Any = None
    stated_low: float | None = None
    stated_high: float | None = None
    tolerance: float = 0.0
    op: str = "approx"
    check: str | None = None
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    not_checkable: str | None = None
    missing: tuple[str, ...] = ()
    also: tuple[float, ...] = ()
    note: str = ""
    projection: bool = False

    @property
    def when(self) -> str:
        return self.date or self.window or ""

    def stated_text(self) -> str:
        if self.stated_low is not None and self.stated_high is not None:
            return f"{self.stated_low:g} to {self.stated_high:g} {self.unit}"
        if self.op == "date":
            return f"{self.date} ({self.stated:g} {self.unit} threshold)"
        prefix = {"gt": "over ", "ge": "at least ", "lt": "under ", "le": "at most "}.get(
            self.op, ""
        )
        return (
            f"{prefix}{self.stated:g} {self.unit}"
            if isinstance(self.stated, int | float)
            else str(self.stated)
        )


_FIELDS = {f.name for f in dataclasses.fields(Claim)}


def load_claims(path: str | Path | None = None) -> list[Claim]:
    """Read a claims file (default: the package's ``episodes/claims_2025.yaml``).

    Raises
    ------
    DataFileError
        Naming the file and the claim for unknown fields, unknown checks or ops, and
        claims with neither a check nor a not-checkable reason.
    """
    if path is None:
        text = resources.files("bubblewatch.episodes").joinpath(DEFAULT_CLAIMS).read_text("utf-8")
        where = f"bubblewatch/episodes/{DEFAULT_CLAIMS}"
    else:
        where = str(path)
        try:
            text = Path(path).read_text("utf-8")
        except OSError as exc:
            raise DataFileError(where, f"cannot read the claims file: {exc}") from exc
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataFileError(where, f"not valid YAML: {exc}") from exc
    if not isinstance(raw, list):
        raise DataFileError(where, "expected a list of claims")
    out: list[Claim] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or "id" not in item:
            raise DataFileError(where, f"claim #{i + 1} is not a mapping with an id")
        cid = str(item["id"])
        unknown = set(item) - _FIELDS
        if unknown:
            raise DataFileError(where, f"claim {cid}: unknown field(s) {sorted(unknown)}")
        if cid in seen:
            raise DataFileError(where, f"claim {cid}: duplicate id")
        seen.add(cid)
        kw = dict(item)
        kw["id"] = cid
        for k in ("missing", "also"):
            kw[k] = tuple(kw.get(k) or ())
        kw["params"] = dict(kw.get("params") or {})
        for k in ("date", "window"):
            if kw.get(k) is not None:
                kw[k] = str(kw[k])
        c = Claim(**kw)
        if c.check is None and not c.not_checkable:
            raise DataFileError(where, f"claim {cid}: give a check or a not_checkable reason")
        if c.check is not None and c.check not in CHECKS:
            raise DataFileError(
                where, f"claim {cid}: unknown check {c.check!r}", expected=", ".join(sorted(CHECKS))
            )
        if c.op not in OPS:
            raise DataFileError(where, f"claim {cid}: unknown op {c.op!r}", expected=", ".join(OPS))
        out.append(c)
    return out


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

    def counts(self) -> dict[str, int]:
        out = {"confirmed": 0, "contradicted": 0, "not_checkable": 0}
        for v in self.verdicts:
            out[v.verdict.replace(" ", "_")] += 1
        return out

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
            f"{n['not_checkable']} not checkable (of {len(self.verdicts)})"
        ]
        for v in self.verdicts:
            d = v.to_dict()
            comp = d["computed"]
            comp_s = (
                f"{comp:.4g}" if isinstance(comp, float) else ("" if comp is None else str(comp))
            )
            lines.append(
                f"  {d['id']:<7} {v.verdict:<13} stated {v.claim.stated_text():<24} computed {comp_s}"
            )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.to_list()).set_index("id")

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        n = self.counts()
        fig = go.Figure(go.Bar(x=list(n), y=list(n.values())))
        fig.update_layout(title="Claims check verdicts")
        return fig

    def to_dict(self) -> dict[str, Any]:
        return {"counts": self.counts(), "claims": self.to_list()}


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
    if ids:
        want = set(ids)
        cl = [c for c in cl if c.id in want]
    data = ClaimData(store)
    verdicts = tuple(check_claim(c, data) for c in cl)
    return ClaimsReport(
        metadata=make_metadata(
            {"n_claims": len(cl), "store": str(getattr(store, "path", ""))},
            data_vintage=_dt.date.today().isoformat(),
        ),
        verdicts=verdicts,
    )


def claims_counts(store: Store) -> dict[str, int]:
    """Verdict counts for the report header: ``{confirmed, contradicted, not_checkable}``."""
    return check_claims(store).counts()
