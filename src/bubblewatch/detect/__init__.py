"""Bubble detection: PSY explosive-root tests and LPPLS fits (pure computations).

Modules: ``psy`` (ADF/SADF/GSADF/BSADF, :func:`~bubblewatch.detect.psy.psy`), ``psy_critical``
(critical values: ``psy_cv``, ``psy_simulation``, ``psy_table``, ``psy_setup``),
``psy_pvalue`` (GSADF p-values from the tabulated null),
``psy_monitor`` (real-time monitoring), ``lppls`` (the fit; model and filters in
``lppls_model``), ``lppls_confidence`` (the multi-window indicator; import the function
from its module). Kernels: ``_psy_kernels``, ``_lppls_kernels``.
"""

from bubblewatch._exports import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "PSYResult": "bubblewatch.detect.psy",
        "PSYCriticalValues": "bubblewatch.detect.psy_critical",
        "critical_values": "bubblewatch.detect.psy_critical",
        "critical_values_for": "bubblewatch.detect.psy_critical",  # old name (warns)
        "PSYMonitor": "bubblewatch.detect.psy_monitor",
        "LPPLSFit": "bubblewatch.detect.lppls",
        "fit_lppls": "bubblewatch.detect.lppls",
        "LPPLSConfidence": "bubblewatch.detect.lppls_confidence",
    },
)
