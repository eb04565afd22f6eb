"""Fixtures of the scan tests."""

from __future__ import annotations

import pandas as pd
import pytest
from scan_inputs import make_panel


@pytest.fixture
def panel() -> dict[str, pd.Series]:
    return make_panel()
