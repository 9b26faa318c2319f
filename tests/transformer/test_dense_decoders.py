"""The blocks and behaviours the dense decoders of the zoo added (Gemma 2 and 3, Phi-3, Phi,
OLMo 1-3, Granite, Cohere, StableLM, StarCoder2, EXAONE 4): attention and MLP in parallel
from one norm, a fused gate and up-projection, query/key norms stored per head or one per
head, an LM head with a bias, q/k/v biases without an output bias, windows read from
``layer_types``; their words, their refusals, and solving that keeps heads dividing d_model.
The counts themselves are checked against transformers in ``tests/hf/zoo``."""

from __future__ import annotations

import json
from typing import Any

import pytest

import explorer
from explorer.blocks import words_of
from explorer.errors import ConfigError, InvalidSizeError
from explorer.explain import explain
from explorer.hf import count_hf
from explorer.transformer import layer_types_reader, window_pattern
from tests.cli_helpers import run

SMALL: dict[str, Any] = {"d_model": 64, "layers": 2, "heads": 4, "vocab": 100, "d_ff": 96}

#: Every own switch of the new families on (the shared examples leave them off).
SWITCHED = [
    ("phi", {"qk_layernorm": True, "tied": True}),
    ("phi", {"kv_heads": 2}),
    ("cohere", {"qk_norm": True, "kv_heads": 2, "attention_bias": True}),
    ("stablelm", {"qk_layernorm": True, "parallel": True, "qkv_bias": True, "kv_heads": 2}),
    ("stablelm", {"qk_layernorm": True}),
    ("phi3", {"kv_heads": 2, "tied": True}),
    ("gemma2", {"head_dim": 16, "kv_heads": 2}),
    ("gemma3_text", {"head_dim": 16, "kv_heads": 2, "head": "classifier"}),
    ("olmo", {"attention_bias": True}),
    ("olmo2", {"kv_heads": 2}),
    ("olmo3", {"kv_heads": 2, "head": "classifier"}),
    ("granite", {"attention_bias": True, "mlp_bias": True}),
    ("starcoder2", {"kv_heads": 2, "tied": False}),
    ("exaone4", {"kv_heads": 2, "head": "qa"}),
]


def _why(count: explorer.Count, name: str) -> str:
    return {t.name: t.why for t in explain(count).terms}[name]


@pytest.mark.parametrize(
    ("family", "design"), [pytest.param(f, d, id=f"{f}-{i}") for i, (f, d) in enumerate(SWITCHED)]
)
def test_every_term_has_its_blocks_words(family: str, design: dict[str, Any]) -> None:
    count = explorer.count(family, **SMALL, **design)
    infos = {info.name: info for info in count.compiled.terms}
    told = explain(count)
    assert sum(t.count for t in told.terms) == count.total
    for term in told.terms:
        info = infos[term.name]
        assert words_of(info.role.block) is not None, term.name
        assert term.why, term.name
        assert term.why != info.meaning.split(": ", 1)[-1], term.name


# -- the new blocks, word for word and shape for shape ------------------------------------------
def test_attention_and_mlp_in_parallel_share_one_norm() -> None:
    parallel = explorer.count("stablelm", **SMALL, parallel=True)
    sequential = explorer.count("stablelm", **SMALL)
    assert "model.layers.*.post_attention_layernorm.weight" not in parallel.breakdown
    assert sequential.total - parallel.total == 2 * 2 * 64  # one LayerNorm fewer per layer
    assert _why(parallel, "model.layers.*.input_layernorm.weight") == (
        "one norm feeds both the attention and the MLP, which run in parallel (a sequential "
        "layer has two norms); the 64 scales of its LayerNorm (a scale and a shift per "
        "feature); 2 copies, one per layer"
    )


def test_cohere_norms_keep_no_shift() -> None:
    c = explorer.count("cohere", **SMALL)
    assert "model.layers.*.input_layernorm.bias" not in c.breakdown
    assert _why(c, "model.layers.*.input_layernorm.weight").endswith(
        "its LayerNorm without a shift: 64 scales, the mean still subtracted; 2 copies, one "
        "per layer"
    )


def test_fused_gate_and_up() -> None:
    c = explorer.count("phi3", **SMALL)
    assert c.shapes["model.layers.*.mlp.gate_up_proj.weight"] == (192, 64)
    assert _why(c, "model.layers.*.mlp.gate_up_proj.weight") == (
        "the gate and the up-projection of the gated MLP in one matrix, 96 rows each "
        "(d_ff = 96), split in halves after the product: 2 x 96 rows of 64; 2 copies, one per "
        "layer"
    )
    # the same parameters and products as a gated MLP with separate gate and up
    llama = explorer.count("llama", **SMALL, seq=8, batch=1)
    assert explorer.count("phi3", **SMALL, seq=8, batch=1).flops == llama.flops
    assert c.total == explorer.count("llama", **SMALL).total


@pytest.mark.parametrize(
    ("family", "design", "name", "shape"),
    [
        ("cohere", {"qk_norm": True, "kv_heads": 2}, "self_attn.k_norm.weight", (2, 16)),
        ("olmo2", {"kv_heads": 2}, "self_attn.k_norm.weight", (32,)),
        ("exaone4", {"kv_heads": 2}, "self_attn.k_norm.weight", (16,)),
        ("stablelm", {"qk_layernorm": True, "kv_heads": 2},
         "self_attn.k_layernorm.norms.*.weight", (16,)),
    ],
)  # fmt: skip
def test_query_key_norm_shapes(
    family: str, design: dict[str, Any], name: str, shape: tuple[int, ...]
) -> None:
    c = explorer.count(family, **SMALL, **design)
    assert c.shapes["model.layers.*." + name] == shape


def test_a_norm_per_head_is_one_module_per_head() -> None:
    c = explorer.count("stablelm", **SMALL, qk_layernorm=True, kv_heads=2)
    assert c.breakdown["model.layers.*.self_attn.q_layernorm.norms.*.weight"] == 2 * 4 * 16
    assert c.breakdown["model.layers.*.self_attn.k_layernorm.norms.*.weight"] == 2 * 2 * 16
    assert _why(c, "model.layers.*.self_attn.q_layernorm.norms.*.weight") == (
        "a norm of its own for the queries of each head before the attention scores: 16 "
        "scales per head; one per head in every layer (4 in each of the 2 layers)"
    )
    assert _why(c, "model.layers.*.self_attn.k_layernorm.norms.*.weight").endswith(
        "(2 in each of the 2 layers)"
    )


def test_phi_lm_head_bias_stays_when_tied() -> None:
    tied = explorer.count("phi", **SMALL, tied=True)
    assert "lm_head.weight" not in tied.breakdown
    assert tied.breakdown["lm_head.bias"] == 100
    assert _why(tied, "lm_head.bias") == (
        "one bias per vocabulary entry (100): a parameter of its own, though the weight is "
        "the token embedding (tied)"
    )


def test_qkv_biases_without_an_output_bias() -> None:
    c = explorer.count("stablelm", **SMALL, qkv_bias=True)
    assert c.breakdown["model.layers.*.self_attn.q_proj.bias"] == 2 * 64
    assert "model.layers.*.self_attn.o_proj.bias" not in c.breakdown


def test_olmo_norms_hold_no_parameters() -> None:
    c = explorer.count("olmo", **SMALL)
    assert not [name for name in c.breakdown if "norm" in name]
    assert c.total == explorer.count("llama", **SMALL).total - (2 * 2 + 1) * 64


# -- windows read from layer_types --------------------------------------------------------------
S, F = "sliding_attention", "full_attention"


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        ([S, F] * 3, {"window_period": 2, "window_from": 0}),
        ([S] * 5 + [F] + [S] * 2, {"window_period": 6, "window_from": 0}),
        ([F, F, S, S], {"window_period": 0, "window_from": 2}),
        ([S] * 4, {"window_period": 0, "window_from": 0}),
        ([F] * 3, {"window": False, "window_period": 0, "window_from": 0}),
    ],
)
def test_regular_layer_types_are_read(types: list[str], expected: dict[str, Any]) -> None:
    sizes: dict[str, Any] = {"window": 8}
    fields = {"layer_types": types, "num_hidden_layers": len(types), "sliding_window": 8}
    layer_types_reader(period=2)(fields, "Model", sizes)
    assert sizes == {"window": 8, **expected}


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"layer_types": [S, F, F, S], "num_hidden_layers": 4, "sliding_window": 8},
         "full-attention layers at 1, 2 are no regular pattern"),
        ({"layer_types": [S, "chunked_attention"], "num_hidden_layers": 2, "sliding_window": 8},
         "'chunked_attention' layers are not counted"),
        ({"layer_types": [S, F], "num_hidden_layers": 3, "sliding_window": 8},
         "layer_types has 2 entries for 3 layers"),
        ({"layer_types": [S, F], "num_hidden_layers": 2, "sliding_window": None},
         "sliding_window is null, but layers attend through a window"),
        ({"sliding_window_pattern": "LLLG", "num_hidden_layers": 4, "sliding_window": 8},
         "sliding_window_pattern 'LLLG' builds no pattern"),
    ],
)  # fmt: skip
def test_irregular_or_impossible_layer_types_are_refused_by_name(
    fields: dict[str, Any], match: str
) -> None:
    read = layer_types_reader(period=4, period_field="sliding_window_pattern")
    with pytest.raises(ConfigError, match=match):
        read(fields, "Model", {"window": fields.get("sliding_window") or False})


def test_window_pattern_of_a_period_longer_than_the_stack() -> None:
    assert window_pattern([True, True]) == {}
    assert window_pattern([False, True, False]) is None


def test_a_gemma3_period_is_read_from_the_file() -> None:
    config = {"model_type": "gemma3_text", "num_hidden_layers": 7, "sliding_window": 5,
              "sliding_window_pattern": 3}  # fmt: skip
    c = count_hf(config)
    assert c.sizes["window_period"] == 3
    assert not [n for n in c.notes if "sliding_window_pattern" in n]  # read, not unknown


def test_rotary_fields_are_no_unknown_fields() -> None:
    c = count_hf({"model_type": "phi", "partial_rotary_factor": 0.4, "num_hidden_layers": 1})
    assert c.notes == ()


# -- refusals -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("config", "match"),
    [
        ({"model_type": "phi", "hidden_size": 64, "num_attention_heads": 4, "head_dim": 8,
          "qk_layernorm": True}, r"head_dim \(8\) with qk_layernorm"),
        ({"model_type": "gemma2", "use_bidirectional_attention": True},
         "use_bidirectional_attention"),
        ({"model_type": "gemma3_text", "use_bidirectional_attention": True},
         "use_bidirectional_attention"),
        ({"model_type": "gemma2", "hidden_size": 30, "num_attention_heads": 4},
         r"hidden_size \(30\) must be divisible by num_attention_heads"),
        ({"model_type": "stablelm", "hidden_size": 38, "num_attention_heads": 4,
          "num_key_value_heads": 4}, r"hidden_size \(38\) must be divisible"),
        ({"model_type": "exaone4", "sliding_window": None}, "sliding_window is null"),
        ({"model_type": "exaone4", "sliding_window_pattern": "LLLG"},
         "sliding_window_pattern 'LLLG'"),
        ({"model_type": "olmo3", "num_hidden_layers": 4,
          "layer_types": [S, F, F, S]}, "no regular pattern"),
    ],
)  # fmt: skip
def test_configs_transformers_refuses_or_cannot_run_are_refused(
    config: dict[str, Any], match: str
) -> None:
    with pytest.raises(ConfigError, match=match):
        count_hf(config)


def test_stablelm_heads_must_divide_d_model() -> None:
    with pytest.raises(InvalidSizeError, match="stablelm needs heads to divide d_model"):
        explorer.count("stablelm", **{**SMALL, "d_model": 66})


# -- solving keeps the config's divisibility ------------------------------------------------------
@pytest.mark.parametrize("family", ["llama", "gemma2", "gemma3_text"])
def test_solving_d_model_with_head_dim_given_keeps_heads_dividing_it(family: str) -> None:
    """A regression: with head_dim given, d_model was solved to any integer, and a family
    whose config refuses heads not dividing d_model (LLaMA, Gemma 2 and 3) failed."""
    solved = explorer.solve(
        family, budget=1_000_000, heads=4, head_dim=16, vocab=100, layers=2, d_ff=96
    )
    assert solved.sizes["d_model"] % 4 == 0


@pytest.mark.parametrize("family", ["mistral", "gemma2"])
def test_a_byte_budget_with_a_windowed_kv_cache_is_solved(
    family: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A regression: the KV cache of windowed layers (what a window keeps, how many layers
    are windowed) follows the design, and solving under a byte budget refused it ('the KV
    cache depends on cached_seq: give --seq T' with --seq given)."""
    status, out, err = run(
        capsys,
        ["solve", "--arch", family, "--budget-bytes", "2GB", "--kv-cache", "--seq", "8192",
         "--batch", "1", "--vocab", "1000", "--json"],
    )  # fmt: skip
    assert status == 0, err
    answer = json.loads(out)
    counted = explorer.count(family, **answer["sizes"], seq=8192, batch=1)
    assert explorer.memory(counted, kv_cache=True).total == answer["total"]
