"""``explorer count FAMILY ...``: the count of one design, as a table or ``--json``."""

from __future__ import annotations

import argparse
import dataclasses
import json

from explorer.commands._options import (
    EVERY,
    add_design_options,
    add_emit_option,
    design_kwargs,
    emitted,
    hf_request,
    spec_request,
)
from explorer.errors import ConflictError

NAME = "count"
HELP = "count a design: per-term table, or --json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The design options (``--convention all``: every convention side by side), and
    ``--emit``."""
    add_design_options(parser, symbolic=False, every=True)
    add_emit_option(parser)


def run(args: argparse.Namespace) -> str:
    """Count and render."""
    from explorer._api import count
    from explorer.render import count_json, count_table

    if args.convention == EVERY:
        if args.emit is not None:
            raise ConflictError("--emit prints one design as code: pick one --convention")
        return _compare(args)
    hf = hf_request(args)
    request = None if hf is not None else spec_request(args)
    if hf is not None:
        result = count(hf.family, convention=args.convention, **hf.sizes)
        result = dataclasses.replace(result, notes=(*result.notes, *hf.notes))
    elif request is not None:
        if args.emit is not None:
            raise ConflictError(
                "--emit prints one family's design as code; a spec has several parts"
            )
        spec, values = request
        result = spec.count(**values)
        result.total  # noqa: B018 - refuse free symbols here, before rendering
    else:
        result = count(args.family, convention=args.convention, **design_kwargs(args))
    if args.emit is not None:
        code = emitted(result, args.emit)
        return json.dumps({**count_json(result), args.emit: code}) if args.json else code
    return json.dumps(count_json(result)) if args.json else count_table(result)


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
