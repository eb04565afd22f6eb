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
OPS = ("approx", "gt", "ge", "lt", "le", "range", "eq", "date")
DEFAULT_CLAIMS = "claims_2025.yaml"
DEFAULT_DIGEST = "digest_2025.yaml"


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
    #: other readings of an ambiguous figure: ``{label, params, date/window}`` each
    readings: tuple[Mapping[str, Any], ...] = ()
    #: the article the claim comes from (``"S0 000_....txt: <title>"``) and its digest item
    article: str = ""
    statement: str = ""

    @property
    def when(self) -> str:
        return self.date or self.window or ""

    @property
    def item(self) -> str:
        """The digest item's id (``S0-1`` for claim ``S0-1b``)."""
        import re

        m = re.match(r"S\d+-\d+", self.id)
        return m.group(0) if m else self.id

    def stated_text(self) -> str:
        """The stated figure with its unit and comparison: ``"at least 87.5 USD B"``."""
        if self.stated is None and self.stated_low is None:
            return ""
        if self.stated_low is not None and self.stated_high is not None:
            return f"{value_text(self.stated_low, self.unit, with_unit=False)} to " + value_text(
                self.stated_high, self.unit
            )
        if self.op == "date":
            return f"{self.date} ({value_text(self.stated, self.unit)} threshold)"
        prefix = {"gt": "over ", "ge": "at least ", "lt": "under ", "le": "at most "}.get(
            self.op, ""
        )
        if self.op == "approx" and self.tolerance and isinstance(self.stated, int | float):
            tol = value_text(self.tolerance, self.unit, with_unit=False)
            return f"{value_text(self.stated, self.unit)} (± {tol})"
        return prefix + value_text(self.stated, self.unit)


def value_text(x: Any, unit: str, *, with_unit: bool = True) -> str:
    """A claim's value with its unit, as a reader writes it: ``-3.96%``, ``52.8x``, ``rank 2``.

    Numbers get four significant digits; dates and text pass through; ``None`` is ``n/a``.

    >>> value_text(-3.9588, "%"), value_text(52.849, "x"), value_text(17, "rank")
    ('-3.959%', '52.85x', 'rank 17')
    >>> value_text(1.419, "CNY T"), value_text("2025-10-30", "USD T"), value_text(None, "%")
    ('1.419 CNY T', '2025-10-30', 'n/a')
    """
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "n/a"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if not isinstance(x, int | float | np.integer | np.floating):
        return str(x)
    v = float(x)
    num = f"{v:,.4g}" if abs(v) < 1e15 else f"{v:.4e}"
    if not with_unit:
        return num
    if unit == "rank":
        return f"rank {num}"
    if unit == "count":
        return num
    if unit in ("%", "x") or unit.startswith("% "):
        return f"{num}{unit}"
    return f"{num} {unit}"


_FIELDS = {f.name for f in dataclasses.fields(Claim)} - {"article", "statement"}


@dataclasses.dataclass(frozen=True)
class Digest:
    """The articles (id prefix -> file, title) and the digest items (id -> statement)."""

    articles: Mapping[str, Mapping[str, str]]
    items: Mapping[str, str]

    def article_of(self, cid: str) -> str:
        a = self.articles.get(cid.split("-")[0])
        return f"{cid.split('-')[0]} {a['file']}: {a['title']}" if a else ""


def load_digest() -> Digest:
    """The package's digest of the four source articles (``episodes/digest_2025.yaml``)."""
    text = resources.files("bubblewatch.episodes").joinpath(DEFAULT_DIGEST).read_text("utf-8")
    raw = yaml.safe_load(text)
    return Digest(
        articles={str(k): dict(v) for k, v in raw["articles"].items()},
        items={str(k): str(v) for k, v in raw["items"].items()},
    )


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
    digest = load_digest()
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
        kw["readings"] = tuple(dict(r) for r in kw.get("readings") or ())
        for r in kw["readings"]:
            if "label" not in r or "params" not in r:
                raise DataFileError(where, f"claim {cid}: each reading needs a label and params")
        c = Claim(**kw)
        c = dataclasses.replace(
            c, article=digest.article_of(cid), statement=digest.items.get(c.item, "")
        )
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
