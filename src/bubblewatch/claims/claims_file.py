"""The claims file and the digest: what each claim of the source articles states
(:class:`Claim`), read and checked for form from the package's ``episodes/claims_2025.yaml``
(:func:`load_claims`), with its article and digest statement (:func:`load_digest`), and
:func:`value_text`, a claim's value as a reader writes it.

The verdicts are in :mod:`bubblewatch.claims.check`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from bubblewatch.claims.checks import CHECKS
from bubblewatch.errors import DataFileError

__all__ = [
    "DEFAULT_CLAIMS",
    "DEFAULT_DIGEST",
    "OPS",
    "Claim",
    "Digest",
    "load_claims",
    "load_digest",
    "value_text",
]

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
