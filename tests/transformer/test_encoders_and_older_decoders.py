"""The blocks and behaviours the encoders, the encoder-decoder and the older decoders of the
zoo brought (roberta, xlm-roberta, distilbert, bart, opt, bloom, falcon, gptj, gpt_bigcode):
learned positions with an offset, projections in and out of the embedding width, a stack's
own tables, a decoder-only class of an encoder-decoder, norms without parameters, an LM head
with a bias, and how their configs are read. Every term of every recorded case has its
block's words.
"""

from __future__ import annotations

from typing import Any

import pytest

import explorer
from explorer.blocks import words_of
from explorer.errors import ConfigError, ExplorerError
from explorer.explain import explain
from explorer.hf import apply_config_rules, count_hf, design_hf
from tests.hf.zoo import recorded

TYPES = (
    "roberta",
    "xlm-roberta",
    "distilbert",
    "bart",
    "opt",
    "bloom",
    "falcon",
    "gptj",
    "gpt_bigcode",
)
_OPT: dict[str, Any] = {
    "d_model": 64,
    "layers": 1,
    "heads": 4,
    "vocab": 10,
    "context": 16,
    "d_ff": 96,
    "head": "none",
}
_BART: dict[str, Any] = {
    "d_model": 32,
    "layers": 2,
    "heads": 4,
    "vocab": 50,
    "context": 20,
    "d_ff": 48,
}


# -- every term told by its block ---------------------------------------------------------------
@pytest.mark.parametrize("model_type", TYPES)
def test_every_term_of_every_recorded_case_has_words(model_type: str) -> None:
    for case in recorded(model_type)["cases"]:
        if "flops" in case:
            continue
        count = count_hf(case["config"], model=case["model"])
        infos = {info.name: info for info in count.compiled.terms}
        told = explain(count)
        assert sum(t.count for t in told.terms) == count.total
        for term in told.terms:
            info = infos[term.name]
            assert words_of(info.role.block) is not None, (case["name"], term.name)
            assert term.why, term.name
            assert term.why != info.meaning.split(": ", 1)[-1], term.name


# -- learned positions with an offset; a stack's own tables ------------------------------------
def test_positions_keep_two_rows_more_than_the_context() -> None:
    opt = explorer.count("opt", **_OPT)
    assert opt.shapes["decoder.embed_positions.weight"] == (18, 64)
    bart = explorer.count("bart", **_BART)
    for stack in ("encoder", "decoder"):
        assert bart.shapes[f"model.{stack}.embed_positions.weight"] == (22, 32)
    why = {t.name: t.why for t in explain(opt).terms}["decoder.embed_positions.weight"]
    assert "at most 16 tokens" in why
    assert "shifted by 2" in why


def test_untied_bart_keeps_a_token_table_per_stack() -> None:
    tied = explorer.count("bart", **_BART)
    untied = explorer.count("bart", **_BART, tied=False)
    copies = ("model.encoder.embed_tokens.weight", "model.decoder.embed_tokens.weight")
    assert not any(name in tied.breakdown for name in copies)
    assert all(untied.breakdown[name] == 50 * 32 for name in copies)
    assert untied.total - tied.total == 3 * 50 * 32  # two tables and the LM head
    assert untied.embedding - tied.embedding == 2 * 50 * 32


def test_the_decoder_alone_has_no_encoder_and_runs_no_cross_attention() -> None:
    alone = explorer.count("bart", **_BART, head="decoder_lm", seq=8, batch=1)
    names = set(alone.breakdown)
    assert "model.decoder.embed_tokens.weight" in names
    assert not any(name.startswith(("model.encoder.", "model.shared")) for name in names)
    assert any(".encoder_attn." in name for name in names)  # built
    assert not any(".encoder_attn." in name for name in alone.compute.breakdown)  # not run
    whole = explorer.count("bart", **_BART, seq=8, batch=1)
    assert any(".encoder_attn." in name for name in whole.compute.breakdown)


def test_the_decoder_has_its_own_mlp_width() -> None:
    same = explorer.count("bart", **_BART)
    wider = explorer.count("bart", **_BART, decoder_d_ff=64)
    assert same.shapes["model.decoder.layers.*.fc1.weight"] == (48, 32)
    assert wider.shapes["model.decoder.layers.*.fc1.weight"] == (64, 32)
    assert wider.shapes["model.encoder.layers.*.fc1.weight"] == (48, 32)


# -- OPT: projections, the final norm, norms without parameters --------------------------------
def test_projections_only_with_a_narrower_embedding() -> None:
    plain = explorer.count("opt", **_OPT)
    narrow = explorer.count("opt", **_OPT, embed_dim=32, seq=4, batch=1)
    assert not any("project" in name for name in plain.breakdown)
    assert narrow.shapes["decoder.project_in.weight"] == (64, 32)
    assert narrow.shapes["decoder.project_out.weight"] == (32, 64)
    assert narrow.shapes["decoder.embed_tokens.weight"] == (10, 32)
    assert narrow.compute.breakdown["decoder.project_in"] == 2 * 4 * 64 * 32
    lm = explorer.count("opt", **{**_OPT, "head": "lm"}, embed_dim=32, tied=False, seq=4)
    assert lm.shapes["lm_head.weight"] == (10, 32)
    assert lm.compute.breakdown["lm_head"] == 2 * 4 * 10 * 32
    with pytest.raises(ExplorerError, match=r"embed_dim \(64\) equals d_model"):
        explorer.count("opt", **_OPT, embed_dim=64)


def test_the_final_norm_and_norm_parameters_switch_off() -> None:
    full = explorer.count("opt", **_OPT)
    assert "decoder.final_layer_norm.weight" in full.breakdown
    assert (
        "decoder.final_layer_norm.weight"
        not in explorer.count("opt", **_OPT, final_norm=False).breakdown
    )
    bare = explorer.count("opt", **_OPT, elementwise_affine=False)
    assert not any("layer_norm" in name for name in bare.breakdown)
    assert full.total - bare.total == 3 * 2 * 64  # the layer's two and the final: scale, shift


def test_an_opt_file_with_equal_widths_builds_no_projection() -> None:
    config = {"model_type": "opt", "hidden_size": 64, "num_attention_heads": 4}
    design = design_hf({**config, "word_embed_proj_dim": 64})
    assert "embed_dim" not in design.sizes
    narrow = design_hf({**config, "word_embed_proj_dim": 32})
    assert narrow.sizes["embed_dim"] == 32
    post = design_hf({"model_type": "opt", "do_layer_norm_before": False})
    assert post.sizes["final_norm"] is False


# -- heads -------------------------------------------------------------------------------------
def test_gptj_lm_head_keeps_its_bias_when_tied() -> None:
    base: dict[str, Any] = {"d_model": 32, "layers": 1, "heads": 4, "vocab": 50}
    tied = explorer.count("gptj", **base, tied=True)
    assert "lm_head.weight" not in tied.breakdown
    assert tied.breakdown["lm_head.bias"] == 50
    kaplan = explorer.count("gptj", **base, tied=True, convention="kaplan2020")
    assert "lm_head.bias" not in kaplan.breakdown


@pytest.mark.parametrize(
    ("family", "head", "names"),
    [
        ("roberta", "mlm", {"lm_head.dense.weight", "lm_head.layer_norm.weight", "lm_head.bias"}),
        ("distilbert", "mlm", {"vocab_transform.weight", "vocab_projector.bias"}),
        ("roberta", "classifier", {"classifier.dense.weight", "classifier.out_proj.bias"}),
        ("distilbert", "classifier", {"pre_classifier.weight", "classifier.weight"}),
        ("bart", "classifier", {"classification_head.dense.weight"}),
    ],
)
def test_heads_are_named_as_transformers_names_them(
    family: str, head: str, names: set[str]
) -> None:
    base: dict[str, Any] = {"d_model": 32, "layers": 1, "heads": 4, "vocab": 50, "context": 20}
    if family == "bart":
        base["d_ff"] = 48
    assert names <= set(explorer.count(family, **base, head=head).breakdown)


def test_distilbert_masked_lm_untied_has_one_output_bias() -> None:
    base: dict[str, Any] = {"d_model": 32, "layers": 1, "heads": 4, "vocab": 50, "context": 20}
    untied = explorer.count("distilbert", **base, head="mlm", tied=False).breakdown
    assert untied["vocab_projector.weight"] == 50 * 32
    assert [n for n in untied if n.endswith("bias") and untied[n] == 50] == ["vocab_projector.bias"]


# -- configs as released ------------------------------------------------------------------------
def test_n_embed_is_the_width_and_no_unknown_field() -> None:
    bloom = count_hf({"model_type": "bloom", "n_embed": 64, "num_attention_heads": 4})
    assert bloom.sizes["d_model"] == 64
    assert not any("n_embed" in note for note in bloom.notes)
    falcon = design_hf({"model_type": "falcon", "n_embed": 64, "num_attention_heads": 4})
    assert falcon.sizes["d_model"] == 64
    assert falcon.config["ffn_hidden_size"] == 256  # 4 x the width n_embed sets
    assert "d_ff" not in falcon.sizes  # follows a solved width


def test_bart_classifiers_have_three_labels_unless_told() -> None:
    model = "BartForSequenceClassification"
    assert design_hf({"model_type": "bart"}, model=model).sizes["labels"] == 3
    assert design_hf({"model_type": "bart", "num_labels": 2}, model=model).sizes["labels"] == 2
    labels = {"0": "a", "1": "b"}
    assert design_hf({"model_type": "bart", "id2label": labels}, model=model).sizes["labels"] == 2


def test_conditions_given_and_missing() -> None:
    rules = [
        {"stage": "config", "when": {"given": "n_embed"}, "field": "hidden_size",
         "value": {"op": "copy", "args": ["n_embed"]}},
        {"stage": "config", "when": {"missing": ["num_labels", "id2label"]},
         "field": "num_labels", "value": {"op": "const", "args": [3]}},
    ]  # fmt: skip
    fields: dict[str, Any] = {"hidden_size": 8, "num_labels": 2, "n_embed": 12}
    apply_config_rules(rules, fields, {"n_embed": 12})
    assert fields == {"hidden_size": 12, "num_labels": 3, "n_embed": 12}
    fields = {"hidden_size": 8, "num_labels": 2}
    apply_config_rules(rules, fields, {"num_labels": 2})
    assert fields == {"hidden_size": 8, "num_labels": 2}


@pytest.mark.parametrize(
    ("config", "model", "match"),
    [
        ({"model_type": "distilbert", "num_labels": 3}, "DistilBertForQuestionAnswering",
         "num_labels must be 2 for DistilBertForQuestionAnswering"),
        ({"model_type": "gpt_bigcode", "add_cross_attention": True}, None,
         "add_cross_attention needs multi_query false"),
        ({"model_type": "bart", "encoder_layers": None}, None, "encoder_layers must not be null"),
        ({"model_type": "bart", "d_model": 30, "encoder_attention_heads": 2,
          "decoder_attention_heads": 4}, None,
         r"d_model \(30\) must be divisible by decoder_attention_heads \(4\)"),
        ({"model_type": "falcon", "hidden_size": 30, "num_attention_heads": 4}, None,
         r"hidden_size \(30\) must be divisible by num_attention_heads"),
    ],
)  # fmt: skip
def test_configs_transformers_refuses_are_refused_by_name(
    config: dict[str, Any], model: str | None, match: str
) -> None:
    with pytest.raises(ConfigError, match=match):
        count_hf(config, model=model)


def test_falcon_norms_follow_the_architecture() -> None:
    def norms(**fields: Any) -> str:
        return str(design_hf({"model_type": "falcon", **fields}).sizes["parallel_norms"])

    assert norms() == "one"
    assert norms(new_decoder_architecture=True) == "two"
    assert norms(new_decoder_architecture=True, num_ln_in_parallel_attn=1) == "one"
    assert design_hf({"model_type": "falcon", "parallel_attn": None}).sizes[
        "parallel_attn"
    ] is False  # fmt: skip


def test_the_projection_words_leave_the_recurrent_projection_its_own() -> None:
    """Block words are registered by block name: OPT's projections (loaded with every
    family) must not take over the LSTM's recurrent projection's words."""
    assert len(list(explorer.FAMILIES.values())) >= 20  # every family's blocks registered
    count = explorer.count("lstm", input=40, cells=32, proj=8, layers=1, convention="pytorch")
    why = {t.name: t.why for t in explain(count).terms}["weight_hr_l0"]
    assert "fed back to the gates" in why
    opt = explorer.count("opt", **_OPT, embed_dim=32)
    assert (
        "before the first layer"
        in {t.name: t.why for t in explain(opt).terms}["decoder.project_in.weight"]
    )


def test_the_decoders_own_tables_are_a_group_of_their_own() -> None:
    """The table prints groups in term order: the decoder's positions and norm, after the
    encoder's layers, are their own group, so each section's subtotal is its own terms'."""
    counted = explorer.count("bart", **_BART)
    decoder = {name: v for name, v in counted.breakdown.items() if ".decoder.embed" in name
               or ".decoder.layernorm_embedding" in name}  # fmt: skip
    assert counted.subtotals["decoder embeddings"] == sum(decoder.values()) == 22 * 32 + 2 * 32
    groups = list(dict.fromkeys(term.group for term in counted.terms))
    assert groups == ["embeddings", "encoder layers", "decoder embeddings", "decoder layers"]
