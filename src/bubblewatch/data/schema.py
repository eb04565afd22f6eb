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
(symbol, date)     (as reported, not split-adjusted)
fundamentals       symbol, period_end, metric, value, source -- value in the metric's unit
(symbol,
period_end,
metric)
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
