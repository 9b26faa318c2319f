"""Sliding-window attention's KV cache: a windowed layer keeps the last W - 1 positions after
a forward pass (transformers' DynamicSlidingWindowLayer), a global layer all T; local and
global layers may alternate (every p-th layer global). Recorded from transformers 5.25 on
the meta device (bf16 model, ``past_key_values`` after one pass), and rebuilt live where
torch and transformers are installed."""

from __future__ import annotations

from typing import Any

import pytest

import explorer

SMALL: dict[str, Any] = {
    "model_type": "mistral",
    "hidden_size": 64,
    "intermediate_size": 96,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "vocab_size": 100,
}

#: (sliding_window, seq) -> bytes of past_key_values in bf16, as transformers 5.25 built them.
RECORDED = {(8, 20): 1792, (8, 5): 1280, (None, 20): 5120, (4096, 20): 5120}


def _cache_bytes(window: int | None, seq: int) -> int:
    c = explorer.count_hf({**SMALL, "sliding_window": window}, seq=seq)
    return explorer.memory(c, kv_cache=True, dtype="bf16").breakdown["kv cache"]


@pytest.mark.parametrize(("window", "seq"), list(RECORDED))
def test_the_cache_keeps_the_window(window: int | None, seq: int) -> None:
    assert _cache_bytes(window, seq) == RECORDED[(window, seq)]


def test_a_window_changes_no_parameter() -> None:
    with_window = explorer.count_hf({**SMALL, "sliding_window": 8})
    without = explorer.count_hf({**SMALL, "sliding_window": None})
    assert with_window.total == without.total
    assert with_window.sizes["window"] == 8
    assert without.sizes["window"] == 0  # none, where the family's default has one


@pytest.mark.torch
@pytest.mark.parametrize(("window", "seq"), [(8, 20), (8, 5), (3, 9)])
def test_live_against_transformers(window: int, seq: int) -> None:
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    fields = {k: v for k, v in SMALL.items() if k != "model_type"}
    config = transformers.MistralConfig(**fields, sliding_window=window)
    with torch.device("meta"):
        model = transformers.MistralForCausalLM(config).to(torch.bfloat16)
    ids = torch.zeros(1, seq, dtype=torch.long, device="meta")
    with torch.no_grad():
        cache = model(input_ids=ids, use_cache=True).past_key_values
    built = sum(
        t.numel() * t.element_size() for layer in cache.layers for t in (layer.keys, layer.values)
    )
    assert _cache_bytes(window, seq) == built
