"""Budgets in FLOPs and bytes: units read exactly, memory conventions as flags, the solver
provably best on every measure (against brute force), and the command line."""

from __future__ import annotations

from typing import Any

import pytest

import explorer
from explorer.errors import BudgetError, ExplorerError
from explorer.families import multiple_of
from explorer.measures import (
    Bytes,
    Flops,
    memory,
    memory_convention,
    parse_bytes,
    parse_flops,
)
from explorer.solver import Measure
from tests.cli_helpers import run, run_json


# -- units ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("80GB", 80 * 10**9, id="GB"),
        pytest.param("80 GiB", 80 * 2**30, id="GiB"),
        pytest.param("80gib", 80 * 2**30, id="gib"),
        pytest.param("1.5 KiB", 1536, id="fraction"),
        pytest.param("512MB", 512 * 10**6, id="MB"),
        pytest.param("2 TiB", 2 * 2**40, id="TiB"),
        pytest.param("4096", 4096, id="bare"),
        pytest.param("1e9 B", 10**9, id="exponent"),
        pytest.param(123, 123, id="int"),
        pytest.param(8e9, 8 * 10**9, id="float"),
    ],
)
def test_bytes(text: object, expected: int) -> None:
    assert parse_bytes(text) == expected


def test_gb_and_gib_differ() -> None:
    assert parse_bytes("80 GiB") - parse_bytes("80GB") == 80 * (2**30 - 10**9)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("80 parsecs", "unknown unit 'parsecs'", id="parsecs"),
        pytest.param("80G", "ambiguous", id="bare-prefix"),
        pytest.param("-1GB", "not a number with a unit", id="negative"),
        pytest.param("0GB", "positive", id="zero"),
        pytest.param("1.5 B", "whole number", id="half-byte"),
        pytest.param("GB", "not a number with a unit", id="no-number"),
        pytest.param(True, "must be a number", id="bool"),
        pytest.param(float("inf"), "finite", id="inf"),
        pytest.param(None, "number or text", id="none"),
    ],
)
def test_bad_bytes(text: object, message: str) -> None:
    with pytest.raises(BudgetError, match=message):
        parse_bytes(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2e12", 2 * 10**12, id="exponent"),
        pytest.param("2T", 2 * 10**12, id="T"),
        pytest.param("1.5P", 15 * 10**14, id="P"),
        pytest.param("300 GFLOPs", 3 * 10**11, id="GFLOPs"),
        pytest.param("1e21 FLOP", 10**21, id="FLOP"),
        pytest.param(1e21, 10**21, id="float"),
    ],
)
def test_flops(text: object, expected: int) -> None:
    assert parse_flops(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("2 parsecs", "unknown unit", id="unit"),
        pytest.param("lots", "not a number", id="word"),
        pytest.param("0.5", "whole number", id="fraction"),
    ],
)
def test_bad_flops(text: str, message: str) -> None:
    with pytest.raises(BudgetError, match=message):
        parse_flops(text)


# -- memory conventions ---------------------------------------------------------------------
def test_memory_flags_are_each_a_switch() -> None:
    counted = explorer.count("gpt2", d_model=64, layers=2, heads=4, vocab=100, context=64)
    n = counted.total
    assert memory(counted).breakdown == {"weights": 4 * n}
    assert memory(counted, dtype="bf16", training="adam").breakdown == {
        "weights": 2 * n,
        "gradients": 2 * n,
        "master weights": 4 * n,
        "adam first moment": 4 * n,
        "adam second moment": 4 * n,
        "step counters": 4 * 28,  # wte, wpe, 12 tensors a layer, ln_f's two
    }
    no_master = memory(counted, dtype="bf16", training="adam", master=False)
    assert no_master.total == (2 + 2 + 2 + 2) * n + 4 * 28
    no_grads = memory(counted, dtype="fp32", training="sgd", gradients=False)
    assert no_grads.breakdown == {"weights": 4 * n}
    assert memory(counted, dtype="int8").total == n


def test_activations_follow_korthikanti_eq_1() -> None:
    """s b h (34 + 5 a s / h) bytes per layer, GPT-3 175B's shape at s 2048, b 1."""
    counted = explorer.count("gpt2", d_model=12288, layers=96, heads=96, context=2048, seq=2048)
    s, b, h, a, layers = 2048, 1, 12288, 96, 96
    expected = layers * (34 * s * b * h + 5 * a * s * s * b)
    assert memory(counted, activations="korthikanti2022").breakdown["activations"] == expected
    selective = memory(counted, activations="korthikanti2022-selective")
    assert selective.breakdown["activations"] == layers * 34 * s * b * h
    full = memory(counted, activations="korthikanti2022-full")
    assert full.breakdown["activations"] == layers * 2 * s * b * h


@pytest.mark.parametrize(
    ("family", "kwargs", "flags", "message"),
    [
        pytest.param("gpt2", {}, {"dtype": "int4", "training": "adam"}, "floating", id="int4"),
        pytest.param("gpt2", {}, {"dtype": "fp8"}, "unknown dtype", id="fp8"),
        pytest.param("gpt2", {}, {"training": "lion"}, "unknown optimizer", id="lion"),
        pytest.param("gpt2", {}, {"kv_cache": True}, "give seq=T", id="no-seq"),
        pytest.param("gpt2", {}, {"activations": "mine"}, "unknown activation", id="formula"),
        pytest.param("lstm", {"input": 3, "cells": 4, "seq": 5}, {"kv_cache": True},
                     "declares no KV cache", id="recurrent-kv"),
        pytest.param("mixtral", {"seq": 5}, {"activations": "korthikanti2022"},
                     "declares no activations", id="moe-activations"),
        pytest.param("t5", {"seq": 5}, {"activations": "korthikanti2022"},
                     "declares no activations", id="encoder-decoder-activations"),
    ],
)  # fmt: skip
def test_memory_refuses(
    family: str, kwargs: dict[str, Any], flags: dict[str, Any], message: str
) -> None:
    with pytest.raises(ExplorerError, match=message):
        memory(explorer.count(family, **kwargs), **flags)


# -- the solver on FLOP and byte budgets, against brute force -------------------------------
_LLAMA: dict[str, Any] = {"layers": 2, "heads": 4, "vocab": 100}
_GPT2 = {"layers": 2, "heads": 4, "vocab": 100, "context": 64}
_LSTM = {"input": 39, "layers": 2, "output": 34}
_MIXTRAL = {"layers": 2, "heads": 4, "kv_heads": 2, "vocab": 100, "d_ff": 96}
_T5 = {"layers": 2, "heads": 4, "head_dim": 16, "d_ff": 96, "vocab": 100}

CASES = [
    ("llama", _LLAMA, "d_model", Flops(seq=16)),
    ("llama", _LLAMA, "d_model", Flops(seq=16, per="token")),
    ("llama", _LLAMA, "d_model", Flops(seq=9, training=True, compute="causal")),
    ("gpt2", _GPT2, "d_model", Flops(seq=64)),
    ("lstm", _LSTM, "cells", Flops(seq=10)),
    ("mixtral", _MIXTRAL, "d_model", Flops(seq=7, training=True)),
    ("t5", _T5, "d_model", Flops(seq=12, decoder_seq=5)),
    ("llama", _LLAMA, "d_model", Bytes(memory=memory_convention(dtype="bf16", training="adam"))),
    ("llama", _LLAMA, "d_model", Bytes(memory=memory_convention(dtype="int4"))),
    ("gpt2", _GPT2, "d_model",
     Bytes(memory=memory_convention(dtype="fp16", kv_cache=True), seq=32, batch=4)),
    ("gpt2", _GPT2, "d_model",
     Bytes(memory=memory_convention(dtype="bf16", training="adam",
                                    activations="korthikanti2022"), seq=16)),
    ("lstm", _LSTM, "cells", Bytes(memory=memory_convention(dtype="fp16", training="momentum"))),
]  # fmt: skip


def _measured(family: str, fixed: dict[str, Any], free: str, measure: Measure, value: int) -> int:
    sizes: dict[str, Any] = {**fixed, free: value}
    return measure.of(explorer.count(family, **sizes))


def _allowed(family: str, fixed: dict[str, Any], free: str) -> list[int]:
    step = multiple_of(explorer.FAMILIES[family], free, fixed)
    return list(range(step, 600, step))


@pytest.mark.parametrize(
    ("family", "fixed", "free", "measure"),
    [
        pytest.param(*case, id=f"{case[0]}-{type(case[3]).__name__}-{k}")
        for k, case in enumerate(CASES)
    ],
)
def test_solve_is_the_best_integer(
    family: str, fixed: dict[str, Any], free: str, measure: Measure
) -> None:
    allowed = _allowed(family, fixed, free)
    values = {x: _measured(family, fixed, free, measure, x) for x in allowed}
    totals = list(values.values())
    assert totals == sorted(totals), "the measure must not decrease"
    scale = fixed_scale(measure)
    for anchor in (allowed[5], allowed[len(allowed) // 2], allowed[-6]):
        for shift in (-1, 0, 1, values[anchor] // 997):
            budget = values[anchor] + shift
            for mode in ("under", "over", "nearest"):
                solution = explorer.solve(
                    family, budget=budget // scale, measure=measure, mode=mode, **fixed
                )
                target = budget // scale * scale
                under = [x for x in allowed if values[x] <= target]
                over = [x for x in allowed if values[x] >= target]
                if mode == "under":
                    expected = max(under)
                elif mode == "over":
                    expected = min(over)
                else:
                    below, above = max(under), min(over)
                    closer = target - values[below] <= values[above] - target
                    expected = below if closer else above
                assert solution.sizes[free] == expected, (mode, budget)
                assert solution.total == values[expected]
                assert solution.budget == target
                assert solution.unit == measure.unit


def fixed_scale(measure: Measure) -> int:
    """A per-token FLOP budget reads as the sequence's budget / seq."""
    if isinstance(measure, Flops) and measure.per == "token":
        return measure.seq
    return 1


def test_a_per_token_budget_is_the_sequence_budget_over_its_tokens() -> None:
    per_token = explorer.solve("llama", budget="1e8", measure=Flops(seq=16, per="token"), **_LLAMA)
    per_sequence = explorer.solve("llama", budget="1.6e9", measure=Flops(seq=16), **_LLAMA)
    assert per_token.sizes == per_sequence.sizes
    assert per_token.budget == 16 * 10**8


def test_the_solution_says_what_it_measured() -> None:
    solution = explorer.solve("gpt2", budget="80GB", measure=Bytes(), layers=12, heads=12)
    assert solution.unit == "bytes"
    assert solution.parameters is not None
    assert solution.total == 4 * solution.parameters
    data = solution.to_json()
    assert data["unit"] == "bytes"
    assert data["parameters"] == solution.parameters
    assert explorer.solve("gpt2", budget="124M").to_json()["unit"] == "parameters"


def test_kv_and_activations_need_a_context() -> None:
    with pytest.raises(ExplorerError, match="give seq=T"):
        Bytes(memory=memory_convention(kv_cache=True))
    with pytest.raises(ExplorerError, match="seq must be a positive integer"):
        Flops(seq=0)
    with pytest.raises(ExplorerError, match="unknown FLOP budget unit"):
        Flops(seq=5, per="batch")  # type: ignore[arg-type]


# -- the command line -----------------------------------------------------------------------
_TOY = ["--d-model", "64", "--layers", "2", "--heads", "4", "--vocab", "100"]


def test_count_json_has_macs_and_flops(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, ["count", "llama", *_TOY, "--seq", "16", "--batch", "2"])
    counted = explorer.count("llama", d_model=64, layers=2, heads=4, vocab=100, seq=16, batch=2)
    assert data["macs"] == counted.macs
    assert data["flops"] == counted.flops == 2 * data["macs"]
    assert data["training_flops"] == 3 * data["flops"]
    assert data["seq"] == 16
    assert data["batch"] == 2
    assert "compute_terms" not in data
    with_terms = run_json(capsys, ["count", "llama", *_TOY, "--seq", "16", "--flops"])
    assert sum(t["flops"] for t in with_terms["compute_terms"]) == with_terms["flops"]


def test_count_json_carries_memory(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(
        capsys,
        ["count", "llama", *_TOY, "--seq", "16", "--dtype", "bf16", "--training", "adam",
         "--kv-cache"],
    )  # fmt: skip
    parts = {t["name"]: t["bytes"] for t in data["memory"]["terms"]}
    assert parts["weights"] == 2 * data["total"]
    assert parts["kv cache"] == 2 * 2 * 16 * 64 * 2  # K and V, 2 layers, 16 tokens, 64 wide
    assert data["memory"]["total"] == sum(parts.values())


def test_count_table_shows_products_and_memory(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, ["count", "gpt2", *_TOY, "--seq", "8", "--flops", "--memory"])
    assert status == 0, err
    assert "forward pass, 8 tokens x 1 sequence:" in out
    assert "transformer.h.*.attn.scores" in out
    assert "FLOPs formula:" in out
    assert "memory (fp32 weights):" in out


def test_solve_on_a_flop_budget(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(
        capsys,
        ["solve", "--arch", "llama", "--budget-flops", "2e12", "--seq", "2048", "--layers", "24",
         "--heads", "16", "--mode", "under"],
    )  # fmt: skip
    assert data["unit"] == "FLOPs"
    assert data["total"] <= 2 * 10**12 < data["above"]["total"]
    counted = explorer.count("llama", seq=2048, **data["sizes"])
    assert counted.flops == data["total"]
    assert counted.total == data["parameters"]


def test_solve_on_a_byte_budget(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["solve", "--arch", "llama", "--training", "adam", "--dtype", "bf16", "--layers", "32"]
    decimal = run_json(capsys, [*argv, "--budget-bytes", "80GB"])
    binary = run_json(capsys, [*argv, "--budget-bytes", "80 GiB"])
    assert decimal["budget"] == 80 * 10**9
    assert binary["budget"] == 80 * 2**30
    assert binary["sizes"]["d_model"] > decimal["sizes"]["d_model"]
    steps = 4 * (1 + 9 * 32 + 1 + 1)  # the embedding, 9 tensors a layer, the norm, the head
    assert decimal["total"] == 16 * decimal["parameters"] + steps


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["--budget-bytes", "80 parsecs"], "unknown unit 'parsecs'", id="parsecs"),
        pytest.param(["--budget-bytes", "80G"], "ambiguous", id="ambiguous"),
        pytest.param(["--budget-flops", "2e12"], "give --seq", id="no-seq"),
        pytest.param(["--budget", "1M", "--budget-flops", "2e12"], "give one budget", id="two"),
        pytest.param(["--budget", "1M", "--per", "token"], "apply to --budget-flops", id="per"),
        pytest.param(["--budget", "1M", "--dtype", "bf16"], "--budget-bytes", id="dtype"),
        pytest.param(["--budget", "1M", "--seq", "8"], "--seq and --attention", id="seq"),
        pytest.param([], "solve needs a budget", id="none"),
    ],
)
def test_solve_refuses(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    status, out, err = run(capsys, ["solve", "--arch", "llama", "--layers", "4", *argv])
    assert status == 2
    assert out == ""
    assert message in err
    assert err.startswith("error: ")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["--flops"], "give --seq", id="flops-without-seq"),
        pytest.param(["--batch", "4"], "give --seq T too", id="batch-without-seq"),
        pytest.param(["--seq", "0"], "seq must be a positive integer", id="zero"),
        pytest.param(["--dtype", "int4", "--training", "adam"], "floating", id="int4-training"),
        pytest.param(["--kv-cache"], "give --seq T", id="kv-without-seq"),
    ],
)
def test_count_refuses(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    status, _, err = run(capsys, ["count", "llama", *_TOY, *argv])
    assert status == 2
    assert message in err
    assert err.count("\n") == 1


def test_formula_flops(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, ["formula", "llama", "--flops"])
    assert status == 0, err
    assert "4*B*L*T**2*d + 8*B*L*T*d**2 + 6*B*L*T*d*d_ff + 2*B*T*V*d" in out
    sizes = ["--d-model", "768", "--layers", "12", "--vocab", "50257", "--context", "1024"]
    data = run_json(capsys, ["formula", "gpt2", "--flops", "--seq", "1024", *sizes])
    assert data["value"] == explorer.count("gpt2", seq=1024).flops
    assert data["free"] == []
    symbolic = run_json(capsys, ["formula", "gpt2", "--flops"])
    assert symbolic["value"] is None
    assert {"T", "B"} <= set(symbolic["free"])
    status, _, err = run(capsys, ["formula", "gpt2", "--seq", "8"])
    assert status == 2
    assert "add --flops" in err


# -- optimizer state against torch.optim (where torch is installed) ---------------------------
def _torch_training(dtype: str, optimizer: str, *, fp32_master: bool) -> dict[str, int]:
    """What torch holds for an LSTM(39, 64, 2) and a Linear(64, 34) after one step: the
    weights, the gradients the optimizer reads, a master copy, its state by kind."""
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    modules = [torch.nn.LSTM(39, 64, 2), torch.nn.Linear(64, 34)]
    weights = [p.to(getattr(torch, dtype)) for m in modules for p in m.parameters()]
    held = [p.detach().float().requires_grad_() for p in weights] if fp32_master else weights
    for p in held:
        p.grad = torch.ones_like(p)
    opt: Any = (
        torch.optim.Adam(held)
        if optimizer == "adam"
        else torch.optim.SGD(held, lr=0.1, momentum=0.9)
    )
    opt.step()

    def size(tensors: Any) -> int:
        return sum(t.numel() * t.element_size() for t in tensors)

    states = list(opt.state.values())
    found = {
        "weights": size(weights),
        "gradients": size(p.grad for p in held),
        "state": size(t for s in states for k, t in s.items() if k != "step"),
        "step counters": size(s["step"] for s in states if "step" in s),
    }
    if fp32_master:
        found["master weights"] = size(held)
    return found


@pytest.mark.parametrize(
    ("flags", "torch_setup"),
    [
        pytest.param(
            {"dtype": "fp32", "training": "adam"}, ("float32", "adam", False), id="adam-fp32"
        ),
        pytest.param(
            {"dtype": "bf16", "training": "adam", "grad_dtype": "fp32"},
            ("bfloat16", "adam", True),
            id="adam-mixed-18-bytes",
        ),
        pytest.param(
            {"dtype": "fp32", "training": "momentum"}, ("float32", "momentum", False), id="momentum"
        ),
    ],
)
def test_optimizer_state_equals_torch_optims(
    flags: dict[str, str], torch_setup: tuple[str, str, bool]
) -> None:
    dtype, optimizer, master = torch_setup
    held = _torch_training(dtype, optimizer, fp32_master=master)
    counted = explorer.count("lstm", input=39, cells=64, layers=2, output=34)
    shown = memory(counted, **flags).breakdown  # type: ignore[arg-type]
    state = sum(v for k, v in shown.items() if k.startswith(("adam", "momentum")))
    assert state == held["state"]
    assert shown.get("step counters", 0) == held["step counters"]
    assert shown["gradients"] == held["gradients"]
    assert shown["weights"] == held["weights"]
    assert shown.get("master weights", 0) == held.get("master weights", 0)
    if flags.get("grad_dtype") == "fp32":
        assert sum(shown.values()) - shown["step counters"] == 18 * counted.total


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        pytest.param(
            {"grad_dtype": "fp32"}, "grad_dtype='fp32' is the gradients' format", id="no-training"
        ),
        pytest.param(
            {"training": "adam", "grad_dtype": "int8"}, "gradients are floating-point", id="int8"
        ),
    ],
)
def test_gradient_formats_are_checked(flags: dict[str, str], message: str) -> None:
    with pytest.raises(ExplorerError, match=message):
        memory_convention(**flags)  # type: ignore[arg-type]


def test_mixed_precision_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["count", "gpt2", "--dtype", "bf16", "--training", "adam", "--grad-dtype", "fp32"]
    data = run_json(capsys, argv)
    parts = {t["name"]: t["bytes"] for t in data["memory"]["terms"]}
    assert parts["gradients"] == 4 * data["total"]
    assert parts["step counters"] == 4 * 148  # GPT-2 small's parameter tensors
    assert data["memory"]["total"] - parts["step counters"] == 18 * data["total"]
    assert data["memory"]["flags"]["grad_dtype"] == "fp32"
