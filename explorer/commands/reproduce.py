"""``explorer reproduce [NAME]``: reported vs computed counts of the paper registry."""

from __future__ import annotations

import argparse
import json
from typing import Any

NAME = "reproduce"
HELP = "reported vs computed counts of published configurations (the paper registry)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """An optional paper key or entry name, and --json."""
    parser.add_argument(
        "name",
        nargs="?",
        metavar="NAME",
        help="a paper (graves2013, ...) or one entry; all when omitted",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> str:
    """Reproduce the chosen entries and render them."""
    from explorer.errors import UnknownNameError
    from explorer.papers import load_papers, reproduce_entry

    papers = load_papers()
    entries = [e for p in papers.values() for e in p.entries]
    if args.name is None:
        chosen = entries
    elif args.name in papers:
        chosen = list(papers[args.name].entries)
    else:
        chosen = [e for e in entries if e.name == args.name]
        if not chosen:
            raise UnknownNameError.for_name(
                "paper or entry", args.name, [*papers, *(e.name for e in entries)]
            )
    results = [reproduce_entry(e) for e in chosen]
    if args.json:
        return json.dumps({"entries": [_entry_json(r) for r in results]})
    if args.name is None:
        return _summary(results)
    return _detail(results, papers)


def _entry_json(r: Any) -> dict[str, Any]:
    return {
        "name": r.entry.name,
        "paper": r.entry.paper,
        "what": r.entry.what,
        "reported": r.reported,
        "reported_value": r.reported_value,
        "tolerance": r.tolerance,
        "computed": r.computed,
        "relative_error": r.relative_error,
        "matches": r.matches,
        "expected_to_match": r.entry.reproduces,
        "note": r.entry.note,
        "detail": r.detail,
    }


def _verdict(r: Any) -> str:
    if r.matches:
        return "yes"
    return "no (known, explained)" if not r.entry.reproduces else "NO (unexpected)"


def _summary(results: list[Any]) -> str:
    rows = [("entry", "reported", "computed", "error", "matches")]
    for r in results:
        shown = r.reported if len(r.reported) <= 14 else "formula"
        rows.append(
            (r.entry.name, shown, f"{r.computed:,}", f"{r.relative_error * 100:+.2f}%", _verdict(r))
        )
    widths = [max(len(row[c]) for row in rows) for c in range(5)]
    lines = [
        f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c:>{widths[2]}}  {d:>{widths[3]}}  {e}"
        for a, b, c, d, e in rows
    ]
    matched = sum(r.matches for r in results)
    lines.append("")
    lines.append(
        f"{matched} of {len(results)} match at the printed precision; "
        "'explorer reproduce NAME' explains one paper or entry"
    )
    return "\n".join(lines)


def _detail(results: list[Any], papers: dict[str, Any]) -> str:
    from explorer.render import count_table

    paper = papers[results[0].entry.paper]
    lines = [paper.title, paper.citation, ""]
    for r in results:
        lines += [
            f"== {r.entry.name}: {r.entry.what}",
            f"reported {r.reported}; computed {r.computed:,} ({r.relative_error * 100:+.2f}%); "
            f"matches at the printed precision (+-{r.tolerance:,}): {_verdict(r)}",
        ]
        if r.detail:
            lines.append(r.detail)
        if r.entry.note:
            lines.append(r.entry.note)
        if r.count is not None:
            lines += ["", count_table(r.count)]
        lines.append("")
    return "\n".join(lines).rstrip()
