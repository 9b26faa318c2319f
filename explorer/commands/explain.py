"""``explorer explain FAMILY ...``: the count term by term in words, or a formula checked.

Without ``--formula`` every term is told with its arithmetic and its reason, then the
subtotals and the total. With ``--formula "EXPR"`` (names mapped by ``--map nc=cells,...``
or guessed) the formula is evaluated, compared with the true count, and the difference is
split into the terms that cause it.

Example:
    >>> from explorer.cli import main
    >>> main(["explain", "rnn", "--input", "3", "--cells", "2", "--convention", "keras",
    ...       "--formula", "h*(x + h)"])  # doctest: +ELLIPSIS
    formula: h*(x + h)
    names (guessed; set them with --map): h=cells, x=input
    sizes: h=2, x=3
    <BLANKLINE>
    the formula gives 10
    rnn (convention keras) counts 12
    difference (count - formula): 2
      = h
    <BLANKLINE>
    causes:
      1. layer 0: gate biases (bias_l0; h) missing from the formula
         share h = 2
         because one bias per cell (2), a single vector
    ...
    0
"""

from __future__ import annotations

import argparse
import json
from fractions import Fraction
from typing import TYPE_CHECKING

from explorer.commands.options import add_design_options, design_kwargs, spec_request
from explorer.errors import UsageError

if TYPE_CHECKING:
    from explorer.explain import Explanation, FormulaComparison

NAME = "explain"
HELP = "explain a count term by term, or check a formula (--formula) against it"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The design options, ``--formula`` and ``--map``."""
    add_design_options(parser, symbolic=False)
    check = parser.add_argument_group("checking a formula")
    check.add_argument(
        "--formula",
        metavar="EXPR",
        help="a formula to check, e.g. '4*nc*(ni + nc)*L' (numbers, names, + - * / ** ( ))",
    )
    check.add_argument(
        "--map",
        metavar="NAME=SIZE,...",
        help="what the formula's names stand for, e.g. NAME=SIZE,NAME=SIZE (sizes: "
        + _sizes_listed(parser)
        + "); guessed when omitted",
    )


def _sizes_listed(parser: argparse.ArgumentParser) -> str:
    """The size keywords a formula's names may stand for, per family shown."""
    from explorer.commands.options import chosen_families
    from explorer.explain import size_keywords

    families = getattr(parser, "families", ()) or chosen_families(None)
    listed = {family.name: ", ".join(size_keywords(family)) for family in families}
    if len(set(listed.values())) == 1:
        return next(iter(listed.values()))
    return "; ".join(f"{name}: {sizes}" for name, sizes in listed.items())


def run(args: argparse.Namespace) -> str:
    """Explain the count, or compare the formula with it, and render."""
    from explorer.explain import compare_formula, parse_mapping

    if args.map is not None and args.formula is None:
        raise UsageError("--map names the sizes of a --formula: give --formula too")
    if getattr(args, "hf_config", None) is not None:
        return _explain_config(args)
    request = spec_request(args)
    if request is not None:
        if args.formula is not None:
            raise UsageError("--formula is checked against a family's count, not a --spec")
        from explorer.explain import explain as explain_spec

        spec, values = request
        counted = spec.count(**values)
        counted.total  # noqa: B018 - refuse free symbols before explaining
        explanation = explain_spec(counted)
        return json.dumps(explanation.to_json()) if args.json else explanation_text(explanation)
    if args.formula is not None:
        mapping = None if args.map is None else parse_mapping(args.map, args.family)
        comparison = compare_formula(
            args.family,
            args.formula,
            convention=args.convention,
            mapping=mapping,
            **design_kwargs(args),
        )
        return json.dumps(comparison.to_json()) if args.json else comparison_text(comparison)
    from explorer._api import count
    from explorer.explain import explain

    explanation = explain(count(args.family, convention=args.convention, **design_kwargs(args)))
    return json.dumps(explanation.to_json()) if args.json else explanation_text(explanation)


def _explain_config(args: argparse.Namespace) -> str:
    """``--hf-config``: the count of the model the config builds, explained (a type with no
    family: its derived count), or compared with ``--formula``."""
    import dataclasses

    from explorer._api import count
    from explorer.commands.options import hf_request, set_values
    from explorer.errors import ConflictError
    from explorer.explain import compare_formula, explain, parse_mapping
    from explorer.hf import count_hf, has_family, read_config

    data, _ = read_config(args.hf_config)
    if args.formula is not None or has_family(data.get("model_type")):
        design = hf_request(args)  # refuses a family or sizes next to the file
        if args.formula is not None:
            mapping = None if args.map is None else parse_mapping(args.map, design.family)
            comparison = compare_formula(
                design.family,
                args.formula,
                convention=args.convention,
                mapping=mapping,
                **design.sizes,
            )
            return json.dumps(comparison.to_json()) if args.json else comparison_text(comparison)
        counted = count(design.family, convention=args.convention, **design.sizes)
        counted = dataclasses.replace(counted, notes=(*counted.notes, *design.notes))
    else:
        if args.family is not None or args.spec is not None or design_kwargs(args):
            raise ConflictError("give one of a family, --spec or --hf-config, and no sizes")
        fields = set_values(args)
        counted = count_hf(args.hf_config, model=args.model, convention=args.convention, **fields)
    explanation = explain(counted)
    return json.dumps(explanation.to_json()) if args.json else explanation_text(explanation)


def explanation_text(explanation: Explanation) -> str:
    """Groups of terms (title, arithmetic, reason), subtotals, and the total."""
    e = explanation
    lines = [f"{e.title}: {e.total:,} parameters"]
    if e.sizes:
        lines.append("sizes: " + ", ".join(f"{k}={_size(v)}" for k, v in e.sizes))
    for group in e.groups:
        lines += ["", f"{group.name}:"]
        for t in group.terms:
            result = "" if t.arithmetic == str(t.count) else f" = {t.count:,}"
            lines.append(f"  {t.title} ({t.name}): {t.arithmetic}{result}")
            lines.append(f"    because {t.why}")
        lines.append(f"  subtotal {group.name}: {group.subtotal:,}")
    parts = " + ".join(f"{g.subtotal:,} ({g.name})" for g in e.groups)
    lines += ["", f"total: {e.total:,}" + (f" = {parts}" if len(e.groups) > 1 else "")]
    return "\n".join(lines)


def comparison_text(comparison: FormulaComparison) -> str:
    """The formula, its names and value, the true value, the difference and its causes."""
    c = comparison
    how = "guessed; set them with --map" if c.guessed else "from --map"
    lines = [
        f"formula: {c.formula}",
        f"names ({how}): " + ", ".join(f"{n}={k}" for n, k in c.mapping),
        "sizes: " + ", ".join(f"{n}={v}" for n, v in c.sizes),
        "",
        f"the formula gives {_number(c.formula_value)}",
        f"{c.title} counts {c.true_value:,}",
        f"difference (count - formula): {_number(c.difference_value)}",
        f"  = {c.difference}",
    ]
    if c.note:
        lines.append(c.note)
    if c.causes:
        lines += ["", "causes:"]
        for k, cause in enumerate(c.causes, start=1):
            lines.append(f"  {k}. {cause.text}")
            lines.append(f"     share {cause.expression} = {_number(cause.value)}")
            if cause.why:
                lines.append(f"     because {cause.why}")
    lines += ["", f"{c.title} in the formula's names:", f"  {c.true_formula}"]
    return "\n".join(lines)


def _number(value: Fraction) -> str:
    if value.denominator == 1:
        return f"{int(value):,}"
    return f"{float(value):,.6g} (= {value})"


def _size(value: object) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)
