"""``explorer solve`` (also the ``solve`` command): the sizes that meet a budget."""

from __future__ import annotations

import argparse
import json
from typing import Any

from explorer.commands._options import (
    add_design_options,
    add_emit_option,
    design_kwargs,
    emitted,
    int_text,
    spec_request,
)
from explorer.errors import ExplorerError, UsageError

NAME = "solve"
HELP = "the integer sizes that meet a parameter budget"
MODES = ("nearest", "under", "over")  # explorer.solver.MODES, without importing the solver


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--budget, the design (ranges enumerate), and the solving options."""
    parser.add_argument("--budget", help="parameters: 6500000, 6.5e6, 6.5M, 21M, 1.3B, 350k")
    add_design_options(parser, symbolic=False, ranges=True, stated=True)
    solving = parser.add_argument_group("solving")
    solving.add_argument("--free", help=_free_help(parser))
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
    add_emit_option(solving)


def _free_help(parser: argparse.ArgumentParser) -> str:
    """``--free``'s help: each shown family's default free size, and what is assumed."""
    from explorer.commands._options import chosen_families

    families = getattr(parser, "families", ()) or chosen_families(None)
    lines = []
    for family in families:
        stated = ", ".join(f"{k} {v}" for k, v in family.stated_defaults().items())
        order = " (else ".join(family.free_order) + ")" * (len(family.free_order) - 1)
        lines.append(f"{family.name}: {order}" + (f"; assumes {stated}" if stated else ""))
    return "the size to solve for (default: the first not given; " + "; ".join(lines) + ")"


def _assume(
    family: Any, given: dict[str, Any], free: str | None, ties: dict[str, str]
) -> tuple[dict[str, Any], list[str]]:
    """``given`` completed with the stated defaults that apply, and the notes saying so."""
    names = {family.keyword(k).name for k in given if family.keyword(k) is not None}
    free_name = None if free is None else getattr(family.keyword(free), "name", free)
    free_name = free_name or next((k for k in family.free_order if k not in names), None)
    design = dict(given)
    notes = []
    for name, value in family.stated_defaults().items():
        keyword = family.keyword(name)
        skip = any(family.keyword(other) and other in names for other in keyword.stated_unless)
        if name in names or name == free_name or name in ties or skip:
            continue
        design[name] = value
        zero = ", 0 for none" if keyword.kind == "part" else ""
        notes.append(f"{name} {value} (default; change with {keyword.option}{zero})")
    return design, notes


def run(args: argparse.Namespace) -> str:
    """Solve and render (the answer first, then the detail)."""
    import dataclasses

    from explorer.families import get_family
    from explorer.render import solution_json, solution_text
    from explorer.solver import parse_budget, rank, solve_all

    if args.budget is None:
        raise UsageError("solve needs a budget: --budget 6.5M (or 6500000, 6.5e6, 350k, 1.3B)")
    budget = parse_budget(args.budget)
    if args.spec is not None:
        return _run_spec(args, budget)
    names: list[str] = (args.arch or "lstm").split(",")
    ties = {}
    for text in args.tie or []:
        target, equals, expression = text.partition("=")
        if not equals or not target.strip() or not expression.strip():
            raise UsageError(f"--tie must look like proj=cells/4, got {text!r}")
        ties[target.strip().replace("-", "_")] = expression.strip()
    free = None if args.free is None else args.free.replace("-", "_")
    given = design_kwargs(args)
    solutions = []
    notes: list[str] = []
    if args.arch is None:
        notes.append("family lstm (default; change with --arch)")
    skipped: list[tuple[str, ExplorerError]] = []
    for name in names:
        family = get_family(name.strip())
        design, assumed = _assume(family, given, free, ties)
        if args.convention is None:
            assumed.insert(
                0, f"convention {family.default_convention} (default; change with --convention)"
            )
        try:
            solutions += solve_all(
                family.name,
                budget=budget,
                convention=args.convention,
                free=free,
                mode=args.mode,
                multiple_of=args.multiple_of,
                minimum=args.min,
                maximum=args.max,
                ties=ties,
                **design,
            )
        except ExplorerError as error:
            if len(names) == 1:
                raise
            skipped.append((family.name, error))
            continue
        notes += [note for note in assumed if note not in notes]
    if not solutions:
        raise skipped[0][1]
    notes += [f"{name} left out: {error.for_command_line()}" for name, error in skipped]
    solution = dataclasses.replace(rank(solutions), assumptions=tuple(notes))
    if args.emit is not None:
        return _emit(solution, args)
    if args.json:
        return json.dumps(solution_json(solution))
    return solution_text(solution, top=args.top)


def _emit(solution: Any, args: argparse.Namespace) -> str:
    """The solved design as code: a comment with the answer, then the code (``--json``:
    the answer's object with the code under the target's name)."""
    from explorer._api import count
    from explorer.render import solution_json, solution_text

    counted = count(solution.family, **solution.count_kwargs())
    code = emitted(counted, args.emit)
    if args.json:
        return json.dumps({**solution_json(solution), args.emit: code})
    answer = solution_text(solution).splitlines()[:2]
    return "\n".join(f"# {line}" for line in answer) + "\n" + code


def _run_spec(args: argparse.Namespace, budget: int) -> str:
    from explorer.render import solution_json, solution_text
    from explorer.solver import solve_spec

    if args.tie:
        raise UsageError("--tie applies to families; in a spec, share a symbol between sizes")
    if args.emit is not None:
        raise UsageError("--emit prints one family's design as code; a spec has several parts")
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
