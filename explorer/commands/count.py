"""``explorer count FAMILY ...``: the count of one design, as a table or ``--json``;
with ``--seq`` its compute, with memory flags its bytes."""

from __future__ import annotations

import argparse
import dataclasses
import json

from explorer.commands._measure_options import (
    add_compute_options,
    add_memory_options,
    compute_kwargs,
    memory_requested,
    memory_rules,
)
from explorer.commands._options import (
    add_design_options,
    design_kwargs,
    hf_request,
    spec_request,
)

NAME = "count"
HELP = "count a design: per-term table, or --json; --seq T adds its FLOPs, --memory its bytes"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The design options, compute and memory."""
    add_design_options(parser, symbolic=False)
    add_compute_options(parser)
    add_memory_options(parser)
    shown = parser.add_argument_group("what to show")
    shown.add_argument(
        "--flops",
        action="store_true",
        help="show every matrix product of the forward pass (needs --seq)",
    )
    shown.add_argument(
        "--memory",
        action="store_true",
        help="show the bytes (weights in --dtype, default fp32, and what the flags add)",
    )


def run(args: argparse.Namespace) -> str:
    """Count and render."""
    from explorer._api import count
    from explorer.errors import UsageError
    from explorer.render import count_json, count_table

    measures = compute_kwargs(args)
    if args.flops and "seq" not in measures:
        raise UsageError("--flops shows the products of a forward pass: give --seq T")
    hf = hf_request(args)
    request = None if hf is not None else spec_request(args)
    if hf is not None:
        result = count(hf.family, convention=args.convention, **measures, **hf.sizes)
        result = dataclasses.replace(result, notes=(*result.notes, *hf.notes))
    elif request is not None:
        if measures or args.memory or memory_requested(args):
            raise UsageError(
                "compute and memory apply to a family or --hf-config; a spec counts parameters"
            )
        spec, values = request
        result = spec.count(**values)
        result.total  # noqa: B018 - refuse free symbols here, before rendering
    else:
        result = count(args.family, convention=args.convention, **measures, **design_kwargs(args))
    shown_memory = None
    if args.memory or memory_requested(args):
        from explorer.measures import memory

        shown_memory = memory(result, memory_rules(args))
    if args.json:
        data = count_json(result)
        if "seq" in measures:
            from explorer.render_measures import compute_json

            data.update(compute_json(result, terms=args.flops))
        if shown_memory is not None:
            from explorer.render_measures import memory_json

            data["memory"] = memory_json(shown_memory)
        return json.dumps(data)
    text = count_table(result)
    if "seq" in measures:
        from explorer.render_measures import compute_summary, compute_table

        text += "\n" + (compute_table if args.flops else compute_summary)(result)
    if shown_memory is not None:
        from explorer.render_measures import memory_table

        text += "\n" + memory_table(shown_memory)
    return text
