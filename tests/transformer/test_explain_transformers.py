"""``explain`` for the Transformer families: every term told with its block's words, the
explanation adding up, and hand-written formulas (Kaplan's 12 L d^2, Megatron's) checked.

Golden files hold a few printed explanations (``EXPLORER_UPDATE_GOLDEN=1`` rewrites them);
each golden comparison also checks that the terms and subtotals add up to the total.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import explorer
from explorer.blocks import words_of
from explorer.errors import UsageError
from explorer.explain import compare_formula, explain, guess_keyword
from explorer.expressions import parse_expression
from explorer.families import FAMILIES
from tests.cli_helpers import run as _run
from tests.golden_files import check_golden

TRANSFORMERS = sorted(name for name, f in FAMILIES.items() if f.kind == "transformer")
LLAMA_7B: dict[str, Any] = {"d_model": 4096, "layers": 32, "heads": 32, "vocab": 32000}


def _why(family: str, term: str, **design: Any) -> str:
    """The reason ``explain`` gives for one term of a design."""
    words = {t.name: t.why for t in explain(explorer.count(family, **design)).terms}
    return words[term]


def _adds_up(count: explorer.Count) -> None:
    """The explanation's terms and subtotals give the total; each arithmetic its count."""
    told = explain(count)
    assert sum(t.count for t in told.terms) == count.total == told.total
    assert sum(g.subtotal for g in told.groups) == count.total
    for term in told.terms:
        shown = parse_expression(term.arithmetic.replace(" x ", " * "), ())
        assert shown.evaluate({}) == term.count, term.name


# -- every family, every small design: a reason per term, no fallback ---------------------------
@pytest.mark.parametrize("family", [pytest.param(f, id=f) for f in TRANSFORMERS])
@pytest.mark.parametrize("convention", ["hf", "kaplan2020"])
def test_every_term_has_its_blocks_reason(family: str, convention: str) -> None:
    chosen = FAMILIES[family]
    for design in chosen.examples:
        count = explorer.count(family, convention=convention, **design)
        _adds_up(count)
        infos = {info.name: info for info in count.compiled.terms}
        for term in explain(count).terms:
            info = infos[term.name]
            assert words_of(info.role.block) is not None, (design, term.name)
            fallback = info.meaning.split(": ", 1)[-1]
            assert term.why, (design, term.name)
            assert term.why != fallback, (design, term.name, term.why)


# -- word for word ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("family", "design", "term", "words"),
    [
        pytest.param(
            "llama",
            LLAMA_7B,
            "model.layers.*.self_attn.q_proj.weight",
            "each of the 32 query heads of 128 reads the 4096-wide residual stream: "
            "32 x 128 rows of 4096; 32 copies, one per layer",
            id="query-heads",
        ),
        pytest.param(
            "llama",
            {**LLAMA_7B, "kv_heads": 8},
            "model.layers.*.self_attn.k_proj.weight",
            "8 key/value heads shared by groups of 4 query heads (grouped-query attention), "
            "each key head 128 wide, read the 4096-wide residual stream: 8 x 128 rows of 4096; "
            "32 copies, one per layer",
            id="grouped-query",
        ),
        pytest.param(
            "mistral",
            {"d_model": 64, "layers": 2, "heads": 4, "kv_heads": 1, "vocab": 100, "d_ff": 96},
            "model.layers.*.self_attn.v_proj.weight",
            "one value head of 16 shared by all 4 query heads (multi-query attention) reads "
            "the 64-wide residual stream: 16 rows of 64; 2 copies, one per layer",
            id="multi-query",
        ),
        pytest.param(
            "llama",
            LLAMA_7B,
            "model.layers.*.self_attn.v_proj.weight",
            "one value head per query head (32 of 128: multi-head attention) reads the "
            "4096-wide residual stream: 32 x 128 rows of 4096; 32 copies, one per layer",
            id="multi-head",
        ),
        pytest.param(
            "llama",
            LLAMA_7B,
            "model.layers.*.self_attn.o_proj.weight",
            "the outputs of the 32 heads (32 x 128, concatenated) are projected back to the "
            "4096-wide residual stream: 4096 rows of 4096; 32 copies, one per layer",
            id="attention-output",
        ),
        pytest.param(
            "llama",
            LLAMA_7B,
            "model.layers.*.mlp.gate_proj.weight",
            "the 11008-wide gate of the gated (GLU) MLP, d_ff from LLaMA's rule "
            "256 x ceil(8 x 4096 / 3 / 256): 11008 rows of 4096; 32 copies, one per layer",
            id="llama-rule",
        ),
        pytest.param(
            "llama",
            {**LLAMA_7B, "d_model": 8192, "ffn_multiple_of": 4096, "ffn_dim_multiplier": 1.3},
            "model.layers.*.mlp.gate_proj.weight",
            "the 28672-wide gate of the gated (GLU) MLP, d_ff from LLaMA's rule "
            "4096 x ceil(1.3 x (8 x 8192 / 3) / 4096): 28672 rows of 8192; 32 copies, one per "
            "layer",
            id="llama-rule-multiplier",
        ),
        pytest.param(
            "llama",
            LLAMA_7B,
            "model.layers.*.mlp.down_proj.weight",
            "it takes the 11008 hidden features back to the 4096-wide residual stream: "
            "4096 rows of 11008; 32 copies, one per layer",
            id="down-projection",
        ),
        pytest.param(
            "llama",
            LLAMA_7B,
            "model.layers.*.input_layernorm.weight",
            "RMSNorm: a scale per feature, no shift: 4096 scales; 32 copies, one per layer",
            id="rmsnorm",
        ),
        pytest.param(
            "llama",
            LLAMA_7B,
            "lm_head.weight",
            "one 4096-wide row for each of the 32000 tokens of the vocabulary (its logit); "
            "not tied to the token embedding, so counted on its own",
            id="untied-lm-head",
        ),
        pytest.param(
            "gpt2",
            {},
            "transformer.h.*.attn.c_attn.weight",
            "query, key and value of the 12 heads in one matrix (c_attn, stored [in, out]): "
            "3 x 768 columns, each reading the 768-wide residual stream; 12 copies, one per "
            "layer",
            id="fused-transposed",
        ),
        pytest.param(
            "gpt_neox",
            {"d_model": 64, "layers": 2, "heads": 4, "vocab": 100},
            "gpt_neox.layers.*.attention.query_key_value.weight",
            "query, key and value of the 4 heads in one matrix (query_key_value): 3 x 64 "
            "rows, each reading the 64-wide residual stream; 2 copies, one per layer",
            id="fused-rows",
        ),
        pytest.param(
            "gpt2",
            {},
            "transformer.h.*.mlp.c_fc.weight",
            "the 3072-wide hidden layer (d_ff = 4 x 768) reads the 768-wide residual stream: "
            "3072 columns of 768 (stored [in, out]); 12 copies, one per layer",
            id="times-four",
        ),
        pytest.param(
            "gpt2",
            {},
            "transformer.wte.weight",
            "one 768-wide vector for each of the 50257 tokens of the vocabulary; the LM head "
            "is tied to it (the same matrix): counted once, here",
            id="tied",
        ),
        pytest.param(
            "gpt2",
            {},
            "transformer.wpe.weight",
            "one 768-wide vector for each of the 1024 positions (learned absolute positions: "
            "the model reads at most 1024 tokens)",
            id="positions",
        ),
        pytest.param(
            "gpt2",
            {},
            "transformer.h.*.ln_1.bias",
            "LayerNorm: a scale and a shift per feature; these are the 768 shifts; 12 copies, "
            "one per layer",
            id="layernorm-shift",
        ),
        pytest.param(
            "gpt2",
            {"layers": 1, "biases": False},
            "transformer.ln_f.weight",
            "LayerNorm: a scale and a shift per feature; these are the 768 scales (the shifts "
            "are biases, which this count leaves out), once, after the last layer",
            id="layernorm-without-biases",
        ),
        pytest.param(
            "gpt2",
            {},
            "transformer.h.*.attn.c_attn.bias",
            "one bias per output of the fused query, key and value (3 x 768); 12 copies, one "
            "per layer",
            id="fused-bias",
        ),
        pytest.param(
            "qwen2",
            {"d_model": 64, "layers": 2, "heads": 4, "kv_heads": 2, "vocab": 100, "d_ff": 96},
            "model.layers.*.self_attn.k_proj.bias",
            "one bias per key feature (2 x 16); 2 copies, one per layer",
            id="key-bias",
        ),
        pytest.param(
            "mixtral",
            {},
            "model.layers.*.mlp.gate.weight",
            "one router score per expert, 8 rows of 4096: each token goes to the 2 "
            "best-scored of the 8 experts; 32 copies, one per layer",
            id="router",
        ),
        pytest.param(
            "mixtral",
            {},
            "model.layers.*.mlp.experts.gate_up_proj",
            "each of the 8 experts is a gated MLP of its own, its gate and up-projection "
            "fused: 8 x 2 x 14336 rows of 4096 (d_ff per expert); a token uses 2 of them "
            "(active: 2 x 2 x 14336 x 4096); 32 copies, one per layer",
            id="experts",
        ),
        pytest.param(
            "t5",
            {},
            "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight",
            "T5's relative position bias: one value per distance bucket and head (32 x 8), in "
            "the first layer only, shared by every layer of the encoder stack",
            id="relative-bias",
        ),
        pytest.param(
            "t5",
            {"decoder_layers": 3},
            "decoder.block.*.layer.1.EncDecAttention.k.weight",
            "one key head per query head (8 of 64: multi-head attention) reads the encoder's "
            "512-wide output: 8 x 64 rows of 512; 3 copies, one per decoder layer",
            id="cross-attention",
        ),
        pytest.param(
            "t5",
            {},
            "shared.weight",
            "one 512-wide vector for each of the 32128 tokens of the vocabulary; the encoder "
            "and decoder both read it; the LM head is tied to it (the same matrix): counted "
            "once, here",
            id="shared-embedding",
        ),
        pytest.param(
            "bert",
            {},
            "pooler.dense.weight",
            "the pooler: a 768 x 768 dense layer (tanh) on the first token's final hidden "
            "state, which the sentence-level heads read",
            id="pooler",
        ),
        pytest.param(
            "bert",
            {"head": "mlm"},
            "cls.predictions.bias",
            "one bias per vocabulary entry (30522): a parameter of its own, though the "
            "decoder's weight is the token embedding (tied)",
            id="masked-lm-bias",
        ),
        pytest.param(
            "bert",
            {"head": "classifier", "labels": 3},
            "classifier.weight",
            "one 768-wide row for each of the 3 labels",
            id="classifier",
        ),
    ],
)
def test_reasons_word_for_word(family: str, design: dict[str, Any], term: str, words: str) -> None:
    assert _why(family, term, **design) == words


# -- golden explanations --------------------------------------------------------------------------
SMALL = ["--layers", "2", "--d-model", "64", "--heads", "4", "--vocab", "100"]
EXPLAINED = [
    pytest.param("llama-gqa", ["llama", *SMALL, "--kv-heads", "2"], id="llama-gqa"),
    pytest.param("gpt2-small-design", ["gpt2", *SMALL, "--context", "32"], id="gpt2"),
    pytest.param("t5-small-design", ["t5", *SMALL, "--head-dim", "16"], id="t5"),
    pytest.param(
        "mixtral-small-design", ["mixtral", *SMALL, "--kv-heads", "2", "--d-ff", "96"], id="mixtral"
    ),
    pytest.param("bert-pretraining", ["bert", *SMALL, "--head", "pretraining"], id="bert"),
]


@pytest.mark.parametrize(("name", "argv"), EXPLAINED)
def test_explain_golden(capsys: pytest.CaptureFixture[str], name: str, argv: list[str]) -> None:
    status, out, err = _run(capsys, ["explain", *argv])
    assert status == 0, err
    check_golden("explain", name, out)
    status, out, err = _run(capsys, ["explain", *argv, "--json"])
    assert status == 0, err
    data = json.loads(out)
    assert sum(t["count"] for t in data["terms"]) == data["total"]
    assert sum(data["subtotals"].values()) == data["total"]


# -- formulas -------------------------------------------------------------------------------------
def test_kaplan_formula_names_what_gpt2_adds() -> None:
    """Kaplan et al. 2020 count 12 L d^2: no embeddings, biases or norms."""
    result = compare_formula("gpt2", "12*L*d**2")
    assert dict(result.mapping) == {"L": "layers", "d": "d_model"}
    assert result.true_value == 124_439_808
    assert result.formula_value == 12 * 12 * 768**2
    assert all(c.kind == "missing" for c in result.causes)
    counted = explorer.count("gpt2")
    weights = {
        f"transformer.h.*.{name}.weight"
        for name in ("attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj")
    }
    left_out = {t.name for t in counted.terms} - weights
    assert {name for c in result.causes for name in c.terms} == left_out
    assert sum(c.value for c in result.causes) == result.difference_value
    assert result.note == (
        "in short, the formula leaves out the embeddings (51281*d), the biases "
        "(d*(11*L + 1)) and the norms (d*(2*L + 1))"
    )
    bias = next(c for c in result.causes if c.terms == ("transformer.h.*.attn.c_attn.bias",))
    assert bias.text == (
        "every layer: self-attention query, key and value bias "
        "(transformer.h.*.attn.c_attn.bias; 3*d) missing from the formula"
    )
    assert bias.why.startswith("one bias per output of the fused query, key and value")


def test_kaplan_formula_agrees_with_its_convention() -> None:
    result = compare_formula("gpt2", "12*L*d**2", convention="kaplan2020")
    assert result.causes == ()
    assert result.note == "the formula agrees with the count for every size"


def test_megatron_formula_misses_only_the_final_norm() -> None:
    """Narayanan et al. 2021: 12 l h^2 (1 + 13 / (12 h) + (V + s) / (12 l h))."""
    result = compare_formula(
        "gpt2",
        "12*l*h**2*(1 + 13/(12*h) + (V + s)/(12*l*h))",
        mapping={"l": "layers", "h": "d_model", "V": "vocab", "s": "context"},
    )
    assert result.difference_value == 2 * 768
    assert [c.terms for c in result.causes] == [
        ("transformer.ln_f.weight",),
        ("transformer.ln_f.bias",),
    ]
    assert result.note == ""


@pytest.mark.parametrize(
    ("family", "formula", "design", "values"),
    [
        pytest.param(
            "llama",
            "L*(4*d**2 + 3*d*f) + 2*V*d",
            {},
            {"L": 32, "d": 4096, "f": 11008, "V": 32000},
            id="d_ff-by-rule",
        ),
        pytest.param(
            "mixtral",
            "L*(2*d*d_h*(n_h + n_kv) + 3*E*d*f + E*d) + 2*V*d",
            {},
            {"d_h": 128, "n_h": 32, "n_kv": 8, "E": 8, "f": 14336},
            id="head_dim-follows",
        ),
    ],
)
def test_sizes_that_follow_rules_take_their_values(
    family: str, formula: str, design: dict[str, Any], values: dict[str, int]
) -> None:
    result = compare_formula(family, formula, **design)
    assert values.items() <= dict(result.sizes).items()
    assert [c.kind for c in result.causes] == ["missing"] * 3  # the norms
    assert result.note == "in short, the formula leaves out the norms (d*(2*L + 1))"


def test_a_size_the_design_does_not_have_is_asked_for() -> None:
    with pytest.raises(UsageError, match="the formula uses d_h for head_dim: give its size"):
        compare_formula("llama", "L*d*d_h")


@pytest.mark.parametrize(
    ("name", "keyword"),
    [
        pytest.param("K", "kv_heads", id="K"),
        pytest.param("k", "experts_per_token", id="k"),
        pytest.param("E", "experts", id="E"),
        pytest.param("l", "layers", id="l"),
        pytest.param("d", "d_model", id="d"),
        pytest.param("V", "vocab", id="V"),
        pytest.param("n_embd", "d_model", id="n_embd"),
        pytest.param("hidden_size", "d_model", id="alias"),
        pytest.param("q", None, id="unknown"),
    ],
)
def test_guess_keyword_transformers(name: str, keyword: str | None) -> None:
    assert guess_keyword(name, "mixtral") == keyword


def test_formula_golden(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, ["explain", "gpt2", "--formula", "12*L*d**2"])
    assert status == 0, err
    check_golden("explain", "gpt2-kaplan-formula", out)
