"""SEC XBRL company facts (``companyfacts/CIK##########.json``) -> quarterly fundamentals.

The document holds every fact a company filed, per taxonomy (``us-gaap``, ``dei``), tag and
unit: ``{"start", "end", "val", "fy", "fp", "form", "filed", "accn", "frame"}`` (``start`` only
for flows). The same period appears once per filing that reported it (the original report
and later comparatives). We turn it into one value per fiscal quarter:

* **value**: the last filed figure for the period (comparatives in later reports carry
  restatements and split-adjusted per-share figures: NVDA's 10:1 split of June 2024);
* **filed / form**: the period's first report (when the figure was first known), so the
  valuation functions count it from then;
* **flows** (revenue, net income, operating cash flow, capex): a three-month fact is taken
  as reported; otherwise a quarter is the difference of two year-to-date facts with the same
  start (10-Q cash-flow statements are year-to-date), and fiscal Q4 is the fiscal year minus
  the nine months (the 10-K reports only the year). The row's ``note`` says which;
* **per-share and share-count averages** (diluted EPS, diluted weighted shares) are not
  additive: only a reported three-month figure is used, so Q4 stays missing unless the
  company filed a three-month Q4 fact;
* **cover-page shares** (``dei:EntityCommonStockSharesOutstanding``) are instants, kept as
  reported (not split-adjusted) for the ``shares`` table.

Fiscal quarters are labelled ``FY<fy>Q<n>``: ``fy`` of the first report of the fiscal year
that contains the quarter, ``n`` from the quarter's position in that year.

Anything unexpected raises :class:`~bubblewatch.errors.ProviderError` naming the company and
the tag: not JSON, no ``facts``, a required metric with none of its tags, a tag without the
expected unit, a fact without ``end``/``val``/``filed``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.data.providers.http import json_document
from bubblewatch.errors import ProviderError

__all__ = ["FLOW_METRICS", "METRIC_TAGS", "SHARES_TAG", "parse_company_facts"]

#: metric -> (taxonomy, candidate tags in order of preference, unit in the document, our unit)
METRIC_TAGS: dict[str, tuple[str, tuple[str, ...], str, str]] = {
    "revenue": (
        "us-gaap",
        (
            "Revenues",
            "RevenueFromContractWithCustomerExcludingAssessedTax",
            "SalesRevenueNet",
            "RevenueFromContractWithCustomerIncludingAssessedTax",
        ),
        "USD",
        "USD",
    ),
    "net_income": ("us-gaap", ("NetIncomeLoss",), "USD", "USD"),
    "eps_diluted": ("us-gaap", ("EarningsPerShareDiluted",), "USD/shares", "USD/share"),
    "operating_cash_flow": (
        "us-gaap",
        ("NetCashProvidedByUsedInOperatingActivities",),
        "USD",
        "USD",
    ),
    "capex": (
        "us-gaap",
        ("PaymentsToAcquirePropertyPlantAndEquipment", "PaymentsToAcquireProductiveAssets"),
        "USD",
        "USD",
    ),
    "shares_diluted_weighted": (
        "us-gaap",
        ("WeightedAverageNumberOfDilutedSharesOutstanding",),
        "shares",
        "shares",
    ),
}
#: additive metrics: quarters may be derived from year-to-date and annual facts
FLOW_METRICS = ("revenue", "net_income", "operating_cash_flow", "capex")
#: metrics a company may lack without failing the fetch
OPTIONAL_METRICS = ("shares_diluted_weighted",)
SHARES_TAG = ("dei", "EntityCommonStockSharesOutstanding", "shares")
_QUARTER = (80, 100)  # days in a fiscal quarter (13 or 14 weeks, or a calendar quarter)
_FORMS = ("10-Q", "10-K", "10-Q/A", "10-K/A", "10-KT", "10-QT")


def _bad(who: str, what: str) -> ProviderError:
    return ProviderError(f"malformed SEC company facts for {who}: {what}")


def _facts(
    doc: Mapping[str, Any], who: str, taxonomy: str, tag: str, unit: str
) -> pd.DataFrame | None:
    """The facts of one tag in ``unit`` as a frame, None when the tag is absent."""
    node = doc["facts"].get(taxonomy, {}).get(tag)
    if node is None:
        return None
    units = node.get("units") if isinstance(node, Mapping) else None
    if not isinstance(units, Mapping) or not units:
        raise _bad(who, f"{taxonomy}:{tag} has no 'units'")
    if unit not in units:
        raise ProviderError(
            f"SEC company facts for {who}: {taxonomy}:{tag} is reported in "
            f"{', '.join(map(str, units))}, expected {unit}; nothing written"
        )
    rows = units[unit]
    if not isinstance(rows, list) or not rows:
        raise _bad(who, f"{taxonomy}:{tag} [{unit}] holds no facts")
    df = pd.DataFrame(rows)
    for col in ("end", "val", "filed"):
        if col not in df.columns or df[col].isna().any():
            raise _bad(who, f"{taxonomy}:{tag} [{unit}]: a fact without '{col}'")
    if "form" not in df.columns:
        df["form"] = None
    if "start" not in df.columns:
        df["start"] = None
    for col in ("fy",):
        if col not in df.columns:
            df[col] = np.nan
    try:
        df["end"] = pd.to_datetime(df["end"])
        df["start"] = pd.to_datetime(df["start"])
        df["filed"] = pd.to_datetime(df["filed"])
        df["val"] = pd.to_numeric(df["val"]).astype(float)
    except (ValueError, TypeError) as exc:
        raise _bad(who, f"{taxonomy}:{tag} [{unit}]: {exc}") from exc
    df = df[df["form"].isna() | df["form"].isin(_FORMS)]
    df["tag"] = f"{taxonomy}:{tag}"
    return df.reset_index(drop=True)


def _periods(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (start, end): the last filed value, the first filing's date, form and fy."""
    df = df.dropna(subset=["start"]).sort_values(["filed"], kind="stable")
    g = df.groupby(["start", "end"], sort=True)
    first = g.first()
    last = g.last()
    out = pd.DataFrame(
        {
            "value": last["val"],
            "first_value": first["val"],
            "filed": first["filed"],
            "form": first["form"],
            "fy": first["fy"],
            "last_filed": last["filed"],
            "last_form": last["form"],
            "tag": first["tag"],
        }
    ).reset_index()
    out["days"] = (out["end"] - out["start"]).dt.days + 1
    return out


def _fiscal_years(periods: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Fiscal-year starts and labels: every period start that begins a year-to-date series."""
    allp = pd.concat(periods, ignore_index=True)
    starts = allp[allp["days"] >= _QUARTER[0]].sort_values("filed").groupby("start").first()
    long = allp[allp["days"] > _QUARTER[1]]
    fy_starts = set(long["start"])
    # a fiscal year's first quarter starts the year too (before any YTD fact exists)
    annual_ends = allp[allp["days"] > 300][["start", "end"]]
    for e in annual_ends["end"]:
        fy_starts.add(e + pd.Timedelta(days=1))
    rows = []
    for s in sorted(fy_starts):
        if s in starts.index and pd.notna(starts.loc[s, "fy"]):
            rows.append({"start": s, "fy": int(starts.loc[s, "fy"])})
    if not rows:  # only three-month facts: label by the year after the first fy seen
        return pd.DataFrame(columns=["start", "fy"])
    return pd.DataFrame(rows)


def _label(end: pd.Timestamp, start: pd.Timestamp, years: pd.DataFrame) -> str | None:
    ok = years[(years["start"] <= start) & (end - years["start"] <= pd.Timedelta(days=380))]
    if ok.empty:
        return None
    y = ok.iloc[-1]
    n = round((end - y["start"]).days / 91.3)
    return f"FY{int(y['fy'])}Q{n}" if 1 <= n <= 4 else None


def _quarters(metric: str, p: pd.DataFrame) -> pd.DataFrame:
    """Quarter rows (start, end, value, filed, form, tag, note) of one metric's periods."""
    q = p[(p["days"] >= _QUARTER[0]) & (p["days"] <= _QUARTER[1])].copy()
    q["note"] = [
        "three-month value as reported"
        if v == v0
        else f"three-month value as re-reported in the {lf if isinstance(lf, str) else 'report'} "
        f"filed {pd.Timestamp(ld).date()} (first reported {v0:g})"
        for v, v0, lf, ld in zip(
            q["value"], q["first_value"], q["last_form"], q["last_filed"], strict=True
        )
    ]
    rows = [q]
    if metric in FLOW_METRICS:
        have = set(q["end"])
        derived = []
        for s, g in p[p["days"] >= _QUARTER[0]].groupby("start"):
            g = g.sort_values("end")
            prev = None
            for r in g.itertuples():
                if prev is not None and r.end not in have:
                    gap = (r.end - prev.end).days
                    if _QUARTER[0] <= gap <= _QUARTER[1]:
                        q4 = r.days > 300
                        derived.append(
                            {
                                "start": prev.end + pd.Timedelta(days=1),
                                "end": r.end,
                                "value": r.value - prev.value,
                                "filed": r.filed,
                                "form": r.form,
                                "fy": r.fy,
                                "tag": r.tag,
                                "note": (
                                    f"Q4 = fiscal year ({s.date()}..{r.end.date()}) minus nine months (to {prev.end.date()})"
                                    if q4
                                    else f"single quarter = year-to-date to {r.end.date()} minus year-to-date to {prev.end.date()}"
                                ),
                            }
                        )
                        have.add(r.end)
                prev = r
        if derived:
            rows.append(pd.DataFrame(derived))
    out = pd.concat(rows, ignore_index=True)
    return out.sort_values("end").drop_duplicates("end", keep="first").reset_index(drop=True)


def parse_company_facts(
    payload: bytes | str | Mapping[str, Any],
    ticker: str,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(fundamentals, shares)`` frames from a company-facts document.

    ``fundamentals`` has the store's columns (symbol, fiscal_period, period_end, metric,
    value, unit, form, filed, source, note); ``shares`` has symbol, date, shares, source.
    Quarters are kept when their period end lies in ``[start, end]``.

    Raises
    ------
    ProviderError
        Not JSON, no facts, a required metric missing, an unexpected unit, a malformed fact,
        or no quarter in the window.
    """
    doc = json_document(payload, lambda what: _bad(ticker, what))
    if not isinstance(doc, Mapping) or not isinstance(doc.get("facts"), Mapping):
        raise _bad(ticker, "no 'facts' object")
    cik = doc.get("cik")
    who = (
        f"{ticker} (CIK {int(cik):010d})"
        if isinstance(cik, int | str) and str(cik).isdigit()
        else ticker
    )
    periods: dict[str, list[pd.DataFrame]] = {}
    for metric, (tax, tags, unit, _) in METRIC_TAGS.items():
        parts = [f for f in (_facts(doc, who, tax, t, unit) for t in tags) if f is not None]
        if not parts:
            if metric in OPTIONAL_METRICS:
                continue
            raise ProviderError(
                f"SEC company facts for {who} have none of "
                f"{', '.join(f'{tax}:{t}' for t in tags)} (metric {metric}); nothing written"
            )
        periods[metric] = [_periods(f) for f in parts]
    years = _fiscal_years([p for ps in periods.values() for p in ps])
    rows = []
    for metric, ps in periods.items():
        # quarters per tag (a quarter is never derived across two tags); per quarter, the
        # first tag in order of preference that gives it
        q = pd.concat([_quarters(metric, p).assign(rank=i) for i, p in enumerate(ps)])
        q = q.sort_values(["rank"], kind="stable").drop_duplicates("end", keep="first")
        for r in q.sort_values("end").itertuples():
            if (start is not None and r.end < start) or (end is not None and r.end > end):
                continue
            form = r.form if isinstance(r.form, str) else None
            filed = pd.Timestamp(r.filed)
            rows.append(
                {
                    "symbol": ticker,
                    "fiscal_period": _label(r.end, r.start, years),
                    "period_end": r.end,
                    "metric": metric,
                    "value": float(r.value),
                    "unit": METRIC_TAGS[metric][3],
                    "form": form,
                    "filed": filed,
                    "source": f"sec:{ticker} {r.tag} ({form or 'report'} filed {filed.date()})",
                    "note": r.note,
                }
            )
    fund = pd.DataFrame(rows)
    if fund.empty:
        span = (
            f" with a period end in {start.date()}..{end.date()}"
            if start is not None and end is not None
            else ""
        )
        raise ProviderError(f"SEC company facts for {who} hold no quarter{span}")
    fund = fund.sort_values(["period_end", "metric"]).reset_index(drop=True)
    tax, tag, unit = SHARES_TAG
    sh = _facts(doc, who, tax, tag, unit)
    if sh is None or sh.empty:
        shares = pd.DataFrame(columns=["symbol", "date", "shares", "source"])
    else:
        sh = sh.sort_values("filed").drop_duplicates("end", keep="first")
        if start is not None:
            sh = sh[sh["end"] >= start]
        if end is not None:
            sh = sh[sh["end"] <= end]
        shares = pd.DataFrame(
            {
                "symbol": ticker,
                "date": sh["end"].to_numpy(),
                "shares": sh["val"].to_numpy(float),
                "source": [
                    f"sec:{ticker} {tax}:{tag} (cover page of {f or 'report'} filed {d.date()})"
                    for f, d in zip(sh["form"], sh["filed"], strict=True)
                ],
            }
        )
        if (shares["shares"] <= 0).any():
            bad = shares[shares["shares"] <= 0].iloc[0]
            raise _bad(
                who,
                f"{tax}:{tag}: non-positive share count {bad['shares']:g} on {pd.Timestamp(bad['date']).date()}",
            )
    return fund, shares.reset_index(drop=True)
