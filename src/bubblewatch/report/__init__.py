"""Self-contained HTML report built from an explicit list of sections.

Modules: ``build`` (:func:`~bubblewatch.report.build.build_report`), ``context`` (what a
section receives and returns), ``sections`` (the ordered registry ``SECTIONS``, one module
per section).
"""

from bubblewatch._exports import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "ReportBuild": "bubblewatch.report.build",
        "build_report": "bubblewatch.report.build",
    },
)
