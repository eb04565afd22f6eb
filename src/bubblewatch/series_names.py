"""Names of the stored series the code looks up by name (no pandas here: the CLI's option
defaults read them at start-up)."""

from __future__ import annotations

__all__ = ["USDCNY_SERIES"]

#: the FRED series of CNY per USD that turns a USD market value into CNY
USDCNY_SERIES = "DEXCHUS_USDCNY"
