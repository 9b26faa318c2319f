"""Mixtures of experts beyond Mixtral's: experts in some layers only (after dense first
layers, or every sparse step-th layer), shared experts, multi-head latent attention,
attention sinks and expert biases; what a token uses (the one definition of active
parameters), the keywords a design has only where it applies, and the config.json fields
refused by name."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

import explorer
from explorer.errors import ConfigError, ConflictError, InvalidSizeError
from explorer.explain import explain
from explorer.transformer import first_dense_layers, layer_indices, sparse_layers
from tests.cli_helpers import run

DEEPSEEK: dict[str, Any] = {
    "d_model": 64,
    "layers": 4,
    "heads": 4,
    "vocab": 100,
    "d_ff": 16,
    "d_dense": 96,
    "experts": 8,
    "experts_per_token": 2,
    "shared_experts": 2,
    "first_dense": 1,
    "q_rank": 32,
    "kv_rank": 16,
    "nope_dim": 8,
    "rope_dim": 4,
    "v_dim": 12,
}
QWEN3_MOE: dict[str, Any] = {
    "d_model": 64,
    "layers": 6,
    "heads": 4,
    "kv_heads": 2,
    "head_dim": 16,
    "vocab": 100,
    "d_ff": 32,
    "experts": 4,
    "experts_per_token": 2,
}


# -- which layers have experts: a floor of the pattern, counted exactly ----------------------
@pytest.mark.parametrize(("layers", "step"), list(itertools.product(range(1, 13), range(1, 5))))
def test_sparse_steps_count_as_transformers_places_them(layers: int, step: int) -> None:
    for only in ((), (0,), (1, 3), (0, 5, 11)):
        expected = sum(1 for i in range(layers) if i not in only and (i + 1) % step == 0)
        assert sparse_layers(layers, step, ",".join(map(str, only))) == expected


def test_sparse_steps_on_arrays() -> None:
    np = pytest.importorskip("numpy")
    layers = np.arange(1, 20)
    counted = sparse_layers(layers, 3, "2,7")
    assert counted.tolist() == [sparse_layers(int(n), 3, "2,7") for n in layers]
    assert first_dense_layers(np.array([1, 3, 5]), 3).tolist() == [0, 0, 2]


def test_mlp_only_reads_lists_and_texts_and_refuses_the_rest() -> None:
    assert layer_indices("3, 0,3") == layer_indices([0, 3]) == layer_indices("[0, 3]") == (0, 3)
    with pytest.raises(InvalidSizeError, match="mlp_only lists layer indices"):
        layer_indices("0,x")
    with pytest.raises(InvalidSizeError, match="mlp_only lists layer indices"):
        explorer.count("qwen3_moe", **QWEN3_MOE, mlp_only="-1")


def test_layers_counted_by_the_rules_are_sizes_that_follow() -> None:
    c = explorer.count("qwen3_moe", **QWEN3_MOE, sparse_step=2, mlp_only="3", d_dense=96)
    assert (c.sizes.get("moe_layers"), {s.keyword for s in c.compiled.slots if s.derived}) == (
        None,
        {"moe_layers", "dense_layers"},
    )
    values = dict(zip((s.keyword for s in c.compiled.slots), c.values))
    assert (values["moe_layers"], values["dense_layers"]) == (2, 4)  # layers 1, 5 of 0..5
    deep = explorer.count("deepseek", **{**DEEPSEEK, "layers": 2, "first_dense": 3})
    values = dict(zip((s.keyword for s in deep.compiled.slots), deep.values))
    assert (values["moe_layers"], values["dense_layers"]) == (0, 2)  # every layer dense


def test_every_layer_with_experts_has_no_layer_count() -> None:
    c = explorer.count("qwen3_moe", **QWEN3_MOE)
    assert "L_moe" not in str(c.formula)
    assert "d_dense" not in str(c.formula)
    assert {s.keyword for s in c.compiled.slots} >= {"experts", "experts_per_token", "layers"}


# -- keywords a design has only where they apply -------------------------------------------
def test_a_dense_width_is_refused_where_no_layer_is_dense() -> None:
    with pytest.raises(ConflictError, match="d_dense does not apply to this qwen3_moe design"):
        explorer.count("qwen3_moe", **QWEN3_MOE, d_dense=200)
    with pytest.raises(ConflictError, match="d_shared does not apply to this qwen2_moe design"):
        explorer.count("qwen2_moe", **{**QWEN3_MOE, "experts": 0}, d_dense=96, d_shared=7)
    # the family's default is not a given value: silently not read
    assert explorer.count("qwen3_moe", **{**QWEN3_MOE, "d_dense": 6144}).total > 0


def test_no_experts_is_a_dense_model() -> None:
    dense = explorer.count("qwen2_moe", **{**QWEN3_MOE, "experts": 0, "d_dense": 96})
    assert "mlp.gate_proj" in " ".join(dense.breakdown)
    assert "experts" not in str(dense.formula)
    assert dense.active == dense.total


def test_a_config_with_no_experts_builds_no_shared_expert() -> None:
    """Qwen2MoeConfig keeps shared_expert_intermediate_size with num_experts 0, but the
    model builds dense MLPs only (a file's field is not a design's given size)."""
    config = {
        "model_type": "qwen2_moe",
        "hidden_size": 16,
        "num_attention_heads": 2,
        "num_key_value_heads": 1,
        "num_hidden_layers": 2,
        "intermediate_size": 40,
        "vocab_size": 50,
        "num_experts": 0,
    }
    without = explorer.count_hf(config)
    assert explorer.count_hf({**config, "shared_expert_intermediate_size": 77}) == without
    assert "shared_expert" not in " ".join(without.breakdown)


def test_latent_attention_has_no_head_dim_nor_key_value_heads() -> None:
    for name in ("head_dim", "kv_heads"):
        with pytest.raises(ConflictError, match=f"deepseek has no {name}"):
            explorer.count("deepseek", **{**DEEPSEEK, name: 2})
    assert "kv_heads" not in {c.keyword for c in explorer.FAMILIES["deepseek"].search_choices}


def test_attention_bias_on_query_key_value_only() -> None:
    glm = explorer.count(
        "glm4_moe", **QWEN3_MOE, first_dense=0, shared_experts=1, attention_bias=True
    )
    names = set(glm.breakdown)
    assert "model.layers.*.self_attn.q_proj.bias" in names
    assert "model.layers.*.self_attn.o_proj.bias" not in names


# -- what a token uses ----------------------------------------------------------------------
def test_active_leaves_out_only_the_idle_routed_experts() -> None:
    c = explorer.count("deepseek", **DEEPSEEK)
    routed = sum(v for name, v in c.breakdown.items() if ".mlp.experts." in name)
    assert c.total - c.active == routed * (8 - 2) // 8  # shared, dense, router: all active
    oss = explorer.count(
        "gpt_oss", d_model=64, layers=2, heads=4, kv_heads=2, head_dim=16, vocab=10, d_ff=32,
        experts=4, experts_per_token=1,
    )  # fmt: skip
    experts = sum(v for name, v in oss.breakdown.items() if ".mlp.experts." in name)
    assert experts == 2 * 4 * (64 * 64 + 64 + 32 * 64 + 64)  # weights and biases per expert
    assert oss.total - oss.active == experts * 3 // 4


def test_the_papers_registry_says_which_convention_each_card_uses() -> None:
    from explorer.papers import find_entry, reproduce_entry

    expected = {
        "qwen3-30b-a3b-active": ("active", False),  # 3.35B: the card truncates to 3.3B
        "deepseek-v3-active": ("active-no-token-embedding", True),
        "gpt-oss-120b-active": ("active-no-token-embedding", True),
        "glm-4.5-active": ("active-non-embedding", True),
    }
    for name, (measure, reproduces) in expected.items():
        entry = find_entry(name)
        assert (entry.measure, entry.reproduces) == (measure, reproduces)
        assert reproduce_entry(entry).matches is reproduces


# -- words ------------------------------------------------------------------------------------
def _why(count: explorer.Count, name: str) -> str:
    return {t.name: t.why for t in explain(count).terms}[name]


@pytest.mark.parametrize(
    ("family", "design", "term", "words"),
    [
        pytest.param(
            "deepseek", DEEPSEEK, "model.layers.*.self_attn.kv_a_proj_with_mqa.weight",
            "one key/value latent per token and a rotary key shared by every head (16 + 4) "
            "from the 64-wide residual stream: 20 rows of 64; what the cache keeps; 4 copies, "
            "one per layer",
            id="latent",
        ),
        pytest.param(
            "deepseek", {**DEEPSEEK, "q_rank": 0}, "model.layers.*.self_attn.q_proj.weight",
            "the queries of the 4 heads (8 + 4 each) straight from the 64-wide residual stream "
            "(no query latent): 48 rows of 64; 4 copies, one per layer",
            id="no-query-latent",
        ),
        pytest.param(
            "deepseek", DEEPSEEK, "model.layers.*.mlp.shared_experts.up_proj.weight",
            "2 shared experts of 16 fused into one MLP 32 wide: its up-projection beside the "
            "gate: 32 rows of 64; 3 copies, one per layer that has it",
            id="shared-experts",
        ),
        pytest.param(
            "deepseek", DEEPSEEK, "model.layers.*.mlp.gate.weight",
            "one router score per expert, 8 rows of 64: each token goes to the 2 best-scored "
            "of the 8 experts; a score-correction bias of 8 values steers the choice (kept as "
            "a buffer, not a parameter: not counted); 3 copies, one per layer that has it",
            id="router-correction",
        ),
        pytest.param(
            "deepseek", DEEPSEEK, "model.layers.*.mlp.up_proj.weight",
            "the up-projection beside the gate, as wide (96), multiplied by the gate's "
            "activation feature by feature: 96 rows of 64; one copy (1 layer that has it)",
            id="dense-first-layer",
        ),
        pytest.param(
            "qwen2_moe", {**QWEN3_MOE, "d_shared": 48},
            "model.layers.*.mlp.shared_expert_gate.weight",
            "a sigmoid gate on the shared expert's output: one weight per feature of the "
            "64-wide residual stream, no bias; 6 copies, one per layer",
            id="shared-expert-gate",
        ),
        pytest.param(
            "gpt_oss", {**QWEN3_MOE, "d_ff": 32}, "model.layers.*.self_attn.sinks",
            "one learned sink logit per query head (4): joined to the head's scores before the "
            "softmax and dropped after it, so a head may attend to nothing; 6 copies, one per "
            "layer",
            id="sinks",
        ),
        pytest.param(
            "gpt_oss", {**QWEN3_MOE, "d_ff": 32}, "model.layers.*.mlp.experts.down_proj",
            "each of the 4 experts takes its 32 hidden features back to the 64-wide residual "
            "stream: 4 x 32 rows of 64 (stored [in, out]); a token uses 2 of them (active: "
            "2 x 64 x 32); 6 copies, one per layer",
            id="transposed-experts",
        ),
    ],
)  # fmt: skip
def test_words(family: str, design: dict[str, Any], term: str, words: str) -> None:
    assert _why(explorer.count(family, **design), term) == words


# -- caches -----------------------------------------------------------------------------------
def test_latent_cache_keeps_the_latent_and_the_rotary_key() -> None:
    c = explorer.count("deepseek", **DEEPSEEK, seq=10, batch=3)
    cached = explorer.memory(c, kv_cache=True, dtype="bf16").breakdown["kv cache"]
    assert cached == 4 * 3 * 10 * (16 + 4) * 2  # layers x B x T x (kv_rank + rope_dim) x bytes


def test_windows_only_below_a_layer() -> None:
    """Qwen2-MoE: with use_sliding_window, the even layers below max_window_layers attend
    through the window (layers 0 and 2 of 5 with max_window_layers 3)."""
    config = {
        "model_type": "qwen2_moe", "hidden_size": 64, "num_hidden_layers": 5,
        "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 96,
        "moe_intermediate_size": 32, "shared_expert_intermediate_size": 48,
        "num_experts": 4, "num_experts_per_tok": 2, "vocab_size": 100,
        "use_sliding_window": True, "sliding_window": 6, "max_window_layers": 3,
    }  # fmt: skip
    c = explorer.count_hf(config, seq=20, batch=1)
    cached = explorer.memory(c, kv_cache=True, dtype="bf16").breakdown["kv cache"]
    per_position = 2 * 32 * 2  # keys and values, 2 heads of 16, bf16
    assert cached == (3 * 20 + 2 * 5) * per_position


# -- solving ----------------------------------------------------------------------------------
def test_solved_latent_width_keeps_the_heads_dividing_it() -> None:
    sizes = {k: v for k, v in DEEPSEEK.items() if k not in ("d_model", "heads")}
    solution = explorer.solve("deepseek", budget=3_000_000, heads=6, **sizes)
    assert solution.sizes["d_model"] % 6 == 0


# -- config.json fields refused by name -------------------------------------------------------
SMALL_V2 = {
    "model_type": "deepseek_v2", "hidden_size": 64, "num_hidden_layers": 2,
    "num_attention_heads": 4, "vocab_size": 100, "q_lora_rank": None, "kv_lora_rank": 16,
    "num_experts_per_tok": 2,
}  # fmt: skip


@pytest.mark.parametrize(
    ("config", "message"),
    [
        pytest.param({"model_type": "qwen3_moe", "decoder_sparse_step": 0},
                     "decoder_sparse_step must be at least 1", id="step-0"),
        pytest.param({"model_type": "qwen2_moe", "num_key_value_heads": None},
                     "num_key_value_heads must be a number, got null", id="kv-null"),
        pytest.param({**SMALL_V2, "hidden_size": 66},
                     r"hidden_size \(66\) must be divisible by num_attention_heads", id="v2-div"),
        pytest.param({**SMALL_V2, "q_lora_rank": 0}, "q_lora_rank must be positive",
                     id="q-rank-0"),
        pytest.param({**SMALL_V2, "num_experts_per_tok": None},
                     "num_experts_per_tok must be a number, got null", id="k-null"),
        pytest.param({**SMALL_V2, "model_type": "deepseek_v3", "first_k_dense_replace": None},
                     "first_k_dense_replace must be a number of layers", id="first-null"),
        pytest.param({"model_type": "olmoe", "head_dim": 64},
                     r"head_dim \(64\) must be hidden_size // num_attention_heads", id="olmoe"),
        pytest.param({"model_type": "gpt_oss", "num_hidden_layers": 2,
                      "layer_types": ["full_attention", "sliding_attention"]},
                     "layer_types: only the pattern the config derives", id="layer-types"),
        pytest.param({"model_type": "qwen3_moe", "mlp_only_layers": [-1]},
                     "mlp_only lists layer indices", id="mlp-only"),
    ],
)  # fmt: skip
def test_configs_refused_in_one_line_naming_the_field(
    config: dict[str, Any], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    status, out, err = run(capsys, ["count", "--hf-config", str(path)])
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    with pytest.raises((ConfigError, InvalidSizeError), match=message):
        explorer.count_hf(config)


def test_released_layer_types_are_read() -> None:
    layers = 4
    alternating = ["sliding_attention" if i % 2 == 0 else "full_attention" for i in range(layers)]
    base = {"model_type": "gpt_oss", "num_hidden_layers": layers, "sliding_window": 8}
    counted = explorer.count_hf({**base, "layer_types": alternating}, seq=20, batch=1)
    assert counted.sizes["window"] == 8
    global_only = explorer.count_hf({**base, "layer_types": ["full_attention"] * layers})
    assert global_only.sizes["window"] == 0
