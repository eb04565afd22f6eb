"""The bubble status: is this a bubble now, how far along, how sure, compared with 2000?

Pure composition of the analyses below it (PSY, LPPLS, valuation, market measures): series
in, immutable results out, no store access. Modules: ``params`` (every threshold and scale,
one place), ``explosive``, ``lppls_signal``, ``market_signals``, ``valuation_signal`` (the
signals), ``rule`` (the published level rule), ``asset`` (:func:`asset_status`), ``group``
(:func:`group_status`, the AI complex), ``compare2000``, ``track_record`` and ``replay``,
``views`` (the views the CLI, the report and the dashboard show, from a store loader).
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
        "GroupStatus": "bubblewatch.status.group",
        "ai_complex": "bubblewatch.status.group",
        "group_status": "bubblewatch.status.group",
        "Compare2000": "bubblewatch.status.compare2000",
        "compare_2000": "bubblewatch.status.compare2000",
        "TRACK_HISTORIES": "bubblewatch.status.track_record",
        "TrackRecord": "bubblewatch.status.track_record",
        "run_track_record": "bubblewatch.status.replay",
        "ai_complex_status": "bubblewatch.status.views",
        "compare_2000_view": "bubblewatch.status.views",
        "track_record_view": "bubblewatch.status.views",
        "lppls_scale_signal": "bubblewatch.status.lppls_signal",
        "psy_signal": "bubblewatch.status.explosive",
    },
)
