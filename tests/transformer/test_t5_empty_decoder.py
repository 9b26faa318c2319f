"""A T5 config with ``num_decoder_layers: 0``: transformers builds it (the decoder keeps only
its final norm, and no relative position bias, which lives in the first layer), so it is
counted, not refused (issue 23). Recorded from transformers 5.25 on the meta device; rebuilt
live where torch and transformers are installed."""

from __future__ import annotations

from typing import Any

import pytest

import explorer

CONFIG: dict[str, Any] = {
    "model_type": "t5",
    "d_model": 64,
    "d_ff": 96,
    "num_layers": 2,
    "num_decoder_layers": 0,
    "num_heads": 4,
    "d_kv": 16,
    "vocab_size": 100,
}
#: model class -> the total transformers built.
RECORDED = {"T5Model": 64256, "T5ForConditionalGeneration": 64256, "T5EncoderModel": 64192}


@pytest.mark.parametrize("model", list(RECORDED))
def test_counted_as_built(model: str) -> None:
    counted = explorer.count_hf(CONFIG, model=model)
    assert counted.total == RECORDED[model]
    decoder = [name for name in counted.breakdown if name.startswith("decoder")]
    assert decoder == ([] if model == "T5EncoderModel" else ["decoder.final_layer_norm.weight"])


def test_its_forward_pass() -> None:
    """FlopCounterMode's count (eager attention): the encoder, then the LM head on the
    decoder's positions."""
    counted = explorer.count_hf(CONFIG, model="T5ForConditionalGeneration", seq=8)
    assert counted.flops == 1_052_672


@pytest.mark.torch
def test_live() -> None:
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    config = transformers.T5Config(**{k: v for k, v in CONFIG.items() if k != "model_type"})
    for model, total in RECORDED.items():
        with torch.device("meta"):
            built = getattr(transformers, model)(config)
        assert sum(p.numel() for p in built.parameters()) == total
