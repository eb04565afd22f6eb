"""The bubble status: is this a bubble now, how far along, how sure, compared with 2000?

Pure composition of the analyses below it (PSY, LPPLS, valuation, market measures): series
in, immutable results out, no store access. Modules: ``params`` (every threshold and scale,
one place), ``explosive``, ``lppls_signal``, ``market_signals``, ``valuation_signal`` (the
signals), ``rule`` (the published level rule), ``asset`` (:func:`asset_status`), ``group``
(:func:`group_status`, the AI complex), ``compare2000`` and ``track_record``.
"""

from bubblewatch._exports import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "DEFAULT_PARAMS": "bubblewatch.status.params",
        "LEVELS": "bubblewatch.status.params",
        "LONG_SCALE": "bubblewatch.status.params",
        "LPPLS_SCALES": "bubblewatch.status.params",
        "SHORT_SCALE": "bubblewatch.status.params",
        "LPPLSScale": "bubblewatch.status.params",
        "StatusParams": "bubblewatch.status.params",
        "AssetStatus": "bubblewatch.status.asset",
        "LEVEL_COLOURS": "bubblewatch.status.asset",
        "asset_status": "bubblewatch.status.asset",
        "Reason": "bubblewatch.status.rule",
        "lppls_scale_signal": "bubblewatch.status.lppls_signal",
        "psy_signal": "bubblewatch.status.explosive",
    },
)
