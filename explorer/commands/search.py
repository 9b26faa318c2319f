"""``explorer search``: a budget-constrained Optuna study (or the plain-Optuna baseline).

Optuna samples the structure (family, depth, directions, projection ratio); the solver
fills in the width, so every trial is on budget: in parameters, FLOPs (``--budget-flops``)
or bytes (``--budget-bytes``). optuna is imported only when this runs.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from explorer.commands.measure_options import (
    add_budget_options,
    add_compute_options,
    add_flop_budget_options,
    add_memory_options,
    budget_measure,
)
from searches import TOGGLES, budget_choices, int_choices, name_list, toggle

#: searches.SAMPLERS and searches.MIN_HEAD_DIM, written out: building the parser imports
#: nothing of the searches (checked by the tests).
SAMPLERS = ("auto", "tpe", "random", "grid")
MIN_HEAD_DIM = 32
#: searches.ASSUMED_SOURCES, written out likewise.
ASSUMED_SOURCES = {
    "input": "from the forum question this project started from (explorer reproduce forum)",
    "output": "from the same forum question",
}

NAME = "search"
HELP = "an Optuna study where every trial is on budget (the solver fills in the width)"
WORKERS_HELP = (
    "local processes on one storage (default 1; at most 4 per CPU). A second one helps as "
    "far as a free core and the trials' own work allow: a trial of the built-in objectives "
    "is mostly Optuna's bookkeeping (sampling, about 16 fsync'd journal appends that the "
    "processes take turns at), so two share one journal file's appends"
)
SEQ_HELP = (
    "tokens per sequence (time steps of a recurrent network): of --budget-flops, of a KV "
    "cache or activations in --budget-bytes, and of the objectives macs, flops and "
    "training_flops (default 1: one token)"
)


def add_budget_arguments(parser: argparse.ArgumentParser, *, help: str, many: bool) -> None:
    """``--budget`` (parameters), ``--budget-flops`` and ``--budget-bytes``, shared by
    ``search`` (one budget each: ``many`` false) and ``sweep`` (one or several)."""
    reader: Any = budget_choices if many else str
    parser.add_argument("--budget", type=reader, help=help)
    add_budget_options(parser, many=many)


def add_measure_arguments(parser: argparse.ArgumentParser) -> None:
    """What the budgets and the compute objectives count: ``--seq``, ``--batch``,
    ``--attention``, ``--per``, ``--pass``, ``--dtype``, ``--training`` ..."""
    add_compute_options(parser, seq_help=SEQ_HELP)
    add_flop_budget_options(parser)
    add_memory_options(parser)


def add_space_options(parser: argparse.ArgumentParser) -> None:
    """The structural choices and fixed sizes shared by ``search`` and ``sweep``, from the
    families' declarations: each family's search choices (``--layers``, ``--bidirectional``
    ...), fixed sizes (``--input``, ``--vocab`` ...) and the free size's bounds."""
    from explorer.commands.options import chosen_families

    families = getattr(parser, "families", ()) or chosen_families(None)
    space = parser.add_argument_group("design space (ranges 1..6, lists lstm,gru)")
    space.add_argument(
        "--arch", type=name_list, default=("lstm",), help="families to choose from (default lstm)"
    )
    choices = {c.name: c for f in families for c in f.search_choices}
    for choice in choices.values():
        who = [f.name for f in families if choice in f.search_choices]
        default = f" (default {choice.default})" if choice.default else " (default: not sampled)"
        text = f"{choice.help}{default}; {', '.join(who)}"
        if choice.kind == "bool":
            space.add_argument(
                choice.option,
                dest=f"choice_{choice.name}",
                type=toggle,
                nargs="?",
                const=(True,),
                metavar="|".join(TOGGLES),
                help=text + " (alone: yes)",
            )
        else:
            space.add_argument(
                choice.option, dest=f"choice_{choice.name}", type=int_choices, help=text
            )
    fixed = parser.add_argument_group("fixed sizes (every design shares them)")
    seen = set(choices)
    for family in families:
        for keyword in family.keywords:
            if not keyword.is_size or keyword.name in seen or not family.applies(keyword):
                continue
            seen.add(keyword.name)
            source = ASSUMED_SOURCES.get(keyword.name, "")
            origin = f"; {source}" if source else ""
            assumed = "" if keyword.assumed is None else f" (default {keyword.assumed}{origin})"
            fixed.add_argument(
                keyword.option,
                dest=f"size_{keyword.name}",
                type=_int,
                help=keyword.meaning + assumed,
            )
    space.add_argument("--convention", help="counting convention (default: the family's)")
    space.add_argument(
        "--mode", default="nearest", choices=("nearest", "under", "over"), help="side of the budget"
    )
    widths = sorted({f.free_order[0] for f in families})
    space.add_argument("--multiple-of", type=_int, default=1, help="the free size a multiple of N")
    space.add_argument("--min", type=_int, help=f"smallest free size ({', '.join(widths)})")
    space.add_argument("--max", type=_int, help=f"largest free size ({', '.join(widths)})")
    if any(k.name == "heads" for f in families for k in f.keywords):
        space.add_argument(
            "--min-head-dim",
            type=_int,
            default=MIN_HEAD_DIM,
            help=f"narrowest attention head a design may have, d_model / heads or its "
            f"head_dim (default {MIN_HEAD_DIM}; 1 allows any)",
        )
    for width in widths:  # the same bounds under the width's own name: --min-cells
        name = width.replace("_", "-")
        space.add_argument(f"--min-{name}", dest="min", type=_int, help=argparse.SUPPRESS)
        space.add_argument(f"--max-{name}", dest="max", type=_int, help=argparse.SUPPRESS)


class _Once(argparse.Action):
    """An option given at most once (a second ``--plot`` silently winning lost the first)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        if getattr(namespace, self.dest, None) is not None:
            parser.error(f"{option_string} given twice; give it once")
        setattr(namespace, self.dest, values)


def add_output_options(
    parser: argparse.ArgumentParser, *, top: int, seed: str = "random seed, for reproducible runs"
) -> None:
    """``--seed``, ``--plot``, ``--json``, ``--top``, ``--no-progress``."""
    parser.add_argument("--seed", type=_seed, help=f"{seed} (0 .. 2**32 - 1)")
    parser.add_argument("--plot", metavar="FILE.png", action=_Once, help="write a picture")
    parser.add_argument(
        "--top", type=_positive, default=top, help=f"rows shown (default {top}; at least 1)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress (default: a bar on a terminal, a line every few seconds elsewhere)",
    )


def _int(text: str) -> int:
    try:
        return int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None


def _positive(text: str) -> int:
    value = _int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _seed(text: str) -> int:
    value = _int(text)
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"must be 0 .. 2**32 - 1 (4,294,967,295), got {value:,}")
    return value


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None


OBJECTIVE_HELP = """\
the default objective, aspect: among the designs that meet the budget, the one whose
width / depth (d_model / layers, cells / layers) is nearest --target-ratio (64): a budget
fixes the size, and Kaplan et al. 2020 (Scaling Laws for Neural Language Models, fig. 5)
found the loss at a fixed size changes only a few percent over a wide band of shapes,
64 inside it. aspect = |ln((width / depth) / 64)|, 0 for a design exactly on the ratio.
"on budget" means within one step of the solved width: no integer width lands closer.

your own objective (--objective FILE.py:NAME or MODULE:NAME):
  def score(design):  # a searches.design.Design, already solved onto the budget
      return design.macs / design.depth  # a number; minimised unless --direction max
  A design has .family ('lstm', 'llama' ...), .sizes (the keywords explorer.count takes,
  the convention included), .width (cells, d_model: the size the solver fills in),
  .depth (layers), .total (what the budget counts: parameters, FLOPs or bytes) and
  .unit, .parameters (its exact parameter count), .budget, .relative_error, .on_budget,
  .macs, .flops, .training_flops (one sequence of --seq tokens, default 1, as torch's
  FlopCounterMode counts them) and .count (the explorer.Count: .weights, .biases, .terms).
  Return a list of numbers for several values, with one --direction per value; raise an
  exception to report a problem (one line, exit status 2). A complete example file:
  examples/objective.py in the source tree.

budgets in FLOPs or bytes: --budget-flops 2e12 --seq 2048 solves every design onto the
FLOPs of one 2048-token forward pass (--per token, --pass training); --budget-bytes 80GB
--training adam --dtype bf16 onto its memory. Each trial then shows its FLOPs or bytes
and its parameters.

--trials is the study's target: a resumed study runs only the missing trials, and every
process sharing one --storage and --study-name stops once the study holds exactly that
many distinct designs. No design is evaluated twice: a proposal of one the study holds is
skipped. --sampler auto (default) evaluates every design when the space holds at most
1,000 (about a second: the exact optimum), and uses TPE otherwise. Ctrl-C stops between
two trials; a study in --storage keeps what it finished (run the same command again to
resume). A process that dies, here or on another machine, leaves its trial to Optuna's
heartbeats: failed and retried once --grace-period seconds pass without one."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Budget, design space, objectives, trials, storage and workers."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = OBJECTIVE_HELP
    add_budget_arguments(parser, help="parameters: 6.5e6, 6.5M, 21M (one budget)", many=False)
    add_space_options(parser)
    add_measure_arguments(parser)
    goal = parser.add_argument_group("objectives")
    goal.add_argument(
        "--objective",
        default="aspect",
        help="aspect (default: the width/depth nearest --target-ratio, see below), macs "
        "(multiply-accumulates of one forward pass of --seq tokens), flops, training_flops, "
        "depth, error, or your own FILE.py:NAME or MODULE:NAME (a function of a "
        "searches.design.Design returning a number: see below); several separated by "
        "commas give a Pareto front",
    )
    goal.add_argument(
        "--direction", type=name_list, help="minimize/maximize, one per value (overrides)"
    )
    goal.add_argument(
        "--target-ratio", type=_float, default=64.0, help="aspect: target width / depth (64)"
    )
    run = parser.add_argument_group("study")
    run.add_argument(
        "--trials",
        type=_int,
        default=100,
        help="finished trials the study should hold, counting those of every process "
        "sharing it and of earlier runs (default 100)",
    )
    run.add_argument(
        "--baseline",
        action="store_true",
        help="plain Optuna over raw sizes, the budget a soft constraint (for comparison)",
    )
    run.add_argument(
        "--storage",
        help="journal file (search.log), sqlite:///search.db or postgresql://...; "
        "default in memory",
    )
    run.add_argument("--study-name", help="resume or share this study (default from the options)")
    run.add_argument("--workers", type=_int, default=1, help=WORKERS_HELP)
    run.add_argument(
        "--sampler",
        choices=SAMPLERS,
        default="auto",
        help="Optuna's sampler: auto (default: every design of a space of at most 1,000, "
        "the exact optimum; TPE otherwise), tpe, random, or grid (every design once, "
        "Optuna's BruteForceSampler)",
    )
    add_grace_option(run)
    add_output_options(parser, top=10)


def add_grace_option(group: Any) -> None:
    """``--grace-period``: when a stored trial's process counts as dead."""
    group.add_argument(
        "--grace-period",
        type=_int,
        metavar="SECONDS",
        help="a stored trial whose process sent no heartbeat for this long (it died, here "
        "or on another machine) is failed and its design retried (default 20; 2 to 604,800, "
        "a week). A run whose target the trials in flight would meet waits for them, as "
        "long as this for a dead one",
    )


def space_from(args: argparse.Namespace, measure: Any = None) -> Any:
    """The :class:`searches.Space` of the command line, its budgets counted by
    ``measure`` (``None``: parameters)."""
    from searches import make_space

    given = {
        name.partition("_")[2]: value
        for name, value in vars(args).items()
        if name.startswith(("choice_", "size_")) and value is not None
    }
    attention = getattr(args, "attention", None)
    return make_space(
        families=args.arch,
        convention=args.convention,
        mode=args.mode,
        multiple_of=args.multiple_of,
        minimum=args.min,
        maximum=args.max,
        measure=measure,
        seq=getattr(args, "seq", None),
        decoder_seq=getattr(args, "decoder_seq", None),
        compute=None if attention is None else "causal" if attention == "causal" else "torch",
        min_head_dim=getattr(args, "min_head_dim", MIN_HEAD_DIM),
        **given,
    )


def progress_wanted(args: argparse.Namespace) -> bool:
    """Progress unless --no-progress: a bar on a terminal, a line every few seconds
    elsewhere (logs, CI, nohup)."""
    return not args.no_progress


def run(args: argparse.Namespace) -> str:
    """Run the study; the best design first, or ``--json``."""
    try:
        return _run(args)
    except KeyboardInterrupt:  # outside the study (which says what it kept)
        from searches import SearchInterruptedError

        raise SearchInterruptedError("interrupted; no file was written") from None


def _run(args: argparse.Namespace) -> str:
    from searches import Outputs, baseline, check_workers, require, search, search_text

    require("optuna", feature="explorer search")
    measure, budget = budget_measure(args, command="search", objectives=True)
    if isinstance(budget, str) and ("," in budget or ".." in budget):
        from explorer.errors import BudgetError

        raise BudgetError(
            f"search takes one budget, got {budget!r}; sweep several with 'explorer sweep'"
        )
    check_workers(args.workers)
    space = space_from(args, measure)
    if args.plot:
        require("matplotlib", feature="--plot", extra="plot")
    with Outputs() as outputs:  # opened before the study: a bad path costs no trials
        picture = outputs.picture(args.plot) if args.plot else None
        runner = baseline if args.baseline else search
        result = runner(
            space,
            budget=budget,
            objectives=args.objective,
            directions=args.direction,
            target_ratio=args.target_ratio,
            trials=args.trials,
            seed=args.seed,
            storage=args.storage,
            study_name=args.study_name,
            workers=args.workers,
            progress=progress_wanted(args),
            sampler=args.sampler,
            grace_period=args.grace_period,
        )
        if picture is not None:
            from searches import draw_search

            picture.draw(lambda handle: draw_search(result, handle))
    if args.json:
        data = result.to_json()
        data["plot"] = args.plot
        return json.dumps(data)
    text = search_text(result, top=args.top)
    return text + (f"\nwrote: {args.plot}" if args.plot else "")
