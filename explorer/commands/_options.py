"""Options shared by the commands: sizes, ranges, convention flags, ``--json``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from explorer.algebra._names import DESIGN_ORDER
from explorer.conventions import BIASES, CONVENTIONS, FLAGS
from explorer.families import FAMILIES, MERGES

__all__ = [
    "DESIGN_KEYS",
    "add_design_options",
    "design_kwargs",
    "int_text",
    "range_text",
    "size_text",
    "spec_request",
]


def size_text(option: str) -> Callable[[str], Any]:
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


def int_text(option: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            return int(text.replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None

    return parse


def range_text(single: Callable[[str], Any]) -> Callable[[str], Any]:
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


def add_design_options(
    parser: argparse.ArgumentParser, *, symbolic: bool, ranges: bool = False
) -> None:
    if ranges:
        parser.add_argument("--arch", help="family, or several: lstm,gru (default lstm)")
    else:
        parser.add_argument(
            "family", metavar="FAMILY", nargs="?", help="one of: " + ", ".join(FAMILIES)
        )
    parser.add_argument(
        "--spec", metavar="FILE", help="a model spec file (TOML) instead of a family"
    )
    parser.add_argument(
        "--set",
        metavar="NAME=VALUE",
        action="append",
        help="with --spec: give a value to one of its symbols (repeatable)",
    )

    def read(single: Callable[[str], Any]) -> Callable[[str], Any]:
        return range_text(single) if ranges else single

    group = "sizes (A..B or A..B/STEP: enumerate the choices)" if ranges else "sizes"
    sizes = parser.add_argument_group(group)
    sizes.add_argument("--input", type=read(int_text("--input")), help="input size n_i")
    sizes.add_argument(
        "--cells",
        type=read(size_text("--cells")),
        help="cells per layer n_c, or one per layer: 1024,1024,512",
    )
    sizes.add_argument(
        "--layers",
        type=read(int_text("--layers")),
        help="number of layers L" + (" (a symbol when omitted)" if symbolic else " (default 1)"),
    )
    present = " (alone: present, size left a symbol)" if symbolic else ""
    optional = {"nargs": "?", "const": True} if symbolic else {}
    for option, kind, text in (
        ("--output", int_text, "output layer size n_o; omitted or 0: no output layer"),
        ("--proj", size_text, "recurrent projection n_r (lstm/lstmp)"),
        ("--nonrec-proj", size_text, "non-recurrent projection n_p (Sak et al. 2014)"),
        ("--vocab", int_text, "vocabulary: an embedding of vocab x input in front"),
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


DESIGN_KEYS = (*DESIGN_ORDER, *FLAGS)


def design_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """The design keywords the user gave (``None`` means not given)."""
    return {k: getattr(args, k) for k in DESIGN_KEYS if getattr(args, k) is not None}


def spec_request(args: argparse.Namespace) -> tuple[Any, dict[str, int]] | None:
    """With ``--spec``: the loaded spec and the ``--set`` values; ``None`` without it.

    A family or design options next to ``--spec`` contradict it and are refused.
    """
    from explorer.errors import ConflictError, InvalidSizeError, UsageError

    family = getattr(args, "family", None) or getattr(args, "arch", None)
    if args.spec is None:
        if args.set:
            raise ConflictError("--set gives values to a spec's symbols: add --spec FILE")
        if family is None:
            raise UsageError("give a FAMILY (" + ", ".join(FAMILIES) + ") or --spec FILE")
        return None
    if family is not None:
        raise ConflictError(f"give either a family ({family}) or --spec, not both")
    given = [k for k in DESIGN_KEYS if getattr(args, k) is not None]
    if given:
        listed = ", ".join("--" + k.replace("_", "-") for k in given)
        raise ConflictError(
            f"with --spec the sizes come from the file; drop {listed} "
            "(use --set NAME=VALUE for its symbols)"
        )
    from explorer.spec import load_spec

    values: dict[str, int] = {}
    for text in args.set or []:
        name, equals, number = text.partition("=")
        try:
            values[name.strip()] = int(number.replace("_", ""))
        except ValueError:
            raise InvalidSizeError(f"--set must look like d=1000, got {text!r}") from None
        if not equals:
            raise InvalidSizeError(f"--set must look like d=1000, got {text!r}")
    return load_spec(args.spec), values
