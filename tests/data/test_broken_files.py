"""The broken-file corpus: each file exits 2 with its exact message and leaves the store unchanged.

Each file in tests/data/broken/ is imported through the CLI (``bubblewatch data import FILE
--store S``) into a store that already holds one good series.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bubblewatch.cli import main
from bubblewatch.data.importer import import_paths
from bubblewatch.data.store import Store
from bubblewatch.errors import DataFileError

BROKEN = Path(__file__).parent / "broken"
GOOD = "date,open,high,low,close,adj_close,volume\n2025-01-02,1,2,0.5,1.5,1.5,100\n2025-01-03,1.5,2.5,1,2,2,200\n"

# (file, extra CLI arguments, exact message; {path} is the file as given on the command line)
CASES = [
    (
        "bracket_markup_in_close.csv",
        [],
        "{path}, line 2, column 'close': not a number: '[1.5]' (expected a close price)",
    ),
    (
        "bad_month.csv",
        [],
        "{path}, line 3, column 'date': unparsable date: '2025-13-01' (expected an ISO date YYYY-MM-DD)",
    ),
    (
        "blank_close.csv",
        [],
        "{path}, line 3, column 'close': missing value: '' (expected a close price; 'close' is required on every row)",
    ),
    (
        "blank_column_name.csv",
        [],
        "{path}, line 1: blank column name: 'column 2' (expected a name for every column)",
    ),
    (
        "blank_date.csv",
        [],
        "{path}, line 3, column 'date': missing date: '' (expected an ISO date YYYY-MM-DD)",
    ),
    (
        "date_before_1800.csv",
        [],
        "{path}, line 2, column 'date': date out of range: '1700-01-02' (expected a date between 1800-01-01 and 2100-12-31)",
    ),
    (
        "duplicate_column.csv",
        [],
        "{path}, line 1, column 'close': duplicate column (expected each column name once)",
    ),
    (
        "duplicate_dates.csv",
        [],
        "{path}, line 4, column 'date': duplicate date: '2025-01-02' (expected each date once; first seen on line 2)",
    ),
    (
        "empty.csv",
        [],
        "{path}: empty file (expected a header line such as date,open,high,low,close,adj_close,volume)",
    ),
    (
        "february_30.csv",
        [],
        "{path}, line 3, column 'date': unparsable date: '2025-02-30' (expected an ISO date YYYY-MM-DD)",
    ),
    (
        "fundamentals_duplicate.csv",
        [],
        "{path}, line 3, column 'metric': duplicate symbol, period_end and metric: 'NVDA 2025-10-26 revenue' (expected each symbol, period_end and metric once; first seen on line 2)",
    ),
    (
        "fx_negative_rate.csv",
        ["--kind", "fx"],
        "{path}, line 3, column 'value': non-positive rate: '-7.2' (expected an exchange rate > 0)",
    ),
    (
        "good_series_for_bad_kind.csv",
        ["--kind", "stock"],
        "unknown kind 'stock' (expected one of equity, index, future, fx, crypto, macro)",
    ),
    (
        "header_only.csv",
        [],
        "{path}, line 2: no data rows (expected at least one row of data after the header)",
    ),
    (
        "holdings_blank_weight.csv",
        [],
        "{path}, line 3, column 'weight': missing value: '' (expected a weight in percent; 'weight' is required on every row)",
    ),
    (
        "inf_in_high.csv",
        [],
        "{path}, line 2, column 'high': not a finite number: 'inf' (expected a high price, finite)",
    ),
    (
        "missing_close.csv",
        [],
        "{path}, line 1, column 'close': missing required column (expected a price file with date, close and optionally open, high, low, adj_close, volume, currency; or a series file with date, value; see docs/data.md)",
    ),
    (
        "missing_date.csv",
        [],
        "{path}, line 1, column 'date': missing required column (expected a price file with date, close and optionally open, high, low, adj_close, volume, currency; or a series file with date, value; see docs/data.md)",
    ),
    (
        "negative_price_stock.csv",
        [],
        "{path}, line 3, column 'close': non-positive price: '-1.5' (expected a price > 0 for kind 'equity'; only kind 'future' may be zero or negative (--kind future))",
    ),
    (
        "negative_volume.csv",
        [],
        "{path}, line 2, column 'volume': negative volume: '-100' (expected a volume >= 0 or blank)",
    ),
    (
        "non_utf8.csv",
        [],
        "{path}, line 3, column 'open': not UTF-8 text: b'\\xe9' (expected UTF-8 text; re-save the file as UTF-8)",
    ),
    ("not_a_table.txt", [], "{path}: unsupported file type (expected .csv, .csv.gz or .parquet)"),
    (
        "overflow_close.csv",
        [],
        "{path}, line 3, column 'close': not a finite number: '1e400' (expected a close price, finite)",
    ),
    (
        "panel_blank_ticker.csv",
        [],
        "{path}, line 3, column 'ticker': missing value: '' (expected a ticker on every row)",
    ),
    (
        "panel_duplicate.csv",
        [],
        "{path}, line 4, column 'date': duplicate symbol and date: 'AAA 2025-01-02' (expected each symbol and date once; first seen on line 2)",
    ),
    (
        "price_file_as_macro.csv",
        ["--kind", "macro"],
        "{path}, line 1, column 'close': a price file cannot be imported as kind 'macro' (expected a series file with columns date,value for kind 'macro')",
    ),
    (
        "semicolon_separated.csv",
        [],
        "{path}, line 1: not comma-separated: 'date;close' (expected columns separated by commas, e.g. date,close; this header uses semicolons)",
    ),
    (
        "series_text_value.csv",
        ["--kind", "macro"],
        "{path}, line 3, column 'value': not a number: 'seven' (expected a number, or blank for no observation)",
    ),
    (
        "shares_zero.csv",
        [],
        "{path}, line 3, column 'shares': non-positive share count: '0' (expected a number of shares > 0)",
    ),
    (
        "text_in_close.csv",
        [],
        "{path}, line 3, column 'close': not a number: 'abc' (expected a close price)",
    ),
    (
        "text_volume.csv",
        [],
        "{path}, line 3, column 'volume': not a number: '12k' (expected a volume (number of shares or contracts))",
    ),
    (
        "too_many_fields.csv",
        [],
        "{path}, line 3: wrong number of fields: 8 (expected 7 comma-separated fields like the header)",
    ),
    (
        "us_date_format.csv",
        [],
        "{path}, line 3, column 'date': unparsable date: '01/03/2025' (expected an ISO date YYYY-MM-DD)",
    ),
    (
        "zero_open_stock.csv",
        [],
        "{path}, line 2, column 'open': non-positive price: '0' (expected a price > 0 for kind 'equity'; only kind 'future' may be zero or negative (--kind future))",
    ),
]


def test_corpus_is_complete() -> None:
    files = sorted(p.name for p in BROKEN.iterdir())
    assert files == sorted(c[0] for c in CASES)
    assert len(CASES) >= 20


@pytest.fixture(scope="module")
def seeded_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store for the whole corpus: every failed import must leave it as it was."""
    tmp_path = tmp_path_factory.mktemp("broken")
    path = tmp_path / "store.duckdb"
    good = tmp_path / "GOOD.csv"
    good.write_text(GOOD, encoding="utf-8")
    with Store(path) as st:
        import_paths(st, [good])
    return path


@pytest.mark.parametrize(("name", "args", "message"), CASES, ids=[c[0] for c in CASES])
def test_broken_file_exits_2_with_message(
    name: str, args: list[str], message: str, seeded_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(seeded_store, read_only=True) as st:
        before = st.row_counts()
    assert before["prices"] == 2
    path = BROKEN / name
    capsys.readouterr()
    code = main(["data", "import", str(path), "--store", str(seeded_store), *args])
    err = capsys.readouterr().err
    assert code == 2
    expected = message.format(path=path)
    assert f"error: {expected}" in err.replace("\n", ""), err
    with Store(seeded_store, read_only=True) as st:
        assert st.row_counts() == before


@pytest.mark.parametrize(
    "name", [c[0] for c in CASES if c[2].startswith("{path}, line")], ids=lambda n: n
)
def test_broken_file_error_is_typed(name: str) -> None:
    """The API raises DataFileError carrying the line and column separately."""
    kind = {
        "fx_negative_rate.csv": "fx",
        "series_text_value.csv": "macro",
        "price_file_as_macro.csv": "macro",
    }.get(name)
    with Store(":memory:") as st:
        with pytest.raises(DataFileError) as info:
            import_paths(st, [BROKEN / name], kind=kind)
        assert st.row_counts()["prices"] == 0
    assert info.value.line is not None and info.value.line >= 1
    assert str(info.value).startswith(str(BROKEN / name))


def test_good_file_then_bad_file_writes_nothing(tmp_path: Path) -> None:
    good = tmp_path / "GOOD.csv"
    good.write_text(GOOD, encoding="utf-8")
    store = tmp_path / "s.duckdb"
    code = main(
        ["data", "import", str(good), str(BROKEN / "blank_close.csv"), "--store", str(store)]
    )
    assert code == 2
    assert not store.exists()  # nothing written: not even an empty store (it did not exist)
    existing = tmp_path / "e.duckdb"
    with Store(existing):
        pass  # an empty store that exists before the failed import
    assert main(["data", "import", str(good), str(BROKEN / "blank_close.csv"),
                 "--store", str(existing)]) == 2  # fmt: skip
    with Store(existing, read_only=True) as st:
        assert sum(st.row_counts().values()) == 0
