"""Lazy re-exports for the sub-packages' ``__init__`` (PEP 562): one style for every package.

A sub-package's ``__init__`` holds its docstring (naming its modules and entry points) and
a table ``name -> module`` of the public names it re-exports; a name is imported from its
module on first access, so importing one module of a package never loads its siblings
(``bubblewatch.data.providers.http`` does not start DuckDB; ``bubblewatch.detect.psy_setup``
does not compile a kernel).

A name equal to a submodule's name (``bubblewatch.network.debtrank``) is not re-exported:
the package attribute would be the module or the function depending on import order.
Import such names from their module.

Examples
--------
>>> import bubblewatch.macro as macro
>>> macro.debt_path.__module__
'bubblewatch.macro.debt'
>>> sorted(macro.__all__)[:2]
['DEFAULT_REPRICING_SHARE', 'DebtPath']
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, where: Mapping[str, str]
) -> tuple[list[str], Callable[[str], Any], Callable[[], list[str]]]:
    """``(__all__, __getattr__, __dir__)`` for ``package`` re-exporting ``where``'s names.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    where : mapping
        Public name -> the module that defines it.
    """
    table = dict(where)

    def __getattr__(name: str) -> Any:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(table))

    return sorted(table), __getattr__, __dir__
