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

from bubblewatch.market.connectedness.approach import APPROACHES, connectedness, fit_model
from bubblewatch.market.connectedness.bands import (
    ConnectednessBands,
    TCIChangeTest,
    bootstrap_bands,
)
from bubblewatch.market.connectedness.decomposition import Decomposition, decompose
from bubblewatch.market.connectedness.frequency import (
    FrequencyConnectedness,
    frequency_connectedness,
    parse_partition,
    partition_from_periods,
)
from bubblewatch.market.connectedness.joint import (
    extended_joint_connectedness,
    joint_connectedness,
)
from bubblewatch.market.connectedness.models import MODELS, ModelFit, fit_var
from bubblewatch.market.connectedness.qvar import fit_qvar
from bubblewatch.market.connectedness.sweep import DEFAULT_TAUS, QuantileSweep, quantile_sweep
from bubblewatch.market.connectedness.tables import Connectedness, measures, time_connectedness
from bubblewatch.market.connectedness.tvp_var import fit_tvp_var

__all__ = [
    "APPROACHES",
    "DEFAULT_TAUS",
    "MODELS",
    "Connectedness",
    "ConnectednessBands",
    "Decomposition",
    "FrequencyConnectedness",
    "ModelFit",
    "QuantileSweep",
    "TCIChangeTest",
    "bootstrap_bands",
    "connectedness",
    "decompose",
    "extended_joint_connectedness",
    "fit_model",
    "fit_qvar",
    "fit_tvp_var",
    "fit_var",
    "frequency_connectedness",
    "joint_connectedness",
    "measures",
    "parse_partition",
    "partition_from_periods",
    "quantile_sweep",
    "time_connectedness",
]
