"""Options of compute and memory, shared by ``count``, ``solve``, ``plan``, ``search``
and ``sweep``.

``--seq T --batch B`` size a forward pass (FLOPs, the KV cache, activations); ``--dtype``,
``--training``, ``--master``, ``--gradients``, ``--kv-cache``, ``--kv-dtype`` and
``--activations`` make a memory convention (:mod:`explorer.measures`); ``--budget-flops``
and ``--budget-bytes`` (with ``--per`` and ``--pass``) say what a budget counts. No option
names a family: what a design computes and caches is the family's declaration.
"""

from __future__ import annotations

import argparse
from typing import Any

from explorer.commands.options import int_text

__all__ = [
    "add_budget_options",
    "add_compute_options",
    "add_flop_budget_options",
    "add_memory_options",
    "budget_measure",
    "compute_kwargs",
    "memory_requested",
    "memory_rules",
]

_DTYPES = ("fp32", "bf16", "fp16", "int8", "int4")  # explorer.measures.DTYPES (not imported)
_OPTIMIZERS = ("none", "sgd", "momentum", "adam")
_ACTIVATIONS = ("korthikanti2022", "korthikanti2022-selective", "korthikanti2022-full")


def add_budget_options(parser: argparse.ArgumentParser, *, many: bool = False) -> None:
    """``--budget-flops`` and ``--budget-bytes`` (``many``: each takes a list or a range of
    budgets, read by :func:`searches.flop_choices` and :func:`searches.byte_choices`)."""
    flops_type: Any = None
    bytes_type: Any = None
    flops_list = bytes_list = ""
    if many:
        from searches import byte_choices, flop_choices

        flops_type, bytes_type = flop_choices, byte_choices
        flops_list = "; several: 1e12,2e12 or 1e12..4e12/1e12"
        bytes_list = "; several: 40GB,80GB or 20GB..80GB/20GB"
    parser.add_argument(
        "--budget-flops",
        metavar="FLOPS",
        type=flops_type,
        help="FLOPs of one --seq-token sequence's forward pass (2e12, 2T; --per token: per "
        f"token; --pass training: a training step, 3 x forward){flops_list}",
    )
    parser.add_argument(
        "--budget-bytes",
        metavar="BYTES",
        type=bytes_type,
        help="bytes: 80GB (10^9), 80GiB (2^30), 512MB; what counts: --dtype, --training, "
        f"--kv-cache, --activations{bytes_list}",
    )


def add_flop_budget_options(parser: argparse.ArgumentParser) -> None:
    """A FLOP budget's ``--per`` and ``--pass``."""
    flops = parser.add_argument_group("FLOP budgets")
    flops.add_argument(
        "--per",
        choices=("sequence", "token"),
        default="sequence",
        help="--budget-flops per sequence (default) or per token of it",
    )
    flops.add_argument(
        "--pass",
        dest="passes",
        choices=("forward", "training"),
        default="forward",
        help="--budget-flops for a forward pass (default) or a training step",
    )


def budget_measure(
    args: argparse.Namespace, *, command: str, many: bool = False, objectives: bool = False
) -> tuple[Any, Any]:
    """The budget's measure (``None``: parameters) and the budget option's value (text, or
    the list ``many`` reads), from ``--budget``, ``--budget-flops`` or ``--budget-bytes``.

    ``objectives``: ``--seq``, ``--decoder-seq`` and ``--attention`` also size the compute
    objectives of a search, so a parameter budget takes them too.

    Raises:
        UsageError: no budget, two, or options that do not apply to the one given.
    """
    from explorer.errors import UsageError

    given = [
        name
        for name in ("budget", "budget_flops", "budget_bytes")
        if getattr(args, name) is not None
    ]
    if not given:
        if many:
            raise UsageError(
                f"{command} needs budgets: --budget 1M,6.5M (parameters), --budget-flops "
                "1e12,2e12 --seq 2048, or --budget-bytes 40GB,80GB"
            )
        raise UsageError(
            f"{command} needs a budget: --budget 6.5M (parameters), --budget-flops 2e12 "
            "--seq 2048, or --budget-bytes 80GB"
        )
    if len(given) > 1:
        listed = " and ".join("--" + g.replace("_", "-") for g in given)
        raise UsageError(f"give one budget, not {listed}")
    chosen = getattr(args, given[0])
    flops_only = args.per != "sequence" or args.passes != "forward"
    if given[0] != "budget_flops" and flops_only:
        raise UsageError("--per and --pass apply to --budget-flops")
    if given[0] != "budget_bytes" and memory_requested(args):
        raise UsageError(
            "--dtype, --training, --kv-cache and --activations say what --budget-bytes counts"
        )
    if given[0] == "budget":
        if objectives:
            if args.batch is not None:
                raise UsageError("--batch applies to --budget-bytes (a KV cache, activations)")
        elif args.seq is not None or args.attention is not None:
            raise UsageError("--seq and --attention apply to --budget-flops and --budget-bytes")
        return None, chosen
    from explorer.measures import Bytes, Flops

    if given[0] == "budget_flops":
        if args.seq is None:
            raise UsageError("a FLOP budget is per sequence of --seq tokens: give --seq T")
        if args.batch is not None:
            raise UsageError("--budget-flops is per sequence (or per token): drop --batch")
        measure: Any = Flops(
            seq=args.seq,
            per=args.per,
            training=args.passes == "training",
            compute="causal" if args.attention == "causal" else "torch",
            decoder_seq=args.decoder_seq,
        )
        return measure, chosen
    measure = Bytes(
        memory=memory_rules(args),
        seq=args.seq,
        batch=args.batch or 1,
        decoder_seq=args.decoder_seq,
    )
    return measure, chosen


_SEQ_HELP = "tokens per sequence (time steps of a recurrent network): adds macs and flops"


def add_compute_options(parser: argparse.ArgumentParser, *, seq_help: str = _SEQ_HELP) -> None:
    """``--seq``, ``--batch``, ``--decoder-seq``, ``--attention`` (``seq_help``: what
    ``--seq`` sizes in this command)."""
    group = parser.add_argument_group("compute (one forward pass)")
    group.add_argument("--seq", type=int_text("--seq"), help=seq_help)
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
        "--grad-dtype",
        choices=_DTYPES,
        help="the gradients' format (default: the weights'); fp32 with --dtype bf16 "
        "--training adam: mixed precision's 18 bytes per parameter",
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
        from explorer.conventions import compute_convention

        found["compute"] = compute_convention(attention=attention)
    return found


def memory_requested(args: argparse.Namespace) -> bool:
    """Whether any memory flag was given."""
    names = ("dtype", "training", "master", "gradients", "grad_dtype", "kv_dtype", "activations")
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
        grad_dtype=args.grad_dtype,
        master=args.master,
        kv_cache=args.kv_cache,
        kv_dtype=args.kv_dtype,
        activations=args.activations,
    )
