"""Compute and memory against what PyTorch and ``transformers`` count and hold.

Recorded cases (``tests/fixtures/compute_counts.json``, made by ``make_compute_counts.py``):
every case's FLOPs equal ``torch.utils.flop_counter.FlopCounterMode``'s total for the same
forward pass (``nn.Linear`` stacks, ``nn.LSTM``/``GRU``/``RNN`` on meta, cells unrolled
over time with matmuls, ``nn.TransformerEncoder`` and ``nn.Transformer``, Hugging Face
models with eager and sdpa attention at several sequence lengths), the KV cache equals
the bytes of ``past_key_values``, and weights and training state equal
``numel() x element_size()`` of real modules and optimizer state. Where torch is
installed, a few cases are measured again live, so the fixture cannot go stale unseen.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path
from typing import Any

import pytest

import explorer
from explorer.algebra import Count
from explorer.hf import count_hf
from explorer.measures import memory, memory_convention
from tests.fixtures import make_compute_counts

FIXTURE = Path(__file__).parents[1] / "fixtures" / "compute_counts.json"
RECORDED: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
CASES: dict[str, dict[str, Any]] = {case["name"]: case for case in RECORDED["cases"]}


def _of(kind: str, device: str | None = None) -> list[Any]:
    return [
        pytest.param(name, id=name)
        for name, case in CASES.items()
        if case["kind"] == kind and (device is None or case.get("device", "meta") == device)
    ]


def explorer_count(case: dict[str, Any]) -> Count:
    """The explorer's count of a recorded case's design and forward pass."""
    kind = case["kind"]
    extents = {"seq": case["seq"], "batch": case["batch"]}
    if kind == "rnn":
        kwargs = dict(case["explorer"])
        return explorer.count(kwargs.pop("family"), **kwargs, **extents)
    if kind == "cell":
        return explorer.count(
            case["cell"], input=case["input"], cells=case["cells"], layers=1, **extents
        )
    if kind == "torch_transformer":
        sizes: dict[str, Any] = {
            "d_model": case["d"],
            "layers": case["layers"],
            "heads": case["heads"],
            "d_ff": case["ff"],
            "vocab": 10,  # nn.Transformer has no embedding: a lookup costs no FLOPs anyway
            "head": "none",
            "norm": "layernorm",
            "attention_bias": True,
            "mlp_bias": True,
            "gated": False,
        }
        if case["decoder_layers"]:
            sizes["decoder_layers"] = case["decoder_layers"]
            extents["decoder_seq"] = case["decoder_seq"]
        return explorer.count("transformer", **sizes, **extents)
    if kind == "hf":
        extents["batch"] *= case.get("choices", 1)  # a multiple-choice model's sequences
        if "decoder_seq" in case:
            extents["decoder_seq"] = case["decoder_seq"]
        return count_hf(case["config"], model=case["model"], **extents)
    raise AssertionError(kind)


# -- FLOPs ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", _of("linear"))
def test_linear_stacks_are_sums_of_products(name: str) -> None:
    import sympy

    from explorer.blocks import product

    case = CASES[name]
    batch, seq = sympy.symbols("B T", positive=True)
    widths = case["widths"]
    terms = [
        product(f"l{k}", rows=batch * seq, out=sympy.Integer(o), inputs=sympy.Integer(i),
                meaning="linear", group="layers", copies=sympy.Integer(1), role=None)
        for k, (i, o) in enumerate(itertools.pairwise(widths))
    ]  # fmt: skip
    total = sum(t.expr for t in terms).subs({batch: case["batch"], seq: case["seq"]})
    assert total == case["flops"]


@pytest.mark.parametrize(
    "name", [*_of("rnn"), *_of("cell"), *_of("torch_transformer"), *_of("hf", "meta")]
)
def test_flops_equal_torchs_counter(name: str) -> None:
    case = CASES[name]
    counted = explorer_count(case)
    assert counted.flops == case["flops"]
    assert counted.macs * 2 == counted.flops
    assert counted.training_flops == 3 * case["flops"]
    assert sum(counted.compute.breakdown.values()) == counted.flops


def test_the_recorded_cases_cover_what_the_issue_names() -> None:
    kinds = {c["kind"] for c in CASES.values()}
    assert {"linear", "rnn", "cell", "torch_transformer", "hf", "memory"} <= kinds
    hf = [c for c in CASES.values() if c["kind"] == "hf"]
    for model in ("GPT2LMHeadModel", "LlamaForCausalLM", "MixtralForCausalLM"):
        seqs = {c["seq"] for c in hf if c["model"] == model}
        assert len(seqs) >= 3, model
        attentions = {c["attention"] for c in hf if c["model"] == model}
        assert attentions == {"eager", "sdpa"}, model


def test_the_lstm_of_the_technical_notes() -> None:
    """LSTM(39, 64, 2), 10 steps, batch 1: 1,182,720 FLOPs on meta."""
    case = CASES["lstm-i39-h64x2-t10-b1"]
    assert case["flops"] == 1182720
    assert explorer.count("lstm", input=39, cells=64, layers=2, seq=10).flops == 1182720


def test_eager_and_sdpa_attention_count_alike_on_meta() -> None:
    for seq in (1, 16, 33):
        for model in ("gpt2", "llama", "mixtral"):
            eager = CASES[f"{model}-toy-eager-t{seq}-b2"]["flops"]
            assert CASES[f"{model}-toy-sdpa-t{seq}-b2"]["flops"] == eager


def _attention_flops(counted: Count) -> int:
    compute = counted.compute
    values = compute.breakdown
    return sum(values[t.name] for t in compute.compiled.terms if t.kind == "attention")


def _routed_flops(counted: Count) -> int:
    compute = counted.compute
    values = compute.breakdown
    return sum(
        values[t.name]
        for t in compute.compiled.terms
        if t.role.block == "experts" and "router" not in t.meaning
    )


@pytest.mark.parametrize("name", ["gpt2-toy-sdpa-cpu-t16-b2", "llama-toy-sdpa-cpu-t16-b2"])
def test_cpu_sdpa_hides_exactly_the_attention_products(name: str) -> None:
    """On CPU, sdpa runs a fused kernel FlopCounterMode does not count: what it misses is
    exactly the scores and weighted values."""
    counted = explorer_count(CASES[name])
    assert CASES[name]["flops"] == counted.flops - _attention_flops(counted)
    assert _attention_flops(counted) > 0


def test_grouped_mm_experts_are_invisible_to_the_counter() -> None:
    """transformers' default experts kernel (``aten._grouped_mm``) is not counted."""
    case = CASES["mixtral-toy-grouped-cpu-t16-b2"]
    counted = explorer_count(case)
    assert case["flops"] == counted.flops - _routed_flops(counted)


def test_real_routing_runs_each_token_through_k_experts() -> None:
    """Eager experts on CPU with real routing: the same count as batched_mm on meta."""
    case = CASES["mixtral-toy-eager-experts-cpu-t16-b2"]
    assert case["flops"] == explorer_count(case).flops
    assert case["flops"] == CASES["mixtral-toy-eager-t16-b2"]["flops"]


# -- the KV cache ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name", [pytest.param(n, id=n) for n, c in CASES.items() if "cache_bytes_bf16" in c]
)
def test_kv_cache_equals_past_key_values(name: str) -> None:
    case = CASES[name]
    counted = explorer_count(case)
    shown = memory(counted, dtype="bf16", kv_cache=True)
    assert shown.breakdown["kv cache"] == case["cache_bytes_bf16"]


def test_kv_cache_per_token_is_grouped_query_aware() -> None:
    """LLaMA 7B (32 heads of 128, no GQA): 2 x 32 layers x 4096 x 2 bytes per token;
    Mixtral 8x7B (8 key/value heads of 128): 2 x 32 x 1024 x 2."""
    llama = explorer.count("llama", seq=1)
    mixtral = explorer.count("mixtral", seq=1)
    assert memory(llama, dtype="bf16").kv_per_token == 2 * 32 * 4096 * 2
    assert memory(mixtral, dtype="bf16").kv_per_token == 2 * 32 * 8 * 128 * 2
    assert CASES["mixtral-8x7b-batched-t512-b1"]["cache_bytes_bf16"] == 512 * 2 * 32 * 1024 * 2


def test_an_encoder_keeps_no_cache() -> None:
    counted = explorer.count("bert", seq=8)
    with pytest.raises(explorer.ExplorerError, match="declares no KV cache"):
        memory(counted, kv_cache=True)
    assert memory(counted).kv_per_token is None


# -- weights and training state --------------------------------------------------------------
def _memory_count(case: dict[str, Any]) -> Count:
    if case["kind"] == "memory_rnn":
        kwargs = dict(case["explorer"])
        return explorer.count(kwargs.pop("family"), **kwargs)
    return count_hf(case["config"], model=case["model"])


_MEMORY = [*_of("memory"), *_of("memory_rnn")]


@pytest.mark.parametrize("name", _MEMORY)
def test_weight_bytes_equal_numel_times_element_size(name: str) -> None:
    case = CASES[name]
    counted = _memory_count(case)
    for dtype, recorded in case["weights"].items():
        assert memory(counted, dtype=dtype).breakdown == {"weights": recorded}, dtype


_TRAINING = {
    "adam-bf16-master": {"dtype": "bf16", "training": "adam"},
    "adam-fp32": {"dtype": "fp32", "training": "adam"},
    "adam-bf16": {"dtype": "bf16", "training": "adam", "master": False},
    "momentum-fp16-master": {"dtype": "fp16", "training": "momentum"},
}


@pytest.mark.parametrize("name", _MEMORY)
def test_training_state_equals_torchs(name: str) -> None:
    case = CASES[name]
    counted = _memory_count(case)
    for label, flags in _TRAINING.items():
        recorded = case["training"][label]
        shown = memory(counted, memory_convention(**flags)).breakdown  # type: ignore[arg-type]
        assert shown["weights"] == recorded["weights"], label
        assert shown["gradients"] == recorded["gradients"], label
        assert shown.get("master weights", 0) == recorded.get("master", 0), label
        state = sum(v for k, v in shown.items() if k.startswith(("adam", "momentum")))
        assert state == recorded["optimizer"], label
        assert shown.get("step counters", 0) == 4 * recorded["step_counters"], label


def test_mixed_precision_adam_is_sixteen_bytes_a_parameter() -> None:
    """Rajbhandari et al. 2020: 2 + 2 + (4 + 4 + 4) bytes per parameter."""
    counted = explorer.count("llama")
    shown = memory(counted, dtype="bf16", training="adam")
    assert shown.total - shown.breakdown["step counters"] == 16 * counted.total
    recorded = CASES["memory-llama-7b"]["training"]["adam-bf16-master"]
    recorded_total = sum(v for k, v in recorded.items() if k != "step_counters")
    assert recorded_total == 16 * counted.total


# -- live cross-checks -----------------------------------------------------------------------
_LIVE = [
    "lstm-i39-h64x2-p16-bi-t10-b3",
    "cell-gru-i12-h30-t6-b1",
    "transformer-d48-h6-ff64-e1-d3-t5-td9-b1",
    "gpt2-toy-eager-t33-b2",
    "mixtral-toy-sdpa-t16-b2",
    "t5-toy-lm-eager-t16-td5-b2",
]


@pytest.mark.torch
@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in _LIVE])
def test_recorded_flops_are_still_what_torch_counts(name: str) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    case = {k: v for k, v in CASES[name].items() if k not in ("flops", "by_op")}
    assert make_compute_counts.flops_of(case)["flops"] == CASES[name]["flops"]


@pytest.mark.torch
@pytest.mark.parametrize(
    ("config", "model", "seq", "batch"),
    [
        pytest.param(
            {"model_type": "llama", "hidden_size": 96, "num_hidden_layers": 3,
             "num_attention_heads": 6, "num_key_value_heads": 3, "intermediate_size": 40,
             "vocab_size": 77, "attention_bias": True},
            "LlamaForCausalLM", 11, 3, id="llama-bias-gqa",
        ),
        pytest.param(
            {"model_type": "gpt2", "n_embd": 40, "n_layer": 3, "n_head": 5, "vocab_size": 51,
             "n_positions": 30},
            "GPT2ForTokenClassification", 29, 2, id="gpt2-token",
        ),
        pytest.param(
            {"model_type": "qwen2", "hidden_size": 48, "num_hidden_layers": 2,
             "num_attention_heads": 4, "num_key_value_heads": 1, "intermediate_size": 20,
             "vocab_size": 33},
            "Qwen2ForCausalLM", 7, 5, id="qwen2-mqa",
        ),
    ],
)  # fmt: skip
def test_fresh_models_count_alike(config: dict[str, Any], model: str, seq: int, batch: int) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    case = {"kind": "hf", "model": model, "config": config, "seq": seq, "batch": batch}
    measured = make_compute_counts.flops_of(case)["flops"]
    assert count_hf(config, model=model, seq=seq, batch=batch).flops == measured


# -- structure of the measure --------------------------------------------------------------
def test_flops_are_linear_in_the_batch_and_grow_with_the_sequence() -> None:
    one = explorer.count("gpt2", seq=64).flops
    assert explorer.count("gpt2", seq=64, batch=3).flops == 3 * one
    assert explorer.count("gpt2", seq=65).flops > one


def test_causal_attention_counts_the_lower_triangle() -> None:
    full = explorer.count("llama", d_model=64, layers=2, heads=4, vocab=100, seq=16, batch=2)
    causal = explorer.count(
        "llama", d_model=64, layers=2, heads=4, vocab=100, seq=16, batch=2, compute="causal"
    )
    # scores and weighted values: 2 products x 2 layers x B x (heads x head_dim) each,
    # over T^2 pairs in full and T (T + 1) / 2 causal, 2 FLOPs a MAC
    pairs_saved = 16 * 16 - 16 * 17 // 2
    assert full.flops - causal.flops == 2 * 2 * 2 * 64 * pairs_saved * 2
    encoder: dict[str, Any] = {"d_model": 64, "layers": 2, "heads": 4, "vocab": 100}
    assert (
        explorer.count("bert", seq=16, **encoder).flops
        == explorer.count("bert", seq=16, compute="causal", **encoder).flops
    )


def test_the_compute_formula_is_symbolic_in_t_and_b() -> None:
    compute = explorer.formula("gpt2", head="lm").compute
    names = {str(s) for s in compute.formula.free_symbols}
    assert {"T", "B", "d", "L", "V"} <= names
    assert compute.evaluate(
        d_model=768, layers=12, vocab=50257, context=1024, seq=1024, batch=1
    ) == (explorer.count("gpt2", seq=1024).flops)


def test_vectorised_flops_equal_scalar_ones() -> None:
    np = pytest.importorskip("numpy")
    compute = explorer.count("llama", d_model=64, layers=2, heads=4, vocab=100, seq=8).compute
    widths = np.array([64, 128, 256])
    many = compute.evaluate_many(d_model=widths, seq=np.array([8, 16, 32]))
    scalar = [
        explorer.count("llama", d_model=int(w), layers=2, heads=4, vocab=100, seq=s).flops
        for w, s in zip(widths, (8, 16, 32))
    ]
    assert many.tolist() == scalar


@pytest.mark.parametrize("family", [pytest.param(f, id=f) for f in explorer.FAMILIES])
def test_every_family_example_has_compute(family: str) -> None:
    """Every example has a forward pass's compute, but a vision tower's (it reads pixels,
    not a sequence of tokens: refused in one line)."""
    chosen = explorer.FAMILIES[family]
    naming = getattr(chosen, "naming", None)
    if naming is not None and not naming.embeddings.reads_tokens:
        with pytest.raises(explorer.ExplorerError, match="declares no compute terms"):
            explorer.count(family, **chosen.examples[0], seq=3).flops  # noqa: B018
        return
    for example in chosen.examples:
        if example.get("cross_attention"):
            with pytest.raises(explorer.ExplorerError, match="outside encoder"):
                explorer.count(family, **example, seq=3).flops  # noqa: B018
            continue
        one = explorer.count(family, **example, seq=3, batch=1)
        two = explorer.count(family, **example, seq=3, batch=2)
        assert one.flops > 0, example
        assert two.flops == 2 * one.flops, example
        assert sum(one.compute.breakdown.values()) == one.flops
        assert all(v >= 0 for v in one.compute.breakdown.values())


def test_compute_needs_the_sequence_length() -> None:
    with pytest.raises(explorer.ExplorerError, match="seq=T"):
        explorer.count("gpt2").flops  # noqa: B018
    with pytest.raises(explorer.ExplorerError, match="give seq=T too"):
        explorer.count("gpt2", batch=4)
    with pytest.raises(explorer.ExplorerError, match="seq must be a positive integer"):
        explorer.count("gpt2", seq=0)
    symbolic = explorer.formula("rnn", convention="weights", input=3, cells=2, layers=1)
    with pytest.raises(explorer.ExplorerError, match="depends on seq, batch: give seq=N"):
        symbolic.flops  # noqa: B018


def test_kaplan_convention_leaves_no_vocabulary_for_the_lm_head() -> None:
    counted = explorer.count("gpt2", convention="kaplan2020", seq=8)
    with pytest.raises(explorer.ExplorerError, match="hf convention"):
        counted.flops  # noqa: B018


def test_int4_packs_rows_as_torch_does() -> None:
    """An odd last dimension rounds each row up (torch.quint4x2's storage)."""
    counted = explorer.count("lstm", input=13, cells=48, layers=1, proj=21)
    recorded = CASES["memory-lstm-i13-h48x1-p21"]["weights"]["int4"]
    assert memory(counted, dtype="int4").total == recorded
    assert recorded > math.ceil(counted.total / 2)  # weight_hr's rows of 48 are even, ...
