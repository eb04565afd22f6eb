"""Claims check: every figure of the source articles recomputed from data, with a verdict."""

from bubblewatch.claims.check import (
    CONFIRMED,
    CONTRADICTED,
    NOT_CHECKABLE,
    Claim,
    ClaimsReport,
    Verdict,
    check_claims,
    claims_counts,
    load_claims,
)

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
