"""The store file: what may be a store, readers never creating it, the writers' lock, the swap.

Issue 14 item 2 (readers never blocked, busy stores wait then exit 2 with the holder's PID)
and issue 10 item 2 (``--store`` must be a DuckDB file; reading never creates a store).
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from bubblewatch.cli import main
from bubblewatch.data.importer import import_paths
from bubblewatch.data.store import Store
from bubblewatch.data.store_file import DEFAULT_WAIT, _busy_message
from bubblewatch.errors import InputError, NoSpaceError, NotFoundError, StoreBusyError

PRICES = "date,close\n2025-01-02,1.5\n2025-01-03,2\n"
SRC = str(Path(__file__).resolve().parents[2] / "src")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def acme(tmp_path: Path) -> Path:
    f = tmp_path / "ACME.csv"
    f.write_text(PRICES, encoding="utf-8")
    return f


@pytest.fixture()
def store(tmp_path: Path, acme: Path) -> Path:
    path = tmp_path / "s.duckdb"
    with Store(path) as st:
        import_paths(st, [acme])
    return path


# -- what may be a store --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "content", "what"),
    [
        ("prices.csv", PRICES, "a CSV file"),
        ("x.json", '{"a": 1}', "a JSON file"),
        ("x.parquet", "PAR1....", "a Parquet file"),
    ],
)
def test_existing_non_duckdb_file_is_an_input_error(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    acme: Path,
    name: str,
    content: str,
    what: str,
) -> None:
    target = tmp_path / name
    target.write_text(content, encoding="utf-8")
    before = _digest(target)
    for args in (
        ["data", "import", str(acme), "--store", str(target)],
        ["data", "list", "--store", str(target)],
        ["report", "--store", str(target), "--out", str(tmp_path / "r.html")],
    ):
        assert main(args) == 2
        err = capsys.readouterr().err
        assert f"is {what}, not a bubblewatch store (DuckDB)" in err
    assert _digest(target) == before  # never silently turned into (or used as) a store
    assert not (tmp_path / "r.html").exists()


def test_new_store_needs_the_duckdb_extension(
    tmp_path: Path, acme: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "store.db"
    assert main(["data", "import", str(acme), "--store", str(target)]) == 2
    assert "a new store's file name must end in .duckdb" in capsys.readouterr().err
    assert not target.exists()
    with pytest.raises(InputError, match="is a folder"):
        Store(tmp_path)


def test_reading_commands_never_create_a_store(
    tmp_path: Path, acme: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    typo = tmp_path / "typo.duckdb"
    for args in (
        ["data", "list", "--store", str(typo)],
        ["psy", "ACME", "--store", str(typo)],
        ["claims", "--store", str(typo)],
    ):
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert f"store {typo} does not exist" in err
        assert f"bubblewatch data load-demo --store {typo}" in err
    assert main(["data", "import", str(acme), "--dry-run", "--store", str(typo)]) == 0
    assert not typo.exists()
    with pytest.raises(NotFoundError, match="does not exist; import data first"):
        Store(typo, read_only=True)
    assert not typo.exists()


# -- readers are never blocked; writers swap atomically -----------------------------------------
def test_a_reader_reads_while_a_writer_writes(store: Path, tmp_path: Path) -> None:
    other = tmp_path / "OTHER.csv"
    other.write_text(PRICES, encoding="utf-8")
    writer = Store(store)
    with writer.transaction() as con:
        con.execute("DELETE FROM prices")
        with Store(store, read_only=True) as reader:  # not locked out, sees the old rows
            assert reader.row_counts()["prices"] == 2
    with Store(store, read_only=True) as reader:  # the commit is visible at once
        assert reader.row_counts()["prices"] == 0
    writer.close()
    assert not list(tmp_path.glob(".s.duckdb.*"))  # no temporary copy left


def test_failed_writer_leaves_the_store_unchanged(store: Path, tmp_path: Path) -> None:
    before = _digest(store)
    with pytest.raises(RuntimeError), Store(store) as st:
        st.con.execute("DELETE FROM prices")
        raise RuntimeError("boom")
    assert _digest(store) == before
    assert not list(tmp_path.glob(".s.duckdb.*"))


def test_disk_full_writes_nothing_and_returns_the_space(
    store: Path, tmp_path: Path, acme: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _digest(store)
    real = shutil.copyfile
    calls = {"n": 0}

    def full(src: object, dst: object, *a: object, **k: object) -> object:
        calls["n"] += 1
        if calls["n"] == 2:  # the snapshot published at commit
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(shutil, "copyfile", full)
    with pytest.raises(NoSpaceError, match="no space left on the device holding the store"):
        with Store(store) as st:
            import_paths(st, [acme], replace=True)
    assert _digest(store) == before
    assert not list(tmp_path.glob(".s.duckdb.*"))


# -- busy stores: wait with a message, then exit 2 naming the holder --------------------------
def _hold(code: str, ready: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": SRC}
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], env=env)
    deadline = time.monotonic() + 60
    while not ready.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the holder process did not start")
        time.sleep(0.05)
    return proc


def test_a_writer_waits_for_a_busy_store_then_exits_2(
    store: Path, tmp_path: Path, acme: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ready = tmp_path / "ready"
    holder = _hold(
        f"""
        import pathlib, time
        from bubblewatch.data.store import Store
        st = Store({str(store)!r})
        pathlib.Path({str(ready)!r}).touch()
        time.sleep(60)
        """,
        ready,
    )
    try:
        before = _digest(store)
        t0 = time.monotonic()
        code = main(
            ["data", "import", str(acme), "--symbol", "NEW", "--store", str(store), "--wait", "0.5"]
        )
        assert code == 2
        assert time.monotonic() - t0 >= 0.5
        err = capsys.readouterr().err
        assert f"store busy: held by PID {holder.pid}; waiting up to 0.5 s, --wait to change" in err
        assert "still busy after 0.5 s; nothing was written" in err
        assert "--wait SECONDS" in err
        assert "Traceback" not in err and "IO Error" not in err
        assert _digest(store) == before
        # readers are not held up by the writer
        assert main(["data", "list", "--store", str(store)]) == 0
    finally:
        holder.kill()
        holder.wait()


def test_a_writer_killed_mid_write_leaves_the_store_usable(store: Path, tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    holder = _hold(
        f"""
        import pathlib, time
        from bubblewatch.data.store import Store
        st = Store({str(store)!r})
        st.con.execute("BEGIN TRANSACTION")
        st.con.execute("DELETE FROM prices")
        pathlib.Path({str(ready)!r}).touch()
        time.sleep(60)
        """,
        ready,
    )
    before = _digest(store)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert _digest(store) == before
    assert list(tmp_path.glob(".s.duckdb.*.bw-tmp"))  # the killed writer's copy ...
    with Store(store) as st:  # ... is removed by the next writer, which gets the lock
        assert st.row_counts()["prices"] == 2
    assert not list(tmp_path.glob(".s.duckdb.*.bw-tmp*"))


def test_a_reader_waits_for_a_foreign_duckdb_writer(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ready = tmp_path / "ready"
    holder = _hold(
        f"""
        import pathlib, time, duckdb
        con = duckdb.connect({str(store)!r})
        pathlib.Path({str(ready)!r}).touch()
        time.sleep(60)
        """,
        ready,
    )
    try:
        assert main(["--wait", "0.3", "data", "list", "--store", str(store)]) == 2
        err = capsys.readouterr().err
        assert f"store busy: held by PID {holder.pid}; waiting up to 0.3 s" in err
        assert "nothing was read" in err and "IO Error" not in err
        with pytest.raises(StoreBusyError):
            Store(store, read_only=True, wait=0)
    finally:
        holder.kill()
        holder.wait()
    with Store(store, read_only=True) as st:
        assert st.row_counts()["prices"] == 2


# -- --data and $BUBBLEWATCH_STORE --------------------------------------------------------
def test_data_wins_over_the_store_variable(
    tmp_path: Path, acme: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BUBBLEWATCH_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("BUBBLEWATCH_STORE", str(tmp_path / "elsewhere.duckdb"))
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(acme, folder / "ACME.csv")
    assert main(["claims", "--data", str(folder), "--json"]) == 0
    capsys.readouterr()
    code = main(["claims", "--data", str(folder), "--store", str(tmp_path / "x.duckdb")])
    assert code == 2
    assert "use either --data" in capsys.readouterr().err
    assert not (tmp_path / "elsewhere.duckdb").exists()


def test_data_folder_without_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BUBBLEWATCH_HOME", str(tmp_path / "home"))
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("nothing here", encoding="utf-8")
    code = main(["report", "--data", str(empty), "--out", str(tmp_path / "r.html")])
    assert code == 2
    err = capsys.readouterr().err
    assert f"--data {empty}: no data files found" in err
    assert "../shared/data" in err
    assert not (tmp_path / "r.html").exists()


def test_wait_must_not_be_negative(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--wait", "-1", "data", "list"]) == 2


def test_the_busy_message_names_the_default_wait() -> None:
    assert _busy_message(123, DEFAULT_WAIT) == (
        "store busy: held by PID 123; waiting up to 30 s, --wait to change"
    )


def test_a_writer_waits_for_a_lock_released_in_time(store: Path, tmp_path: Path) -> None:
    first = Store(store)
    messages: list[str] = []
    import threading

    timer = threading.Timer(0.5, first.close)
    timer.start()
    with Store(store, wait=10, notify=messages.append) as second:
        assert second.row_counts()["prices"] == 2
    timer.join()
    assert len(messages) == 1 and messages[0].startswith("store busy: held by PID")


def test_duckdb_file_with_another_name_is_accepted(store: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "store.db"
    shutil.copy(store, renamed)
    with Store(renamed, read_only=True) as st:
        assert st.row_counts()["prices"] == 2
    assert duckdb.__version__


def test_an_empty_duckdb_placeholder_becomes_a_store(tmp_path: Path, acme: Path) -> None:
    target = tmp_path / "new.duckdb"
    target.touch()
    with pytest.raises(InputError, match="is an empty file"):
        Store(target, read_only=True)
    with Store(target) as st:
        import_paths(st, [acme])
    with Store(target, read_only=True) as st:
        assert st.row_counts()["prices"] == 2


def test_a_failed_first_write_leaves_no_store_behind(tmp_path: Path, acme: Path) -> None:
    new = tmp_path / "home" / "store.duckdb"
    with pytest.raises(RuntimeError), Store(new) as st:
        st.con.execute("SELECT 1")
        raise RuntimeError("the provider failed")
    assert not new.exists()  # no empty store left for readers to stumble on
    assert not list(new.parent.glob(".store.duckdb.*"))
    # an offline fetch on a fresh home fails with exit 2 and creates nothing
    assert main(["data", "fetch", "NVDA", "--start", "2025-01-02", "--offline",
                 "--store", str(new)]) == 2  # fmt: skip
    assert not new.exists()
    # a first write that commits keeps its store; a later failed writer keeps it as it was
    with Store(new) as st:
        import_paths(st, [acme])
    before = _digest(new)
    with pytest.raises(RuntimeError), Store(new) as st:
        raise RuntimeError("boom")
    assert _digest(new) == before
