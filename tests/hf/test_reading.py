"""A config.json read as released: list-valued token ids, files without ``model_type``,
values transformers refuses (each named), and a model type no family counts told apart from
a typo."""

from __future__ import annotations

from typing import Any

import pytest

import explorer
from explorer.errors import ConfigError
from explorer.hf import has_family

# Llama 3.1 8B's config.json as released (meta-llama/Llama-3.1-8B, config.json), the fields
# that shape the model and the list of end-of-sequence ids that every 3.1/3.2 file carries.
LLAMA_3_1_8B: dict[str, Any] = {
    "architectures": ["LlamaForCausalLM"],
    "attention_bias": False,
    "bos_token_id": 128000,
    "eos_token_id": [128001, 128008, 128009],
    "hidden_act": "silu",
    "hidden_size": 4096,
    "intermediate_size": 14336,
    "max_position_embeddings": 131072,
    "mlp_bias": False,
    "model_type": "llama",
    "num_attention_heads": 32,
    "num_hidden_layers": 32,
    "num_key_value_heads": 8,
    "rms_norm_eps": 1e-05,
    "rope_scaling": {
        "factor": 8.0,
        "low_freq_factor": 1.0,
        "high_freq_factor": 4.0,
        "original_max_position_embeddings": 8192,
        "rope_type": "llama3",
    },
    "rope_theta": 500000.0,
    "tie_word_embeddings": False,
    "torch_dtype": "bfloat16",
    "transformers_version": "4.43.0.dev0",
    "use_cache": True,
    "vocab_size": 128256,
}


def test_llama_3_1_as_released() -> None:
    """Meta's model card states 8.03B; transformers builds 8,030,261,248."""
    assert explorer.count_hf(LLAMA_3_1_8B).total == 8_030_261_248


def test_a_negative_token_id_is_read() -> None:
    """Early LLaMA conversions set pad_token_id -1; transformers accepts it."""
    config = {**LLAMA_3_1_8B, "pad_token_id": -1}
    assert explorer.count_hf(config).total == 8_030_261_248


def test_a_file_without_model_type_is_read_by_its_architectures() -> None:
    assert explorer.count_hf({"architectures": ["GPT2LMHeadModel"]}).total == 124_439_808


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        pytest.param({"hidden_act": "nope"}, "hidden_act 'nope' is no activation", id="act"),
        pytest.param({"id2label": ["neg", "pos"]}, "id2label must be an object", id="labels"),
        pytest.param({"id2label": "neg"}, "id2label must be an object", id="labels-text"),
        pytest.param(
            {"architectures": "LlamaForCausalLM"}, "architectures must be a list", id="arch-text"
        ),
        pytest.param(
            {"architectures": ["LamaForCausalLM"]},
            "architectures names 'LamaForCausalLM', not a llama model class",
            id="arch-unknown",
        ),
        pytest.param(
            {"eos_token_id": [1, "a"]}, "eos_token_id must be an integer or a list", id="ids"
        ),
        pytest.param({"hidden_size": -64}, "hidden_size must not be negative", id="negative"),
        pytest.param({"rope_scaling": "nonsense"}, "rope_scaling must be a dict", id="rope-text"),
        pytest.param(
            {"rope_scaling": {"rope_type": "banana", "factor": 2.0}},
            "rope_scaling rope_type 'banana' is not one transformers knows",
            id="rope-unknown",
        ),
        pytest.param(
            {"rope_scaling": {"type": "linear"}},
            "rope_scaling of rope_type 'linear' needs factor",
            id="rope-missing",
        ),
        pytest.param(
            {"rope_parameters": {"rope_type": "longrope", "short_factor": [1.0]}},
            "rope_parameters of rope_type 'longrope' needs long_factor",
            id="rope-parameters",
        ),
    ],
)
def test_what_transformers_refuses_is_refused_by_name(fields: dict[str, Any], match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        explorer.count_hf({**LLAMA_3_1_8B, **fields})


ROPE = [
    {"rope_type": "banana", "factor": 2.0},
    {"type": "linear"},
    {"rope_type": "llama3", "factor": 8.0},
    {"rope_type": "yarn", "factor": 4.0},
    {"type": "dynamic", "factor": 2.0},
    None,
]


@pytest.mark.torch
@pytest.mark.parametrize("rope", ROPE, ids=[str(r) for r in ROPE])
def test_rotary_parameters_are_refused_where_transformers_refuses_them(
    rope: dict[str, Any] | None,
) -> None:
    """Counted where transformers builds the model on the meta device, refused in one line
    where its config or its model refuses them."""
    pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    import torch

    config = {**LLAMA_3_1_8B, "num_hidden_layers": 1, "rope_scaling": rope}
    config.pop("rope_theta", None)
    try:
        with torch.device("meta"):
            built = transformers.AutoModelForCausalLM.from_config(
                transformers.LlamaConfig(**{k: v for k, v in config.items() if k != "model_type"})
            )
    except Exception:  # transformers refuses it, in the config or the model
        with pytest.raises(ConfigError, match="rope"):
            explorer.count_hf(config)
        return
    total = sum(p.numel() for p in built.parameters())
    assert explorer.count_hf(config, model="LlamaForCausalLM").total == total


def test_no_model_type_and_an_unknown_class() -> None:
    with pytest.raises(ConfigError, match="no model_type and its architectures name 'MyNet'"):
        explorer.count_hf({"architectures": ["MyNet"]})


def test_a_type_with_no_family_gets_no_suggestion_of_another_architecture() -> None:
    """llava_next is a transformers model type: suggesting llava would count another model."""
    assert not has_family("llava_next")
    with pytest.raises(ConfigError, match="'llava_next' has no family here") as raised:
        explorer.design_hf({"model_type": "llava_next"})
    assert "did you mean" not in str(raised.value)


def test_a_misspelt_type_gets_a_suggestion() -> None:
    with pytest.raises(ConfigError, match="did you mean 'llama'"):
        explorer.count_hf({"model_type": "lama"})


def test_a_config_changed_in_place_is_read_again() -> None:
    """count_hf remembers the configs it has read by their content, not their identity."""
    config = {**LLAMA_3_1_8B}
    before = explorer.count_hf(config).total
    config["num_hidden_layers"] = 2
    after = explorer.count_hf(config).total
    assert after < before
    assert after == explorer.count_hf({**LLAMA_3_1_8B, "num_hidden_layers": 2}).total
    config["hidden_act"] = "nope"  # refused now, not served as remembered
    with pytest.raises(ConfigError, match="hidden_act 'nope'"):
        explorer.count_hf(config)
