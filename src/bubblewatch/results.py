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
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch import __version__

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["FrozenDict", "Metadata", "Result", "frozen_array", "jsonable", "make_metadata"]


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

    def to_dict(self, *, created: bool = False) -> dict[str, Any]:
        """The provenance as a dict; the creation time only with ``created=True`` (so that
        the same inputs give the same JSON)."""
        out = {
            "parameters": jsonable(dict(self.parameters)),
            "data_vintage": self.data_vintage,
            "version": self.version,
            "seed": self.seed,
        }
        if created:
            out["created"] = self.created
        return out


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
        parameters=FrozenDict(parameters or {}),
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


class FrozenDict(dict):  # type: ignore[type-arg]
    """A dict that cannot be changed after it is made (still a ``dict``: equal, JSON-able,
    picklable).

    Examples
    --------
    >>> d = FrozenDict({90: 1.2})
    >>> d[95] = 1.5
    Traceback (most recent call last):
    ...
    TypeError: a result's FrozenDict cannot be changed (copy it with dict(...))
    """

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("a result's FrozenDict cannot be changed (copy it with dict(...))")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]
    __ior__ = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self),))


def _freeze(value: Any) -> Any:
    """A value a result can keep without its caller changing it later (see :class:`Result`)."""
    if isinstance(value, np.ndarray):
        return frozen_array(value, dtype=value.dtype) if value.flags.writeable else value
    if isinstance(value, pd.Series | pd.DataFrame):
        return value.copy(deep=False)  # copy-on-write: a later write on either side copies
    if type(value) is dict:
        return FrozenDict({k: _freeze(v) for k, v in value.items()})
    return value


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
    :meth:`to_dict`; :meth:`to_json`, the short ``repr`` and the notebook HTML are shared.

    Results keep their promises: a field cannot be reassigned (frozen dataclass); numpy
    arrays are stored read-only; dicts are stored as :class:`FrozenDict`; pandas objects
    are stored as private copies and handed out as copies on access (copy-on-write makes
    that cheap), so changing what an attribute returns never changes the result. The same
    inputs give the same :meth:`to_json` (the creation time stays in ``metadata.created``).
    """

    metadata: Metadata

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # the dataclass decorator would write a field-by-field repr over the short one
        if "__repr__" not in cls.__dict__:
            cls.__repr__ = Result.__repr__  # type: ignore[method-assign]

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = object.__getattribute__(self, f.name)
            frozen = _freeze(value)
            if frozen is not value:
                object.__setattr__(self, f.name, frozen)

    def __getattribute__(self, name: str) -> Any:
        value = object.__getattribute__(self, name)
        if isinstance(value, pd.Series | pd.DataFrame) and not name.startswith("_"):
            return value.copy(deep=False)
        return value

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

    def to_json(self, *, created: bool = False, **kwargs: Any) -> str:
        """Serialise :meth:`to_dict` (plus ``metadata``) to JSON.

        The same inputs give the same text: the creation time is left out unless
        ``created=True``.
        """
        payload = jsonable(self.to_dict())
        if isinstance(payload, dict):
            payload["metadata"] = self.metadata.to_dict(created=created)
        kwargs.setdefault("indent", 2)
        return json.dumps(payload, allow_nan=False, **kwargs)

    def __repr__(self) -> str:
        parts = []
        for f in dataclasses.fields(self):
            if f.name == "metadata" or not f.repr:
                continue
            v = object.__getattribute__(self, f.name)
            if isinstance(v, bool | int | float | str | np.number | pd.Timestamp) or v is None:
                if isinstance(v, float | np.floating):
                    text = f"{float(v):.4g}"
                elif isinstance(v, pd.Timestamp):
                    text = repr(jsonable(v))
                else:
                    text = repr(v.item() if isinstance(v, np.number) else v)
                if len(text) > 40:
                    text = text[:37] + "..."
                parts.append(f"{f.name}={text}")
            if len(parts) == 6:
                break
        vintage = self.metadata.data_vintage
        if vintage:
            parts.append(f"data to {vintage}")
        return f"<{type(self).__name__} " + ", ".join(parts) + ">"

    def _repr_html_(self) -> str:
        """The notebook view: the class and the text summary."""
        import html

        try:
            body = self.summary()
        except Exception as exc:  # a summary that cannot be made must not break the notebook
            body = f"(no summary: {exc})"
        return (
            f"<div class='bubblewatch-result'><strong>{html.escape(type(self).__name__)}</strong>"
            f"<pre>{html.escape(body)}</pre></div>"
        )

    def __str__(self) -> str:
        try:
            return self.summary()
        except NotImplementedError:  # pragma: no cover
            return object.__repr__(self)
