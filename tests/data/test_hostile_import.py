"""The hostile-input corpus of issue 10: every case through the CLI with its exact exit code,
its exact message and the store's content hash before and after.

Each case writes its input into a fresh folder and runs ``bubblewatch data import`` (or the
command named) against a store already holding one good series (GOOD). A rejected case must
leave the store's content hash as it was; an accepted one must leave the hash written here
(the store's rows with the temporary folder replaced by ``<tmp>``), so any change to what is
stored shows. ``{tmp}`` in a message is the case's folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bubblewatch.cli import main

GOOD = "date,open,high,low,close,adj_close,volume\n2025-01-02,1,2,0.5,1.5,1.5,100\n2025-01-03,1.5,2.5,1,2,2,200\n"
PRICES = "date,close\n2025-01-02,1.5\n2025-01-03,1.6\n"


@dataclass(frozen=True)
class Case:
    """One hostile input: ``make(folder)`` writes it and returns the command's arguments."""

    name: str
    make: Callable[[Path], list[str]]
    code: int
    #: rejected: the exact message after "error: "; accepted: lines the summary must hold
    message: str | tuple[str, ...]
    #: accepted cases: the store's content hash after the import
    after: str | None = None
    command: tuple[str, ...] = ("data", "import")
    skip: Callable[[], str | None] = field(default=lambda: None)
    #: run before the command with (folder, store): e.g. import a series it reads
    setup: Callable[[Path, Path], None] | None = None


def _w(path: Path, text: str, encoding: str = "utf-8") -> str:
    path.write_text(text, encoding=encoding)
    return str(path)


def _import(path: Path, text: str, store: Path) -> None:
    path.write_text(text, encoding="utf-8")
    assert main(["data", "import", str(path), "--store", str(store)]) == 0


def _parquet(folder: Path, frame: pd.DataFrame, name: str = "PQ.parquet") -> str:
    frame.to_parquet(folder / name, index=False)
    return str(folder / name)


def _fifo(folder: Path, name: str) -> Path:
    path = folder / name
    os.mkfifo(path)
    return path


def _no_mkfifo() -> str | None:
    return None if hasattr(os, "mkfifo") else "no FIFOs on this platform"


def _utf16(folder: Path) -> list[str]:
    (folder / "U16.csv").write_bytes(PRICES.encode("utf-16"))
    return [str(folder / "U16.csv")]


def _decimal(folder: Path) -> list[str]:
    import decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "date": pa.array(["2025-01-02", "2025-01-03"]),
            "close": pa.array(
                [decimal.Decimal("101.25"), decimal.Decimal("102.50")], pa.decimal128(12, 2)
            ),
        }
    )
    pq.write_table(table, folder / "DEC.parquet")
    return [str(folder / "DEC.parquet")]


def _tz_parquet(folder: Path) -> list[str]:
    idx = pd.DatetimeIndex(["2025-01-02", "2025-01-03"]).tz_localize("America/New_York")
    return [_parquet(folder, pd.DataFrame({"date": idx, "close": [3.0, 3.1]}), "TZ.parquet")]


def _yf_download(tickers: list[str]) -> str:
    fields = ["Close", "High", "Low", "Open", "Volume"]
    head = ["Price", *[f for f in fields for _ in tickers]]
    tick = ["Ticker", *[t for _ in fields for t in tickers]]
    rows = []
    for d, base in (("2025-01-02", 138.0), ("2025-01-03", 144.0)):
        vals = []
        for f in fields:
            for k, _ in enumerate(tickers):
                v = {"Close": base, "High": base + 2, "Low": base - 2, "Open": base - 1}.get(f)
                vals.append(str(v + k) if v is not None else "1000")
        rows.append(",".join([d, *vals]))
    return (
        "\n".join([",".join(head), ",".join(tick), "Date" + "," * len(tickers) * 5, *rows]) + "\n"
    )


def _unreadable(folder: Path) -> list[str]:
    sub = folder / "data" / "locked"
    sub.mkdir(parents=True)
    _w(folder / "data" / "OK.csv", PRICES)
    _w(sub / "HIDDEN.csv", PRICES)
    sub.chmod(0)
    return [str(folder / "data")]


def _cannot_lock_out() -> str | None:
    if os.geteuid() == 0:
        return "root reads any folder: run as a user to test an unreadable sub-folder"
    return None


CASES: list[Case] = [
    # -- 1. no silent overwrite: --symbol against the file's own symbol column
    Case(
        "symbol_disagrees_with_ticker_column",
        lambda d: [
            _w(d / "acme.csv", "date,ticker,close\n2025-01-02,AAPL,1.5\n"),
            "--symbol",
            "ACME",
        ],
        2,
        "{tmp}/acme.csv, line 2, column 'ticker': --symbol ACME disagrees with the file's ticker "
        "column: 'AAPL' (expected ACME on every row; leave out --symbol to import the file's own "
        "symbols (AAPL), or remove the column to store the file as ACME)",
    ),
    Case(
        "symbol_column_without_symbol_option",
        lambda d: [_w(d / "acme.csv", "date,symbol,close\n2025-01-02,aapl,1.5\n")],
        0,
        ("rows written: prices 1", "AAPL"),
        "b9a57cd4",
    ),
    Case(
        "symbol_option_agrees_ignoring_case",
        lambda d: [_w(d / "x.csv", "date,ticker,close\n2025-01-02,acme,1.5\n"), "--symbol", "Acme"],
        0,
        ("rows written: prices 1",),
        "4bb537ff",
    ),
    Case(
        "empty_symbol_option",
        lambda d: [_w(d / "X.csv", PRICES), "--symbol", "  "],
        2,
        "--symbol: empty symbol (expected a name such as NVDA; give one with --symbol)",
    ),
    Case(
        "lower_case_file_name_is_one_series_with_upper",
        lambda d: [_w(d / "good.csv", "date,close\n2025-01-06,2.5\n")],
        0,
        ("rows written: prices 1",),
        "f2c45bb9",
    ),
    # -- 3./4. --shift-days out of range
    Case(
        "shift_days_overflow",
        lambda d: [_w(d / "X.csv", PRICES), "--shift-days", "1000000000"],
        2,
        "--shift-days: a shift of 1000000000 days moves the dates out of the accepted range "
        "1800-01-01 to 2100-12-31 (expected a few days, e.g. --shift-days 1; at most 110000 in "
        "size)",
    ),
    Case(
        "shift_days_moves_a_date_past_2100",
        lambda d: [_w(d / "X.csv", "date,close\n2100-12-30,1.5\n"), "--shift-days", "5"],
        2,
        "{tmp}/X.csv, line 2, column 'date': date out of range after --shift-days 5: "
        "'2100-12-30' (expected a date between 1800-01-01 and 2100-12-31 once shifted; shift by "
        "a few days (e.g. --shift-days 1))",
    ),
    # -- 4. plausible ranges
    Case(
        "close_of_1e32",
        lambda d: [_w(d / "X.csv", "date,close\n2025-01-02,1.5\n2025-01-03,1e32\n")],
        2,
        "{tmp}/X.csv, line 3, column 'close': implausible value: '1e32' (expected a price > 0 "
        "and <= 1e+12; check the file's units (a price this large overflows later sums))",
    ),
    Case(
        "volume_of_1e20",
        lambda d: [_w(d / "X.csv", "date,close,volume\n2025-01-02,1.5,1e20\n")],
        2,
        "{tmp}/X.csv, line 2, column 'volume': implausible value: '1e20' (expected a volume "
        ">= 0 and <= 1e+16; check the file's units)",
    ),
    Case(
        "fx_rate_of_1e12",
        lambda d: [_w(d / "FXX.csv", "date,value\n2025-01-02,1e12\n"), "--kind", "fx"],
        2,
        "{tmp}/FXX.csv, line 2, column 'value': implausible value: '1e12' (expected an "
        "exchange rate > 0 and <= 1e+09; check the quote direction)",
    ),
    Case(
        "holdings_negative_weight",
        lambda d: [
            _w(
                d / "qqq_holdings.csv",
                "as_of,ticker,weight\n2025-09-30,NVDA,60\n2025-09-30,MSFT,-1.5\n",
            )
        ],
        2,
        "{tmp}/qqq_holdings.csv, line 3, column 'weight': negative value: '-1.5' (expected a "
        "weight in percent >= 0 and <= 100; weights are percent of the fund)",
    ),
    Case(
        "holdings_sum_250_percent",
        lambda d: [
            _w(
                d / "qqq_holdings.csv",
                "as_of,ticker,weight\n2025-09-30,NVDA,90\n2025-09-30,MSFT,80\n2025-09-30,AAPL,80\n",
            )
        ],
        2,
        "{tmp}/qqq_holdings.csv, line 2, column 'weight': the weights of 2025-09-30 sum to "
        "250% (expected weights in percent of the fund summing to at most 105%)",
    ),
    Case(
        "holdings_given_as_fractions",
        lambda d: [
            _w(
                d / "qqq_holdings.csv",
                "as_of,ticker,weight\n" + "".join(f"2025-09-30,T{i},0.2\n" for i in range(5)),
            )
        ],
        2,
        "{tmp}/qqq_holdings.csv, line 2, column 'weight': the weights of 2025-09-30 sum to 1: "
        "they look like fractions (expected weights in percent (multiply the fractions by 100))",
    ),
    Case(
        "holdings_partial_list_warns",
        lambda d: [
            _w(
                d / "qqq_holdings.csv",
                "as_of,ticker,weight\n2025-09-30,NVDA,9\n2025-09-30,MSFT,8\n",
            )
        ],
        0,
        (
            "warning: {tmp}/qqq_holdings.csv: the weights of 2025-09-30 sum to 17% (a partial "
            "list?); concentration measures renormalise the equity lines to 100%",
        ),
        "f43e1e47",
    ),
    # -- 5. formats users have
    Case(
        "yfinance_history_dates_with_utc_offset",
        lambda d: [
            _w(
                d / "NVDA.csv",
                "Date,Open,High,Low,Close,Volume,Dividends,Stock Splits\n"
                "2025-01-02 00:00:00-05:00,136,138.9,134.6,138.3,198247200,0.0,0.0\n"
                "2025-01-03 00:00:00-05:00,140,144.9,139.7,144.5,229322500,0.0,0.0\n",
            )
        ],
        0,
        (
            "note: {tmp}/NVDA.csv: dates carry a time and a UTC offset (e.g. '2025-01-02 "
            "00:00:00-05:00'); the calendar date as written, the exchange's local date, was kept "
            "and the time dropped",
        ),
        "e8f28d37",
    ),
    Case(
        "fred_observation_date_header",
        lambda d: [
            _w(d / "DGS10.csv", "observation_date,DGS10\n2025-01-02,4.57\n2025-01-03,\n"),
            "--kind",
            "macro",
        ],
        0,
        ("rows written: macro 1", "DGS10"),
        "123b2bc1",
    ),
    Case(
        "yahoo_null_rows_skipped",
        lambda d: [
            _w(
                d / "Y.csv",
                "Date,Open,High,Low,Close,Adj Close,Volume\n"
                "2025-01-02,1,2,0.5,1.5,1.5,100\n2025-01-03,null,null,null,null,null,null\n"
                "2025-01-06,1.5,2.5,1,2,2,200\n",
            )
        ],
        0,
        (
            "warning: {tmp}/Y.csv: 1 row(s) with no values (e.g. Yahoo's 'null' rows on days "
            "without a trade) were skipped (first on line 3: 'null')",
        ),
        "ab714253",
    ),
    Case(
        "null_close_among_values_is_named",
        lambda d: [_w(d / "Y.csv", "date,open,close\n2025-01-02,1,1.5\n2025-01-03,1.6,null\n")],
        2,
        "{tmp}/Y.csv, line 3, column 'close': missing value: 'null' (expected a close price; "
        "'close' is required on every row)",
    ),
    Case(
        "nan_close_is_named",
        lambda d: [_w(d / "Y.csv", "date,close\n2025-01-02,NaN\n")],
        2,
        "{tmp}/Y.csv, line 2, column 'close': missing value: 'NaN' (expected a close price; "
        "'close' is required on every row)",
    ),
    Case(
        "yfinance_download_one_ticker",
        lambda d: [_w(d / "dl.csv", _yf_download(["NVDA"]))],
        0,
        (
            "rows written: prices 2",
            "note: {tmp}/dl.csv: a yfinance download() file (header lines Price, Ticker, Date): "
            "read as a panel of 1 ticker(s) (NVDA)",
        ),
        "2030a091",
    ),
    Case(
        "yfinance_download_two_tickers",
        lambda d: [_w(d / "dl.csv", _yf_download(["NVDA", "AMD"]))],
        0,
        ("rows written: prices 4", "NVDA, AMD"),
        "a39314da",
    ),
    Case(
        "trailing_comma_on_every_line",
        lambda d: [_w(d / "TC.csv", "date,close,\n2025-01-02,1.5,\n2025-01-03,1.6,\n")],
        0,
        ("note: {tmp}/TC.csv: every line ends with a comma; the empty last column was ignored",),
        "a95376b6",
    ),
    Case(
        "values_under_a_blank_last_header",
        lambda d: [_w(d / "TC.csv", "date,close,\n2025-01-02,1.5,7\n")],
        2,
        "{tmp}/TC.csv, line 1: blank column name: 'column 3' (expected a name for every column "
        "(the last column holds values but no name))",
    ),
    Case(
        "parquet_decimal_column",
        _decimal,
        0,
        (
            "note: {tmp}/DEC.parquet: decimal column(s) close read as binary floats (about 15 "
            "significant digits)",
        ),
        "c7a1b644",
    ),
    Case(
        "parquet_time_zone_aware_dates",
        _tz_parquet,
        0,
        (
            "note: {tmp}/TZ.parquet: dates carry a time and a UTC offset (e.g. '2025-01-02 "
            "00:00:00-05:00'); the calendar date as written, the exchange's local date, was kept "
            "and the time dropped",
        ),
        "7000442a",
    ),
    Case(
        "time_of_day_without_offset",
        lambda d: [_w(d / "X.csv", "date,close\n2025-01-02 15:30:00,1.5\n")],
        2,
        "{tmp}/X.csv, line 2, column 'date': a time of day without a UTC offset: '2025-01-02 "
        "15:30:00' (expected daily data: a date YYYY-MM-DD (a time is accepted at midnight, or "
        "with its UTC offset, e.g. 2025-01-02 00:00:00-05:00))",
    ),
    # -- 6. folder walks and special files
    Case(
        "fifo_named_directly",
        lambda d: [str(_fifo(d, "PIPE.csv"))],
        2,
        "{tmp}/PIPE.csv: not a regular file: a FIFO (named pipe) (expected a .csv, .csv.gz or "
        ".parquet file; copy the data into a file first)",
        skip=_no_mkfifo,
    ),
    Case(
        "fifo_in_a_folder",
        lambda d: [(_w(d / "A.csv", PRICES), str(_fifo(d, "PIPE.csv")), str(d))[2]],
        2,
        "{tmp}/PIPE.csv: not a regular file: a FIFO (named pipe) (expected a .csv, .csv.gz or "
        ".parquet file; copy the data into a file first)",
        skip=_no_mkfifo,
    ),
    Case(
        "dangling_link_in_a_folder",
        lambda d: [(_w(d / "A.csv", PRICES), (d / "B.csv").symlink_to(d / "gone.csv"), str(d))[2]],
        2,
        "{tmp}/B.csv: broken symbolic link (to {tmp}/gone.csv, which does not exist) (expected "
        "a link to an existing file; fix or remove the link)",
    ),
    Case(
        "dev_zero_named_directly",
        lambda d: ["/dev/zero"],
        2,
        "/dev/zero: unsupported file type (expected .csv, .csv.gz or .parquet)",
    ),
    Case(
        "link_to_dev_zero",
        lambda d: [((d / "Z.csv").symlink_to("/dev/zero"), str(d / "Z.csv"))[1]],
        2,
        "{tmp}/Z.csv: not a regular file: a character device (expected a .csv, .csv.gz or "
        ".parquet file; copy the data into a file first)",
    ),
    Case(
        "unreadable_sub_folder",
        _unreadable,
        2,
        "{tmp}/data: cannot read the sub-folder {tmp}/data/locked (Permission denied); nothing "
        "was imported (make it readable, or name the files to import)",
        skip=_cannot_lock_out,
    ),
    # -- 7. a close above the high is flagged like high < low
    Case(
        "close_above_high_flagged",
        lambda d: [_w(d / "X.csv", "date,high,low,close\n2025-01-02,2,1,2.5\n")],
        0,
        (
            "warning: {tmp}/X.csv: 1 row(s) with close > high, kept and flagged in the "
            "'warning' column (first on line 2)",
        ),
        "e20010bb",
    ),
    Case(
        "jump_of_100x_flagged",
        lambda d: [_w(d / "X.csv", "date,close\n2025-01-02,1.5\n2025-01-03,150\n")],
        0,
        (
            "warning: {tmp}/X.csv: 1 row(s) with close more than 50x or less than 1/50 of the "
            "previous close, kept and flagged in the 'warning' column (first on line 3)",
        ),
        "d1788b2c",
    ),
    # -- 10. messages
    Case(
        "long_cell_is_cut_at_80_characters",
        lambda d: [_w(d / "X.csv", "date,close\n2025-01-02," + "9x" * 150 + "\n")],
        2,
        "{tmp}/X.csv, line 2, column 'close': not a number: '"
        + "9x" * 37
        + "9...' (300 characters) (expected a close price)",
    ),
    Case(
        "utf16_file_is_named",
        _utf16,
        2,
        "{tmp}/U16.csv, line 1: UTF-16 text (little-endian) (expected UTF-8 text; re-save the "
        "file as 'CSV UTF-8' (Excel) or convert it with iconv -f UTF-16 -t UTF-8 IN.csv > "
        "OUT.csv)",
    ),
    Case(
        "liability_owed_to_itself_without_numpy_repr",
        lambda d: [
            _w(d / "L.csv", "owes,A,B\nA,7,1\nB,2,\n"),
            _w(d / "E.csv", "party,outside_assets\nA,1\nB,1\n"),
        ],
        2,
        "{tmp}/L.csv, line 2, column 'A': a party cannot owe itself: 7.0 (expected 0 on the "
        "diagonal)",
        command=("network", "clear"),
    ),
    # -- 3. user errors that used to end as internal errors (exit 1)
    Case(
        "psy_on_a_text_column",
        lambda d: ["CUR", "--column", "currency"],
        2,
        "column 'currency' of CUR holds text, not prices; choose one of open, high, low, "
        "close, adj_close, volume",
        command=("psy",),
        setup=lambda d, store: _import(
            d / "CUR.csv", "date,close,currency\n2025-01-02,1.5,USD\n", store
        ),
    ),
    Case(
        "market_event_years_10000",
        lambda d: [
            "GOOD",
            "--date",
            "2025-01-03",
            "--years",
            "10000",
            "--fx",
            "none",
            "--shares",
            "none",
        ],
        2,
        "market_event(): years must be an integer in [1, 300] (the accepted dates span "
        "1800-2100); got 10000 (int)",
        command=("market", "event"),
    ),
    Case(
        "lppls_start_with_a_time_zone",
        lambda d: ["GOOD", "--start", "2025-01-02T00:00:00+02:00"],
        2,
        "start '2025-01-02T00:00:00+02:00': a date with a time zone; give the calendar date "
        "YYYY-MM-DD (e.g. 2025-01-02) (--start YYYY-MM-DD)",
        command=("lppls", "fit"),
    ),
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding GOOD (2 rows), made once; each case works on a copy."""
    tmp = tmp_path_factory.mktemp("template")
    good = tmp / "GOOD.csv"
    good.write_text(GOOD, encoding="utf-8")
    store = tmp / "store.duckdb"
    assert main(["data", "import", str(good), "--store", str(store)]) == 0
    return store


@pytest.fixture()
def seeded(template: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A fresh copy of the template store and a folder for the case's files."""
    folder = tmp_path / "case"
    folder.mkdir()
    store = tmp_path / "store.duckdb"
    shutil.copyfile(template, store)
    return store, folder


def test_corpus_covers_the_issue() -> None:
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))
    assert len(CASES) >= 35


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_case(
    case: Case,
    seeded: tuple[Path, Path],
    template: Path,
    store_digest,
    capsys: pytest.CaptureFixture[str],
) -> None:
    reason = case.skip()
    if reason:
        pytest.skip(reason)
    store, folder = seeded
    if case.setup is not None:
        case.setup(folder, store)
    before = store_digest(store, template.parent, folder)
    args = case.make(folder)
    capsys.readouterr()
    try:
        store_args = [] if case.command == ("network", "clear") else ["--store", str(store)]
        code = main([*case.command, *args, *store_args])
    finally:
        for p in folder.rglob("*"):  # let pytest clean up a locked folder
            if p.is_dir() and not p.is_symlink():
                p.chmod(0o755)
    out, err = capsys.readouterr()
    after = store_digest(store, template.parent, folder)
    assert code == case.code, err or out
    if case.code:
        assert isinstance(case.message, str)
        expected = "error: " + case.message.format(tmp=folder)
        assert " ".join(err.split()) == " ".join(expected.split()), err
        assert "Traceback" not in err
        assert after == before
    else:
        lines = " ".join(out.split())
        for line in case.message:
            assert " ".join(line.format(tmp=folder).split()) in lines, out
        assert after != before
        assert after[:8] == case.after, f"content hash of {case.name}: {after[:8]}"


def test_unreadable_sub_folder_as_root_without_read_override(tmp_path: Path) -> None:
    """As root nothing is unreadable: run the import with the capabilities that bypass file
    permissions dropped (``setpriv``), so a mode-000 sub-folder is refused as for a user."""
    if os.geteuid() != 0:
        pytest.skip("runs only as root (as a user the corpus case covers it)")
    if shutil.which("setpriv") is None:
        pytest.skip("no setpriv: cannot drop root's permission override")
    folder = tmp_path / "case"
    folder.mkdir()
    args = _unreadable(folder)
    store = tmp_path / "s.duckdb"
    cmd = [
        "setpriv",
        "--bounding-set",
        "-dac_override,-dac_read_search",
        sys.executable,
        "-m",
        "bubblewatch",
        "data",
        "import",
        *args,
        "--store",
        str(store),
    ]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    finally:
        (folder / "data" / "locked").chmod(0o755)
    if "setpriv:" in done.stderr:
        pytest.skip(f"setpriv cannot drop capabilities here: {done.stderr.strip()}")
    assert done.returncode == 2, done.stderr
    expected = (
        f"error: {folder}/data: cannot read the sub-folder {folder}/data/locked (Permission "
        "denied); nothing was imported (make it readable, or name the files to import)"
    )
    assert " ".join(done.stderr.split()) == " ".join(expected.split())
    assert not store.exists()


def test_lppls_fit_never_drops_missing_rows_silently(tmp_path, capsys) -> None:
    """Issue 10 item 7: ``lppls fit`` dropped NaN rows silently; now an error naming the
    first date, or with --drop-missing a note saying how many were skipped."""
    d = pd.bdate_range("2020-01-01", periods=120)
    close = 100 * np.exp(np.linspace(0, 0.3, 120))
    frame = pd.DataFrame({"date": d.strftime("%Y-%m-%d"), "close": close})
    frame.loc[[50, 51, 52], "close"] = np.nan
    f = tmp_path / "GAPS.csv"
    frame.to_csv(f, index=False)
    assert main(["lppls", "fit", str(f)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert err == (
        f"error: {f} has 3 rows without a value (blank or NaN), the first on 2020-03-11; "
        "LPPLS needs a complete series: fill the gaps, or pass --drop-missing to skip those rows"
    )
    assert main(["lppls", "fit", str(f), "--drop-missing"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "3 rows without a value skipped (--drop-missing), the first on 2020-03-11" in out
    assert "117 observations" in out
