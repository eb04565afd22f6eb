"""SEC EDGAR company facts: quarterly fundamentals and cover-page share counts.

Two public endpoints, no key: the ticker -> CIK map ``www.sec.gov/files/company_tickers.json``
(``{"0": {"cik_str": 1045810, "ticker": "NVDA", "title": "NVIDIA CORP"}, ...}``) and the
XBRL company facts ``data.sec.gov/api/xbrl/companyfacts/CIK##########.json``, parsed by
:func:`bubblewatch.data.providers.sec_facts.parse_company_facts`. The SEC asks automated
clients to name themselves: set ``SEC_USER_AGENT`` (e.g. ``"Jane Doe jane@example.org"``);
without it bubblewatch sends its own user agent. A name may be a ticker or a CIK
(``CIK0001045810`` or ``1045810``).
"""

from __future__ import annotations

import json
import os
from typing import Any

import pandas as pd

from bubblewatch.data.providers.http import USER_AGENT, HttpGet, http_get
from bubblewatch.data.providers.sec_facts import parse_company_facts
from bubblewatch.errors import InputError, ProviderError

__all__ = ["FACTS_URL", "TICKERS_URL", "download", "facts_url", "parse_tickers", "resolve_cik"]

TICKERS_URL = "https://www.sec.gov/files/company_tickers.json"
FACTS_URL = "https://data.sec.gov/api/xbrl/companyfacts/CIK{cik:010d}.json"


def _headers() -> dict[str, str]:
    return {"User-Agent": os.environ.get("SEC_USER_AGENT") or USER_AGENT}


def facts_url(cik: int) -> str:
    """The company-facts URL of ``cik``.

    >>> facts_url(1045810)
    'https://data.sec.gov/api/xbrl/companyfacts/CIK0001045810.json'
    """
    return FACTS_URL.format(cik=int(cik))


def parse_tickers(payload: bytes | str | dict[str, Any]) -> dict[str, int]:
    """``TICKER -> CIK`` from the SEC's ``company_tickers.json``."""
    try:
        doc = payload if isinstance(payload, dict) else json.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProviderError(f"malformed SEC ticker map: not JSON ({exc})") from exc
    rows: Any = doc.values() if isinstance(doc, dict) else []
    out: dict[str, int] = {}
    for r in rows:
        try:
            out[str(r["ticker"]).upper()] = int(r["cik_str"])
        except (KeyError, TypeError, ValueError):
            continue
    if not out:
        raise ProviderError("malformed SEC ticker map: no ticker/cik_str entries")
    return out


def _cik_of(name: str) -> int | None:
    s = name.strip().upper()
    if s.startswith("CIK"):
        s = s[3:]
    return int(s) if s.isdigit() else None


def resolve_cik(name: str, tickers: dict[str, int] | None) -> int:
    """The CIK of a ticker (via the map) or of a name that is a CIK already."""
    cik = _cik_of(name)
    if cik is not None:
        return cik
    if tickers is None:
        raise InputError(f"{name}: not a CIK and no ticker map")
    try:
        return tickers[name.strip().upper()]
    except KeyError:
        raise ProviderError(
            f"the SEC ticker map has no {name.strip().upper()}; pass its CIK instead "
            "(e.g. CIK0001045810), or check the ticker (US filers only)"
        ) from None


def download(
    names: list[str],
    start: pd.Timestamp,
    end: pd.Timestamp,
    get: HttpGet = http_get,
) -> list[tuple[str, pd.DataFrame, pd.DataFrame]]:
    """``[(name, fundamentals, shares), ...]`` for each name (see :mod:`.sec_facts`)."""
    tickers = None
    if any(_cik_of(n) is None for n in names):
        try:
            tickers = parse_tickers(get(TICKERS_URL, headers=_headers()))
        except ProviderError as exc:
            if str(exc).startswith("malformed"):
                raise
            raise ProviderError(f"SEC ticker map download failed: {exc}") from exc
    out = []
    for n in names:
        cik = resolve_cik(n, tickers)
        label = n.strip().upper()
        try:
            body = get(facts_url(cik), headers=_headers())
        except ProviderError as exc:
            raise ProviderError(f"SEC company facts download of {label} failed: {exc}") from exc
        fund, shares = parse_company_facts(body, label, start, end)
        out.append((label, fund, shares))
    return out
