"""``explorer count FAMILY ...``: the count of one design, as a table or ``--json``."""

from __future__ import annotations

import argparse
import dataclasses
import json

from explorer.commands._options import (
    add_design_options,
    design_kwargs,
    hf_request,
    spec_request,
)

NAME = "count"
HELP = "count a design: per-term table, or --json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The design options."""
    add_design_options(parser, symbolic=False)


def run(args: argparse.Namespace) -> str:
    """Count and render."""
    from explorer._api import count
    from explorer.render import count_json, count_table

    hf = hf_request(args)
    request = None if hf is not None else spec_request(args)
    if hf is not None:
        result = count(hf.family, convention=args.convention, **hf.sizes)
        result = dataclasses.replace(result, notes=(*result.notes, *hf.notes))
    elif request is not None:
        spec, values = request
        result = spec.count(**values)
        result.total  # noqa: B018 - refuse free symbols here, before rendering
    else:
        result = count(args.family, convention=args.convention, **design_kwargs(args))
    return json.dumps(count_json(result)) if args.json else count_table(result)
