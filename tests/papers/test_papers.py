"""The paper registry: every entry reproduces, or fails to, exactly as it says it does."""

from __future__ import annotations

import json

import pytest

from explorer.cli import main
from explorer.papers import find_entry, load_papers, measured, parse_reported, reproduce_entry

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
    # issue 9's figures, each exact
    "gpt2-small": 124_439_808,
    "gpt2-medium": 354_823_168,
    "gpt2-large": 774_030_080,
    "gpt2-xl": 1_557_611_200,
    "bert-base-uncased": 109_482_240,
    "bert-large-uncased": 335_141_888,
    "llama-7b": 6_738_415_616,
    "llama-13b": 13_015_864_320,
    "llama2-70b": 68_976_648_192,
    "llama3-8b": 8_030_261_248,
    "mistral-7b": 7_241_732_096,
    "mixtral-8x7b": 46_702_792_704,
    "mixtral-8x7b-active": 12_879_925_248,
    "t5-small": 60_506_624,
    "t5-base": 222_903_552,
    "t5-large": 737_668_096,
    # issue 20's model cards that state a count exactly
    "bloom-560m": 559_214_592,
    "bloom-7b1": 7_069_016_064,
    "bloom-176b": 176_247_271_424,
    # the zoo's (issue 20): a card's exact figure, and Meta's rounded ones
    "lfm2-1.2b": 1_170_340_608,
    "llama4-scout": 108_641_793_536,
    "llama4-scout-active": 17_172_894_720,
}


@pytest.mark.parametrize("entry", [pytest.param(e, id=e.name) for e in ENTRIES])
def test_entry_reproduces_as_recorded(entry: object) -> None:
    result = reproduce_entry(entry)  # type: ignore[arg-type]
    assert result.matches is result.entry.reproduces, result.entry.note
    if result.count is not None:
        assert sum(result.count.breakdown.values()) == result.count.total
        assert measured(result.count, result.entry.measure) == result.computed
    if result.entry.name in EXPECTED:
        assert result.computed == EXPECTED[result.entry.name]
    assert result.entry.note  # every entry says what it shows


def test_registry_covers_the_issue() -> None:
    papers = load_papers()
    assert {"forum", "graves2013", "sak2014", "zaremba2014", "sutskever2014"} <= set(papers)
    transformers = {"radford2019", "brown2020", "devlin2019", "touvron2023", "jiang2023"}
    assert transformers | {"raffel2020"} <= set(papers)
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
