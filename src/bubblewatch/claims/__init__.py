"""Claims check: every figure of the source articles recomputed from data, with a verdict.

Modules: ``check`` (the claim file, the engine, the verdicts), ``checks`` (imports the
registered checks: ``registry`` plus ``checks_market``, ``checks_valuation``,
``checks_macro``). Entry points: :func:`~bubblewatch.claims.check.check_claims`,
:func:`~bubblewatch.claims.check.load_claims`.
"""

from bubblewatch._exports import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "CONFIRMED": "bubblewatch.claims.check",
        "CONTRADICTED": "bubblewatch.claims.check",
        "NOT_CHECKABLE": "bubblewatch.claims.check",
        "Claim": "bubblewatch.claims.check",
        "ClaimsReport": "bubblewatch.claims.check",
        "Verdict": "bubblewatch.claims.check",
        "check_claims": "bubblewatch.claims.check",
        "claims_counts": "bubblewatch.claims.check",
        "load_claims": "bubblewatch.claims.check",
    },
)
