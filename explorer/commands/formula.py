"""``explorer formula FAMILY ...``: the closed form, sizes not given left as symbols."""

from __future__ import annotations

import argparse
import json

from explorer.commands._options import add_design_options, design_kwargs, spec_request

NAME = "formula"
HELP = "the closed form, sizes not given (the depth too) left as symbols"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The design options (a bare --output means "present, size symbolic"), --latex, --expand."""
    add_design_options(parser, symbolic=True)
    parser.add_argument("--latex", action="store_true", help="print LaTeX")
    parser.add_argument("--expand", action="store_true", help="expand the polynomial")


def run(args: argparse.Namespace) -> str:
    """Build the symbolic count and render it."""
    from explorer._api import formula
    from explorer.render import formula_json, formula_text

    request = spec_request(args)
    if request is not None:
        spec, values = request
        result = spec.count(**values)
    else:
        result = formula(args.family, convention=args.convention, **design_kwargs(args))
    if args.json:
        return json.dumps(formula_json(result, expand=args.expand))
    return formula_text(result, latex=args.latex, expand=args.expand)
