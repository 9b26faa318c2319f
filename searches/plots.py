"""Pictures of sweeps and searches, drawn with matplotlib's Agg canvas (no pyplot state,
no display needed). Data in, PNG bytes out; :class:`searches.outputs.Outputs` writes them.

A sweep is drawn by its sizes (:func:`draw_sweep`: width against depth, the count against
the width) or, given the forward FLOPs of its rows, as parameters against FLOPs
(:func:`draw_compute`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from searches._optional import require
from searches.design_sweep import SweepRow
from searches.results import SearchResult

__all__ = [
    "MAX_STRUCTURES",
    "MAX_STYLES",
    "PLOT_AXES",
    "SweepPoints",
    "draw_compute",
    "draw_search",
    "draw_sweep",
    "evenly",
    "line_style",
    "short_number",
]

#: What a sweep plot draws: ``sizes`` (width vs depth, count vs width) or ``params,flops``
#: (parameters vs forward FLOPs of one sequence).
PLOT_AXES = ("sizes", "params,flops")

#: Structures (colours) drawn at most; beyond, evenly chosen ones, with a note.
MAX_STRUCTURES = 10
#: Depths or budgets (line styles) drawn at most per structure; beyond, evenly chosen
#: ones, the same for every structure, with a note.
MAX_STYLES = 6
_COLOURS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
)  # matplotlib's tab10, reordered so that neighbours contrast
_LINE_STYLES: tuple[Any, ...] = ("-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 3)))
_MARKERS = ("o", "s", "^", "D", "v", "P")


def line_style(structure: int, variant: int) -> dict[str, Any]:
    """The colour of the ``structure``-th structure and the dash and marker of its
    ``variant``-th depth (or budget): colours tell structures apart, styles depths.

    Example:
        >>> line_style(0, 0), line_style(1, 2)["linestyle"]
        ({'color': '#1f77b4', 'linestyle': '-', 'marker': 'o'}, ':')
        >>> len({tuple(map(str, line_style(i, j).values())) for i in range(10) for j in range(6)})
        60
    """
    return {
        "color": _COLOURS[structure % len(_COLOURS)],
        "linestyle": _LINE_STYLES[variant % len(_LINE_STYLES)],
        "marker": _MARKERS[variant % len(_MARKERS)],
    }


@dataclass
class SweepPoints:
    """What the sweep plot needs of each row (a few ints per row, not the rows): per
    structure, (depth, width) per budget, (width, total) and (parameters, forward FLOPs)
    per depth; the axes' names and the totals' unit."""

    lines: dict[tuple[str, int], list[tuple[int, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    curves: dict[tuple[str, int], list[tuple[int, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    compute: dict[tuple[str, int], list[tuple[int, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    width: str = ""
    depth: str = ""
    unit: str = "parameters"

    def add(self, row: SweepRow) -> None:
        """Keep (depth, width) per budget, (width, total) and (parameters, FLOPs) per
        depth."""
        import explorer

        family = explorer.FAMILIES[row.family]
        sizes = row.sizes
        value = sizes[family.width]
        width = max(value) if isinstance(value, list) else int(value)
        depth = int(sizes.get(family.depth, 1))
        label = row.label or row.family
        self.width = _joined(self.width, family.width)
        self.depth = _joined(self.depth, family.depth)
        self.unit = row.unit
        self.lines[(label, row.budget)].append((depth, width))
        self.curves[(label, depth)].append((width, row.total))
        if row.flops is not None:
            self.compute[(label, depth)].append((row.parameters, row.flops))


def _joined(seen: str, name: str) -> str:
    """The axis name: one keyword, or several joined (``cells / d_model``)."""
    names = [n for n in seen.split(" / ") if n]
    return " / ".join(names if name in names else [*names, name])


def _order(key: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(0 if part is None else part for part in key)


def evenly(items: Iterable[Any], limit: int) -> list[Any]:
    """At most ``limit`` of ``items``, evenly spaced, the first and last included.

    Example:
        >>> evenly(range(10), 4)
        [0, 3, 6, 9]
    """
    chosen = list(items)
    if len(chosen) <= limit:
        return chosen
    step = (len(chosen) - 1) / (limit - 1)
    return [chosen[round(i * step)] for i in range(limit)]


@dataclass(frozen=True)
class _Selection:
    """Which structures and variants (depths or budgets) a panel draws, and a note
    naming what it leaves out."""

    structures: list[str]
    variants: list[Any]
    note: str


def _select(keys: Sequence[tuple[str, Any]], what: str) -> _Selection:
    structures = sorted({k[0] for k in keys})
    variants = sorted({k[1] for k in keys}, key=lambda v: (v is None, v or 0))
    shown_structures = evenly(structures, MAX_STRUCTURES)
    shown_variants = evenly(variants, MAX_STYLES)
    left = []
    if len(shown_structures) < len(structures):
        left.append(f"{len(shown_structures)} of {len(structures)} structures")
    if len(shown_variants) < len(variants):
        left.append(f"{len(shown_variants)} of {len(variants)} {what}, evenly spaced")
    note = (
        "showing " + " and ".join(left) + " (more lines cannot be told apart); "
        "--save FILE.csv has every row"
        if left
        else ""
    )
    return _Selection(shown_structures, shown_variants, note)


def _figure(panels: int) -> tuple[Any, list[Any]]:
    require("matplotlib", feature="--plot", extra="plot")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.0 * panels + 2.5, 5.0), layout="constrained")
    FigureCanvasAgg(figure)
    axes = [figure.add_subplot(1, panels, i + 1) for i in range(panels)]
    return figure, axes


def _log_axis(axis: Any) -> None:
    """A log axis with labels at 1, 2 and 5 of each decade (a narrow range has some)."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda value, _: short_number(value)))
    axis.set_minor_formatter(NullFormatter())


def short_number(value: float) -> str:
    """``2k``, ``5M``, ``1.5G``: a tick label.

    Example:
        >>> short_number(2000), short_number(5e6), short_number(1.5e9), short_number(20)
        ('2k', '5M', '1.5G', '20')
    """
    for size, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def _handles(selection: _Selection, name: str) -> list[Any]:
    """Legend entries: a colour per structure, a black line per variant's style."""
    from matplotlib.lines import Line2D

    colours = [
        Line2D([], [], color=line_style(i, 0)["color"], lw=2.5, label=label)
        for i, label in enumerate(selection.structures)
    ]
    styles = [
        Line2D([], [], **{**line_style(0, j), "color": "black"}, label=f"{name}{v:,}")
        for j, v in enumerate(selection.variants)
    ]
    return [*colours, *styles]


def _title(figure: Any, title: str, notes: list[str]) -> None:
    shown = [n for n in dict.fromkeys(notes) if n]
    figure.suptitle(title + "".join(f"\n{n}" for n in shown), fontsize="medium")


def draw_sweep(points: SweepPoints, handle: IO[bytes], *, title: str) -> None:
    """Left: the width against the depth, one line per structure and budget. Right: the
    count against the width (count vs size curves), one curve per structure and depth.
    Colours tell structures apart, line styles budgets (left) and depths (right); beyond
    :data:`MAX_STRUCTURES` and :data:`MAX_STYLES`, evenly chosen ones are drawn (the same
    for every structure) and the figure says so. Legends sit outside the axes."""
    figure, (left, right) = _figure(2)
    width, depth = points.width or "width", points.depth or "depth"
    by_budget = _select(list(points.lines), "budgets")
    for i, label in enumerate(by_budget.structures):
        for j, budget in enumerate(by_budget.variants):
            xy = sorted(points.lines.get((label, budget), ()))
            if xy:
                left.plot(
                    *zip(*xy), **line_style(i, j), markersize=4, label=f"{label} @ {budget:,}"
                )
    left.set(xlabel=depth, ylabel=width, title=f"{width} at each budget")
    by_depth = _select(list(points.curves), "depths")
    for i, label in enumerate(by_depth.structures):
        for j, layers in enumerate(by_depth.variants):
            xy = sorted(points.curves.get((label, layers), ()))
            if xy:
                right.plot(
                    *zip(*xy), **line_style(i, j), markersize=3, label=f"{label} {depth}={layers}"
                )
    right.set(xlabel=width, ylabel=points.unit, title="count vs size")
    right.set_xscale("log")
    right.set_yscale("log")
    _log_axis(right.xaxis)
    _log_axis(right.yaxis)
    if by_budget.structures:
        left.legend(
            handles=_handles(by_budget, "budget "),
            fontsize="x-small",
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            borderaxespad=0.0,
        )
        right.legend(
            handles=_handles(by_depth, f"{depth}=")[len(by_depth.structures) :],
            fontsize="x-small",
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            borderaxespad=0.0,
        )
    _title(figure, title, [by_budget.note, by_depth.note])
    figure.savefig(handle, format="png", dpi=110)


def draw_compute(points: SweepPoints, handle: IO[bytes], *, title: str, seq: int) -> None:
    """Parameters against the forward FLOPs of one ``seq``-token sequence, one curve per
    structure and depth (its designs at each budget; the same depths for every
    structure), with the line ``2 x parameters x seq`` (every parameter in one
    multiply-accumulate per token) for reference."""
    from matplotlib.lines import Line2D

    figure, (axes,) = _figure(1)
    depth = points.depth or "depth"
    chosen = _select(list(points.compute), "depths")
    low, high = None, None
    for i, label in enumerate(chosen.structures):
        for j, layers in enumerate(chosen.variants):
            xy = sorted(points.compute.get((label, layers), ()))
            if not xy:
                continue
            axes.plot(
                *zip(*xy), **line_style(i, j), markersize=4, label=f"{label} {depth}={layers}"
            )
            low = xy[0][0] if low is None else min(low, xy[0][0])
            high = xy[-1][0] if high is None else max(high, xy[-1][0])
    handles = _handles(chosen, f"{depth}=")
    if low is not None and high is not None:
        reference = f"2 x parameters x {seq}"
        axes.plot(
            [low, high],
            [2 * low * seq, 2 * high * seq],
            color="grey",
            ls="--",
            lw=1,
            label=reference,
        )
        handles.append(Line2D([], [], color="grey", ls="--", lw=1, label=reference))
    axes.set(
        xlabel="parameters",
        ylabel=f"forward FLOPs of one {seq}-token sequence",
        title="parameters vs FLOPs",
    )
    axes.set_xscale("log")
    axes.set_yscale("log")
    _log_axis(axes.xaxis)
    _log_axis(axes.yaxis)
    if chosen.structures:
        axes.legend(
            handles=handles,
            fontsize="x-small",
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            borderaxespad=0.0,
        )
    _title(figure, title, [chosen.note])
    figure.savefig(handle, format="png", dpi=110)


def draw_search(result: SearchResult, handle: IO[bytes]) -> None:
    """One objective: its value per trial (on-budget filled, off-budget hollow) and the
    running best. Two or more: the first two values against each other, the Pareto front
    joined."""
    figure, (axes,) = _figure(1)
    names = result.objectives
    best = {t.number for t in result.best}
    families = sorted({t.family or "" for t in result.trials})
    colours = {f: line_style(i, 0)["color"] for i, f in enumerate(families)}
    for family in families:
        rows = [t for t in result.trials if t.family == family and t.values is not None]
        for on_budget in (True, False):
            chosen = [t for t in rows if t.design is not None and t.design.on_budget == on_budget]
            if not chosen:
                continue
            xs = [t.number for t in chosen] if len(names) == 1 else [t.values[0] for t in chosen]  # type: ignore[index]
            ys = [t.values[0] for t in chosen] if len(names) == 1 else [t.values[1] for t in chosen]  # type: ignore[index]
            axes.scatter(
                xs,
                ys,
                s=18,
                facecolors=colours[family] if on_budget else "none",
                edgecolors=colours[family],
                label=family + ("" if on_budget else " (off budget)"),
            )
    front = sorted((t for t in result.trials if t.number in best), key=lambda t: t.values or ())
    if len(names) == 1:
        running = _running_best(result)
        if running:
            axes.step(*zip(*running), where="post", color="black", lw=1, label="best so far")
        axes.set(xlabel="trial", ylabel=names[0])
    elif front:
        axes.plot(
            [t.values[0] for t in front],  # type: ignore[index]
            [t.values[1] for t in front],  # type: ignore[index]
            color="black",
            lw=1,
            marker="x",
            label="Pareto front",
        )
        axes.set(xlabel=names[0], ylabel=names[1])
    axes.set_title(f"{result.kind} search at {result.budget:,} {result.unit}")
    if result.trials:
        axes.legend(fontsize="x-small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    figure.savefig(handle, format="png", dpi=110)


def _running_best(result: SearchResult) -> list[tuple[int, float]]:
    sign = 1.0 if result.directions[0] == "minimize" else -1.0
    best: float | None = None
    points = []
    for trial in result.trials:
        if trial.values is None or trial.design is None or not trial.design.on_budget:
            continue
        value = trial.values[0]
        if best is None or sign * value < sign * best:
            best = value
        points.append((trial.number, best))
    return points
