"""``explorer derive TARGET --vary ...``: the exact closed form of a torch module or a
Hugging Face model, fitted from meta-device builds (torch imported only when building)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from explorer.commands._options import int_text

if TYPE_CHECKING:
    from explorer.derivation import Derived

NAME = "derive"
HELP = "the exact closed-form count of any torch module or Hugging Face model"


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
    parser.add_argument("--no-cache", action="store_true", help="derive again, ignoring the cache")
    parser.add_argument("--save", metavar="FILE", help="write the formula to a TOML file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> str:
    """Derive, save if asked, render."""
    from pathlib import Path

    from explorer.derivation import derive, parse_settings
    from explorer.errors import UsageError

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
        f"  verified: exact at {checks} held-out points, each range's two ends included",
        f"  from:     {versions}",
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
