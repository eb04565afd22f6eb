"""The SEC company-facts provider on company-facts documents the tests build (no network):
one from ../shared/data's NVDA rows that must round-trip to the same quarters, small ones
for the year-to-date arithmetic, the split-adjusted comparatives and the bad answers."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from bubblewatch.data import providers
from bubblewatch.data.importer import import_paths
from bubblewatch.data.providers import sec
from bubblewatch.data.providers.sec_facts import parse_company_facts
from bubblewatch.data.store import Store
from bubblewatch.errors import InputError, NotFoundError, ProviderError

TAGS = {
    "revenue": ("us-gaap", "Revenues", "USD"),
    "net_income": ("us-gaap", "NetIncomeLoss", "USD"),
    "eps_diluted": ("us-gaap", "EarningsPerShareDiluted", "USD/shares"),
    "operating_cash_flow": ("us-gaap", "NetCashProvidedByUsedInOperatingActivities", "USD"),
    "capex": ("us-gaap", "PaymentsToAcquireProductiveAssets", "USD"),
    "shares_diluted_weighted": (
        "us-gaap",
        "WeightedAverageNumberOfDilutedSharesOutstanding",
        "shares",
    ),
}
#: NVDA's fiscal years start on these days (FY2024 ended 2024-01-28, FY2025 2025-01-26)
FY_START = {2024: "2023-01-30", 2025: "2024-01-29", 2026: "2025-01-27"}
#: FY2024's first half is not in the shared CSV: any numbers do for the year-to-date facts
H1_FY2024 = {
    "operating_cash_flow": 9_000e6,
    "capex": 900e6,
    "revenue": 20_000e6,
    "net_income": 8_000e6,
}
H1_FILED = "2023-08-23"
SPLIT_DAY = pd.Timestamp("2024-06-10")  # NVDA 10:1


class Facts:
    """A company-facts document under construction."""

    def __init__(self, cik: int = 1045810) -> None:
        self.doc: dict[str, Any] = {"cik": cik, "entityName": "NVIDIA CORP", "facts": {}}

    def add(self, tax: str, tag: str, unit: str, **fact: Any) -> None:
        node = self.doc["facts"].setdefault(tax, {}).setdefault(tag, {"label": tag, "units": {}})
        node["units"].setdefault(unit, []).append(fact)

    def metric(self, metric: str, **fact: Any) -> None:
        self.add(*TAGS[metric], **fact)

    def bytes(self) -> bytes:
        return json.dumps(self.doc).encode()


def nvda_from_csv(csv: Path, *, q4_eps: float | None = None) -> tuple[Facts, pd.DataFrame]:
    """Company facts holding the shared CSV's NVDA figures the way the SEC files them."""
    f = pd.read_csv(csv)
    f = f[f["symbol"] == "NVDA"].copy()
    f["filed"] = f["source"].str.extract(r"10-[QK] filed (\d{4}-\d{2}-\d{2})")[0]
    f["fy"] = f["fiscal_period"].str[2:6].astype(int)
    f["q"] = f["fiscal_period"].str[-1].astype(int)
    f["period_end"] = pd.to_datetime(f["period_end"])
    ends = sorted(f["period_end"].unique())
    # a quarter starts the day after the previous one ends
    qstart = {e: (ends[i - 1] + pd.Timedelta(days=1)) for i, e in enumerate(ends) if i}
    qstart[ends[0]] = pd.Timestamp("2023-07-31")
    filed = f.dropna(subset=["filed"]).groupby("fiscal_period")["filed"].first()
    facts = Facts()
    ytd: dict[tuple[int, str], float] = {}
    for r in f.sort_values("period_end").itertuples():
        fp_filed = filed[r.fiscal_period]
        form = "10-K" if r.q == 4 else "10-Q"
        fp = "FY" if r.q == 4 else f"Q{r.q}"
        d = lambda x: pd.Timestamp(x).date().isoformat()  # noqa: E731
        common = {"fy": r.fy, "fp": fp, "form": form, "filed": fp_filed, "accn": f"acc-{fp_filed}"}
        if r.metric == "shares_outstanding":
            as_of = re.search(r"as of (\d{4}-\d{2}-\d{2})", r.note).group(1)
            facts.add(
                "dei",
                "EntityCommonStockSharesOutstanding",
                "shares",
                end=as_of,
                val=r.value,
                **common,
            )
            continue
        if r.metric in ("eps_diluted", "shares_diluted_weighted"):
            if r.q == 4:
                continue  # from the earnings release: not in XBRL
            val = r.value
            if pd.Timestamp(fp_filed) < SPLIT_DAY:  # the original report: pre-split figures
                orig = val * 10 if r.metric == "eps_diluted" else val / 10
                facts.metric(
                    r.metric, start=d(qstart[r.period_end]), end=d(r.period_end), val=orig, **common
                )
                later = {
                    **common,
                    "filed": "2025-05-28",
                    "fy": 2026,
                    "fp": "Q1",
                    "accn": "acc-later",
                }
                facts.metric(
                    r.metric, start=d(qstart[r.period_end]), end=d(r.period_end), val=val, **later
                )
            else:
                facts.metric(
                    r.metric, start=d(qstart[r.period_end]), end=d(r.period_end), val=val, **common
                )
            continue
        # flows: income-statement quarters are three-month facts (Q1-Q3); every statement
        # also carries the year to date (cash flows only that); the 10-K only the year
        key = (r.fy, r.metric)
        if r.fy == 2024 and key not in ytd:
            ytd[key] = H1_FY2024[r.metric]
            facts.metric(
                r.metric, start=FY_START[2024], end="2023-07-30", val=ytd[key],
                fy=2024, fp="Q2", form="10-Q", filed=H1_FILED, accn="acc-h1",
            )  # fmt: skip
        ytd[key] = ytd.get(key, 0.0) + r.value
        facts.metric(r.metric, start=FY_START[r.fy], end=d(r.period_end), val=ytd[key], **common)
        if r.metric in ("revenue", "net_income") and r.q != 4 and r.q != 1:
            facts.metric(
                r.metric, start=d(qstart[r.period_end]), end=d(r.period_end), val=r.value, **common
            )
    if q4_eps is not None:
        facts.metric(
            "eps_diluted", start="2024-10-28", end="2025-01-26", val=q4_eps,
            fy=2025, fp="FY", form="10-K", filed="2025-02-26", accn="acc-q4",
        )  # fmt: skip
    return facts, f


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("a test tried to open a network connection")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.delenv("BUBBLEWATCH_OFFLINE", raising=False)


@pytest.mark.shared
def test_nvda_company_facts_built_from_the_shared_csv_round_trip(shared_data: Path) -> None:
    facts, csv = nvda_from_csv(shared_data / "fundamentals" / "fundamentals.csv")
    fund, shares = parse_company_facts(facts.bytes(), "NVDA")
    got = fund.set_index(["fiscal_period", "metric"])
    want = csv[csv["metric"] != "shares_outstanding"].set_index(["fiscal_period", "metric"])
    for metric in ("revenue", "net_income", "operating_cash_flow", "capex"):
        w = want.xs(metric, level="metric")
        g = got.xs(metric, level="metric").loc[w.index]  # the same nine quarters back
        assert len(w) == 9
        assert g["value"].tolist() == w["value"].tolist(), metric
        assert (g["period_end"] == w["period_end"]).all()
        assert [d.date().isoformat() for d in g["filed"]] == w["filed"].tolist()
    # per-share figures: Q1-Q3 as reported, split-adjusted from the later comparatives but
    # dated by the original report; Q4 is not derived (the year minus nine months is no EPS)
    for metric in ("eps_diluted", "shares_diluted_weighted"):
        w = want.xs(metric, level="metric")
        w = w[~w.index.str.endswith("Q4")]
        g = got.xs(metric, level="metric")
        assert sorted(g.index) == sorted(w.index), metric
        assert g.loc[w.index, "value"].tolist() == w["value"].tolist()
    q = got.loc[("FY2024Q3", "eps_diluted")]
    assert q["value"] == 0.37 and q["filed"] == pd.Timestamp("2023-11-21")
    assert "re-reported in the 10-Q filed 2025-05-28 (first reported 3.7)" in q["note"]
    q4 = got.loc[("FY2025Q4", "operating_cash_flow")]
    assert q4["value"] == 16_629e6 and q4["note"].startswith(
        "Q4 = fiscal year (2024-01-29..2025-01-26) minus nine months"
    )
    assert q4["form"] == "10-K" and q4["source"] == (
        "sec:NVDA us-gaap:NetCashProvidedByUsedInOperatingActivities (10-K filed 2025-02-26)"
    )
    q2 = got.loc[("FY2026Q2", "capex")]
    assert q2["value"] == 1_895e6 and q2["note"].startswith("single quarter = year-to-date")
    # cover-page counts, as filed (pre-split before June 2024)
    assert shares["shares"].tolist() == csv[csv["metric"] == "shares_outstanding"]["value"].tolist()
    assert shares["date"].iloc[-1] == pd.Timestamp("2025-11-14")


@pytest.mark.shared
def test_a_reported_q4_eps_is_taken(shared_data: Path) -> None:
    facts, _ = nvda_from_csv(shared_data / "fundamentals" / "fundamentals.csv", q4_eps=0.89)
    fund, _ = parse_company_facts(
        facts.bytes(), "NVDA", pd.Timestamp("2025-01-01"), pd.Timestamp("2025-02-01")
    )
    eps = fund[fund["metric"] == "eps_diluted"]
    assert eps["fiscal_period"].tolist() == ["FY2025Q4"] and eps["value"].tolist() == [0.89]


def small_facts() -> Facts:
    """One fiscal year of a calendar-year company: Q1-Q3 10-Qs and the 10-K."""
    f = Facts(cik=2488)
    ends = ["2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31"]
    filed = ["2025-05-01", "2025-08-01", "2025-11-01", "2026-02-01"]
    q = {"revenue": [10.0, 11.0, 12.0, 13.0], "net_income": [2.0, 2.0, 3.0, 3.0],
         "operating_cash_flow": [5.0, 6.0, 7.0, 8.0], "capex": [1.0, 2.0, 3.0, 4.0]}  # fmt: skip
    for i, (e, fd) in enumerate(zip(ends, filed, strict=True)):
        meta = {
            "fy": 2025,
            "fp": "FY" if i == 3 else f"Q{i + 1}",
            "form": "10-K" if i == 3 else "10-Q",
            "filed": fd,
        }
        qs = ["2025-01-01", "2025-04-01", "2025-07-01", "2025-10-01"][i]
        for m, vals in q.items():
            f.metric(m, start="2025-01-01", end=e, val=sum(vals[: i + 1]), **meta)
            if m in ("revenue", "net_income") and i < 3:
                f.metric(m, start=qs, end=e, val=vals[i], **meta)
        if i < 3:
            f.metric("eps_diluted", start=qs, end=e, val=0.1 * (i + 1), **meta)
        f.add("dei", "EntityCommonStockSharesOutstanding", "shares", end=fd, val=20.0, **meta)
    return f


def test_year_to_date_cash_flows_become_quarters() -> None:
    fund, shares = parse_company_facts(small_facts().bytes(), "ACME")
    ocf = fund[fund["metric"] == "operating_cash_flow"]
    assert ocf["value"].tolist() == [5.0, 6.0, 7.0, 8.0]
    assert ocf["fiscal_period"].tolist() == ["FY2025Q1", "FY2025Q2", "FY2025Q3", "FY2025Q4"]
    rev = fund[fund["metric"] == "revenue"]
    assert rev["value"].tolist() == [10.0, 11.0, 12.0, 13.0]
    assert rev["note"].tolist()[:3] == ["three-month value as reported"] * 3
    eps = fund[fund["metric"] == "eps_diluted"]
    assert eps["fiscal_period"].tolist() == ["FY2025Q1", "FY2025Q2", "FY2025Q3"]  # no Q4
    assert len(shares) == 4 and shares["source"].iloc[0].startswith(
        "sec:ACME dei:EntityCommonStock"
    )


def test_bad_company_facts_name_the_tag() -> None:
    f = small_facts()
    del f.doc["facts"]["us-gaap"]["NetIncomeLoss"]
    with pytest.raises(
        ProviderError,
        match=r"ACME \(CIK 0000002488\) have none of us-gaap:NetIncomeLoss \(metric net_income\)",
    ):
        parse_company_facts(f.bytes(), "ACME")
    f = small_facts()
    units = f.doc["facts"]["us-gaap"]["Revenues"]["units"]
    units["EUR"] = units.pop("USD")
    with pytest.raises(ProviderError, match="us-gaap:Revenues is reported in EUR, expected USD"):
        parse_company_facts(f.bytes(), "ACME")
    f = small_facts()
    del f.doc["facts"]["us-gaap"]["NetIncomeLoss"]["units"]["USD"][0]["val"]
    with pytest.raises(
        ProviderError, match="us-gaap:NetIncomeLoss \\[USD\\]: a fact without 'val'"
    ):
        parse_company_facts(f.bytes(), "ACME")
    with pytest.raises(ProviderError, match="not JSON"):
        parse_company_facts(b"<html>rate limited</html>", "ACME")
    with pytest.raises(ProviderError, match="no 'facts'"):
        parse_company_facts(b"{}", "ACME")
    with pytest.raises(
        ProviderError, match=r"hold no quarter with a period end in 2020-01-01\.\.2020-12-31"
    ):
        parse_company_facts(
            small_facts().bytes(), "ACME", pd.Timestamp("2020-01-01"), pd.Timestamp("2020-12-31")
        )


class Recorder:
    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.urls: list[str] = []

    def __call__(
        self, url: str, *, headers: dict[str, str] | None = None, timeout: float = 20.0
    ) -> bytes:
        self.urls.append(url)
        assert headers and headers.get("User-Agent")
        for key, body in self.answers.items():
            if key in url:
                if isinstance(body, Exception):
                    raise body
                return body
        raise AssertionError(f"unexpected URL {url}")


TICKERS = json.dumps({"0": {"cik_str": 2488, "ticker": "ACME", "title": "ACME CORP"}}).encode()


def test_fetch_writes_fundamentals_and_shares_then_reads_the_cache(monkeypatch) -> None:
    rec = Recorder({"company_tickers": TICKERS, "CIK0000002488": small_facts().bytes()})
    monkeypatch.setattr(providers, "http_get", rec)
    with Store(":memory:") as st:
        got = providers.fetch(st, "sec", ["acme"], "2025-01-01", "2025-12-31")
        assert (
            got[0].symbol == "ACME" and got[0].first == "2025-03-31" and got[0].last == "2025-12-31"
        )
        assert rec.urls == [
            sec.TICKERS_URL,
            "https://data.sec.gov/api/xbrl/companyfacts/CIK0000002488.json",
        ]
        f = st.fundamentals("ACME", "capex")
        assert f["value"].tolist() == [1.0, 2.0, 3.0, 4.0] and set(f["unit"]) == {"USD"}
        assert st.shares_outstanding("ACME").iloc[0] == 20.0
        # a CIK needs no ticker map; the offline read needs no network at all
        monkeypatch.setattr(
            providers, "http_get", Recorder({"CIK0000002488": small_facts().bytes()})
        )
        providers.fetch(st, "sec", ["CIK0000002488"], "2025-01-01", "2025-12-31")
        monkeypatch.setattr(providers, "http_get", Recorder({}))
        cached = providers.fetch(st, "sec", ["ACME"], "2025-01-01", "2025-06-30", offline=True)
        assert cached[0].from_cache and cached[0].rows == 10
        with pytest.raises(
            NotFoundError, match=r"it holds quarters ending 2025-03-31\.\.2025-12-31"
        ):
            providers.fetch(st, "sec", ["ACME"], "2020-01-01", "2020-12-31", offline=True)


def test_fetch_fails_loudly_and_writes_nothing(monkeypatch, tmp_path: Path) -> None:
    with Store(":memory:") as st:
        down = ProviderError("cannot reach www.sec.gov: no route to host")
        monkeypatch.setattr(providers, "http_get", Recorder({"company_tickers": down}))
        with pytest.raises(ProviderError, match="SEC ticker map download failed: cannot reach"):
            providers.fetch(st, "sec", ["ACME"], "2025-01-01")
        bad = small_facts()
        del bad.doc["facts"]["us-gaap"]["Revenues"]
        monkeypatch.setattr(
            providers,
            "http_get",
            Recorder({"company_tickers": TICKERS, "CIK0000002488": bad.bytes()}),
        )
        with pytest.raises(ProviderError, match="none of us-gaap:Revenues"):
            providers.fetch(st, "sec", ["ACME"], "2025-01-01")
        monkeypatch.setattr(providers, "http_get", Recorder({"company_tickers": TICKERS}))
        with pytest.raises(ProviderError, match="ticker map has no NOPE"):
            providers.fetch(st, "sec", ["NOPE"], "2025-01-01")
        assert sum(st.row_counts().values()) == 0
        # a company imported from a file is not mixed with SEC figures
        path = tmp_path / "f.csv"
        path.write_text("symbol,period_end,metric,value\nACME,2025-03-31,revenue,10\n")
        import_paths(st, [path])
        monkeypatch.setattr(
            providers,
            "http_get",
            Recorder({"company_tickers": TICKERS, "CIK0000002488": small_facts().bytes()}),
        )
        with pytest.raises(InputError, match="ACME fundamentals are already in the store from"):
            providers.fetch(st, "sec", ["ACME"], "2025-01-01")
        assert st.row_counts()["fundamentals"] == 1


def test_cli_fetch_sec_offline_environment_fails_loudly(
    monkeypatch, tmp_path: Path, capsys
) -> None:
    from bubblewatch.cli import main

    monkeypatch.setenv("BUBBLEWATCH_OFFLINE", "1")
    store = str(tmp_path / "s.duckdb")
    assert (
        main(
            [
                "data",
                "fetch",
                "--provider",
                "sec",
                "NVDA",
                "--start",
                "2024-01-01",
                "--store",
                store,
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert "SEC ticker map download failed" in err and "BUBBLEWATCH_OFFLINE" in err
    assert (
        main(
            [
                "data",
                "fetch",
                "--provider",
                "sec",
                "NVDA",
                "--start",
                "2024-01-01",
                "--offline",
                "--store",
                store,
            ]
        )
        == 2
    )
    assert "the cache lacks SEC fundamentals of NVDA" in capsys.readouterr().err
