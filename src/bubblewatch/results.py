"""The result base shared by every analysis.

Every analysis returns an immutable result object (a frozen dataclass deriving from
:class:`Result`) with ``summary()``, ``to_frame()``, ``plot()`` (a Plotly figure, never
shown), ``to_dict()``/``to_json()`` (the single serialisation used by ``--json`` and the
web API) and ``metadata`` (parameters, data vintage, package version, seed).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch import __version__

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["Metadata", "Result", "frozen_array", "jsonable", "make_metadata"]


@dataclasses.dataclass(frozen=True)
class Metadata:
    """Provenance of a result.

    Attributes
    ----------
    parameters : Mapping
        The arguments the analysis ran with (read-only).
    data_vintage : str or None
        Last date of the input data (ISO) or another vintage label.
    version : str
        bubblewatch version that produced the result.
    seed : int or None
        Random seed, for stochastic computations.
    created : str
        UTC timestamp (ISO 8601) of the computation.
    """

    parameters: Mapping[str, Any]
    data_vintage: str | None
    version: str
    seed: int | None
    created: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "parameters": jsonable(dict(self.parameters)),
            "data_vintage": self.data_vintage,
            "version": self.version,
            "seed": self.seed,
            "created": self.created,
        }


def make_metadata(
    parameters: Mapping[str, Any] | None = None,
    *,
    data: pd.Series | pd.DataFrame | pd.Index | None = None,
    data_vintage: str | None = None,
    seed: int | None = None,
) -> Metadata:
    """Build a :class:`Metadata`, taking the vintage from the last index label of ``data``.

    Examples
    --------
    >>> s = pd.Series([1.0, 2.0], index=pd.to_datetime(["2025-01-02", "2025-01-03"]))
    >>> make_metadata({"lags": 0}, data=s).data_vintage
    '2025-01-03'
    """
    if data_vintage is None and data is not None:
        idx = data if isinstance(data, pd.Index) else data.index
        if len(idx) and isinstance(idx, pd.DatetimeIndex):
            data_vintage = idx.max().date().isoformat()
        elif len(idx):
            data_vintage = str(idx[-1])
    return Metadata(
        parameters=MappingProxyType(dict(parameters or {})),
        data_vintage=data_vintage,
        version=__version__,
        seed=seed,
        created=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    )


def frozen_array(a: Any, dtype: Any = float) -> np.ndarray:
    """Return a read-only copy of ``a`` as a numpy array."""
    out = np.array(a, dtype=dtype, copy=True)
    out.flags.writeable = False
    return out


def jsonable(obj: Any) -> Any:
    """Convert numpy/pandas/datetime objects (recursively) to JSON-ready Python values.

    NaN and infinities become ``None``; dates become ISO strings.

    Examples
    --------
    >>> jsonable({"a": np.float64("nan"), "b": pd.Timestamp("2025-10-29"), "c": np.int64(3)})
    {'a': None, 'b': '2025-10-29', 'c': 3}
    """
    if obj is None or isinstance(obj, str | bool):
        return obj
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, pd.Timestamp):
        if obj is pd.NaT:
            return None
        if obj.hour == obj.minute == obj.second == obj.microsecond == 0 and obj.tzinfo is None:
            return obj.date().isoformat()
        return obj.isoformat()
    if isinstance(obj, _dt.datetime | _dt.date):
        return obj.isoformat()
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        f = float(obj)
        return f if math.isfinite(f) else None
    if isinstance(obj, int):
        return obj
    if isinstance(obj, pd.Series):
        return [jsonable(v) for v in obj.tolist()]
    if isinstance(obj, pd.DataFrame):
        return [jsonable(r) for r in obj.to_dict(orient="records")]
    if isinstance(obj, np.ndarray):
        return [jsonable(v) for v in obj.tolist()]
    if isinstance(obj, list | tuple | set | frozenset):
        return [jsonable(v) for v in obj]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        if hasattr(obj, "to_dict"):
            return jsonable(obj.to_dict())
        return jsonable(dataclasses.asdict(obj))
    if obj is pd.NaT:
        return None
    return str(obj)


@dataclasses.dataclass(frozen=True)
class Result:
    """Base class of analysis results (subclass as a frozen dataclass).

    Subclasses implement :meth:`summary`, :meth:`to_frame`, :meth:`plot` and
    :meth:`to_dict`; :meth:`to_json` is shared.
    """

    metadata: Metadata

    def summary(self) -> str:
        """A human-readable text summary."""
        raise NotImplementedError

    def to_frame(self) -> pd.DataFrame:
        """The result's main table."""
        raise NotImplementedError

    def plot(self) -> go.Figure:
        """A Plotly figure of the result (returned, never shown)."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary; the CLI's ``--json`` prints exactly this."""
        raise NotImplementedError

    def to_json(self, **kwargs: Any) -> str:
        """Serialise :meth:`to_dict` (plus ``metadata``) to JSON."""
        payload = jsonable(self.to_dict())
        if isinstance(payload, dict) and "metadata" not in payload:
            payload["metadata"] = self.metadata.to_dict()
        kwargs.setdefault("indent", 2)
        return json.dumps(payload, allow_nan=False, **kwargs)

    def __str__(self) -> str:
        try:
            return self.summary()
        except NotImplementedError:  # pragma: no cover
            return object.__repr__(self)
