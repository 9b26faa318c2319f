"""A Transformer family with a block of its own is one family module, one block module and
one registry line: a decoder whose attention and MLP run in parallel from one norm works
everywhere a built-in family does, ``--hf-config`` with its own field map included."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import explorer
from tests.cli_helpers import run as run_cli
from tests.families.parallel_decoder import PARALLEL_DECODER

DESIGN: dict[str, Any] = {"d_model": 64, "layers": 2, "heads": 4, "vocab": 100}


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(explorer.FAMILIES, "parallel_decoder", PARALLEL_DECODER)


def _by_hand(d: int, layers: int, vocab: int, d_ff: int | None = None) -> int:
    """Per layer: one LayerNorm (2d), q, k, v, o with biases (4d^2 + 4d), the MLP with
    biases (2 d d_ff + d_ff + d); the final LayerNorm, the embedding and the LM head."""
    f = 4 * d if d_ff is None else d_ff
    per_layer = 2 * d + 4 * d * d + 4 * d + 2 * d * f + f + d
    return layers * per_layer + 2 * d + 2 * vocab * d


def test_count_formula_and_breakdown() -> None:
    c = explorer.count("parallel_decoder", **DESIGN)
    assert c.total == _by_hand(64, 2, 100)
    assert "model.layers.*.post_attention_layernorm.weight" not in c.breakdown
    assert c.by_block["parallel norm"] == 2 * 2 * 64
    f = explorer.formula("parallel_decoder", vocab=100)
    assert str(f.formula) == "12*L*d**2 + 11*L*d + 2*V*d + 2*d"
    assert f.evaluate(d_model=64, layers=2) == _by_hand(64, 2, 100)


def test_flops_and_kv_cache() -> None:
    c = explorer.count("parallel_decoder", **DESIGN, seq=16)
    d, t, layers, vocab = 64, 16, 2, 100
    per_layer = 2 * t * (4 * d * d + 2 * d * 4 * d) + 2 * 2 * t * t * d  # projections, QK^T, AV
    assert c.flops == layers * per_layer + 2 * t * d * vocab
    kv = explorer.memory(c, kv_cache=True, dtype="fp16")
    assert kv.kv_per_token == 2 * 2 * layers * d  # keys and values, 2 bytes each


def test_solve_search_and_sweep(capsys: pytest.CaptureFixture[str]) -> None:
    s = explorer.solve("parallel_decoder", budget="10M", layers=4, heads=8, vocab=1000)
    assert s.sizes["d_model"] % 8 == 0
    assert explorer.count("parallel_decoder", **s.sizes).total == s.total
    status, out, err = run_cli(
        capsys,
        ["sweep", "--budget", "10M", "--arch", "parallel_decoder", "--layers", "2,4",
         "--heads", "4", "--vocab", "1000", "--json"],
    )  # fmt: skip
    assert status == 0, err
    for row in json.loads(out)["rows"]:
        assert explorer.count("parallel_decoder", **row["sizes"]).total == row["total"]
    from searches import make_space, search

    result = search(
        make_space(families=("parallel_decoder",), layers=(2, 4), vocab=1000),
        budget="10M",
        objectives="depth",
        trials=4,
        seed=0,
    )
    assert result.on_budget_fraction == 1.0


def test_spec_and_explain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "parallel.toml"
    spec.write_text(
        '[symbols]\nd = "width"\n'
        '[[parts]]\nfamily = "parallel_decoder"\nd_model = "d"\nlayers = 2\nheads = 4\n'
        "vocab = 100\n",
        encoding="utf-8",
    )
    status, out, err = run_cli(capsys, ["count", "--spec", str(spec), "--set", "d=64", "--json"])
    assert status == 0, err
    assert json.loads(out)["total"] == _by_hand(64, 2, 100)
    status, out, err = run_cli(
        capsys,
        ["explain", "parallel_decoder", "--d-model", "64", "--layers", "2", "--heads", "4",
         "--vocab", "100"],
    )  # fmt: skip
    assert status == 0, err
    assert "one norm feeds both the attention and the MLP, which run in parallel" in out


def test_its_own_config_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A model type transformers does not have, read with the binding's field map, defaults
    and model classes."""
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps(
            {
                "model_type": "parallel_decoder",
                "architectures": ["ParallelDecoderForCausalLM"],
                "n_embd": 64,
                "n_layer": 2,
                "n_head": 4,
                "n_inner": 96,
            }
        ),
        encoding="utf-8",
    )
    status, out, err = run_cli(capsys, ["count", "--hf-config", str(config), "--json"])
    assert status == 0, err
    assert json.loads(out)["total"] == _by_hand(64, 2, 50400, d_ff=96)  # the default vocab
    status, out, err = run_cli(
        capsys, ["count", "--hf-config", str(config), "--model", "ParallelDecoderModel", "--json"]
    )
    assert status == 0, err
    assert json.loads(out)["total"] == _by_hand(64, 2, 50400, d_ff=96) - 50400 * 64
    status, _, err = run_cli(
        capsys, ["count", "--hf-config", str(config), "--model", "ParallelForCausalLM"]
    )
    assert status == 2
    assert "is not a parallel_decoder model class" in err
