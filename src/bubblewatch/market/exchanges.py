"""Markets for cross-market reactions: each exchange's time zone and regular session hours
(:data:`MARKETS`) and the market of a symbol (:func:`market_of`, by suffix such as ``.KS`` or
by index name such as ``KOSPI``).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from zoneinfo import ZoneInfo

import pandas as pd

from bubblewatch.validation import Text, validate_params

__all__ = ["MARKETS", "Market", "market_of"]


@dataclasses.dataclass(frozen=True)
class Market:
    """An exchange's time zone and regular session hours (local time)."""

    code: str
    name: str
    tz: str
    open: _dt.time
    close: _dt.time
    #: trading weekdays (Monday = 0); crypto trades every day
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)

    def trades_on(self, day: pd.Timestamp) -> bool:
        """Whether ``day`` is a trading weekday of this market (holidays are not known)."""
        return int(day.day_of_week) in self.weekdays

    def open_utc(self, day: pd.Timestamp) -> pd.Timestamp:
        return pd.Timestamp(
            _dt.datetime.combine(day.date(), self.open, ZoneInfo(self.tz))
        ).tz_convert("UTC")

    def close_utc(self, day: pd.Timestamp) -> pd.Timestamp:
        if self.close == _dt.time(0, 0):  # 24:00
            return pd.Timestamp(
                _dt.datetime.combine(day.date(), self.close, ZoneInfo(self.tz))
            ).tz_convert("UTC") + pd.Timedelta(days=1)
        return pd.Timestamp(
            _dt.datetime.combine(day.date(), self.close, ZoneInfo(self.tz))
        ).tz_convert("UTC")


def _t(h: int, m: int = 0) -> _dt.time:
    return _dt.time(h, m)


#: built-in market table: code -> Market (regular hours, local time; crypto = UTC days)
MARKETS: dict[str, Market] = {
    "US": Market("US", "United States", "America/New_York", _t(9, 30), _t(16)),
    "KR": Market("KR", "Korea", "Asia/Seoul", _t(9), _t(15, 30)),
    "JP": Market("JP", "Japan", "Asia/Tokyo", _t(9), _t(15, 30)),
    "CN": Market("CN", "China (Shanghai/Shenzhen)", "Asia/Shanghai", _t(9, 30), _t(15)),
    "TW": Market("TW", "Taiwan", "Asia/Taipei", _t(9), _t(13, 30)),
    "HK": Market("HK", "Hong Kong", "Asia/Hong_Kong", _t(9, 30), _t(16)),
    "UK": Market("UK", "London", "Europe/London", _t(8), _t(16, 30)),
    "EU": Market("EU", "Continental Europe (Xetra/Euronext)", "Europe/Berlin", _t(9), _t(17, 30)),
    "CRYPTO": Market("CRYPTO", "Crypto (UTC days)", "UTC", _t(0), _t(0), tuple(range(7))),
}

_SUFFIXES = {
    ".KS": "KR",
    ".KQ": "KR",
    ".T": "JP",
    ".SZ": "CN",
    ".SS": "CN",
    ".TW": "TW",
    ".TWO": "TW",
    ".HK": "HK",
    ".L": "UK",
    ".DE": "EU",
    ".F": "EU",
    ".PA": "EU",
    ".AS": "EU",
    ".MI": "EU",
    ".SW": "EU",
    ".MC": "EU",
}
_NAMES = {
    "KOSPI": "KR",
    "KS11": "KR",
    "KOSDAQ": "KR",
    "NIKKEI": "JP",
    "N225": "JP",
    "TOPIX": "JP",
    "SSE": "CN",
    "SHANGHAI": "CN",
    "CSI300": "CN",
    "SHENZHEN": "CN",
    "TAIEX": "TW",
    "TWII": "TW",
    "HANG_SENG": "HK",
    "HANGSENG": "HK",
    "HSI": "HK",
    "FTSE": "UK",
    "DAX": "EU",
    "STOXX": "EU",
    "CAC": "EU",
    "AEX": "EU",
    "BTC": "CRYPTO",
    "ETH": "CRYPTO",
    "BITCOIN": "CRYPTO",
}


@validate_params(
    symbol=Text(),
)
def market_of(symbol: str) -> str:
    """Market code of a symbol from its suffix or index name (default ``"US"``).

    Examples
    --------
    >>> [market_of(s) for s in ["SK_HYNIX_000660.KS", "KOSPI", "BTC-USD", "TSMC_2330.TW", "NVDA"]]
    ['KR', 'KR', 'CRYPTO', 'TW', 'US']
    """
    up = str(symbol).upper()
    for suf, code in sorted(_SUFFIXES.items(), key=lambda kv: -len(kv[0])):
        if up.endswith(suf):
            return code
    if up.endswith("-USD") or up.endswith("USDT"):
        return "CRYPTO"
    for name, code in _NAMES.items():
        if name in up:
            return code
    return "US"
