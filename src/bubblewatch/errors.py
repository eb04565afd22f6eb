"""Typed errors and warnings shared by every layer of bubblewatch.

Every error a user can cause derives from :class:`InputError` and maps to exit code 2 on
the command line; anything else that escapes is an internal error (exit code 1).
Messages say what is wrong, where (file, 1-based line, column, value) and what to do.
"""

from __future__ import annotations

import errno
from pathlib import Path

__all__ = [
    "DISK_FULL_MESSAGE",
    "BubblewatchError",
    "ComputationWarning",
    "ConvergenceWarning",
    "DataFileError",
    "DataQualityWarning",
    "InputError",
    "InsufficientDataError",
    "Interrupted",
    "NoSpaceError",
    "NotFoundError",
    "NumericalWarning",
    "ParameterError",
    "ParameterTypeError",
    "ParameterValueError",
    "ProviderError",
    "StoreBusyError",
    "StoreError",
    "is_disk_full",
    "quote_value",
]

#: what the CLI says when a write ran out of space (the transaction was rolled back)
DISK_FULL_MESSAGE = "no space left on the device holding the store; nothing written"


class BubblewatchError(Exception):
    """Base class of every error raised by bubblewatch."""

    #: process exit code used by the CLI
    exit_code: int = 1


class InputError(BubblewatchError, ValueError):
    """The caller's input is wrong: bad arguments, bad values, bad files (exit code 2).

    Parameters
    ----------
    *args
        The message (as for any exception).
    parameter : str, optional
        The argument of the function whose value is at fault (``"shares"``, ``"log"``).
        Pure modules name arguments, never command-line flags: the CLI maps the parameter to
        its flag and adds the hint (see ``bubblewatch.commands.common.flag_hints``).

    Examples
    --------
    >>> err = InputError("cut_bp -5: the cut must be positive", parameter="cut_bp")
    >>> err.parameter, str(err)
    ('cut_bp', 'cut_bp -5: the cut must be positive')
    """

    exit_code = 2

    def __init__(self, *args: object, parameter: str | None = None) -> None:
        super().__init__(*args)
        if parameter is not None or "parameter" not in self.__dict__:  # a subclass may set it
            self.parameter = parameter

    def add_hint(self, hint: str) -> None:
        """Append ``(hint)`` to the message (the CLI names its flag this way)."""
        if self.args:
            self.args = (f"{self.args[0]} ({hint})", *self.args[1:])
        else:
            self.args = (hint,)


class DataFileError(InputError):
    """A data file is malformed; the message names the file, line, column and value.

    Parameters
    ----------
    path : str or Path
        The offending file.
    problem : str
        What is wrong, in words (``"unparsable date"``).
    line : int, optional
        1-based line number in the file (the header is line 1).
    column : str, optional
        Column name.
    value : object, optional
        The offending value as read.
    expected : str, optional
        What was expected instead.

    Examples
    --------
    >>> err = DataFileError("prices.csv", "unparsable date", line=3, column="date",
    ...                     value="2025-13-01", expected="an ISO date YYYY-MM-DD")
    >>> print(err)
    prices.csv, line 3, column 'date': unparsable date: '2025-13-01' (expected an ISO date YYYY-MM-DD)
    """

    def __init__(
        self,
        path: str | Path,
        problem: str,
        *,
        line: int | None = None,
        column: str | None = None,
        value: object = None,
        expected: str | None = None,
    ) -> None:
        self.path = str(path)
        self.problem = problem
        self.line = line
        self.column = column
        self.value = value
        self.expected = expected
        super().__init__(self._format())

    def _format(self) -> str:
        where = [self.path]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        msg = ", ".join(where) + f": {self.problem}"
        if self.value is not None:
            msg += f": {quote_value(self.value)}"
        if self.expected:
            msg += f" (expected {self.expected})"
        return msg


#: longest quoted cell in a message (longer cells are cut, with their length said)
QUOTE_MAX = 80


def quote_value(value: object, limit: int = QUOTE_MAX) -> str:
    """A value as a message quotes it: ``repr`` of plain Python values (numpy scalars become
    Python numbers, so no ``np.float64(7.0)``), cut to ``limit`` characters.

    Examples
    --------
    >>> import numpy as np
    >>> quote_value(np.float64(7.0)), quote_value("null"), quote_value(float("nan"))
    ('7.0', "'null'", 'nan')
    >>> quote_value("2025-01-02," * 20)[-30:]
    "2025-01-0...' (220 characters)"
    """
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy":
        try:
            value = item()
        except (TypeError, ValueError):  # pragma: no cover - arrays of size != 1
            pass
    text = repr(value)
    if len(text) <= limit:
        return text
    if isinstance(value, str | bytes):
        unit = "characters" if isinstance(value, str) else "bytes"
        return f"{text[: limit - 4]}...{text[-1]} ({len(value)} {unit})"
    return f"{text[: limit - 3]}..."


class ParameterError(InputError):
    """A function's parameter has a value it does not allow (see :mod:`bubblewatch.validation`).

    The message names the function, the parameter, the value and what is allowed; the same
    facts are kept as fields so that a caller (the CLI) can add its own hint (the flag).

    Attributes
    ----------
    function : str
        The function's name, e.g. ``"psy"``.
    parameter : str
        The parameter's name, e.g. ``"lags"``.
    value : object
        The value passed.
    allowed : str
        What is allowed, in words (``"an integer >= 0"``).
    """

    def __init__(self, function: str, parameter: str, value: object, allowed: str) -> None:
        self.function = function
        self.parameter = parameter
        self.value = value
        self.allowed = allowed
        super().__init__(f"{function}(): {parameter} must be {allowed}; got {_shown(value)}")


class ParameterTypeError(ParameterError, TypeError):
    """A parameter's value has a type the parameter does not take (``lags=True``, ``log="no"``)."""


class ParameterValueError(ParameterError):
    """A parameter's value has the right type but lies outside what is allowed (``lags=-1``)."""


def _shown(value: object) -> str:
    """The value as a message shows it: scalars with their type, containers by type and size."""
    if value is None or isinstance(value, (bool, int, float, str, complex)):
        text = repr(value)
        if len(text) > 60:
            text = text[:57] + "..."
        return f"{text} ({type(value).__name__})"
    shape = getattr(value, "shape", None)
    if shape == () and hasattr(value, "item"):  # a numpy scalar
        return f"{value.item()!r} ({type(value).__name__})"
    if shape is not None:
        return f"a {type(value).__name__} of shape {tuple(shape)}"
    try:
        n = len(value)  # type: ignore[arg-type]
    except TypeError:
        return f"a {type(value).__name__}"
    return f"a {type(value).__name__} of length {n}"


class InsufficientDataError(InputError):
    """Too few observations (or too little variation) for the requested computation."""


class NotFoundError(InputError):
    """A symbol, series, date or file the caller named does not exist."""


class StoreError(BubblewatchError):
    """The local store could not be opened, read or written."""


class StoreBusyError(StoreError):
    """Another process kept the store busy for longer than the wait (exit code 2)."""

    exit_code = 2


class NoSpaceError(StoreError):
    """The device holding the store is full; nothing was written (exit code 2)."""

    exit_code = 2


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` (an OSError, or DuckDB's IOException, which has no errno) says that the
    device is full, or an exception it was raised from does."""
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        text = str(e)
        if "No space left on device" in text or "Disk quota exceeded" in text:
            return True
        e = e.__cause__ or e.__context__
    return False


class Interrupted(BubblewatchError):
    """The user stopped a command (Ctrl-C) after part of its work was kept (exit code 130,
    as for any interruption); the message says what was kept and how to go on."""

    exit_code = 130


class ProviderError(BubblewatchError):
    """An online data provider failed (no network, bad response, empty answer).

    Providers never return empty frames silently: they raise this instead.
    """


class DataQualityWarning(UserWarning):
    """Data were accepted but look suspicious (e.g. high < low); kept with the row."""


class ConvergenceWarning(UserWarning):
    """An optimiser or iteration did not converge; the result says so."""


class ComputationWarning(UserWarning):
    """An expensive computation the caller did not ask for by name is being run (once)."""


class NumericalWarning(UserWarning):
    """A computation hit a degenerate case (e.g. a zero-variance window) and returned NaN."""
