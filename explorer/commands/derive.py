"""``explorer derive TARGET --vary ...``: the exact closed form of a torch module or a
Hugging Face model, fitted from meta-device builds (torch imported only when building).

The target's module is imported and its constructor run (user code): what it prints goes
to stderr, ``sys.exit`` in it is an error, and each build has a time limit."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from explorer.commands.options import int_text

#: The default limit per build (as explorer.derivation.BUILD_TIMEOUT, without importing it).
BUILD_TIMEOUT = 30.0

if TYPE_CHECKING:
    from explorer.derivation import Derived

NAME = "derive"
HELP = "the exact closed-form count of any torch module or Hugging Face model"
DESCRIPTION = (
    "Fit the exact closed-form count of a class from builds on torch's meta device. "
    "The target's module is imported and its constructor run: it is code like any "
    "other you run, so derive only what you trust. What it prints goes to stderr, "
    "sys.exit in it is an error (exit 2), and each build is stopped after "
    "--build-timeout seconds."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The target, its variables and fixed arguments, and the output options."""
    parser.add_argument(
        "target",
        metavar="TARGET",
        help="torch.nn.LSTM, transformers.LlamaConfig, transformers.GPT2LMHeadModel, "
        "or path/to/file.py:ClassName",
    )
    parser.add_argument(
        "--vary",
        metavar="NAME[=LO:HI[:STEP]],...",
        action="append",
        required=True,
        help="the arguments the formula is in, with their ranges (a name alone: 1:1024)",
    )
    parser.add_argument(
        "--set",
        metavar="NAME=VALUE",
        action="append",
        help="fix another argument: an int, a float, true/false, none or text (repeatable)",
    )
    parser.add_argument(
        "--tie",
        metavar="NAME=EXPRESSION",
        action="append",
        help="an argument computed from the variables, e.g. hidden_size=heads*head_dim "
        "(a change of variables; rounded down; repeatable)",
    )
    parser.add_argument(
        "--model",
        metavar="CLASS",
        help="the transformers model class for a config target (default: its causal-LM "
        "class, else its base model)",
    )
    parser.add_argument(
        "--buffers",
        action="store_true",
        help="count the buffers instead of the parameters",
    )
    parser.add_argument(
        "--flops",
        action="store_true",
        help="derive the FLOPs of one forward pass too, in the variables, seq and batch "
        "(Hugging Face models: FlopCounterMode on the meta device, eager attention), so "
        "that the saved family answers --seq and --budget-flops",
    )
    parser.add_argument(
        "--max-degree",
        type=int_text("--max-degree"),
        default=6,
        help="the largest degree probed in one variable (default 6)",
    )
    parser.add_argument(
        "--checks",
        type=int_text("--checks"),
        default=16,
        help="random held-out points, on top of each range's ends (default 16)",
    )
    parser.add_argument("--seed", type=int_text("--seed"), help="seed of the anchor")
    parser.add_argument(
        "--build-timeout",
        metavar="SECONDS",
        type=_seconds,
        default=BUILD_TIMEOUT,
        help=f"stop a build (or the target's import) after this long (default {BUILD_TIMEOUT:g})",
    )
    parser.add_argument("--no-cache", action="store_true", help="derive again, ignoring the cache")
    parser.add_argument("--save", metavar="FILE", help="write the formula to a TOML file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, got {text!r}") from None
    if not 0 < value <= 86_400:
        raise argparse.ArgumentTypeError(f"must be between 0 and 86400 seconds, got {text}")
    return value


def run(args: argparse.Namespace) -> str:
    """Derive, save if asked, render."""
    from pathlib import Path

    from explorer.derivation import derive, parse_settings
    from explorer.errors import UsageError

    if args.save is not None and not args.save.strip():
        raise UsageError("--save needs a file name, got an empty one")

    progress = None
    if sys.stderr.isatty():  # a line per stage; stdout keeps the one answer

        def progress(line: str) -> None:
            print(f"derive: {line}", file=sys.stderr, flush=True)

    derived = derive(
        args.target,
        args.vary,
        parse_settings(args.set),
        args.model,
        ties=_ties(args.tie),
        what="buffers" if args.buffers else "parameters",
        max_degree=args.max_degree,
        checks=args.checks,
        seed=args.seed,
        cache=not args.no_cache,
        progress=progress,
        build_timeout=args.build_timeout,
        flops=args.flops,
    )
    if args.save:
        try:
            derived.save(Path(args.save))
        except OSError as error:
            raise UsageError(f"cannot write {args.save}: {error.strerror or error}") from None
    if args.json:
        data = {**derived.to_json(), "cached": derived.cached}
        if args.save:
            data["saved"] = args.save
        return json.dumps(data)
    return render(derived, saved=args.save)


def _ties(items: list[str] | None) -> dict[str, str]:
    from explorer.derivation import parse_ties

    return parse_ties(items)


def render(derived: Derived, *, saved: str | None = None) -> str:
    """The formula and what it rests on, as lines of text."""
    fixed = ", ".join(f"{k}={_shown(v)}" for k, v in derived.fixed.items())
    fit, checks = derived.fit_builds, derived.verified_points
    source = " (from the cache)" if derived.cached else ""
    versions = ", ".join(f"{k} {v}" for k, v in derived.versions.items()) or "unknown versions"
    counted = derived.to_json()["counted_text"]
    lines = [
        f"{derived.title or derived.target}: {derived.formula_text}",
        f"  counted:  {counted}",
        f"  domain:   {derived.domain_text()}",
        "  fixed:    "
        + (
            f"{fixed}; the other arguments at their defaults"
            if fixed
            else "nothing: every other argument at its default"
        ),
    ]
    if derived.ties:
        lines.append("  tied:     " + ", ".join(f"{k} = {v}" for k, v in derived.ties.items()))
    lines += [
        f"  builds:   {derived.builds} on the meta device ({fit} for the fit){source}",
        "  verified: "
        + (
            f"exact at {checks} held-out points, each range's two ends included"
            if checks
            else "every point of the domain was built for the fit; none was left to hold out"
        ),
        f"  from:     {versions}",
    ]
    compute = derived.compute
    if compute is not None:
        lines += [
            f"  FLOPs:    {compute.formula_text}",
            f"            {compute.to_json()['counted_text']}",
            f"            seq {compute.domain['seq'].text()}, batch "
            f"{compute.domain['batch'].text()}; {compute.builds} passes "
            f"({compute.fit_builds} for the fit), exact at {compute.verified_points} held-out "
            "passes",
            *(f"            {note}" for note in compute.notes),
        ]
    if saved:
        lines.append(f"  saved:    {saved}")
    return "\n".join(lines)


def _shown(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
