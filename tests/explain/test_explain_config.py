"""``explain --hf-config``: the model a config.json builds, explained term by term (a family's
words; a composite part by part; a type with no family by its derived count), or compared
with a formula."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import explorer
from tests.cli_helpers import run

CONFIGS = Path(__file__).parents[2] / "examples" / "configs"


@pytest.mark.parametrize("name", ["gpt2", "llama-2-7b", "mixtral-8x7b", "llava-1.5-7b"])
def test_a_config_is_explained_to_its_count(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = CONFIGS / f"{name}.json"
    status, out, err = run(capsys, ["explain", "--hf-config", str(path), "--json"])
    assert status == 0, err
    explained = json.loads(out)
    assert explained["total"] == explorer.count_hf(path).total
    assert sum(explained["subtotals"].values()) == explained["total"]
    assert sum(term["count"] for term in explained["terms"]) == explained["total"]
    assert all(term["why"] for term in explained["terms"])


def test_a_formula_is_checked_against_a_config(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(CONFIGS / "llama-2-7b.json")
    status, out, err = run(capsys, ["explain", "--hf-config", path, "--formula", "12*L*d**2"])
    assert status == 0, err
    assert "llama (convention hf) counts 6,738,415,616" in out


def test_a_family_next_to_a_config_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(CONFIGS / "gpt2.json")
    status, out, err = run(capsys, ["explain", "llama", "--hf-config", path])
    assert (status, out) == (2, "")
    assert "give one of a family, --spec or --hf-config" in err


@pytest.mark.torch
def test_a_type_with_no_family_is_explained_by_its_derived_count(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A derived count's tensors are grouped by block but made by none: they are told by
    their own meaning, never by a block's words that read other shapes (the recurrent
    embedding's words, loaded here, read a [vocab, input] matrix)."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    import explorer.recurrent.blocks.embedding  # noqa: F401 - registers its words

    path = str(CONFIGS / "phi-3.5-moe.json")
    status, out, err = run(capsys, ["explain", "--hf-config", path])
    assert status == 0, err
    assert out.startswith("derived:phimoe (convention as-built): 41,873,153,344 parameters")
