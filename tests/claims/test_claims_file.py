"""The claims file covers every number of DIGEST.md and is well formed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bubblewatch.claims.check import load_claims
from bubblewatch.claims.checks import CHECKS
from bubblewatch.errors import DataFileError

#: tokens that contain digits but are names, not figures
NAMES = [
    r"S&P 500",
    r"Magnificent 7",
    r"Gemini 3",
    r"MI300X",
    r"\bQ\d\b",
    r"\bFY\d{4}\b",
    r"\bH\d\b",
    r"\d{6}\.S[ZH]",
    r"[Tt]op-10",
]


def digest_numbers(text: str) -> dict[str, list[float]]:
    """The figures stated in each DIGEST item (``S<file>-<n>``), names and dates removed."""
    items = re.findall(r"^- (S\d-\d+) (.*?)(?=^- S\d|^## |\Z)", text, flags=re.M | re.S)
    out = {}
    for sid, body in items:
        body = re.sub(r"\(Check:.*?\)\s*\.?", " ", body, flags=re.S)  # the digest's own remark
        body = re.sub(r"\d{4}-\d{2}-\d{2}", " ", body)  # exact dates: checked via the date field
        for pat in NAMES:
            body = re.sub(pat, " ", body)
        out[sid] = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", body)]
    return out


def _is_year(x: float) -> bool:
    return x.is_integer() and 1990 <= x <= 2040


def test_parser_on_a_sample():
    sample = "- S9-1 2025-11-04: NVDA -3.12%, 1.42T; S&P 500 at 23 in 2000 (Check: 99.9).\n"
    assert digest_numbers(sample) == {"S9-1": [3.12, 1.42, 23.0, 2000.0]}


def test_every_digest_number_is_in_the_claims_file(shared_data: Path):
    digest = shared_data.parent / "seeds" / "DIGEST.md"
    if not digest.exists():
        pytest.skip(f"{digest} not found")
    nums = digest_numbers(digest.read_text("utf-8"))
    assert len(nums) >= 38  # 11 + 8 + 13 + 6 items in the four articles
    claims = load_claims()
    by_item: dict[str, list] = {}
    for c in claims:
        m = re.match(r"^(S\d-\d+)[a-z]?$", c.id)
        assert m, f"bad claim id {c.id}"
        by_item.setdefault(m.group(1), []).append(c)
    problems = []
    for sid, values in nums.items():
        cl = by_item.get(sid, [])
        if values and not cl:
            problems.append(f"{sid}: no claim for figures {values}")
            continue
        stated = set()
        text = ""
        for c in cl:
            for v in (c.stated, c.stated_low, c.stated_high, *c.also):
                if isinstance(v, int | float):
                    stated.add(round(abs(float(v)), 6))
            text += " ".join(str(x) for x in (c.claim, c.date, c.window, c.note, c.metric))
        for v in values:
            if _is_year(v):
                if str(int(v)) not in text:
                    problems.append(f"{sid}: year {int(v)} not in any claim's date/window/text")
            elif round(v, 6) not in stated:
                problems.append(f"{sid}: figure {v:g} is not a stated value of any claim")
    # exact dates of an item appear in one of its claims (date, window or text)
    text = digest.read_text("utf-8")
    for sid, body in re.findall(r"^- (S\d-\d+) (.*?)(?=^- S\d|^## |\Z)", text, flags=re.M | re.S):
        body = re.sub(r"\(Check:.*?\)", " ", body, flags=re.S)
        joined = " ".join(f"{c.claim} {c.date} {c.window} {c.note}" for c in by_item.get(sid, []))
        for day in re.findall(r"\d{4}-\d{2}-\d{2}", body):
            if day not in joined:
                problems.append(f"{sid}: date {day} not in any claim")
    assert not problems, "\n".join(problems)


def test_claims_are_well_formed():
    claims = load_claims()
    assert len(claims) >= 80
    for c in claims:
        assert c.metric and c.unit and c.entity, c.id
        if c.check:
            assert c.check in CHECKS, c.id
            assert c.date or c.window, c.id
            if c.op == "range":
                assert c.stated_low is not None and c.stated_high is not None, c.id
            elif c.op != "date":
                assert isinstance(c.stated, int | float), c.id
        else:
            assert c.not_checkable, c.id


def test_bad_claims_files_name_the_problem(tmp_path: Path):
    f = tmp_path / "c.yaml"
    f.write_text("- {id: X-1, claim: x, entity: e, metric: m, unit: u, stated: 1}\n")
    with pytest.raises(DataFileError, match=r"X-1.*check or a not_checkable"):
        load_claims(f)
    f.write_text("- {id: X-1, claim: x, entity: e, metric: m, unit: u, stated: 1, check: nope}\n")
    with pytest.raises(DataFileError, match="unknown check"):
        load_claims(f)
    f.write_text("- {id: X-1, claim: x, entity: e, metric: m, unit: u, colour: red}\n")
    with pytest.raises(DataFileError, match="unknown field"):
        load_claims(f)
