"""Options shared by the commands, generated from the families' declarations.

No option here names a family's words: the sizes (``--cells``, ``--d-model`` ...), their
aliases (``--hidden-size``, ``--num-layers``), the convention flags (``--bias``,
``--peepholes``) and their help all come from :attr:`explorer.families.Family.keywords`
and the conventions' :class:`~explorer.conventions.Flag` declarations.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from explorer.conventions import CONVENTIONS
from explorer.errors import shown
from explorer.families import FAMILIES, Family, Keyword
from explorer.sizes import MAX_SIZE, MAX_SIZE_TEXT

__all__ = [
    "EMITTERS",
    "EVERY",
    "add_design_options",
    "add_emit_option",
    "chosen_families",
    "design_kwargs",
    "emitted",
    "hf_request",
    "int_text",
    "option_for_spelling",
    "range_text",
    "set_values",
    "size_text",
    "spec_request",
]

#: ``--convention all``: every convention of the family's kind, side by side.
EVERY = "all"

#: ``--emit TARGET``: the design as code; each target is a method of the families.
EMITTERS = ("torch",)

#: The attribute of a namespace that lists the design options' destinations.
_DESTS = "_design_dests"


def _integer(text: str) -> int:
    """An integer typed on the command line (``_`` allowed as a separator); one too long
    for any size is refused before Python's int-from-text limit is met."""
    digits = text.strip().replace("_", "")
    if digits.lstrip("+-").isdigit() and len(digits.lstrip("+-0")) > len(str(MAX_SIZE)):
        raise argparse.ArgumentTypeError(
            f"must be at most {MAX_SIZE_TEXT} (beyond any network), got {shown(text)}"
        )
    return int(digits)


def size_text(option: str) -> Callable[[str], Any]:
    """An integer, or a comma-separated list of integers (one per layer)."""

    def parse(text: str) -> int | list[int]:
        parts = text.split(",")
        try:
            numbers = [_integer(p) for p in parts]
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"must be an integer or a comma-separated list of integers, got {shown(text)}"
            ) from None
        return numbers if len(numbers) > 1 or text.strip().endswith(",") else numbers[0]

    return parse


def int_text(option: str) -> Callable[[str], int]:
    """An integer (``_`` allowed as a separator)."""

    def parse(text: str) -> int:
        try:
            return _integer(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer, got {shown(text)}") from None

    return parse


def range_text(single: Callable[[str], Any]) -> Callable[[str], Any]:
    """``A..B`` or ``A..B/STEP`` (choices to enumerate), else what ``single`` reads."""

    def parse(text: str) -> Any:
        if ".." not in text:
            return single(text)
        span, _, step = text.partition("/")
        start, _, stop = span.partition("..")
        try:
            first, last, stride = _integer(start), _integer(stop), _integer(step or "1")
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"ranges are written A..B or A..B/STEP with integers, got {shown(text)}"
            ) from None
        if stride < 1 or last < first:
            raise argparse.ArgumentTypeError(f"range {shown(text)} is empty")
        return range(first, last + 1, stride)

    return parse


#: The family ``solve``, ``search`` and ``sweep`` size when no ``--arch`` names one (the
#: forum question's LSTM).
DEFAULT_FAMILY = "lstm"


def chosen_families(names: Iterable[str] | None) -> tuple[Family, ...]:
    """The registered families among ``names`` (any case); every family when none is."""
    picked = [FAMILIES[n.lower()] for n in names or () if n.lower() in FAMILIES]
    return tuple(dict.fromkeys(picked)) or tuple(FAMILIES.values())


class _Option(NamedTuple):
    """One option name (a keyword or an alias) and what it reads across the families that
    share it: the first one's keyword (its help), whether any takes one value per layer,
    and whether any may be left a symbol while present (in a formula). The registry test
    checks that the families sharing a name agree on its kind of value."""

    keyword: Keyword
    lists: bool
    optional: bool


def _options(families: Sequence[Family]) -> dict[str, _Option]:
    """Every option name of ``families``."""
    options: dict[str, _Option] = {}
    for family in families:
        for keyword in family.keywords:
            if not family.applies(keyword):
                continue
            optional = keyword.kind == "part" or bool(keyword.rule)
            for name in keyword.names:
                seen = options.get(name)
                if seen is None:
                    options[name] = _Option(keyword, keyword.lists, optional)
                else:
                    options[name] = _Option(
                        seen.keyword, seen.lists or keyword.lists, seen.optional or optional
                    )
    return options


def option_for_spelling(
    typed: str, families: Sequence[Family], options: Iterable[str]
) -> str | None:
    """The option a spelling means, by the families' declared names, aliases and the
    names people write for a size (``-L``, ``--depth``, ``--n-layers`` -> ``--layers``);
    ``None`` when it means none of ``options``.

    Example:
        >>> option_for_spelling("-L", (), ["--layers", "--cells"])
        '--layers'
        >>> option_for_spelling("--hidden_units", (), ["--layers", "--cells"]) is None
        True
    """
    name = typed.lstrip("-").replace("-", "_")
    if not name:
        return None
    exact: dict[str, str] = {}
    folded: dict[str, str] = {}
    for family in families or tuple(FAMILIES.values()):
        for keyword in family.keywords:
            if family.applies(keyword):
                for spelling in (*keyword.names, *keyword.guesses):
                    exact.setdefault(spelling, keyword.option)
                    folded.setdefault(spelling.lower(), keyword.option)
        for flag in family.flags:
            exact.setdefault(flag.name, "--" + flag.name.replace("_", "-"))
    option = exact.get(name) or folded.get(name.lower())
    return option if option is not None and option in set(options) else None


def add_design_options(
    parser: argparse.ArgumentParser,
    *,
    symbolic: bool,
    ranges: bool = False,
    assumed: bool = False,
    every: bool = False,
) -> None:
    """The family (or ``--arch``), ``--spec``/``--set``, the families' sizes and options,
    the convention and its flags, ``--json``. A parser whose ``families`` attribute names
    some shows only theirs (``explorer count lstm --help``); otherwise every family's
    options are accepted, and the family refuses what is not its own. ``assumed``: the command
    assumes the keywords' assumed values (``solve``), and its help says so. ``every``:
    ``--convention all`` compares every convention of the family's kind."""
    named: tuple[Family, ...] = getattr(parser, "families", ())
    families_shown = named or tuple(FAMILIES.values())
    command = (parser.prog or "explorer count").split()[-1]
    listed = "" if named else f"; 'explorer {command} FAMILY --help' lists a family's sizes"
    if ranges:
        parser.add_argument(
            "--arch",
            help="family, or several: "
            + ",".join(FAMILIES)
            + f" (default {DEFAULT_FAMILY}){listed.replace('FAMILY', '--arch FAMILY')}",
        )
    else:
        parser.add_argument(
            "family", metavar="FAMILY", nargs="?", help="one of: " + ", ".join(FAMILIES) + listed
        )
    parser.add_argument(
        "--spec", metavar="FILE", help="a model spec file (TOML) instead of a family"
    )
    parser.add_argument(
        "--hf-config",
        metavar="FILE",
        help="a Hugging Face config.json instead of a family (read without torch)",
    )
    parser.add_argument(
        "--model",
        metavar="CLASS",
        help="with --hf-config: the model class (LlamaForCausalLM, BertModel ...); "
        "default: the config's architectures, else the base model",
    )
    parser.add_argument(
        "--set",
        metavar="NAME=VALUE",
        action="append",
        help="with --spec: give a value to one of its symbols; with --hf-config: set a "
        "config field (hidden_size=2048); repeatable",
    )

    def read(single: Callable[[str], Any]) -> Callable[[str], Any]:
        return range_text(single) if ranges else single

    title = "sizes (A..B or A..B/STEP: enumerate the choices)" if ranges else "sizes"
    sizes = parser.add_argument_group(title)
    dests: list[str] = []
    options = _options(families_shown)
    for name, found in options.items():
        keyword = found.keyword
        option = "--" + name.replace("_", "-")
        alias = name != keyword.name
        text = (
            f"same as {keyword.option}"
            if alias
            else keyword.describe(symbolic=symbolic, assumed=assumed)
        )
        alias = alias or not named  # no family named: accepted, listed one family at a time
        others = [a for a in keyword.aliases if a in options and options[a].keyword is keyword]
        if others and not alias:
            text += " (also " + ", ".join("--" + a.replace("_", "-") for a in others) + ")"
        dests.append(name)
        if keyword.kind == "flag":
            sizes.add_argument(
                option,
                dest=name,
                action=argparse.BooleanOptionalAction,
                default=None,
                help=argparse.SUPPRESS if alias else text,
            )
        elif keyword.kind in ("choice", "number"):
            sizes.add_argument(option, dest=name, help=argparse.SUPPRESS if alias else text)
        else:
            present = found.optional and symbolic
            extra: dict[str, Any] = {"nargs": "?", "const": True} if present else {}
            if present and not alias:
                text += " (alone: present, size left a symbol)"
            reader = size_text(option) if found.lists else int_text(option)
            sizes.add_argument(
                option,
                dest=name,
                type=read(reader),
                help=argparse.SUPPRESS if alias else text,
                **extra,
            )
    dests += _add_convention_options(parser, families_shown, every=every)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(**{_DESTS: tuple(dests)})


def _add_convention_options(
    parser: argparse.ArgumentParser, families_shown: Sequence[Family], *, every: bool
) -> list[str]:
    """``--convention`` and the shown families' flags; the flags' destinations
    (``every``: ``--convention all`` is offered too)."""
    dests: list[str] = []
    rules = parser.add_argument_group("convention")
    kinds = {family.kind for family in families_shown}
    names = [n for n, c in CONVENTIONS.items() if c.KIND in kinds]
    defaults = sorted({family.default_convention for family in families_shown})
    rules.add_argument(
        "--convention",
        default=None,
        help="one of: "
        + ", ".join(names)
        + f" (default {', '.join(defaults)})"
        + (f"; {EVERY}: every one side by side" if every else ""),
    )
    seen: set[str] = set()
    for family in families_shown:
        for flag in family.flags:
            if flag.name in seen:
                continue
            seen.add(flag.name)
            dests.append(flag.name)
            option = "--" + flag.name.replace("_", "-")
            if flag.choices:
                rules.add_argument(
                    option, dest=flag.name, help=f"override: {'|'.join(flag.choices)}"
                )
            else:
                rules.add_argument(
                    option,
                    dest=flag.name,
                    action=argparse.BooleanOptionalAction,
                    default=None,
                    help=f"override {flag.help}",
                )
    return dests


def add_emit_option(parser: argparse._ActionsContainer) -> None:
    """``--emit torch``: the design as code instead of the answer."""
    parser.add_argument(
        "--emit",
        choices=EMITTERS,
        help="print the design as code: torch (torch.nn constructor lines, in a `model`)",
    )


def emitted(count: Any, target: str) -> str:
    """The code of a counted design for ``--emit`` (the family declares how), and the
    count it builds."""
    from explorer.families import torch_code_of

    code = torch_code_of(count.family, count.structure, count.sizes)
    return f"{code}\n# sum(p.numel() for p in model.parameters()) == {count.total:,}"


def design_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """The design keywords the user gave (``None`` means not given), under the names
    typed (aliases are renamed by the family)."""
    dests: tuple[str, ...] = getattr(args, _DESTS, ())
    return {k: getattr(args, k) for k in dests if getattr(args, k, None) is not None}


def set_values(args: argparse.Namespace) -> dict[str, Any]:
    """The ``--set NAME=VALUE`` pairs: integers, decimals, true/false, null or text."""
    from explorer.errors import InvalidSizeError

    values: dict[str, Any] = {}
    for text in args.set or []:
        name, equals, raw = (part.strip() for part in text.partition("="))
        if not equals or not name:
            raise InvalidSizeError(f"--set must look like NAME=VALUE, got {text[:60]!r}")
        values[name] = _typed(raw)
    return values


def _typed(raw: str) -> Any:
    """``12`` -> 12, ``1.3`` -> 1.3, ``true`` -> True, ``null`` -> None, else the text; a
    number too long to read or not finite is refused (it never reads as ``inf``)."""
    from explorer.errors import UsageError

    compact = raw.replace("_", "")
    lowered = raw.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("null", "none"):
        return None
    try:
        return int(compact)
    except ValueError:
        if compact.lstrip("+-").isdigit():  # past Python's limit on digits
            raise UsageError(
                f"--set value of {len(compact):,} digits is too large to be a size; "
                "give a number below 10**18"
            ) from None
    try:
        number = float(compact)
    except ValueError:
        return raw
    if not math.isfinite(number):
        raise UsageError(f"--set value {raw[:40]!r} is not a finite number; give one")
    return number


def hf_request(args: argparse.Namespace) -> Any:
    """With ``--hf-config``: the config read for its model class (an
    :class:`explorer.hf.HFDesign`); ``None`` without it. A family, a spec or design options
    next to it contradict it and are refused."""
    from explorer.errors import ConflictError

    if getattr(args, "hf_config", None) is None:
        if getattr(args, "model", None) is not None:
            raise ConflictError("--model names a class of a --hf-config: add --hf-config FILE")
        return None
    family = getattr(args, "family", None) or getattr(args, "arch", None)
    if family is not None or args.spec is not None:
        raise ConflictError("give one of a family, --spec or --hf-config")
    given = design_kwargs(args)
    if given:
        listed = ", ".join("--" + k.replace("_", "-") for k in given)
        raise ConflictError(
            f"with --hf-config the sizes come from the file; drop {listed} "
            "(use --set FIELD=VALUE to change a field)"
        )
    from explorer.hf import design_hf

    return design_hf(args.hf_config, model=args.model, fields=set_values(args))


def spec_request(args: argparse.Namespace) -> tuple[Any, dict[str, int]] | None:
    """With ``--spec``: the loaded spec and the ``--set`` values; ``None`` without it.

    A family or design options next to ``--spec`` contradict it and are refused.
    """
    from explorer.errors import ConflictError, UsageError

    family = getattr(args, "family", None) or getattr(args, "arch", None)
    if args.spec is None:
        if args.set and getattr(args, "hf_config", None) is None:
            raise ConflictError(
                "--set gives values to a spec's symbols or a config's fields: add --spec FILE "
                "or --hf-config FILE"
            )
        if family is None:
            raise UsageError(
                "give a FAMILY (" + ", ".join(FAMILIES) + "), --spec FILE or --hf-config FILE"
            )
        return None
    if family is not None:
        raise ConflictError(f"give either a family ({shown(family)}) or --spec, not both")
    given = design_kwargs(args)
    if given:
        listed = ", ".join("--" + k.replace("_", "-") for k in given)
        raise ConflictError(
            f"with --spec the sizes come from the file; drop {listed} "
            "(use --set NAME=VALUE for its symbols)"
        )
    from explorer.spec import load_spec

    if _derived_file(args.spec):
        from explorer.commands._derived_spec import DerivedSpec

        return DerivedSpec.load(args.spec), _int_values(args)
    return load_spec(args.spec), _int_values(args)


def _derived_file(path: str) -> bool:
    from explorer.derivation import is_derived_file

    return is_derived_file(path)


def _int_values(args: argparse.Namespace) -> dict[str, int]:
    """``--set NAME=N`` pairs (a spec's symbols, a derived formula's variables)."""
    from explorer.errors import InvalidSizeError

    values: dict[str, int] = {}
    for text in args.set or []:
        name, equals, number = text.partition("=")
        try:
            values[name.strip()] = _integer(number)
        except argparse.ArgumentTypeError as error:
            raise InvalidSizeError(f"--set {name.strip()[:40]}: {error}") from None
        except ValueError:
            raise InvalidSizeError(f"--set must look like d=1000, got {shown(text)}") from None
        if not equals:
            raise InvalidSizeError(f"--set must look like d=1000, got {shown(text)}")
    return values
