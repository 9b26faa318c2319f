"""Options of compute and memory, shared by ``count``, ``solve`` and ``plan``.

``--seq T --batch B`` size a forward pass (FLOPs, the KV cache, activations); ``--dtype``,
``--training``, ``--master``, ``--gradients``, ``--kv-cache``, ``--kv-dtype`` and
``--activations`` make a memory convention (:mod:`explorer.measures`). No option names a
family: what a design computes and caches is the family's declaration.
"""

from __future__ import annotations

import argparse
from typing import Any

from explorer.commands._options import int_text

__all__ = [
    "add_compute_options",
    "add_memory_options",
    "compute_kwargs",
    "memory_requested",
    "memory_rules",
]

_DTYPES = ("fp32", "bf16", "fp16", "int8", "int4")  # explorer.measures.DTYPES (not imported)
_OPTIMIZERS = ("none", "sgd", "momentum", "adam")
_ACTIVATIONS = ("korthikanti2022", "korthikanti2022-selective", "korthikanti2022-full")


def add_compute_options(parser: argparse.ArgumentParser) -> None:
    """``--seq``, ``--batch``, ``--decoder-seq``, ``--attention``."""
    group = parser.add_argument_group("compute (one forward pass)")
    group.add_argument(
        "--seq",
        type=int_text("--seq"),
        help="tokens per sequence (time steps of a recurrent network): adds macs and flops",
    )
    group.add_argument(
        "--batch", type=int_text("--batch"), help="sequences per forward pass (default 1)"
    )
    group.add_argument(
        "--decoder-seq",
        type=int_text("--decoder-seq"),
        help="an encoder-decoder's decoder length (default --seq)",
    )
    group.add_argument(
        "--attention",
        choices=("full", "causal"),
        help="attention products over the full T x T square, as torch's FlopCounterMode "
        "counts them (default), or causal only (T (T + 1) / 2 pairs)",
    )


def add_memory_options(parser: argparse.ArgumentParser) -> None:
    """The memory convention's flags."""
    group = parser.add_argument_group("memory (bytes)")
    group.add_argument("--dtype", choices=_DTYPES, help="the weights' format (default fp32)")
    group.add_argument(
        "--training",
        choices=_OPTIMIZERS,
        help="count training state: gradients and the optimizer's buffers (adam: two "
        "moments); with 16-bit weights also an fp32 master copy",
    )
    group.add_argument(
        "--master",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="override: an fp32 master copy of the weights",
    )
    group.add_argument(
        "--gradients",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="override: one gradient per weight",
    )
    group.add_argument(
        "--kv-cache",
        action="store_true",
        help="count the KV cache of --seq tokens x --batch sequences",
    )
    group.add_argument("--kv-dtype", choices=_DTYPES, help="the KV cache's format")
    group.add_argument(
        "--activations",
        choices=_ACTIVATIONS,
        help="activation bytes by Korthikanti et al. 2022 (the published formula, labelled)",
    )


def compute_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """``seq``, ``batch``, ``decoder_seq`` and the compute convention for ``count``."""
    found: dict[str, Any] = {}
    for name in ("seq", "batch", "decoder_seq"):
        value = getattr(args, name, None)
        if value is not None:
            found[name] = value
    attention = getattr(args, "attention", None)
    if attention is not None:
        from explorer.conventions._compute import compute_convention

        found["compute"] = compute_convention(attention=attention)
    return found


def memory_requested(args: argparse.Namespace) -> bool:
    """Whether any memory flag was given."""
    names = ("dtype", "training", "master", "gradients", "kv_dtype", "activations")
    return any(getattr(args, n, None) is not None for n in names) or bool(
        getattr(args, "kv_cache", False)
    )


def memory_rules(args: argparse.Namespace) -> Any:
    """The memory convention the flags make (:func:`explorer.measures.memory_convention`)."""
    from explorer.measures import memory_convention

    return memory_convention(
        dtype=args.dtype or "fp32",
        training=args.training,
        gradients=args.gradients,
        master=args.master,
        kv_cache=args.kv_cache,
        kv_dtype=args.kv_dtype,
        activations=args.activations,
    )
