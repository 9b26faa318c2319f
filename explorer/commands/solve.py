"""``explorer solve`` (also the ``solve`` command): the sizes that meet a budget."""

from __future__ import annotations

import argparse
import json
from typing import Any

from explorer.commands._derived_spec import DerivedSpec
from explorer.commands.measure_options import (
    add_budget_options,
    add_compute_options,
    add_flop_budget_options,
    add_memory_options,
    budget_measure,
)
from explorer.commands.options import (
    DEFAULT_FAMILY,
    add_design_options,
    add_emit_option,
    design_kwargs,
    emitted,
    hf_request,
    int_text,
    set_values,
    spec_request,
)
from explorer.errors import ExplorerError, UsageError

NAME = "solve"
HELP = "the integer sizes that meet a budget in parameters, FLOPs or bytes"
MODES = ("nearest", "under", "over")  # explorer.solver.MODES, without importing the solver


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--budget, the design (ranges enumerate), and the solving options."""
    parser.add_argument("--budget", help="parameters: 6500000, 6.5e6, 6.5M, 21M, 1.3B, 350k")
    add_budget_options(parser)
    add_design_options(parser, symbolic=False, ranges=True, assumed=True)
    add_compute_options(parser)
    add_memory_options(parser)
    add_flop_budget_options(parser)
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
    solving.add_argument(
        "--save-config",
        metavar="FILE",
        help="with --hf-config: write the config with the solved fields set (JSON, ready "
        "for AutoConfig.from_pretrained)",
    )
    add_emit_option(solving)


def _free_help(parser: argparse.ArgumentParser) -> str:
    """``--free``'s help: each shown family's default free size, and what is assumed."""
    from explorer.commands.options import chosen_families

    named = getattr(parser, "families", ())
    lines = []
    for family in named or chosen_families(None):
        order = " (else ".join(family.free_order) + ")" * (len(family.free_order) - 1)
        assumed = ", ".join(f"{k} {v}" for k, v in family.assumed_sizes().items())
        line = f"{family.name}: {order}"
        lines.append(line + (f"; assumes {assumed}" if assumed and named else ""))
    more = "" if named else "; what each assumes: solve --arch FAMILY --help"
    return f"the size to solve for (default: the first not given; {'; '.join(lines)}{more})"


def _assume(
    family: Any, given: dict[str, Any], free: str | None, ties: dict[str, str]
) -> tuple[dict[str, Any], list[str]]:
    """``given`` completed with the sizes this command assumes for the family (its
    keywords' ``assumed`` values: the forum's input 39 and output 34 for a recurrent
    network), and the notes saying so."""
    names = {family.keyword(k).name for k in given if family.keyword(k) is not None}
    free_name = None if free is None else getattr(family.keyword(free), "name", free)
    free_name = free_name or next((k for k in family.free_order if k not in names), None)
    design = dict(given)
    notes = []
    for keyword in family.keywords:
        if keyword.assumed is None:
            continue
        skip = any(family.keyword(other) and other in names for other in keyword.assumed_unless)
        if keyword.name in names or keyword.name == free_name or keyword.name in ties or skip:
            continue
        design[keyword.name] = keyword.assumed
        notes.append(_note(keyword, keyword.assumed))
    return design, notes


def _note(keyword: Any, value: Any) -> str:
    zero = ", 0 for none" if keyword.kind == "part" else ""
    return f"{keyword.name} {value} (default; change with {keyword.option}{zero})"


def _defaults_used(family: Any, solution: Any, given: dict[str, Any]) -> list[str]:
    """The family's own defaults the solved design took (sizes the user did not give)."""
    names = {getattr(family.keyword(k), "name", k) for k in given}
    notes = []
    for keyword in family.keywords:
        value = solution.sizes.get(keyword.name)
        defaulted = keyword.default is not None and value == keyword.default
        own = keyword.assumed is None and keyword.name not in (*names, solution.free)
        if defaulted and own:
            notes.append(_note(keyword, value))
    return notes


def run(args: argparse.Namespace) -> str:
    """Solve and render (the answer first, then the detail)."""
    import dataclasses

    from explorer.families import get_family
    from explorer.render import solution_json, solution_text
    from explorer.solver import parse_budget, rank, solve_all

    measure, budget = budget_measure(args, command="solve")
    if measure is None:
        parse_budget(budget)  # a bad budget is refused before anything is solved
    else:
        measure.parse_budget(budget)
    if args.save_config is not None and args.hf_config is None:
        raise UsageError("--save-config writes a solved --hf-config: add --hf-config FILE")
    if args.save_config is not None:
        from explorer.files import check_target

        check_target(args.save_config)  # a device or a missing folder: refused before the work
    if args.spec is not None:
        if measure is not None:
            raise UsageError("FLOP and byte budgets apply to a family or --hf-config")
        return _run_spec(args, parse_budget(budget))
    if args.hf_config is not None:
        return _run_hf(args, budget, measure)
    names: list[str] = (args.arch or DEFAULT_FAMILY).split(",")
    ties = _ties(args)
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
            found = solve_all(
                family.name, budget=budget, free=free, **_solving(args, ties, measure), **design
            )
        except ExplorerError as error:
            if len(names) == 1:
                raise
            skipped.append((family.name, error))
            continue
        solutions += found
        assumed += _defaults_used(family, found[0], given)
        assumed += _followed(found[0])
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


def _followed(solution: Any) -> list[str]:
    """The sizes of the answer that follow others by the family's rules (LLaMA's d_ff from
    d_model, head_dim = d_model // heads), with their values: what changes with the free
    size besides the ties."""
    from explorer._api import count

    counted = count(solution.family, **solution.count_kwargs())
    family = counted.family
    found = []
    for slot, value in zip(counted.compiled.slots, counted.values):
        keyword = family.keyword(slot.keyword) if hasattr(family, "keyword") else None
        if slot.derived and keyword is not None and value is not None:
            found.append(f"{slot.keyword} {_shown(value)} ({keyword.rule})")
    return ["following the solved size by the family's rules: " + ", ".join(found)] if found else []


def _shown(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


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
    if args.free is not None and args.free in values:
        raise UsageError(_set_and_free(args.free, values[args.free]))
    if isinstance(spec, DerivedSpec):  # a derived formula: its family solves it
        from explorer.solver import solve

        variables: dict[str, Any] = dict(values)
        solved = solve(
            spec.family,
            budget=budget,
            free=args.free,
            mode=args.mode,
            multiple_of=args.multiple_of,
            minimum=args.min,
            maximum=args.max,
            **variables,
        )
        return json.dumps(solution_json(solved)) if args.json else solution_text(solved)
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


def _solving(args: argparse.Namespace, ties: Any, measure: Any) -> dict[str, Any]:
    """The solver's options from the command line (all but the budget and the free size)."""
    return {
        "convention": args.convention,
        "mode": args.mode,
        "multiple_of": args.multiple_of,
        "minimum": args.min,
        "maximum": args.max,
        "ties": ties,
        "measure": measure,
    }


def _run_hf(args: argparse.Namespace, budget: Any, measure: Any = None) -> str:
    """Solve one size of a config.json's model; the other fields stay the file's."""
    from explorer.families import get_family
    from explorer.render import solution_json, solution_text
    from explorer.solver import solve

    design = hf_request(args)
    family = get_family(design.family)
    free_keyword = family.keyword((args.free or family.free_order[0]).replace("-", "_"))
    free = free_keyword.name if free_keyword is not None else str(args.free)
    _check_set_against_free(args, design, family, free)
    ties = _ties(args)
    from explorer._api import count

    canonical = count(family.name, convention=args.convention, **design.sizes).sizes
    sizes = {k: v for k, v in canonical.items() if k != free and k not in ties}
    solution = solve(
        family.name, budget=budget, free=free, **_solving(args, ties, measure), **sizes
    )
    notes = [f"{args.hf_config}: {design.model}, every other field as the file gives it"]
    held = [
        f"{keyword} {_shown(value)} ({design.fields[keyword]})"
        for keyword, value in solution.sizes.items()
        if keyword in design.fields and keyword != free and keyword not in ties
    ]
    if held:
        notes.append("held as the file gives them: " + ", ".join(held))
    notes += _followed(solution)
    told = list(design.notes)
    if args.save_config is not None:
        written = _save_config(args, design, solution, (free, *solution_ties(ties)))
        told.append(f"config with {written} written to {args.save_config}")
    import dataclasses

    solution = dataclasses.replace(solution, assumptions=tuple(notes), notes=tuple(told))
    if args.emit is not None:
        return _emit(solution, args)
    return json.dumps(solution_json(solution)) if args.json else solution_text(solution)


def _set_and_free(name: str, value: object, free: str | None = None) -> str:
    return (
        f"--set {name}={value} fixes what --free {free or name} solves for: drop --set to "
        "solve for it, or free another size"
    )


def _check_set_against_free(args: argparse.Namespace, design: Any, family: Any, free: str) -> None:
    """``--set FIELD=V`` and ``--free`` naming the same size (by field, keyword or alias)."""
    binding = family.hf
    field = design.fields.get(free, binding.field_of(free) if binding is not None else None)
    for text in args.set or []:
        name = text.partition("=")[0].strip()
        keyword = family.keyword(name.replace("-", "_"))
        if name == field or (keyword is not None and keyword.name == free):
            value = text.partition("=")[2].strip()[:40]
            raise UsageError(_set_and_free(name, value, args.free or free))


def solution_ties(ties: dict[str, str]) -> tuple[str, ...]:
    """The sizes tied to the free one (they change with it)."""
    return tuple(ties)


def _save_config(
    args: argparse.Namespace, design: Any, solution: Any, changed: tuple[str, ...]
) -> str:
    """Write the config.json of the solved design, atomically: the file's fields, the
    ``--set`` ones, the solved sizes; which fields were written. The config is read and
    counted as the file will hold it before anything is written: refused where it does not
    read or would not count to the answer (a field of the file that follows the solved one
    is named), and a file already there is left as it was."""
    from pathlib import Path

    from explorer._api import count
    from explorer.errors import ConfigError
    from explorer.families import get_family
    from explorer.files import write_atomically
    from explorer.hf import count_hf, read_config

    config, _ = read_config(args.hf_config)
    original = dict(config)
    given = set_values(args)
    config.update(given)
    binding = get_family(design.family).hf
    by_keyword = dict(binding.fields) if binding is not None else {}
    written = [f"{name}={value}" for name, value in given.items()]
    followed: list[tuple[str, Any]] = []
    for keyword in changed:
        field = design.fields.get(keyword, by_keyword.get(keyword))
        if field is None:
            raise ConfigError(f"{keyword} has no config field to write it to")
        followed.append((field, config.get(field)))
        _set_field(config, design.model_type, field, solution.sizes[keyword])
        written.append(f"{field}={solution.sizes[keyword]}")
    solved = count(design.family, convention=args.convention, **solution.sizes).total
    text = json.dumps(config, indent=2) + "\n"
    try:  # what the file will hold, read as any config.json is
        built = count_hf(json.loads(text), model=design.model, convention=args.convention).total
    except ExplorerError as error:
        raise ConfigError(
            f"the config for the answer does not read ({error}): nothing written"
        ) from None
    if built != solved:
        same = [
            name
            for field, old in followed
            for name, value in original.items()
            if name != field and old is not None and value == old and name in config
        ]
        hint = f"; {', '.join(same)} may follow it: --set it (null: as the config class derives it)"
        raise ConfigError(
            f"the saved config would count {built:,}, not the solved {solved:,}"
            + (hint if same else "")
        )
    target = Path(args.save_config)
    try:
        write_atomically(target, text)
    except OSError as error:
        raise ConfigError(f"{target}: cannot write the config ({error.strerror})") from None
    return ", ".join(written)


def _set_field(config: dict[str, Any], model_type: str, field: str, value: Any) -> None:
    """Set a field; ``text_config.hidden_size`` inside a composite's nested config (made as
    transformers makes it when the file leaves it out)."""
    key, dot, inner = field.partition(".")
    if not dot:
        config[field] = value
        return
    from explorer.hf import type_data

    nested = config.get(key)
    if not isinstance(nested, dict):
        spec = type_data(model_type)["sub_configs"][key]
        nested = {"model_type": spec["model_type"], **spec["when_missing"]}
        config[key] = nested
    nested[inner] = value


def _ties(args: argparse.Namespace) -> dict[str, str]:
    """``--tie SIZE=EXPR`` pairs."""
    ties: dict[str, str] = {}
    for text in args.tie or []:
        target, equals, expression = text.partition("=")
        if not equals or not target.strip() or not expression.strip():
            raise UsageError(f"--tie must look like SIZE=EXPR (proj=cells/4), got {text[:60]!r}")
        name = target.strip().replace("-", "_")
        if name in ties:
            raise UsageError(
                f"--tie {name} is given twice ({ties[name]!r}, then {expression.strip()[:60]!r}); "
                "give it once"
            )
        ties[name] = expression.strip()
    return ties
