"""``explorer plan --compute C [--arch FAMILY]``: compute-optimal parameters and tokens
under a published fit, and the exact designs nearest to them."""

from __future__ import annotations

import argparse
import json
from typing import Any

from explorer.commands.options import add_design_options, design_kwargs, int_text

NAME = "plan"
HELP = "compute-optimal parameters and tokens for a training compute (Chinchilla fits)"
_FITS = (
    "hoffmann2022-1",
    "hoffmann2022-2",
    "hoffmann2022-3",
    "hoffmann2022-3-tex",
    "besiroglu2024",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--compute or --params, --fit, the design (ranges enumerate), ranking."""
    parser.add_argument("--compute", help="training FLOPs: 1e21, 5.76e23, 3T ...")
    parser.add_argument(
        "--params",
        help="or a parameter count (400M, 10B): the compute for which it is optimal",
    )
    parser.add_argument(
        "--fit",
        default="hoffmann2022-1",
        choices=_FITS,
        help="the published fit (default hoffmann2022-1: Hoffmann et al. 2022, approach 1)",
    )
    add_design_options(parser, symbolic=False, ranges=True)
    ranking = parser.add_argument_group("designs")
    ranking.add_argument("--top", type=int_text("--top"), default=10, help="designs shown")
    ranking.add_argument(
        "--aspect",
        type=float,
        default=128.0,
        help="the width / depth the ranking prefers among designs near N_opt (default 128)",
    )
    ranking.add_argument(
        "--tolerance",
        type=float,
        default=0.01,
        help="the band around N_opt whose designs are ranked by shape (default 0.01)",
    )
    ranking.add_argument(
        "--seq",
        type=int_text("--seq"),
        help="also each design's exact training FLOPs per token of a --seq-token sequence",
    )


def run(args: argparse.Namespace) -> str:
    """Plan and render."""
    from explorer.errors import UsageError
    from explorer.measures import parse_flops
    from explorer.scaling import plan
    from explorer.solver import parse_budget

    if args.spec is not None or args.hf_config is not None:
        raise UsageError("plan sizes a family: give --arch FAMILY (not --spec or --hf-config)")
    if (args.compute is None) == (args.params is None):
        raise UsageError("give --compute FLOPS (1e21) or --params N (400M)")
    compute = None if args.compute is None else float(parse_flops(args.compute))
    params = None if args.params is None else float(parse_budget(args.params))
    sizes = design_kwargs(args)
    if args.arch is not None and "," in args.arch:
        raise UsageError("plan sizes one family: give --arch FAMILY")
    result = plan(
        compute=compute,
        params=params,
        fit=args.fit,
        family=args.arch,
        convention=args.convention,
        top=args.top,
        aspect=args.aspect,
        tolerance=args.tolerance,
        seq=args.seq,
        **sizes,
    )
    if args.json:
        return json.dumps(result.to_json())
    return _text(result)


def _text(result: Any) -> str:
    from explorer.render import human

    fit = result.fit
    head = (
        f"{result.flops:.3g} FLOPs -> N_opt = {result.params:,.0f} parameters "
        f"({human(round(result.params))}), D_opt = {result.tokens:,.0f} tokens "
        f"({human(round(result.tokens))}); {result.tokens / result.params:.1f} tokens per "
        "parameter"
    )
    if result.asked == "params":
        head = (
            f"{human(round(result.params))} parameters are compute-optimal at "
            f"{result.flops:.3g} FLOPs with {result.tokens:,.0f} tokens "
            f"({human(round(result.tokens))})"
        )
    lines = [head, f"fit: {fit.name}: {fit.title}", f"source: {fit.citation}"]
    if getattr(fit, "note", ""):
        lines.append(f"note: {fit.note}")
    if not result.designs:
        return "\n".join(lines)
    lines += ["", f"{len(result.designs)} exact designs nearest to N_opt ({result.rule}):"]
    header = ["#", "design", "parameters", "vs N_opt", "tokens (C / 6N)"]
    if result.seq is not None:
        header.append(f"training FLOPs / token (seq {result.seq})")
    rows = []
    flops = result.training_flops or (0,) * len(result.designs)
    for k, (design, per) in enumerate(zip(result.designs, flops)):
        row = [
            str(k + 1),
            ", ".join(f"{key}={v}" for key, v in design.sizes.items()),
            f"{design.total:,}",
            f"{design.relative_error * 100:+.2f}%",
            human(round(result.flops / (6 * design.total))),
        ]
        if result.seq is not None:
            row.append(f"{per / result.seq:,.0f}" if per else "-")
        rows.append(row)
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
    for r in [header, *rows]:
        lines.append("  ".join(f"{cell:<{w}}" for cell, w in zip(r, widths)).rstrip())
    return "\n".join(lines)
