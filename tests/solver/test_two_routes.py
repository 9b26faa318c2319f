"""The family route and the config route say which sizes were held and which followed a
rule, so that their two answers to one question can be told apart (issue 23), and a family
with a head_dim of its own can be solved with it given."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import explorer
from tests.cli_helpers import run

LLAMA_2_7B = Path(__file__).parents[2] / "examples" / "configs" / "llama-2-7b.json"


def test_the_family_route_says_what_follows_its_rules(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(
        capsys,
        ["solve", "--budget", "1.3B", "--arch", "llama", "--layers", "16", "--vocab", "32000"],
    )
    assert status == 0, err
    assert "following the solved size by the family's rules: d_ff 6,656 (LLaMA's rule" in out
    assert "heads 32 (default; change with --heads)" in out


def test_the_config_route_says_what_it_held(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(
        capsys,
        ["solve", "--budget", "1.3B", "--hf-config", str(LLAMA_2_7B), "--set",
         "num_hidden_layers=16", "--json"],
    )  # fmt: skip
    assert status == 0, err
    assumptions = json.loads(out)["assumptions"]
    held = [a for a in assumptions if a.startswith("held as the file gives them")]
    assert held == [
        "held as the file gives them: layers 16 (num_hidden_layers), heads 32 "
        "(num_attention_heads), d_ff 11,008 (intermediate_size), vocab 32,000 (vocab_size)"
    ]


def test_a_head_dim_of_ones_own_keeps_heads_dividing_d_model() -> None:
    """LLaMA's config refuses a hidden size the heads do not divide, head_dim given or not."""
    s = explorer.solve("llama", budget="1.3B", layers=16, vocab=32000, head_dim=128)
    assert s.sizes["d_model"] % 32 == 0
    assert s.sizes["head_dim"] == 128
    assert explorer.count("llama", **s.sizes).total == s.total
