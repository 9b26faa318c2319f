"""``explorer count FAMILY ...``: the count of one design, as a table or ``--json``;
with ``--seq`` its compute, with memory flags its bytes."""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import Any

from explorer.commands.measure_options import (
    add_compute_options,
    add_memory_options,
    compute_kwargs,
    memory_requested,
    memory_rules,
)
from explorer.commands.options import (
    EVERY,
    add_design_options,
    add_emit_option,
    design_kwargs,
    emitted,
    hf_request,
    int_text,
    spec_request,
)
from explorer.errors import ConflictError

NAME = "count"
HELP = "count a design: per-term table, or --json; --seq T adds its FLOPs, --memory its bytes"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The design options (``--convention all``: every convention side by side),
    ``--emit``, compute and memory."""
    add_design_options(parser, symbolic=False, every=True)
    add_emit_option(parser)
    add_compute_options(parser)
    add_memory_options(parser)
    shown = parser.add_argument_group("what to show")
    shown.add_argument(
        "--flops",
        action="store_true",
        help="show every matrix product of the forward pass (needs --seq)",
    )
    shown.add_argument(
        "--full-formula",
        action="store_true",
        help="show the whole formula on a terminal too (cut there when it is long)",
    )
    shown.add_argument(
        "--memory",
        action="store_true",
        help="show the bytes (weights in --dtype, default fp32, and what the flags add)",
    )
    shown.add_argument(
        "--tree",
        action="store_true",
        help="show the count along the framework's module hierarchy (with --seq, each "
        "module's MACs too)",
    )
    shown.add_argument(
        "--depth",
        type=int_text("--depth"),
        default=3,
        help="with --tree: how deep the modules go (default 3)",
    )


def run(args: argparse.Namespace) -> str:
    """Count and render."""
    from explorer._api import count
    from explorer.errors import UsageError
    from explorer.render import count_json, count_table

    measures = compute_kwargs(args)
    wants_memory = args.memory or memory_requested(args)
    if args.flops and "seq" not in measures:
        raise UsageError("--flops shows the products of a forward pass: give --seq T")
    if args.depth < 1:
        raise UsageError(f"--depth must be at least 1, got {args.depth}")
    if args.convention == EVERY:
        if args.emit is not None:
            raise ConflictError("--emit prints one design as code: pick one --convention")
        if measures or wants_memory:
            raise ConflictError(
                f"--convention {EVERY} compares parameter counts; compute and memory take "
                "one convention"
            )
        return _compare(args)
    derived = _unknown_type(args, measures)
    hf = None if derived is not None else hf_request(args)
    request = None if hf is not None or derived is not None else spec_request(args)
    if derived is not None:
        result = derived
    elif hf is not None:
        result = count(hf.family, convention=args.convention, **measures, **hf.sizes)
        result = dataclasses.replace(result, notes=(*result.notes, *hf.notes))
    elif request is not None:
        if args.emit is not None:
            raise ConflictError(
                "--emit prints one family's design as code; a spec has several parts"
            )
        if measures or wants_memory:
            raise UsageError(
                "compute and memory apply to a family or --hf-config; a spec counts parameters"
            )
        spec, values = request
        result = spec.count(**values)
        result.total  # noqa: B018 - refuse free symbols here, before rendering
    else:
        result = count(args.family, convention=args.convention, **measures, **design_kwargs(args))
    shown_memory = None
    if wants_memory:
        from explorer.measures import memory

        shown_memory = memory(result, memory_rules(args))
    if args.emit is not None:
        code = emitted(result, args.emit)
        if not args.json:
            return code
        data = _json(count_json(result), result, measures, args.flops, shown_memory)
        return json.dumps({**data, args.emit: code})
    if args.json or args.tree:
        return _tree_or_json(args, result, measures, shown_memory)
    text = count_table(result, formula_limit=_formula_limit(args))
    if "seq" in measures:
        from explorer.render_measures import approximations_text, compute_summary, compute_table

        text += "\n" + (compute_table if args.flops else compute_summary)(result)
        text += "\n" + approximations_text(result)
    if shown_memory is not None:
        from explorer.render_measures import memory_table

        text += "\n" + memory_table(shown_memory)
    return text


def _unknown_type(args: argparse.Namespace, measures: dict[str, Any]) -> Any:
    """With ``--hf-config`` naming a model type that no family counts, the count derived
    from the config itself (``--set`` takes nested fields and JSON values); None otherwise."""
    if getattr(args, "hf_config", None) is None:
        return None
    from explorer.hf import has_family, model_types, read_config

    data, _ = read_config(args.hf_config)
    model_type = data.get("model_type")
    if not isinstance(model_type, str) or has_family(model_type):
        return None
    from explorer.derivation import count_unknown_type, parse_settings

    return count_unknown_type(
        data,
        model=args.model,
        convention=args.convention,
        seq=measures.get("seq"),
        batch=measures.get("batch"),
        fields=parse_settings(args.set),
        families=model_types(),
    )


def _formula_limit(args: argparse.Namespace) -> int | None:
    """How much of the formula a table shows: all of it into a file or a pipe, or when
    asked (``--full-formula``); the start of a long one on a terminal."""
    import sys

    from explorer.render import FORMULA_ON_TERMINAL

    if args.full_formula or not sys.stdout.isatty():
        return None
    return FORMULA_ON_TERMINAL


def _tree_or_json(
    args: argparse.Namespace, result: Any, measures: dict[str, Any], memory: Any
) -> str:
    """``--json`` (with the module tree under ``tree`` when asked), or ``--tree`` as text."""
    from explorer.render import count_json
    from explorer.render_tree import tree_json, tree_table

    if not args.json:
        return tree_table(result, depth=args.depth)
    data = _json(count_json(result), result, measures, args.flops, memory)
    if args.tree:
        data["tree"] = tree_json(result, depth=args.depth)
    return json.dumps(data)


def _json(
    data: dict[str, Any], result: Any, measures: dict[str, Any], terms: bool, memory: Any
) -> dict[str, Any]:
    """The count's JSON with its compute (given ``--seq``) and memory (when asked)."""
    if "seq" in measures:
        from explorer.render_measures import compute_json

        data.update(compute_json(result, terms=terms))
    if memory is not None:
        from explorer.render_measures import memory_json

        data["memory"] = memory_json(memory)
    return data


def _compare(args: argparse.Namespace) -> str:
    """``--convention all``: one design under every convention of its family's kind."""
    from explorer.comparison import compare_conventions
    from explorer.render import comparison_json, comparison_table

    if args.spec is not None:
        raise ConflictError(
            f"--convention {EVERY} compares a family's conventions; a spec sets its own"
        )
    hf = hf_request(args)
    if hf is not None:
        comparison = compare_conventions(hf.family, **hf.sizes)
    else:
        spec_request(args)  # the family is required, as for one convention
        comparison = compare_conventions(args.family, **design_kwargs(args))
    return json.dumps(comparison_json(comparison)) if args.json else comparison_table(comparison)
