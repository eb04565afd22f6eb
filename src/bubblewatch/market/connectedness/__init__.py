"""Connectedness beyond rolling Diebold-Yilmaz: TVP-VAR, quantile, frequency and joint measures.

Pure computations (numpy/pandas in, immutable results out), matching the R package
ConnectednessApproach (Gabauer) to machine precision on its reference cases:

* models - :func:`fit_tvp_var` (Koop-Korobilis forgetting-factor Kalman filter, exactly as the
  reference runs it), :func:`fit_qvar` (quantile VAR, Frisch-Newton interior point),
  :func:`fit_var` (OLS, whole sample or rolling windows);
* approaches - :func:`time_connectedness` (generalized FEVD measures per date: TCI, cTCI, TO,
  FROM, NET, pairwise NET), :func:`frequency_connectedness` (Baruník-Křehlík, absolute and
  within), :func:`joint_connectedness` (Lastrapes-Wiesen), :func:`extended_joint_connectedness`
  (Balcilar-Gabauer-Umar), :func:`decompose` (internal/external, Gabauer-Gupta);
* :func:`quantile_sweep` (TCI by quantile), :func:`bootstrap_bands` (bands of TCI and NET)
  and ``ConnectednessBands.change_test`` (a change in the TCI between two dates or periods);
* :func:`connectedness` - model and approach in one call.

All measures are fractions (0.25 = 25%); text output shows percent.
"""

from bubblewatch._exports import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "APPROACHES": "bubblewatch.market.connectedness.approach",
        "connectedness": "bubblewatch.market.connectedness.approach",
        "fit_model": "bubblewatch.market.connectedness.approach",
        "ConnectednessBands": "bubblewatch.market.connectedness.bands",
        "TCIChangeTest": "bubblewatch.market.connectedness.bands",
        "bootstrap_bands": "bubblewatch.market.connectedness.bands",
        "Decomposition": "bubblewatch.market.connectedness.decomposition",
        "decompose": "bubblewatch.market.connectedness.decomposition",
        "FrequencyConnectedness": "bubblewatch.market.connectedness.frequency",
        "frequency_connectedness": "bubblewatch.market.connectedness.frequency",
        "parse_partition": "bubblewatch.market.connectedness.frequency",
        "partition_from_periods": "bubblewatch.market.connectedness.frequency",
        "extended_joint_connectedness": "bubblewatch.market.connectedness.joint",
        "joint_connectedness": "bubblewatch.market.connectedness.joint",
        "MODELS": "bubblewatch.market.connectedness.models",
        "ModelFit": "bubblewatch.market.connectedness.models",
        "fit_var": "bubblewatch.market.connectedness.models",
        "fit_qvar": "bubblewatch.market.connectedness.qvar",
        "DEFAULT_TAUS": "bubblewatch.market.connectedness.sweep",
        "QuantileSweep": "bubblewatch.market.connectedness.sweep",
        "quantile_sweep": "bubblewatch.market.connectedness.sweep",
        "Connectedness": "bubblewatch.market.connectedness.tables",
        "measures": "bubblewatch.market.connectedness.tables",
        "time_connectedness": "bubblewatch.market.connectedness.tables",
        "fit_tvp_var": "bubblewatch.market.connectedness.tvp_var",
    },
)
