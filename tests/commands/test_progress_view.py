"""Progress (issue 14 item 3): log lines with counts and elapsed time off a terminal, rich bars
on one, steps reported by the computations without changing their results, and the first
run's numba compilation announced."""

from __future__ import annotations

import io
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from bubblewatch import progress
from bubblewatch.commands import progress_view as pv
from bubblewatch.commands.progress_view import announce_kernels, progress_view
from bubblewatch.report.context import SectionOutput


def _console(terminal: bool) -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, force_terminal=terminal, width=120), buf


def test_off_a_terminal_stages_are_logged_with_counts_and_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pv, "LOG_AFTER", 0.0)
    console, buf = _console(False)
    with progress_view(console, "building the report") as advance:
        for i in range(3):
            progress.step("sections", i + 1, 3, f"section {i + 1}: 0.1 s")
        advance()
    lines = buf.getvalue().splitlines()
    assert lines[0].startswith("building the report: 1/3 sections (section 1: 0.1 s); ")
    assert "s elapsed, about" in lines[0] and "s left" in lines[0]
    assert lines[2].startswith("building the report: 3/3 sections (section 3: 0.1 s)")
    assert lines[-1].startswith("building the report: done in ")


def test_quick_stages_and_quiet_print_nothing() -> None:
    console, buf = _console(False)
    with progress_view(console, "quick") as advance:
        progress.step("items", 1, 2)
        advance()
    with progress_view(console, "quiet", quiet=True):
        progress.step("items", 1, 2)
    assert buf.getvalue() == ""


def test_on_a_terminal_a_bar_with_count_and_eta() -> None:
    console, buf = _console(True)
    with progress_view(console, "LPPLS confidence"):
        progress.step("end dates", 5, 10)
        console.file.flush()
    out = buf.getvalue()
    assert "LPPLS confidence" in out and "5/10" in out and "end dates" in out and "ETA" in out


def test_the_report_counts_its_sections(monkeypatch: pytest.MonkeyPatch) -> None:
    from bubblewatch.data.store import Store
    from bubblewatch.report.build import build_context, render_report

    def section(name: str):
        def build(ctx):
            progress.step("end dates", 1, 1)  # a section's own steps are not counted
            return SectionOutput(id=name, title=name.title())

        return build

    seen: list[tuple[str, int, int, str | None]] = []
    with Store(":memory:") as st, progress.listen(lambda *a: seen.append(a)):
        render_report(build_context(st), [section("a"), section("b")])
    assert [(w, d, t) for w, d, t, _ in seen] == [("sections", 1, 2), ("sections", 2, 2)]
    assert seen[0][3] is not None and seen[0][3].startswith("A: ")


def test_lppls_confidence_steps_through_end_dates_with_the_same_fits() -> None:
    from bubblewatch.detect.lppls_confidence import lppls_confidence

    rng = np.random.default_rng(3)
    idx = pd.bdate_range("2020-01-01", periods=260)
    s = pd.Series(100 * np.exp(np.cumsum(0.002 + 0.01 * rng.standard_normal(260))), idx)
    kw = {"window_max": 120, "window_min": 60, "window_step": 30, "end_step": 10}
    plain = lppls_confidence(s, **kw, return_fits=True)
    seen: list[tuple[int, int]] = []
    with progress.listen(lambda what, done, total, label: seen.append((done, total))):
        watched = lppls_confidence(s, **kw, return_fits=True)
    assert len(seen) > 5 and seen[-1][0] == seen[-1][1]
    pd.testing.assert_frame_equal(plain.to_frame(), watched.to_frame())
    pd.testing.assert_frame_equal(plain.fits, watched.fits)


def test_psy_replications_are_reported_with_the_same_critical_values() -> None:
    from bubblewatch.detect.psy_simulation import mc_critical_values

    plain = mc_critical_values(80, reps=40, seed=7)
    seen: list[tuple[str, int, int]] = []
    with progress.listen(lambda what, done, total, label: seen.append((what, done, total))):
        watched = mc_critical_values(80, reps=40, seed=7)
    assert seen[-1] == ("replications", 40, 40) and len(seen) >= 10
    pd.testing.assert_frame_equal(plain.bsadf, watched.bsadf)
    assert plain.gsadf == watched.gsadf


def test_first_run_compilation_is_announced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numba

    monkeypatch.setattr(numba.config, "CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "bw_kernel_probe.py").write_text(
        textwrap.dedent(
            """
            from numba import njit

            @njit(cache=True)
            def _one():  # a helper only other kernels call: it never has an index
                return 1

            @njit(cache=True)
            def add_one(x):
                return x + _one()
            """
        ),
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(pv.KERNEL_MODULES, "probe", ("bw_kernel_probe",))
    console, buf = _console(False)
    assert announce_kernels(console, "probe") is True
    assert "compiling the numerical kernels (probe)" in buf.getvalue()
    assert "first run only" in buf.getvalue()
    sys.modules["bw_kernel_probe"].add_one(1)  # compiles and caches
    console, buf = _console(False)
    assert announce_kernels(console, "probe") is False and buf.getvalue() == ""
