"""The paper registry: every entry reproduces, or fails to, exactly as it says it does."""

from __future__ import annotations

import json

import pytest

from explorer.cli import main
from explorer.papers import find_entry, load_papers, parse_reported, reproduce_entry

ENTRIES = [e for p in load_papers().values() for e in p.entries]

# The figures the issue and the papers state, computed independently of the registry files.
EXPECTED = {
    "forum-39-1024x3-34": 21_166_080,
    "forum-205-700x5-205-answer-formula": 18_956_100,
    "forum-205-700x5-205-plain": 18_357_500,
    "forum-205-700x5-205-graves": 21_252_205,
    "forum-lstmp-formula": 9_099_264,
    "graves2013-wikipedia": 21_252_205,
    "sutskever2014-seq2seq": 384_112_000,
    "zaremba2014-large": 66_022_000,
    "zaremba2014-large-tied": 51_022_000,
}


@pytest.mark.parametrize("entry", [pytest.param(e, id=e.name) for e in ENTRIES])
def test_entry_reproduces_as_recorded(entry: object) -> None:
    result = reproduce_entry(entry)  # type: ignore[arg-type]
    assert result.matches is result.entry.reproduces, result.entry.note
    if result.count is not None:
        assert sum(result.count.breakdown.values()) == result.computed
    if result.entry.name in EXPECTED:
        assert result.computed == EXPECTED[result.entry.name]
    assert result.entry.note  # every entry says what it shows


def test_registry_covers_the_issue() -> None:
    papers = load_papers()
    assert {"forum", "graves2013", "sak2014", "zaremba2014", "sutskever2014"} <= set(papers)
    assert len([e for e in papers["forum"].entries if "205" in e.name]) == 3
    assert find_entry("forum-lstmp-formula").formula is not None


@pytest.mark.parametrize(
    ("text", "value", "tolerance"),
    [
        ("21.3M", 21_300_000, 50_000),
        ("about 19M", 19_000_000, 500_000),
        ("6,535,168", 6_535_168, 0),
        ("~4.3M", 4_300_000, 50_000),
        ("384M", 384_000_000, 500_000),
    ],
)
def test_printed_precision(text: str, value: int, tolerance: int) -> None:
    assert parse_reported(text) == (value, tolerance)


def test_reproduce_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reproduce", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["entries"]) == len(ENTRIES)
    assert {"name", "reported", "computed", "matches"} <= set(data["entries"][0])


def test_reproduce_one_paper_shows_breakdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reproduce", "graves2013"]) == 0
    out = capsys.readouterr().out
    assert "seven hidden layers" in out
    assert "weight_skip_l1" in out
    assert "no (known, explained)" in out


def test_reproduce_unknown_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reproduce", "grave"]) == 2
    assert "did you mean 'graves2013'" in capsys.readouterr().err
