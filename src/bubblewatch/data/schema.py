"""The store's tables (DuckDB DDL). Every row records its ``source`` (file path or provider).

=================  ==========================================================================
table (key)        columns
=================  ==========================================================================
series (symbol)    symbol, kind, tbl, currency, source, notes -- one row per price, FX or
                   macro series (catalogue); ``tbl`` names the table holding its rows
prices             symbol, date, open, high, low, close, adj_close (in ``currency`` per unit),
(symbol, date)     volume (shares/contracts), currency, source, warning -- daily bars;
                   ``warning`` keeps data-quality notes (``high < low``)
shares             symbol, date, shares, source -- shares outstanding reported on ``date``
(symbol, date)     (as reported, not split-adjusted); ``source`` says where the count is from
fundamentals       symbol, fiscal_period, period_end, metric, value, unit, form, filed,
(symbol,           source, note, warning -- one company's quarterly figure: ``value`` in
period_end,        ``unit`` (USD, USD/share, shares; see :data:`FUNDAMENTAL_METRICS`),
metric)            ``form``/``filed`` the report it was published in (when known),
                   ``source`` where the figure is from, ``note`` how it was derived,
                   ``warning`` a data-quality note kept with the row
macro              series, date, value, vintage, source -- FRED-style series in their own
(series, date)     units; ``vintage`` says which copy of the series
fx (pair, date)    pair, date, rate, source -- units of quote currency per unit of base
holdings           index_name, as_of, symbol, name, weight, source -- weight in percent
(index_name,
as_of, symbol)
=================  ==========================================================================

Kinds: ``equity``, ``index``, ``future``, ``fx``, ``crypto``, ``macro``. See docs/data.md.
"""

from __future__ import annotations

KINDS = ("equity", "index", "future", "fx", "crypto", "macro")

#: the fundamentals metrics bubblewatch computes with -> the kind of unit their values take
#: (``currency``: USD, EUR, ...; ``per_share``: USD/share, ...; ``shares``)
FUNDAMENTAL_METRICS: dict[str, str] = {
    "revenue": "currency",
    "net_income": "currency",
    "eps_diluted": "per_share",
    "operating_cash_flow": "currency",
    "capex": "currency",
    "shares_diluted_weighted": "shares",
    "shares_outstanding": "shares",
}
#: the columns of the fundamentals table, in the order Store.fundamentals returns them
FUNDAMENTALS_COLUMNS = (
    "symbol",
    "fiscal_period",
    "period_end",
    "metric",
    "value",
    "unit",
    "form",
    "filed",
    "source",
    "note",
    "warning",
)
#: the default unit of each kind of fundamentals metric
DEFAULT_UNITS: dict[str, str] = {"currency": "USD", "per_share": "USD/share", "shares": "shares"}
#: currencies a fundamentals value may be stated in (units, never thousands or millions)
CURRENCIES = ("USD", "EUR", "GBP", "JPY", "CNY", "KRW", "TWD", "HKD", "CHF", "CAD", "AUD", "INR")

DDL = """
CREATE TABLE IF NOT EXISTS series (
    symbol VARCHAR NOT NULL, kind VARCHAR NOT NULL, tbl VARCHAR NOT NULL,
    currency VARCHAR, source VARCHAR NOT NULL, notes VARCHAR,
    PRIMARY KEY (symbol)
);
CREATE TABLE IF NOT EXISTS prices (
    symbol VARCHAR NOT NULL, date DATE NOT NULL,
    open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE NOT NULL, adj_close DOUBLE,
    volume DOUBLE, currency VARCHAR, source VARCHAR NOT NULL, warning VARCHAR,
    PRIMARY KEY (symbol, date)
);
CREATE TABLE IF NOT EXISTS shares (
    symbol VARCHAR NOT NULL, date DATE NOT NULL, shares DOUBLE NOT NULL,
    source VARCHAR NOT NULL,
    PRIMARY KEY (symbol, date)
);
CREATE TABLE IF NOT EXISTS fundamentals (
    symbol VARCHAR NOT NULL, period_end DATE NOT NULL, metric VARCHAR NOT NULL,
    value DOUBLE, source VARCHAR NOT NULL,
    PRIMARY KEY (symbol, period_end, metric)
);
ALTER TABLE fundamentals ADD COLUMN IF NOT EXISTS fiscal_period VARCHAR;
ALTER TABLE fundamentals ADD COLUMN IF NOT EXISTS unit VARCHAR;
ALTER TABLE fundamentals ADD COLUMN IF NOT EXISTS form VARCHAR;
ALTER TABLE fundamentals ADD COLUMN IF NOT EXISTS filed DATE;
ALTER TABLE fundamentals ADD COLUMN IF NOT EXISTS note VARCHAR;
ALTER TABLE fundamentals ADD COLUMN IF NOT EXISTS warning VARCHAR;
CREATE TABLE IF NOT EXISTS macro (
    series VARCHAR NOT NULL, date DATE NOT NULL, value DOUBLE,
    vintage VARCHAR, source VARCHAR NOT NULL,
    PRIMARY KEY (series, date)
);
CREATE TABLE IF NOT EXISTS fx (
    pair VARCHAR NOT NULL, date DATE NOT NULL, rate DOUBLE NOT NULL,
    source VARCHAR NOT NULL,
    PRIMARY KEY (pair, date)
);
CREATE TABLE IF NOT EXISTS holdings (
    index_name VARCHAR NOT NULL, as_of DATE NOT NULL, symbol VARCHAR NOT NULL,
    name VARCHAR, weight DOUBLE NOT NULL, source VARCHAR NOT NULL,
    PRIMARY KEY (index_name, as_of, symbol)
);
"""

TABLES = ("series", "prices", "shares", "fundamentals", "macro", "fx", "holdings")
