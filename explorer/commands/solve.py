"""``explorer solve`` (also the ``solve`` command): the sizes that meet a budget."""

from __future__ import annotations

import argparse
import json

from explorer.commands._options import add_design_options, design_kwargs, int_text, spec_request
from explorer.errors import UsageError

NAME = "solve"
HELP = "the integer sizes that meet a parameter budget"
MODES = ("nearest", "under", "over")  # explorer.solver.MODES, without importing the solver


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--budget, the design (ranges enumerate), and the solving options."""
    parser.add_argument("--budget", help="parameters: 6500000, 6.5e6, 6.5M, 21M, 1.3B, 350k")
    add_design_options(parser, symbolic=False, ranges=True)
    solving = parser.add_argument_group("solving")
    solving.add_argument("--free", help="the size to solve for (default: cells; proj for lstmp)")
    solving.add_argument(
        "--mode",
        default="nearest",
        choices=MODES,
        help="nearest (default), under: largest not over, over: smallest not under",
    )
    solving.add_argument(
        "--multiple-of",
        type=int_text("--multiple-of"),
        default=1,
        help="the free size must be a multiple of N",
    )
    solving.add_argument("--min", type=int_text("--min"), help="smallest allowed free size")
    solving.add_argument("--max", type=int_text("--max"), help="largest allowed free size")
    solving.add_argument(
        "--tie",
        action="append",
        help="a size that follows the free one, e.g. proj=cells/4 (rounded down)",
    )
    solving.add_argument(
        "--top",
        type=int_text("--top"),
        default=20,
        help="rows shown when choices are enumerated (default 20)",
    )


def run(args: argparse.Namespace) -> str:
    """Solve and render (the answer first, then the detail)."""
    import dataclasses

    from explorer.render import solution_json, solution_text
    from explorer.solver import parse_budget, solve

    if args.budget is None:
        raise UsageError("solve needs a budget: --budget 6.5M (or 6500000, 6.5e6, 350k, 1.3B)")
    budget = parse_budget(args.budget)
    if args.spec is not None:
        return _run_spec(args, budget)
    families: list[str] = (args.arch or "lstm").split(",")
    ties = {}
    for text in args.tie or []:
        target, equals, expression = text.partition("=")
        if not equals or not target.strip() or not expression.strip():
            raise UsageError(f"--tie must look like proj=cells/4, got {text!r}")
        ties[target.strip().replace("-", "_")] = expression.strip()
    solution = solve(
        families[0] if len(families) == 1 else families,
        budget=budget,
        convention=args.convention,
        free=None if args.free is None else args.free.replace("-", "_"),
        mode=args.mode,
        multiple_of=args.multiple_of,
        minimum=args.min,
        maximum=args.max,
        ties=ties,
        **design_kwargs(args),
    )
    if args.arch is None:
        note = "family lstm (default; change with --arch)"
        solution = dataclasses.replace(solution, assumptions=(note, *solution.assumptions))
    if args.json:
        return json.dumps(solution_json(solution))
    return solution_text(solution, top=args.top)


def _run_spec(args: argparse.Namespace, budget: int) -> str:
    from explorer.render import solution_json, solution_text
    from explorer.solver import solve_spec

    if args.tie:
        raise UsageError("--tie applies to families; in a spec, share a symbol between sizes")
    request = spec_request(args)
    assert request is not None
    spec, values = request
    solution = solve_spec(
        spec,
        budget=budget,
        free=args.free,
        mode=args.mode,
        multiple_of=args.multiple_of,
        minimum=args.min,
        maximum=args.max,
        **values,
    )
    return json.dumps(solution_json(solution)) if args.json else solution_text(solution)
