"""Declarative parameter validation: each public function declares its parameters once.

Modelled on scikit-learn's ``validate_params`` [1]_ and statsmodels' ``int_like`` /
``bool_like`` [2]_: a function is decorated with one constraint (or a list of
alternatives) per parameter, and every call checks the values it was given before any work
is done. A value that no alternative allows raises
:class:`~bubblewatch.errors.ParameterTypeError` (wrong type: also a ``TypeError``) or
:class:`~bubblewatch.errors.ParameterValueError` (right type, outside the allowed values);
both are :class:`~bubblewatch.errors.InputError` (exit code 2 on the command line) and
name the function, the parameter, the value and what is allowed.

The rules are strict where Python is lax: a bool is not an integer (``psy(y, lags=True)``
fails), a string is not a bool (``log="no"`` fails), a string is not a number
(``alpha="1"`` fails), a float is not an integer (``years=2.5`` fails), NaN is never a
number. Checks that involve several parameters or the data themselves (a window longer
than the series, a date that is not a session) stay in the function's body.

Usage
-----
>>> from bubblewatch.validation import Bool, Integer, Options, validate_params
>>> @validate_params(n=Integer(min=1), how=Options("mean", "median"), log=Bool())
... def f(n, *, how="mean", log=False):
...     return n
>>> f(3)
3
>>> f(True)
Traceback (most recent call last):
...
bubblewatch.errors.ParameterTypeError: f(): n must be an integer >= 1; got True (bool)
>>> f(2, how="mode")
Traceback (most recent call last):
...
bubblewatch.errors.ParameterValueError: f(): how must be one of 'mean', 'median'; got 'mode' (str)

``None`` in a list of alternatives allows ``None``. Every parameter of the function must be
declared (the test suite fails on an undeclared one), so a parameter added later cannot
slip through unchecked. :data:`DECLARED` lists every decorated function: the test suite
feeds each one invalid values generated from its declarations
(:meth:`Constraint.invalid_values`) and expects :class:`~bubblewatch.errors.ParameterError`.

References
----------
.. [1] scikit-learn developers. ``sklearn.utils._param_validation.validate_params``.
.. [2] statsmodels developers. ``statsmodels.tools.validation`` (``int_like``,
   ``float_like``, ``bool_like``, ``string_like``).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, TypeVar

from bubblewatch.errors import ParameterTypeError, ParameterValueError
from bubblewatch.param_constraints import (
    Anything,
    ArrayLike,
    Bool,
    Constraint,
    Date,
    Frame,
    Function,
    Instance,
    Integer,
    MappingOf,
    Options,
    Real,
    SeriesLike,
    Text,
    _NoneValue,
)

__all__ = [
    "DECLARED",
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
    "Rule",
    "SeriesLike",
    "Spec",
    "Text",
    "check_param",
    "rule_of",
    "undeclared",
    "validate_params",
]

F = TypeVar("F", bound=Callable[..., Any])

#: every function decorated with :func:`validate_params`, by ``module.qualname``
DECLARED: dict[str, Callable[..., Any]] = {}

Spec = Constraint | None | Sequence[Constraint | None]


class Rule:
    """A parameter's alternatives (a value passes if any constraint accepts it)."""

    def __init__(self, spec: Spec) -> None:
        items: list[Any] = list(spec) if isinstance(spec, (list, tuple)) else [spec]
        out: list[Constraint] = []
        for c in items:
            if c is None:
                out.append(_NoneValue())
            elif isinstance(c, Constraint):
                out.append(c)
            else:
                raise TypeError(f"not a constraint: {c!r}")
        self.constraints: tuple[Constraint, ...] = tuple(out)
        self.allowed = " or ".join(c.allowed for c in self.constraints)

    def accepts(self, value: Any) -> bool:
        return any(c.accepts(value) for c in self.constraints)

    def check(self, function: str, name: str, value: Any) -> None:
        """Raise :class:`~bubblewatch.errors.ParameterError` unless a constraint accepts ``value``."""
        typed = False
        for c in self.constraints:
            if c.type_ok(value):
                if c.value_ok(value):
                    return
                typed = True
        err = ParameterValueError if typed else ParameterTypeError
        raise err(function, name, value, self.allowed)

    def example(self) -> Any:
        return self.constraints[0].example()

    def invalid_values(self) -> list[Any]:
        """Values every alternative rejects, for the tests."""
        out: list[Any] = []
        for c in self.constraints:
            for v in c.invalid_values():
                if not self.accepts(v) and not any(v is o for o in out):
                    out.append(v)
        return out

    def __repr__(self) -> str:
        return f"Rule({self.allowed!r})"


def check_param(function: str, name: str, value: Any, spec: Spec) -> Any:
    """Check one value imperatively (for a parameter whose rule depends on another); return it.

    Examples
    --------
    >>> check_param("episodes", "level", 95, Options(90, 95, 99))
    95
    """
    Rule(spec).check(function, name, value)
    return value


def validate_params(**specs: Spec) -> Callable[[F], F]:
    """Declare every parameter of a function; the calls check the values they pass.

    Parameters
    ----------
    **specs
        One entry per parameter of the function (``self``/``cls`` and ``*args``/``**kwargs``
        excepted): a :class:`Constraint`, ``None`` (the value ``None``) or a list of them
        (alternatives).

    Notes
    -----
    A parameter left undeclared, or a declared name that is not a parameter, is recorded
    (:func:`undeclared`) and failed by the test suite rather than at import.
    """

    def deco(fn: F) -> F:
        sig = inspect.signature(fn)
        names = [
            n
            for n, p in sig.parameters.items()
            if n not in ("self", "cls")
            and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        ]
        # a parameter left undeclared (or a declared name that is no parameter) is listed
        # on the function and failed by the test suite, not at import: a merge that adds a
        # parameter must not break every import of the package
        missing = tuple(n for n in names if n not in specs)
        unknown = tuple(n for n in specs if n not in names)
        rules = {n: Rule(specs[n]) for n in names if n in specs}
        label = fn.__qualname__

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                bound = sig.bind(*args, **kwargs)
            except TypeError:
                return fn(*args, **kwargs)  # Python names the missing/extra argument
            for n, v in bound.arguments.items():
                rule = rules.get(n)
                if rule is not None:
                    rule.check(label, n, v)
            return fn(*args, **kwargs)

        wrapper.__bubblewatch_params__ = MappingProxyType(rules)  # type: ignore[attr-defined]
        wrapper.__bubblewatch_undeclared__ = (missing, unknown)  # type: ignore[attr-defined]
        DECLARED[f"{fn.__module__}.{fn.__qualname__}"] = wrapper
        return wrapper  # type: ignore[return-value]

    return deco


def undeclared(fn: Callable[..., Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(parameters not declared, declared names that are not parameters)`` of a decorated function."""
    return getattr(fn, "__bubblewatch_undeclared__", ((), ()))


def rule_of(fn: Callable[..., Any]) -> Mapping[str, Rule] | None:
    """The declared rules of a decorated function (None if it is not decorated)."""
    return getattr(fn, "__bubblewatch_params__", None)
