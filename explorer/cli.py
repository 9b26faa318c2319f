"""The command line: a thin layer over the API with one error boundary.

``main(argv) -> int`` parses, calls the library, renders. Every :class:`ExplorerError`
(and every argparse complaint) becomes one line on stderr and exit status 2.

Example:
    >>> main(["count", "rnn", "--input", "3", "--cells", "2", "--convention", "weights"])
    rnn (convention weights): 10 parameters
    ...
    0
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from explorer.conventions import BIASES, CONVENTIONS
from explorer.errors import ExplorerError, UsageError, did_you_mean
from explorer.families import FAMILIES, MERGES

MODES = ("nearest", "under", "over")  # explorer.solve.MODES, without importing the solver

__all__ = ["main", "solve_main"]


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        if message.startswith("unrecognized arguments:"):
            unknown = message.split(":", 1)[1].split(maxsplit=1)[0]
            options = _option_strings(self)
            guess = did_you_mean(unknown.split("=")[0], options)
            if guess:
                message = f"unknown option {unknown}; did you mean {guess}?"
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _option_strings(parser: argparse.ArgumentParser) -> list[str]:
    """Every option of a parser and its subcommands (unknown options surface at the top)."""
    options: list[str] = []
    for action in parser._actions:
        options += action.option_strings
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                options += _option_strings(sub)
    return sorted(set(options))


# -- option parsing helpers -----------------------------------------------------------------
def _size_text(option: str) -> Callable[[str], Any]:
    def parse(text: str) -> int | list[int]:
        parts = [p.strip() for p in text.split(",")]
        try:
            numbers = [int(p.replace("_", "")) for p in parts]
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"must be an integer or a comma-separated list of integers, got {text!r}"
            ) from None
        return numbers if len(numbers) > 1 or text.strip().endswith(",") else numbers[0]

    return parse


def _int_text(option: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            return int(text.replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None

    return parse


def _range_text(single: Callable[[str], Any]) -> Callable[[str], Any]:
    """``A..B`` or ``A..B/STEP`` (choices to enumerate), else what ``single`` reads."""

    def parse(text: str) -> Any:
        if ".." not in text:
            return single(text)
        span, _, step = text.partition("/")
        start, _, stop = span.partition("..")
        try:
            first, last, stride = int(start), int(stop), int(step or 1)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"ranges are written A..B or A..B/STEP with integers, got {text!r}"
            ) from None
        if stride < 1 or last < first:
            raise argparse.ArgumentTypeError(f"range {text!r} is empty")
        return range(first, last + 1, stride)

    return parse


def _add_design_options(
    parser: argparse.ArgumentParser, *, symbolic: bool, ranges: bool = False
) -> None:
    if ranges:
        parser.add_argument("--arch", help="family, or several: lstm,gru (default lstm)")
    else:
        parser.add_argument("family", metavar="FAMILY", help="one of: " + ", ".join(FAMILIES))

    def read(single: Callable[[str], Any]) -> Callable[[str], Any]:
        return _range_text(single) if ranges else single

    group = "sizes (A..B or A..B/STEP: enumerate the choices)" if ranges else "sizes"
    sizes = parser.add_argument_group(group)
    sizes.add_argument("--input", type=read(_int_text("--input")), help="input size n_i")
    sizes.add_argument(
        "--cells",
        type=read(_size_text("--cells")),
        help="cells per layer n_c, or one per layer: 1024,1024,512",
    )
    sizes.add_argument(
        "--layers",
        type=read(_int_text("--layers")),
        help="number of layers L" + (" (a symbol when omitted)" if symbolic else " (default 1)"),
    )
    present = " (alone: present, size left a symbol)" if symbolic else ""
    optional = {"nargs": "?", "const": True} if symbolic else {}
    for option, kind, text in (
        ("--output", _int_text, "output layer size n_o; omitted or 0: no output layer"),
        ("--proj", _size_text, "recurrent projection n_r (lstm/lstmp)"),
        ("--nonrec-proj", _size_text, "non-recurrent projection n_p (Sak et al. 2014)"),
        ("--vocab", _int_text, "vocabulary: an embedding of vocab x input in front"),
    ):
        sizes.add_argument(
            option,
            type=read(kind(option)),
            **optional,  # type: ignore[arg-type]
            help=text + present,
        )
    sizes.add_argument(
        "--bidirectional", action="store_true", default=None, help="two directions per layer"
    )
    sizes.add_argument("--merge", help="how directions meet: " + ", ".join(MERGES))
    sizes.add_argument(
        "--tied", action="store_true", default=None, help="output layer shares the embedding matrix"
    )
    rules = parser.add_argument_group("convention")
    rules.add_argument(
        "--convention",
        default=None if ranges else "pytorch",
        help="one of: " + ", ".join(CONVENTIONS) + " (default pytorch)",
    )
    rules.add_argument("--bias", help="override: " + "|".join(BIASES))
    boolean = argparse.BooleanOptionalAction
    rules.add_argument("--peepholes", action=boolean, default=None, help="override peepholes")
    rules.add_argument(
        "--skip",
        action=boolean,
        default=None,
        help="override skip connections (input->layers, layers->output)",
    )
    rules.add_argument("--output-bias", action=boolean, default=None, help="override output bias")
    rules.add_argument(
        "--reset-after", action=boolean, default=None, help="override GRU reset_after form"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


_DESIGN_KEYS = (
    "input",
    "cells",
    "layers",
    "output",
    "proj",
    "nonrec_proj",
    "vocab",
    "bidirectional",
    "merge",
    "tied",
    "bias",
    "peepholes",
    "skip",
    "output_bias",
    "reset_after",
)


def _design_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    return {k: getattr(args, k) for k in _DESIGN_KEYS if getattr(args, k) is not None}


# -- commands -------------------------------------------------------------------------------
def _run_count(args: argparse.Namespace) -> str:
    from explorer._api import count
    from explorer.render import count_json, count_table

    result = count(args.family, convention=args.convention, **_design_kwargs(args))
    return json.dumps(count_json(result)) if args.json else count_table(result)


def _run_formula(args: argparse.Namespace) -> str:
    from explorer._api import formula
    from explorer.render import formula_json, formula_text

    result = formula(args.family, convention=args.convention, **_design_kwargs(args))
    if args.json:
        return json.dumps(formula_json(result, expand=args.expand))
    return formula_text(result, latex=args.latex, expand=args.expand)


def _run_solve(args: argparse.Namespace) -> str:
    import dataclasses

    from explorer.render import solution_json, solution_text
    from explorer.solve import parse_budget, solve

    if args.budget is None:
        raise UsageError("solve needs a budget: --budget 6.5M (or 6500000, 6.5e6, 350k, 1.3B)")
    budget = parse_budget(args.budget)
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
        **_design_kwargs(args),
    )
    if args.arch is None:
        note = "family lstm (default; change with --arch)"
        solution = dataclasses.replace(solution, assumptions=(note, *solution.assumptions))
    if args.json:
        return json.dumps(solution_json(solution))
    return solution_text(solution, top=args.top)


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="explorer", description="Exact symbolic parameter counts.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    counting = commands.add_parser("count", help="count a design: table or --json")
    _add_design_options(counting, symbolic=False)
    counting.set_defaults(run=_run_count)
    closed = commands.add_parser("formula", help="the closed form, sizes not given left symbols")
    _add_design_options(closed, symbolic=True)
    closed.add_argument("--latex", action="store_true", help="print LaTeX")
    closed.add_argument("--expand", action="store_true", help="expand the polynomial")
    closed.set_defaults(run=_run_formula)
    inverse = commands.add_parser("solve", help="the integer sizes that meet a parameter budget")
    inverse.add_argument("--budget", help="parameters: 6500000, 6.5e6, 6.5M, 21M, 1.3B, 350k")
    _add_design_options(inverse, symbolic=False, ranges=True)
    solving = inverse.add_argument_group("solving")
    solving.add_argument("--free", help="the size to solve for (default: cells; proj for lstmp)")
    solving.add_argument(
        "--mode",
        default="nearest",
        choices=MODES,
        help="nearest (default), under: largest not over, over: smallest not under",
    )
    solving.add_argument(
        "--multiple-of",
        type=_int_text("--multiple-of"),
        default=1,
        help="the free size must be a multiple of N",
    )
    solving.add_argument("--min", type=_int_text("--min"), help="smallest allowed free size")
    solving.add_argument("--max", type=_int_text("--max"), help="largest allowed free size")
    solving.add_argument(
        "--tie",
        action="append",
        help="a size that follows the free one, e.g. proj=cells/4 (rounded down)",
    )
    solving.add_argument(
        "--top",
        type=_int_text("--top"),
        default=20,
        help="rows shown when choices are enumerated (default 20)",
    )
    inverse.set_defaults(run=_run_solve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0, or 2 for bad input)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _build_parser().parse_args(arguments)
        output = args.run(args)
    except ExplorerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(output)
    return 0


def solve_main(argv: Sequence[str] | None = None) -> int:
    """The ``solve`` command: the same as ``explorer solve``."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    return main(["solve", *arguments])
