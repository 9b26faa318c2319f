"""Hybrids: layers of two kinds in one stack, counted by kind (LFM2's attention and short
convolution layers, Qwen3.5's full and Gated DeltaNet linear attention layers); the blocks'
forward-pass sizes that follow the sequence (a convolution's padded prefill, the chunked
delta rule's padded length) and their caches (states of fixed size, one kept in fp32).
The recorded ground truth is in ``tests/hf/zoo`` (``lfm2``, ``qwen3_5_text``).
"""

from __future__ import annotations

from typing import Any

import pytest

import explorer
from explorer.errors import ConfigError
from explorer.hf import count_hf

LFM2: dict[str, Any] = {
    "d_model": 64, "layers": 3, "attention_layers": 1, "heads": 4, "kv_heads": 2,
    "vocab": 100, "d_ff": 96, "ffn_adjust": False,
}  # fmt: skip
QWEN: dict[str, Any] = {
    "d_model": 64, "layers": 4, "heads": 4, "kv_heads": 2, "head_dim": 16, "vocab": 100,
    "d_ff": 96, "linear_key_heads": 2, "linear_value_heads": 4, "linear_key_dim": 8,
    "linear_value_dim": 12,
}  # fmt: skip


def test_layers_are_counted_by_kind() -> None:
    c = explorer.count("lfm2", **LFM2)
    shapes, values = c.shapes, c.breakdown
    assert values["model.layers.*.self_attn.q_proj.weight"] == 64 * 64  # one layer attends
    assert values["model.layers.*.conv.in_proj.weight"] == 2 * 3 * 64 * 64  # two convolve
    assert values["model.layers.*.operator_norm.weight"] == 3 * 64  # every layer's
    assert shapes["model.layers.*.conv.conv.weight"] == (64, 1, 3)
    # Qwen3.5: every fourth layer attends fully unless a pattern says
    q = explorer.count("qwen3_5_text", **QWEN)
    assert q.sizes.get("attention_layers") is None  # it follows the depth
    assert q.breakdown["model.layers.*.self_attn.k_norm.weight"] == 16
    assert q.breakdown["model.layers.*.linear_attn.A_log"] == 3 * 4


def test_lfm2_mlp_width_follows_its_rule() -> None:
    c = explorer.count("lfm2", **{**LFM2, "ffn_adjust": True, "ffn_multiple": 32, "d_ff": 96})
    assert c.shapes["model.layers.*.feed_forward.w1.weight"] == (64, 64)  # 2 x 96 / 3, x 1.0
    wider = explorer.count("lfm2", **{**LFM2, "ffn_adjust": True, "ffn_multiple": 48, "d_ff": 96})
    assert wider.shapes["model.layers.*.feed_forward.w1.weight"] == (96, 64)  # rounded up


@pytest.mark.parametrize("seq", [1, 2, 3, 4, 16])
def test_a_short_convolution_over_a_prefill_shorter_than_its_kernel(seq: int) -> None:
    """transformers pads a prefill shorter than the kernel to it: max(T, K) + K - 1
    outputs a sequence, d channels of K taps each."""
    c = explorer.count("lfm2", **LFM2, kernel=3, seq=seq, batch=2).compute
    conv = c.breakdown["model.layers.*.conv.conv"]
    assert conv == 2 * 2 * (max(seq, 3) + 2) * 64 * 3 * 2  # two convolution layers


@pytest.mark.parametrize(("seq", "padded"), [(1, 64), (64, 64), (65, 128), (129, 192)])
def test_the_chunked_delta_rule_pads_the_sequence_to_chunks_of_64(seq: int, padded: int) -> None:
    c = explorer.count("qwen3_5_text", **QWEN, seq=seq, batch=1).compute
    values = c.breakdown
    linear = 3  # layers with linear attention
    assert values["model.layers.*.linear_attn.chunk_scores"] == 2 * 2 * padded * 64 * 4 * 8 * linear
    assert values["model.layers.*.linear_attn.state_reads"] == 3 * 2 * padded * 12 * 4 * 8 * linear
    assert values["model.layers.*.linear_attn.chunk_values"] == 2 * padded * 12 * 4 * 64 * linear


def test_a_hybrids_cache_holds_states_of_fixed_size() -> None:
    short = explorer.count("qwen3_5_text", **QWEN, seq=5, batch=2)
    long = explorer.count("qwen3_5_text", **QWEN, seq=6, batch=2)
    grown = (
        explorer.memory(long, kv_cache=True, dtype="bf16").breakdown["kv cache"]
        - explorer.memory(short, kv_cache=True, dtype="bf16").breakdown["kv cache"]
    )
    # one token more: only the attention layer's keys and values grow (2 x 2 x 16, bf16)
    assert grown == 2 * 2 * (2 * 16) * 2
    memory = explorer.memory(short, kv_cache=True, dtype="bf16")
    assert memory.kv_per_token == (2 * 2 * 16) * 2  # per token of one sequence
    states = 3 * 2 * 4 * 8 * 12  # the recurrent states: fp32 in a bf16 model
    convolved = 3 * 2 * (2 * 2 * 8 + 4 * 12) * 4
    assert memory.breakdown["kv cache"] == 4 * states + 2 * (convolved + 2 * 2 * 5 * 2 * 16)


@pytest.mark.parametrize(
    ("config", "match"),
    [
        pytest.param(
            {"model_type": "lfm2", "num_hidden_layers": 2, "layer_types": ["conv"]},
            r"layer_types must list one kind per layer \(2\)",
            id="lfm2-pattern-too-short",
        ),
        pytest.param(
            {"model_type": "lfm2", "num_hidden_layers": 2, "layer_types": ["conv", "conv"]},
            "without an attention layer is not counted",
            id="lfm2-no-attention",
        ),
        pytest.param(
            {"model_type": "qwen3_5_text", "num_hidden_layers": 2,
             "layer_types": ["full_attention", "sliding_attention"]},
            "'sliding_attention' is no layer of this model",
            id="qwen-unknown-kind",
        ),
        pytest.param(
            {"model_type": "llama4_text", "num_hidden_layers": 4,
             "no_rope_layers": [1, 0, 1, 1]},
            "chunked and global layers other than every",
            id="llama4-irregular-pattern",
        ),
    ],
)  # fmt: skip
def test_layer_patterns_that_are_not_counted_are_refused(
    config: dict[str, Any], match: str
) -> None:
    with pytest.raises(ConfigError, match=match):
        count_hf(config)
