"""The local store: one DuckDB file holding every series bubblewatch has imported or fetched.

Location: ``--store FILE`` on the CLI, else ``$BUBBLEWATCH_STORE``, else
``$BUBBLEWATCH_HOME/store.duckdb``, else ``~/.local/share/bubblewatch/store.duckdb``.
Readers open it read-only and never create it; writers replace it atomically
(:mod:`bubblewatch.data.store_file`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from bubblewatch.data.schema import DDL, FUNDAMENTALS_COLUMNS, TABLES
from bubblewatch.data.store_file import (
    Notify,
    WriteSession,
    check_store_path,
    connect_read_only,
    store_defaults,
)
from bubblewatch.errors import InputError, NotFoundError, StoreError

__all__ = ["Store", "default_store_path"]


#: the price columns that are numbers (``currency``, ``source``, ``warning`` are text)
NUMERIC_PRICE_COLUMNS = ("open", "high", "low", "close", "adj_close", "volume")


def default_store_path() -> Path:
    """The store file used when none is named (see the module docstring)."""
    env = os.environ.get("BUBBLEWATCH_STORE")
    if env:
        return Path(env).expanduser()
    home = os.environ.get("BUBBLEWATCH_HOME")
    base = Path(home).expanduser() if home else Path.home() / ".local" / "share" / "bubblewatch"
    return base / "store.duckdb"


#: values up to this size are summed exactly as DECIMAL(38, 6) (room for 1e12 of them)
_DECIMAL_MAX = 1e20


def _exact_sum(col: str) -> str:
    # DuckDB sums doubles in parallel, so the last bits vary run to run; a DECIMAL sum of the
    # values rounded to 6 decimals is exact and therefore reproducible. Values too large for
    # the DECIMAL (a close of 1e32 in an old store) add the sum of a checksum of their text
    # instead (also exact and order-free), so the sum never fails on a stored value; stores
    # without such values give the same text as the DECIMAL alone.
    small = (
        f"sum(CASE WHEN isfinite({col}) AND abs({col}) < {_DECIMAL_MAX:g} "
        f"THEN round({col}, 6)::DECIMAL(38, 6) END)"
    )
    large = (
        f"sum(CASE WHEN isfinite({col}) AND abs({col}) >= {_DECIMAL_MAX:g} "
        f"THEN md5_number_upper(CAST({col} AS VARCHAR)) END)"
    )
    return f"nullif(concat_ws(' + big ', CAST({small} AS VARCHAR), CAST({large} AS VARCHAR)), '')"


_CONTENT_SQL = """
        WITH agg AS (
            SELECT symbol AS name, 'prices' AS t, count(*) AS n, min(date) AS a, max(date) AS b,
                   {close} AS v FROM prices GROUP BY symbol
            UNION ALL SELECT series, 'macro', count(*), min(date), max(date), {value}
                   FROM macro GROUP BY series
            UNION ALL SELECT pair, 'fx', count(*), min(date), max(date), {rate} FROM fx GROUP BY pair
            UNION ALL SELECT symbol, 'shares', count(*), min(date), max(date), {shares}
                   FROM shares GROUP BY symbol
            UNION ALL SELECT index_name, 'holdings', count(*), min(as_of), max(as_of), {weight}
                   FROM holdings GROUP BY index_name
            UNION ALL SELECT symbol, 'fundamentals', count(*), min(period_end), max(period_end),
                   {fvalue} FROM fundamentals GROUP BY symbol
        )
        SELECT a.name, a.t, a.n, a.a, a.b, a.v, s.kind, s.source
        FROM agg a LEFT JOIN series s ON s.symbol = a.name
        ORDER BY a.t, a.name
"""


class Store:
    """A DuckDB store of prices, shares, fundamentals, macro series, FX and holdings.

    Parameters
    ----------
    path : str or Path, optional
        Database file; ``":memory:"`` for an in-memory store. Default
        :func:`default_store_path`. An existing file must be a DuckDB database; a new one
        must end in ``.duckdb`` (see :func:`~bubblewatch.data.store_file.check_store_path`).
    read_only : bool
        Open for reading only: the file must exist and is never created or changed.
    wait : float, optional
        Seconds to wait for a busy store (another writer, or a foreign process holding
        DuckDB's lock) before raising :class:`~bubblewatch.errors.StoreBusyError`;
        default 30 (or :func:`~bubblewatch.data.store_file.set_store_defaults`).
    notify : callable, optional
        Called once with "store busy: held by PID N; waiting up to 30 s, --wait to
        change" when the store is busy.
    private : bool
        The caller guarantees that no other process uses this file (a temporary build):
        write it in place, without the writers' lock or the copy.

    Notes
    -----
    A writable file store works on a private copy of the file under the writers' lock;
    each committed :meth:`transaction` (and a clean :meth:`close`) atomically replaces the
    store with it (:mod:`bubblewatch.data.store_file`), so readers are never locked out
    and never see half a write. Leaving a ``with`` block on an exception drops what was
    written since the last commit.

    Examples
    --------
    >>> with Store(":memory:") as st:
    ...     st.list_series().empty
    True
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        read_only: bool = False,
        wait: float | None = None,
        notify: Notify | None = None,
        private: bool = False,
    ) -> None:
        self.path = Path(path) if path not in (None, ":memory:") else path  # type: ignore[assignment]
        if self.path is None:
            self.path = default_store_path()
        self.read_only = read_only
        self._session: WriteSession | None = None
        self._depth = 0
        default_wait, default_notify = store_defaults()
        wait_s = default_wait if wait is None else float(wait)
        notify = default_notify if notify is None else notify
        if str(self.path) == ":memory:" or private:
            try:
                if private:
                    Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                self.con = duckdb.connect(str(self.path))
                self.con.execute(DDL)
            except duckdb.Error as exc:  # pragma: no cover - depends on the file system
                raise StoreError(f"cannot open store {self.path}: {exc}") from exc
            return
        p = Path(self.path)
        exists = check_store_path(p, must_exist=read_only)
        if read_only:
            self.con = connect_read_only(p, wait=wait_s, notify=notify)
            return
        if not exists:
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot create the folder {p.parent} for the store: {exc.strerror or exc}"
                ) from exc
        self._session = WriteSession(p, DDL, wait=wait_s, notify=notify)
        assert self._session.con is not None
        self.con = self._session.con

    #: what the store holds, in words, when it is not a user's store (the embedded data)
    label: str | None = None

    def describe(self) -> str:
        """The store's file, or what it holds when it is the embedded default data."""
        return f"{self.label} (cache {self.path})" if self.label else str(self.path)

    # -- context management -------------------------------------------------------------
    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        # a writer that fails keeps the store as it was (committed transactions stay)
        self._end(publish=exc_type is None)

    def discard(self) -> None:
        """Close without publishing: a writer's private copy (and anything not yet
        published) is deleted at once; the store file keeps its last published content."""
        self._end(publish=False)

    def close(self) -> None:
        """Close the store; a writer publishes what it wrote (see :meth:`transaction`)."""
        self._end(publish=True)

    def _end(self, *, publish: bool) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            session.close(publish=publish)
        else:
            self.con.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All-or-nothing writes: commit on success, roll back on any exception.

        On a file store the commit is published at once: the store file is atomically
        replaced, so other processes' new readers see it and never see half of it.
        A transaction opened inside another joins it (the outer one commits or rolls
        back everything), so several writers can be made one atomic write.
        """
        if self.read_only:
            raise StoreError(f"the store {self.path} was opened read-only; nothing written")
        if self._depth:
            self._depth += 1
            try:
                yield self.con
            finally:
                self._depth -= 1
            return
        self.con.execute("BEGIN TRANSACTION")
        self._depth = 1
        try:
            yield self.con
        except BaseException:
            # the connection may be gone already (a writer discarded on a full disk)
            with contextlib.suppress(duckdb.Error):
                self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")
            if self._session is not None:
                self._session.publish()
        finally:
            self._depth = 0

    # -- generic ------------------------------------------------------------------------
    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Run a read query and return a DataFrame."""
        return self.con.execute(sql, params or []).df()

    def row_counts(self) -> dict[str, int]:
        """Rows per table (used by tests to show a failed import wrote nothing)."""
        return {t: int(self.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES}  # type: ignore[index]

    def stored_name(self, name: str, table: str = "series", column: str = "symbol") -> str:
        """The spelling ``name`` is stored under in ``table``: ``name`` itself when stored so,
        else the one stored name equal to it ignoring case (the importer upper-cases
        symbols, so ``nvda`` finds ``NVDA``); ``name`` when there is none or several.

        Examples
        --------
        >>> with Store(":memory:") as st:
        ...     st.stored_name("nvda")
        'nvda'
        """
        if not isinstance(name, str):
            return name
        found = [
            str(r[0])
            for r in self.con.execute(
                f"SELECT DISTINCT {column} FROM {table} WHERE upper({column}) = upper(?)", [name]
            ).fetchall()
        ]
        return found[0] if len(found) == 1 and name not in found else name

    def kind(self, symbol: str) -> str | None:
        rows = self.con.execute(
            "SELECT kind FROM series WHERE symbol = ?", [self.stored_name(symbol)]
        ).fetchall()
        return str(rows[0][0]) if rows else None

    def has(self, symbol: str) -> bool:
        return bool(
            self.con.execute(
                "SELECT 1 FROM series WHERE symbol = ?", [self.stored_name(symbol)]
            ).fetchall()
        )

    def list_series(self) -> pd.DataFrame:
        """One row per series: symbol, kind, rows, first, last, source."""
        return self.query(
            """
            WITH counts AS (
                SELECT symbol, count(*) AS rows, min(date) AS first, max(date) AS last FROM prices GROUP BY symbol
                UNION ALL
                SELECT series, count(*), min(date), max(date) FROM macro GROUP BY series
                UNION ALL
                SELECT pair, count(*), min(date), max(date) FROM fx GROUP BY pair
                UNION ALL
                SELECT symbol || ':shares', count(*), min(date), max(date) FROM shares GROUP BY symbol
                UNION ALL
                SELECT symbol || ':fundamentals', count(*), min(period_end), max(period_end)
                FROM fundamentals GROUP BY symbol
                UNION ALL
                SELECT index_name || ':holdings', count(*), min(as_of), max(as_of) FROM holdings GROUP BY index_name
            )
            SELECT c.symbol, coalesce(s.kind, CASE WHEN c.symbol LIKE '%:shares' THEN 'shares'
                                               WHEN c.symbol LIKE '%:fundamentals' THEN 'fundamentals'
                                               WHEN c.symbol LIKE '%:holdings' THEN 'holdings' END) AS kind,
                   c.rows, c.first, c.last, s.source
            FROM counts c LEFT JOIN series s ON s.symbol = c.symbol
            ORDER BY c.symbol
            """
        )

    def price_catalogue(self) -> pd.DataFrame:
        """One row per price series: symbol, kind, rows, first, last (by symbol)."""
        return self.query(
            "SELECT s.symbol, s.kind, count(p.date) AS rows, min(p.date) AS first, "
            "max(p.date) AS last FROM series s JOIN prices p ON p.symbol = s.symbol "
            "WHERE s.tbl = 'prices' GROUP BY s.symbol, s.kind ORDER BY s.symbol"
        )

    def content_summary(self) -> pd.DataFrame:
        """Per stored series and table: name, table, rows, first and last date, the exact sum
        of its values (``close``, ``value``, ``rate``, ``shares``, ``weight``; each rounded to
        6 decimals and summed as a DECIMAL, so the result does not depend on DuckDB's
        parallel summation order), kind and source. The report's inputs hash is built on it.
        """
        return self.query(
            _CONTENT_SQL.format(
                close=_exact_sum("close"),
                value=_exact_sum("value"),
                rate=_exact_sum("rate"),
                shares=_exact_sum("shares"),
                weight=_exact_sum("weight"),
                fvalue=_exact_sum("value"),
            )
        )

    # -- readers ------------------------------------------------------------------------
    def prices(self, symbol: str, start: str | None = None, end: str | None = None) -> pd.DataFrame:
        """Daily bars of ``symbol`` indexed by date (open, high, low, close, adj_close, volume, ...)."""
        symbol = self.stored_name(symbol)
        df = self.query(
            "SELECT date, open, high, low, close, adj_close, volume, currency, source, warning "
            "FROM prices WHERE symbol = ? AND (? IS NULL OR date >= ?) AND (? IS NULL OR date <= ?) "
            "ORDER BY date",
            [symbol, start, start, end, end],
        )
        if df.empty:
            raise NotFoundError(self._missing_message(symbol, "prices"))
        df["date"] = pd.to_datetime(df["date"])
        return df.set_index("date")

    def macro(self, series: str) -> pd.Series:
        """A macro series (FRED id or imported name) indexed by date; blanks dropped."""
        series = self.stored_name(series)
        df = self.query(
            "SELECT date, value FROM macro WHERE series = ? AND value IS NOT NULL ORDER BY date",
            [series],
        )
        if df.empty:
            raise NotFoundError(self._missing_message(series, "macro"))
        return pd.Series(df["value"].to_numpy(float), index=pd.to_datetime(df["date"]), name=series)

    def fx(self, pair: str) -> pd.Series:
        """An FX series (units of quote currency per unit of base) indexed by date."""
        pair = self.stored_name(pair)
        df = self.query("SELECT date, rate FROM fx WHERE pair = ? ORDER BY date", [pair])
        if df.empty:
            raise NotFoundError(self._missing_message(pair, "fx"))
        return pd.Series(df["rate"].to_numpy(float), index=pd.to_datetime(df["date"]), name=pair)

    def shares_outstanding(self, symbol: str) -> pd.Series:
        """Shares outstanding reported for ``symbol`` (as reported, not split-adjusted)."""
        symbol = self.stored_name(symbol, "shares")
        df = self.query("SELECT date, shares FROM shares WHERE symbol = ? ORDER BY date", [symbol])
        if df.empty:
            raise NotFoundError(self._missing_message(symbol, "shares"))
        return pd.Series(
            df["shares"].to_numpy(float), index=pd.to_datetime(df["date"]), name=symbol
        )

    def fundamentals_symbols(self) -> list[str]:
        """The symbols that have quarterly fundamentals, sorted."""
        df = self.query("SELECT DISTINCT symbol FROM fundamentals ORDER BY symbol")
        return [str(x) for x in df["symbol"]]

    def fundamentals(self, symbol: str, metric: str | None = None) -> pd.DataFrame:
        """Quarterly figures of ``symbol`` (all metrics, or one), oldest first.

        Columns: symbol, fiscal_period, period_end, metric, value, unit, form, filed (the
        report the figure was published in, when known), source, note, warning. This long
        frame is what the ``bubblewatch.valuation`` point-in-time functions take.
        """
        symbol = self.stored_name(symbol, "fundamentals")
        df = self.query(
            "SELECT * FROM fundamentals WHERE symbol = ? AND (? IS NULL OR metric = ?) "
            "ORDER BY period_end, metric",
            [symbol, metric, metric],
        )
        if df.empty:
            have = self.query(
                "SELECT DISTINCT metric FROM fundamentals WHERE symbol = ? ORDER BY metric",
                [symbol],
            )["metric"].tolist()
            if have:
                raise NotFoundError(
                    f"no fundamentals '{metric}' for '{symbol}'; it has: {', '.join(have)}"
                )
            syms = self.query("SELECT DISTINCT symbol FROM fundamentals ORDER BY symbol")
            hint = (
                f"; the store {self.path} has fundamentals of: {', '.join(syms['symbol'])}"
                if len(syms)
                else f"; the store {self.path} has no fundamentals: import a fundamentals file "
                "(bubblewatch data import FILE) or fetch them (bubblewatch data fetch --provider sec)"
            )
            raise NotFoundError(f"no fundamentals for '{symbol}'{hint}")
        cols = list(FUNDAMENTALS_COLUMNS)
        for c in cols:
            if c not in df.columns:  # a store written before these columns existed
                df[c] = None
        df = df[cols]
        df["period_end"] = pd.to_datetime(df["period_end"])
        df["filed"] = pd.to_datetime(df["filed"])
        return df

    def holdings_dates(self, index_name: str = "SPY") -> list[pd.Timestamp]:
        index_name = self.stored_name(index_name, "holdings", "index_name")
        df = self.query(
            "SELECT DISTINCT as_of FROM holdings WHERE index_name = ? ORDER BY as_of", [index_name]
        )
        return [pd.Timestamp(d) for d in df["as_of"]]

    def holdings_history(self, index_name: str = "SPY") -> pd.DataFrame:
        """Every holdings snapshot of ``index_name``: columns ``as_of, symbol, name, weight``
        (percent), oldest first; empty when the store holds none."""
        index_name = self.stored_name(index_name, "holdings", "index_name")
        return self.query(
            "SELECT as_of, symbol, name, weight FROM holdings WHERE index_name = ? "
            "ORDER BY as_of, weight DESC",
            [index_name],
        )

    def holdings(self, index_name: str = "SPY", as_of: str | None = None) -> pd.DataFrame:
        """Holdings (symbol, name, weight in percent) of ``index_name`` on ``as_of`` (default latest)."""
        index_name = self.stored_name(index_name, "holdings", "index_name")
        dates = self.holdings_dates(index_name)
        if not dates:
            raise NotFoundError(self._missing_message(index_name, "holdings"))
        try:
            when = pd.Timestamp(as_of) if as_of is not None else dates[-1]
        except (TypeError, ValueError) as exc:
            avail = ", ".join(d.date().isoformat() for d in dates)
            raise InputError(
                f"cannot read the holdings date {as_of!r}; use YYYY-MM-DD, one of: {avail}"
            ) from exc
        if when not in dates:
            avail = ", ".join(d.date().isoformat() for d in dates)
            raise NotFoundError(
                f"no {index_name} holdings on {when.date().isoformat()}; available dates: {avail}"
            )
        df = self.query(
            "SELECT symbol, name, weight, source FROM holdings WHERE index_name = ? AND as_of = ? "
            "ORDER BY weight DESC",
            [index_name, when.date()],
        )
        df.attrs["as_of"] = when
        return df

    def series(self, symbol: str, column: str = "close") -> pd.Series:
        """Any stored series by name: a price column, an FX rate or a macro series."""
        symbol = self.stored_name(symbol)
        rows = self.con.execute("SELECT tbl FROM series WHERE symbol = ?", [symbol]).fetchall()
        tbl = rows[0][0] if rows else None
        if tbl == "macro":
            return self.macro(symbol)
        if tbl == "fx":
            return self.fx(symbol)
        df = self.prices(symbol)
        choose = f"choose one of {', '.join(NUMERIC_PRICE_COLUMNS)}"
        if column not in df.columns:
            raise NotFoundError(f"{symbol} has no column '{column}'; {choose}")
        if column not in NUMERIC_PRICE_COLUMNS:
            raise InputError(f"column '{column}' of {symbol} holds text, not prices; {choose}")
        s = df[column].astype(float)
        s.name = symbol
        return s

    def _missing_message(self, name: str, what: str) -> str:
        known = [
            str(r[0])
            for r in self.con.execute("SELECT symbol FROM series ORDER BY symbol").fetchall()
        ]
        hint = (
            f"; the store {self.path} holds: {', '.join(known[:30])}"
            + (" ..." if len(known) > 30 else "")
            if known
            else (
                f"; the store {self.path} is empty: run `bubblewatch data import PATH` or `bubblewatch data load-demo`"
            )
        )
        return f"no {what} for '{name}'{hint}"
