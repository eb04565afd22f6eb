"""Each /api answer equals the CLI's --json for the same inputs (one serialisation).

The only field allowed to differ is ``metadata.created`` (the time of the computation).
"""

from __future__ import annotations

import json

import pytest
from dashboard_stores import make_client
from typer.testing import CliRunner

from bubblewatch.cli import app as cli


def _strip(obj):
    if isinstance(obj, dict):
        return {k: _strip(v) for k, v in obj.items() if k != "created"}
    if isinstance(obj, list):
        return [_strip(v) for v in obj]
    return obj


@pytest.fixture(scope="module")
def client(demo_store):
    return make_client(demo_store, timeout=300)


def _cli(args, store):
    res = CliRunner().invoke(cli, ["--quiet", *args, "--store", str(store), "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _network_cli(args):
    res = CliRunner().invoke(cli, ["--quiet", *args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


CASES = [
    (["data", "list"], "/api/series"),
    (
        ["psy", "NVDA", "--as-of", "2024-12-31", "--years", "3", "--lags", "1"],
        "/api/psy/NVDA?as_of=2024-12-31&years=3&lags=1",
    ),
    (
        ["lppls", "fit", "NVDA", "--end", "2024-06-28"],
        "/api/lppls/fit/NVDA?end=2024-06-28",
    ),
    (
        [
            "lppls", "confidence", "NVDA", "--window-max", "120", "--window-min", "60",
            "--window-step", "20", "--end-step", "5", "--start", "2024-05-01", "--end", "2024-06-28",
        ],
        "/api/lppls/confidence/NVDA?window_max=120&window_min=60&window_step=20&end_step=5"
        "&start=2024-05-01&end=2024-06-28",
    ),
    (["market", "event", "NVDA", "--date", "2025-01-27"], "/api/market/event/NVDA?date=2025-01-27"),
    (
        ["market", "event", "NVDA", "--date", "2025-01-21", "--end", "2025-01-31"],
        "/api/market/event/NVDA?date=2025-01-21&end=2025-01-31",
    ),
    (
        ["market", "reaction", "NVDA", "--date", "2025-01-27", "--universe", "^IXIC,BTC-USD,^GSPC"],
        "/api/market/reaction/NVDA?date=2025-01-27&universe=^IXIC,BTC-USD,^GSPC",
    ),
    (
        ["market", "spillover", "NVDA", "^IXIC", "^GSPC", "--returns", "--lags", "2"],
        "/api/market/spillover?symbols=NVDA,^IXIC,^GSPC&returns=true&lags=2",
    ),
    (["claims"], "/api/claims"),
    (["status", "NVDA", "--as-of", "2024-12-31"], "/api/status?symbol=NVDA&as_of=2024-12-31"),
    (["status"], "/api/status"),
    (["status", "compare-2000"], "/api/status/compare-2000"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "url"), CASES, ids=[" ".join(c[0][:2]) for c in CASES])
def test_api_equals_cli_json(client, demo_store, args, url):
    r = client.get(url)
    assert r.status_code == 200, r.text
    assert _strip(r.json()) == _strip(_cli(args, demo_store))


@pytest.mark.parametrize(
    ("args", "url"),
    [
        (["network", "show"], "/api/network/show"),
        (
            ["network", "stress", "--shock", "OpenAI", "--honour", "0.4", "--markdown", "0.2"],
            "/api/network/stress?shock=OpenAI&honour=0.4&markdown=0.2",
        ),
    ],
)
def test_network_api_equals_cli_json(client, args, url):
    r = client.get(url)
    assert r.status_code == 200, r.text
    assert _strip(r.json()) == _strip(_network_cli(args))


def test_csv_equals_cli_export(client, demo_store):
    r = client.get("/api/market/event/NVDA?date=2025-01-21&end=2025-01-31&format=csv")
    res = CliRunner().invoke(
        cli,
        ["--quiet", "market", "event", "NVDA", "--date", "2025-01-21", "--end", "2025-01-31",
         "--store", str(demo_store), "--export", "csv"],
    )  # fmt: skip
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.text == res.stdout
