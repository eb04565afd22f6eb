"""Every result class keeps the same promises (issue 11 item 3).

The classes are found by themselves: every subclass of :class:`bubblewatch.results.Result`
in the package. Each needs one small example in ``tests/result_examples/examples_*.py``
(see the README there); a class without one fails
``test_every_result_class_has_an_example``.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import importlib.util
import json
import pkgutil
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import bubblewatch
from bubblewatch.results import FrozenDict, Metadata, Result, jsonable

HERE = Path(__file__).parent / "result_examples"


def _all_result_classes() -> list[type[Result]]:
    for info in pkgutil.walk_packages(bubblewatch.__path__, prefix="bubblewatch."):
        if not info.name.startswith(("bubblewatch.web", "bubblewatch.cli")):
            importlib.import_module(info.name)
    seen: list[type[Result]] = []
    todo = list(Result.__subclasses__())
    while todo:
        cls = todo.pop()
        if cls not in seen:
            seen.append(cls)
            todo.extend(cls.__subclasses__())
    return sorted(seen, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _examples() -> dict[type, Any]:
    out: dict[type, Any] = {}
    for path in sorted(HERE.glob("examples_*.py")):
        spec = importlib.util.spec_from_file_location(f"_result_examples_{path.stem}", path)
        assert spec and spec.loader
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        out.update(mod.EXAMPLES)
    return out


#: classes whose example their owner is adding (landed after the contract test)
PENDING: dict[str, str] = {}

CLASSES = _all_result_classes()
EXAMPLES = _examples()


def _name(cls: type) -> str:
    return f"{cls.__module__.removeprefix('bubblewatch.')}.{cls.__qualname__}"


@functools.cache
def _make(cls: type) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        obj = EXAMPLES[cls]()
    assert type(obj) is cls, f"the example of {_name(cls)} made a {type(obj).__name__}"
    return obj


def test_every_result_class_has_an_example():
    missing = [_name(c) for c in CLASSES if c not in EXAMPLES and _name(c) not in PENDING]
    assert not missing, (
        f"add an example of {missing} to tests/result_examples/examples_<area>.py (see its README)"
    )
    assert len(CLASSES) >= 40


CONTRACT = [pytest.param(c, id=_name(c)) for c in CLASSES if c in EXAMPLES]


@pytest.mark.parametrize("cls", CONTRACT)
def test_frozen_for_real(cls):
    obj = _make(cls)
    fields = dataclasses.fields(obj)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(obj, fields[0].name, None)
    for f in fields:
        raw = object.__getattribute__(obj, f.name)
        if isinstance(raw, np.ndarray):
            assert not raw.flags.writeable, f"{f.name} is a writeable array"
        elif type(raw) is dict:
            pytest.fail(f"{f.name} is a plain dict (results keep FrozenDict)")
        elif isinstance(raw, FrozenDict):
            with pytest.raises(TypeError):
                raw["x"] = 1
        elif isinstance(raw, pd.Series | pd.DataFrame) and len(raw):
            first = getattr(obj, f.name)
            assert first is not getattr(obj, f.name), f"{f.name} is handed out, not a copy"
            before = raw.copy(deep=True)
            if isinstance(first, pd.DataFrame):
                first["__added__"] = 1
                first.iloc[0, 0] = first.iloc[-1, 0]
                first.pop(first.columns[0])  # in place (drop(inplace=True) is deprecated)
            else:
                first.iloc[0] = first.iloc[-1]
                first.pop(first.index[0])
            pd.testing.assert_frame_equal(
                pd.DataFrame(object.__getattribute__(obj, f.name)), pd.DataFrame(before)
            )


@pytest.mark.parametrize("cls", CONTRACT)
def test_short_repr_and_notebook_html(cls):
    obj = _make(cls)
    text = repr(obj)
    assert text.startswith(f"<{cls.__name__}") and "\n" not in text and len(text) <= 240, text
    html = obj._repr_html_()
    assert cls.__name__ in html and html.startswith("<div")


@pytest.mark.parametrize("cls", CONTRACT)
def test_frame_json_round_trip_and_determinism(cls):
    obj = _make(cls)
    assert isinstance(obj.to_frame(), pd.DataFrame)
    text = obj.to_json()
    assert text == obj.to_json(), "to_json is not deterministic"
    payload = json.loads(text)
    assert isinstance(payload, dict)
    expected = jsonable(obj.to_dict())
    for key, value in expected.items():
        assert payload[key] == value, key
    meta = payload["metadata"]
    assert meta["version"] == bubblewatch.__version__ and "created" not in meta
    assert "created" in json.loads(obj.to_json(created=True))["metadata"]


@pytest.mark.parametrize("cls", CONTRACT)
def test_plot_returns_a_figure_and_metadata_is_present(cls):
    obj = _make(cls)
    assert isinstance(obj.metadata, Metadata)
    assert obj.metadata.version == bubblewatch.__version__
    assert isinstance(obj.metadata.parameters, FrozenDict)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig = obj.plot()
    assert isinstance(fig, go.Figure)
    assert isinstance(obj.summary(), str) and obj.summary()


# -- names (issue 11 item 5) -----------------------------------------------------------------
#: result classes keep the ``Result`` suffix only where their function is named for the method
#: itself (``psy``, ``scan``), which is no noun for what they hold
RESULT_SUFFIX = {"PSYResult", "ScanResult"}

#: old class names that still work: (module, old name) -> new name
OLD_NAMES = {
    ("bubblewatch.valuation.cape", "CapeResult"): "CapePercentile",
    ("bubblewatch.valuation.concentration", "ConcentrationResult"): "Concentration",
    ("bubblewatch.valuation.decomposition", "Decomposition"): "ReturnDecomposition",
    ("bubblewatch.network.clearing", "ClearingResult"): "ClearingVector",
    ("bubblewatch.network.debtrank", "DebtRankResult"): "DebtRank",
    ("bubblewatch.network.loops", "LoopResult"): "LoopAnalysis",
    ("bubblewatch.network.spiral", "StressResult"): "LedgerStress",
}


def test_result_classes_are_named_for_what_they_hold():
    names = [c.__name__ for c in CLASSES]
    twice = sorted({n for n in names if names.count(n) > 1})
    assert not twice, f"two result classes share a name: {twice}"
    suffixed = sorted(n for n in names if n.endswith("Result") and n not in RESULT_SUFFIX)
    assert not suffixed, f"name result classes for what they hold (not ...Result): {suffixed}"


@pytest.mark.parametrize(("where", "new"), list(OLD_NAMES.items()), ids=lambda x: str(x))
def test_old_result_class_names_still_work(where, new):
    module, old = where
    mod = importlib.import_module(module)
    assert getattr(mod, old) is getattr(mod, new)
    assert old in mod.__all__ and new in mod.__all__
    package = importlib.import_module(module.rpartition(".")[0])
    assert getattr(package, old) is getattr(package, new) is getattr(mod, new)
