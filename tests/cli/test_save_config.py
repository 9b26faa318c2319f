"""``solve --hf-config ... --save-config``: the saved config builds to the count the command
printed, ``--set`` fields included, or nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from explorer.hf import count_hf
from tests.cli_helpers import run

#: OPT-125M's shape: its embedding as wide as the layers, given as such.
_OPT = {
    "model_type": "opt",
    "architectures": ["OPTForCausalLM"],
    "hidden_size": 768,
    "ffn_dim": 3072,
    "num_attention_heads": 12,
    "num_hidden_layers": 12,
    "word_embed_proj_dim": 768,
    "vocab_size": 50272,
}


def _solve(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], config: dict[str, object], *extra: str
) -> tuple[int, str, str, Path]:
    source, target = tmp_path / "config.json", tmp_path / "solved.json"
    source.write_text(json.dumps(config), encoding="utf-8")
    argv = ["solve", "--budget", "200M", "--hf-config", str(source), "--save-config", str(target)]
    status, out, err = run(capsys, [*argv, *extra, "--json"])
    return status, out, err, target


def test_set_fields_are_saved_with_the_solved_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "vocab_size": 1000}
    status, out, err, target = _solve(tmp_path, capsys, config, "--set", "num_hidden_layers=3")
    assert status == 0, err
    saved = json.loads(target.read_text(encoding="utf-8"))
    assert saved["num_hidden_layers"] == 3
    assert count_hf(target).total == json.loads(out)["total"]


def test_a_field_that_follows_the_solved_one_is_refused_before_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """OPT builds no projections while word_embed_proj_dim equals hidden_size: a new
    hidden_size beside the file's 768 would build them, so nothing is written."""
    status, out, err, target = _solve(tmp_path, capsys, _OPT)
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "word_embed_proj_dim may follow it" in err
    assert not target.exists()


def test_the_follower_set_to_null_is_saved_and_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err, target = _solve(tmp_path, capsys, _OPT, "--set", "word_embed_proj_dim=null")
    assert status == 0, err
    saved = json.loads(target.read_text(encoding="utf-8"))
    assert saved["word_embed_proj_dim"] is None
    assert count_hf(target).total == json.loads(out)["total"]
