"""``explorer formula FAMILY ...``: the closed form, sizes not given left as symbols."""

from __future__ import annotations

import argparse
import json
from typing import Any

from explorer.commands.measure_options import add_compute_options, compute_kwargs
from explorer.commands.options import (
    add_design_options,
    design_kwargs,
    hf_request,
    spec_request,
)

NAME = "formula"
HELP = "the closed form, sizes not given (the depth too) left as symbols"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The design options (a bare --output means "present, size symbolic"), --latex, --expand."""
    add_design_options(parser, symbolic=True)
    parser.add_argument("--latex", action="store_true", help="print LaTeX")
    parser.add_argument("--expand", action="store_true", help="expand the polynomial")
    parser.add_argument(
        "--leading",
        action="store_true",
        help="only the leading terms (the highest total degree: 12 L d^2 for GPT-2)",
    )
    parser.add_argument(
        "--flops",
        action="store_true",
        help="the FLOPs of one forward pass instead (T and B symbols unless --seq, --batch)",
    )
    add_compute_options(parser)


def run(args: argparse.Namespace) -> str:
    """Build the symbolic count and render it; a family's (or a config's) printed formula
    is kept in the formula cache, so asking again needs no sympy."""
    from explorer.algebra import load_text, store_text
    from explorer.errors import UsageError

    measures = compute_kwargs(args)
    if measures and not args.flops:
        raise UsageError("--seq, --batch and --attention size the FLOPs formula: add --flops")
    hf = hf_request(args)
    request = None if hf is not None else spec_request(args)
    key = None
    if request is None:  # a spec is a file of its own: it is rendered each time
        family, sizes = (
            (hf.family, hf.sizes) if hf is not None else (args.family, design_kwargs(args))
        )
        key = _key(args, family, measures, sizes, symbolic=hf is not None)
        printed = load_text(key)
        if printed is not None:
            return printed
    printed = _render(args, hf, request, measures)
    if key is not None:
        store_text(key, printed)
    return printed


def _key(
    args: argparse.Namespace,
    family: str,
    measures: dict[str, Any],
    sizes: dict[str, Any],
    *,
    symbolic: bool,
) -> str:
    """Everything the printed formula depends on, as canonical JSON."""
    shown = {name: getattr(args, name) for name in ("latex", "expand", "leading", "flops", "json")}
    request = [family.lower(), args.convention, measures, sizes, symbolic, shown]
    return "formula|" + json.dumps(request, sort_keys=True, separators=(",", ":"), default=repr)


def _render(args: argparse.Namespace, hf: Any, request: Any, measures: dict[str, Any]) -> str:
    from explorer._api import formula
    from explorer.errors import UsageError
    from explorer.render import formula_json, formula_text

    if hf is not None:  # the architecture's closed form, the config's values in the legend
        result = formula(hf.family, convention=args.convention, **measures, **hf.sizes)
    elif request is not None:
        if args.flops:
            raise UsageError("--flops applies to a family or --hf-config, not to a spec")
        spec, values = request
        result = spec.count(**values)
    else:
        result = formula(args.family, convention=args.convention, **measures, **design_kwargs(args))
    options = {"expand": args.expand, "leading": args.leading, "symbolic": hf is not None}
    if args.flops:
        from explorer.render_measures import flops_formula_json, flops_formula_text

        if args.json:
            return json.dumps(flops_formula_json(result, **options))
        return flops_formula_text(result, latex=args.latex, **options)
    if args.json:
        return json.dumps(formula_json(result, **options))
    return formula_text(result, latex=args.latex, **options)
