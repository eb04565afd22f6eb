"""The constraints a parameter is declared with (:func:`bubblewatch.validation.validate_params`).

Each constraint says which values it takes (:meth:`Constraint.type_ok` and
:meth:`Constraint.value_ok`), what it allows in words (``allowed``, used in the error
messages), a valid :meth:`~Constraint.example` and the :meth:`~Constraint.invalid_values`
the test suite feeds every declared function. Import them from :mod:`bubblewatch.validation`.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import numbers
from collections.abc import Mapping
from typing import Any

__all__ = [
    "Anything",
    "ArrayLike",
    "Bool",
    "Constraint",
    "Date",
    "Frame",
    "Function",
    "Instance",
    "Integer",
    "MappingOf",
    "Options",
    "Real",
    "SeriesLike",
    "Text",
]


#: values of a type that no constraint below takes unless it says so
_STRANGERS: tuple[Any, ...] = (object(), b"bytes")


class Constraint:
    """One kind of value a parameter allows.

    Subclasses say whether a value has the right type (:meth:`type_ok`), whether it lies
    in the allowed values (:meth:`value_ok`), what is allowed in words (:attr:`allowed`),
    a valid :meth:`example` and the :meth:`invalid_values` the tests try.
    """

    allowed: str = "a value"

    def type_ok(self, value: Any) -> bool:
        raise NotImplementedError

    def value_ok(self, value: Any) -> bool:
        return True

    def accepts(self, value: Any) -> bool:
        return self.type_ok(value) and self.value_ok(value)

    def example(self) -> Any:
        raise NotImplementedError

    def invalid_values(self) -> tuple[Any, ...]:
        """Values this constraint rejects (of a wrong type, and out of range where it has one)."""
        return _STRANGERS

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.allowed!r})"


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, _np_bool()))


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, _np_bool()))


@functools.cache
def _np_bool() -> type:
    import numpy as np

    return np.bool_


def _bound_text(lo: Any, hi: Any, lo_open: bool, hi_open: bool) -> str:
    if lo is not None and hi is not None:
        return f" in {'(' if lo_open else '['}{lo}, {hi}{')' if hi_open else ']'}"
    if lo is not None:
        return f" {'>' if lo_open else '>='} {lo}"
    if hi is not None:
        return f" {'<' if hi_open else '<='} {hi}"
    return ""


class Integer(Constraint):
    """An integer (Python or numpy; not a bool, not a float), optionally bounded (inclusive)."""

    def __init__(self, min: int | None = None, max: int | None = None) -> None:
        self.min, self.max = min, max
        self.allowed = "an integer" + _bound_text(min, max, False, False)

    def type_ok(self, value: Any) -> bool:
        return _is_int(value)

    def value_ok(self, value: Any) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def example(self) -> int:
        return self.min if self.min is not None else (self.max if self.max is not None else 0)

    def invalid_values(self) -> tuple[Any, ...]:
        out: list[Any] = [True, 2.5, "1", *_STRANGERS]
        if self.min is not None:
            out.append(self.min - 1)
        if self.max is not None:
            out.append(self.max + 1)
        return tuple(out)


class Real(Constraint):
    """A finite real number (int or float, Python or numpy; not a bool, not NaN), optionally bounded.

    ``min_open``/``max_open`` make a bound strict; ``finite=False`` also allows +-inf.
    """

    def __init__(
        self,
        min: float | None = None,
        max: float | None = None,
        *,
        min_open: bool = False,
        max_open: bool = False,
        finite: bool = True,
    ) -> None:
        self.min, self.max = min, max
        self.min_open, self.max_open, self.finite = min_open, max_open, finite
        kind = "a finite number" if finite else "a number (not NaN)"
        self.allowed = kind + _bound_text(min, max, min_open, max_open)

    def type_ok(self, value: Any) -> bool:
        return _is_real(value)

    def value_ok(self, value: Any) -> bool:
        v = float(value)
        if math.isnan(v) or (self.finite and math.isinf(v)):
            return False
        if self.min is not None and (v <= self.min if self.min_open else v < self.min):
            return False
        return not (self.max is not None and (v >= self.max if self.max_open else v > self.max))

    def example(self) -> float:
        lo, hi = self.min, self.max
        if lo is not None and hi is not None:
            return (lo + hi) / 2
        if lo is not None:
            return float(lo) + 1.0
        if hi is not None:
            return float(hi) - 1.0
        return 0.5

    def invalid_values(self) -> tuple[Any, ...]:
        out: list[Any] = [True, "1", math.nan, *_STRANGERS]
        if self.finite:
            out.append(math.inf)
        if self.min is not None:
            out.append(self.min if self.min_open else self.min - 1)
        if self.max is not None:
            out.append(self.max if self.max_open else self.max + 1)
        return tuple(out)


class Bool(Constraint):
    """``True`` or ``False`` (a Python or numpy bool; not 0/1, not a string)."""

    allowed = "True or False"

    def type_ok(self, value: Any) -> bool:
        return isinstance(value, (bool, _np_bool()))

    def example(self) -> bool:
        return True

    def invalid_values(self) -> tuple[Any, ...]:
        return ("no", "True", 1, 0, None, *_STRANGERS)


class Options(Constraint):
    """One of the given values (strings compared case-insensitively with ``case=False``)."""

    def __init__(self, *values: Any, case: bool = True) -> None:
        if not values:
            raise TypeError("Options needs at least one value")
        self.values = tuple(values)
        self.case = case
        self._types = tuple({type(v) for v in values})
        self.allowed = "one of " + ", ".join(repr(v) for v in values)

    def _key(self, value: Any) -> Any:
        return value.lower() if not self.case and isinstance(value, str) else value

    def type_ok(self, value: Any) -> bool:
        if isinstance(value, (bool, _np_bool())) and bool not in self._types:
            return False
        if all(t is int for t in self._types):
            return _is_int(value)
        return isinstance(value, self._types)

    def value_ok(self, value: Any) -> bool:
        return self._key(value) in {self._key(v) for v in self.values}

    def example(self) -> Any:
        return self.values[0]

    def invalid_values(self) -> tuple[Any, ...]:
        first = self.values[0]
        wrong = f"{first}-not-an-option" if isinstance(first, str) else "not-an-option"
        out = [wrong, True, *_STRANGERS]
        if all(isinstance(v, int) for v in self.values):
            out.append(max(self.values) + 1)
        return tuple(v for v in out if not (self.type_ok(v) and self.value_ok(v)))


class Text(Constraint):
    """A string (optionally non-empty)."""

    def __init__(self, *, empty: bool = True) -> None:
        self.empty = empty
        self.allowed = "a string" if empty else "a non-empty string"

    def type_ok(self, value: Any) -> bool:
        return isinstance(value, str)

    def value_ok(self, value: Any) -> bool:
        return self.empty or bool(value.strip())

    def example(self) -> str:
        return "x"

    def invalid_values(self) -> tuple[Any, ...]:
        return (1, True, *_STRANGERS) + (() if self.empty else ("", "  "))


class Date(Constraint):
    """A date: an ISO string, ``datetime.date``/``datetime``, ``pandas.Timestamp`` or ``numpy.datetime64``.

    Only the type is checked here; the function reads the string (and names it if it
    cannot).
    """

    allowed = "a date (YYYY-MM-DD, datetime.date, pandas.Timestamp or numpy.datetime64)"

    def type_ok(self, value: Any) -> bool:
        if isinstance(value, (str, _dt.date)):
            return True
        return type(value).__name__ == "datetime64"

    def example(self) -> str:
        return "2020-01-02"

    def invalid_values(self) -> tuple[Any, ...]:
        return (20200102, 2020.5, True, *_STRANGERS)


class ArrayLike(Constraint):
    """One-dimensional (or ``ndim``-dimensional) data: a list, tuple, numpy array, pandas
    Series/DataFrame/Index or a scipy sparse matrix (``sparse=True``); never a string or a
    scalar. The values themselves are checked by the function."""

    def __init__(self, *, sparse: bool = False, what: str = "array-like") -> None:
        self.sparse = sparse
        self.allowed = f"{what} (a list, numpy array or pandas object" + (
            ", or a scipy sparse matrix)" if sparse else ")"
        )

    def type_ok(self, value: Any) -> bool:
        if isinstance(value, (str, bytes, Mapping)):
            return False
        if isinstance(value, (list, tuple)) or hasattr(value, "__array__"):
            return True
        return self.sparse and hasattr(value, "tocsr")

    def example(self) -> Any:
        return [1.0, 2.0, 3.0]

    def invalid_values(self) -> tuple[Any, ...]:
        return ("abc", 3.0, True, None, {"a": 1}, *_STRANGERS)


class SeriesLike(Constraint):
    """A pandas Series (or a one-column DataFrame where ``frame=True``)."""

    def __init__(self, *, frame: bool = False, what: str = "a pandas Series") -> None:
        self.frame = frame
        self.allowed = what + (" (or a one-column DataFrame)" if frame else "")

    def type_ok(self, value: Any) -> bool:
        import pandas as pd

        return isinstance(value, pd.Series) or (self.frame and isinstance(value, pd.DataFrame))

    def example(self) -> Any:
        import pandas as pd

        return pd.Series([1.0, 2.0, 3.0], index=pd.date_range("2020-01-01", periods=3))

    def invalid_values(self) -> tuple[Any, ...]:
        return ([1.0, 2.0], "abc", 3.0, None, *_STRANGERS)


class Frame(Constraint):
    """A pandas DataFrame (its columns are checked by the function)."""

    def __init__(self, what: str = "a pandas DataFrame") -> None:
        self.allowed = what

    def type_ok(self, value: Any) -> bool:
        import pandas as pd

        return isinstance(value, pd.DataFrame)

    def example(self) -> Any:
        import pandas as pd

        return pd.DataFrame({"close": [1.0, 2.0]}, index=pd.date_range("2020-01-01", periods=2))

    def invalid_values(self) -> tuple[Any, ...]:
        return ([1.0, 2.0], "abc", 3.0, None, *_STRANGERS)


class MappingOf(Constraint):
    """A mapping (dict-like); its entries are checked by the function."""

    def __init__(self, what: str = "a mapping (dict)") -> None:
        self.allowed = what

    def type_ok(self, value: Any) -> bool:
        return isinstance(value, Mapping)

    def example(self) -> Any:
        return {}

    def invalid_values(self) -> tuple[Any, ...]:
        return ([1.0], "abc", 3.0, True, *_STRANGERS)


class Instance(Constraint):
    """An instance of one of ``types`` (named ``what`` in messages)."""

    def __init__(self, *types: type, what: str | None = None) -> None:
        self.types = types
        self.allowed = what or " or ".join(f"a {t.__name__}" for t in types)

    def type_ok(self, value: Any) -> bool:
        return isinstance(value, self.types)

    def example(self) -> Any:
        raise TypeError(f"no example of {self.allowed}: the test supplies one")

    def invalid_values(self) -> tuple[Any, ...]:
        return tuple(v for v in ("abc", 3.0, True, *_STRANGERS) if not self.type_ok(v))


class Function(Constraint):
    """A callable."""

    allowed = "a callable"

    def type_ok(self, value: Any) -> bool:
        return callable(value)

    def example(self) -> Any:
        return lambda *a, **k: None

    def invalid_values(self) -> tuple[Any, ...]:
        return ("abc", 3.0, True)


class Anything(Constraint):
    """Any value: the function checks it itself (``why`` says how); generates no invalid values."""

    def __init__(self, why: str) -> None:
        self.allowed = why

    def type_ok(self, value: Any) -> bool:
        return True

    def example(self) -> Any:
        return None

    def invalid_values(self) -> tuple[Any, ...]:
        return ()


class _NoneValue(Constraint):
    allowed = "None"

    def type_ok(self, value: Any) -> bool:
        return value is None

    def example(self) -> None:
        return None

    def invalid_values(self) -> tuple[Any, ...]:
        return ()
