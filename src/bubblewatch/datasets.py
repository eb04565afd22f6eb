"""Embedded default data (public name): see :mod:`bubblewatch.data.datasets`.

The loaders and :func:`load_demo` live in the data layer; this module re-exports them so
that ``import bubblewatch.datasets`` works as documented.
"""

from bubblewatch.data import datasets as _datasets
from bubblewatch.data.datasets import *  # noqa: F403

__all__ = list(_datasets.__all__)
