"""Pictures of sweeps and searches, drawn with matplotlib's Agg canvas (no pyplot state,
no display needed). Data in, PNG bytes out; :class:`searches._files.Outputs` writes them.

A sweep is drawn by its sizes (:func:`draw_sweep`: width against depth, the count against
the width) or, given the forward FLOPs of its rows, as parameters against FLOPs
(:func:`draw_compute`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from searches._optional import require
from searches.results import SearchResult
from searches.sweep import SweepRow

__all__ = ["PLOT_AXES", "SweepPoints", "draw_compute", "draw_search", "draw_sweep", "line_style"]

#: What a sweep plot draws: ``sizes`` (width vs depth, count vs width) or ``params,flops``
#: (parameters vs forward FLOPs of one sequence).
PLOT_AXES = ("sizes", "params,flops")

_MAX_LINES = 8  # per panel: more budgets or depths than this are thinned evenly
_COLOURS = 10  # matplotlib's default cycle, C0 ... C9
_LINE_STYLES = ("-", "--", ":", "-.")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X")


def line_style(index: int) -> dict[str, Any]:
    """The ``index``-th line's colour, line style and marker: distinct for the first
    280 lines (the colours repeat after 10, with another dash pattern and marker).

    Example:
        >>> [tuple(line_style(i).values()) for i in (0, 1, 10)]
        [('C0', '-', 'o'), ('C1', '-', 's'), ('C0', '--', 'D')]
        >>> len({tuple(line_style(i).values()) for i in range(280)})
        280
    """
    return {
        "color": f"C{index % _COLOURS}",
        "linestyle": _LINE_STYLES[(index // _COLOURS) % len(_LINE_STYLES)],
        "marker": _MARKERS[index % len(_MARKERS)],
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


def _thin(keys: Sequence[Any], limit: int) -> list[Any]:
    if len(keys) <= limit:
        return list(keys)
    step = (len(keys) - 1) / (limit - 1)
    return [keys[round(i * step)] for i in range(limit)]


def _figure(panels: int) -> tuple[Any, list[Any]]:
    require("matplotlib", feature="--plot", extra="plot")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.0 * panels, 4.5), layout="constrained")
    FigureCanvasAgg(figure)
    axes = [figure.add_subplot(1, panels, i + 1) for i in range(panels)]
    return figure, axes


def draw_sweep(points: SweepPoints, handle: IO[bytes], *, title: str) -> None:
    """Left: the width against the depth, one line per structure and budget. Right: the
    count against the width (count vs size curves), one curve per structure and depth."""
    figure, (left, right) = _figure(2)
    for index, key in enumerate(_thin(sorted(points.lines, key=_order), _MAX_LINES * 2)):
        label, budget = key
        xy = sorted(points.lines[key])
        left.plot(*zip(*xy), **line_style(index), markersize=4, label=f"{label} @ {budget:,}")
    width, depth = points.width or "width", points.depth or "depth"
    left.set(xlabel=depth, ylabel=width, title=f"{width} at each budget")
    if points.lines:
        left.legend(fontsize="x-small")
    for index, key in enumerate(_thin(sorted(points.curves, key=_order), _MAX_LINES * 2)):
        label, layers = key
        xy = sorted(points.curves[key])
        right.plot(*zip(*xy), **line_style(index), markersize=3, label=f"{label} {depth}={layers}")
    right.set(xlabel=width, ylabel=points.unit, title="count vs size")
    right.set_xscale("log")
    right.set_yscale("log")
    from matplotlib.ticker import NullFormatter

    right.xaxis.set_minor_formatter(NullFormatter())
    if points.curves:
        right.legend(fontsize="x-small")
    figure.suptitle(title)
    figure.savefig(handle, format="png", dpi=110)


def draw_compute(points: SweepPoints, handle: IO[bytes], *, title: str, seq: int) -> None:
    """Parameters against the forward FLOPs of one ``seq``-token sequence, one curve per
    structure and depth (its designs at each budget), with the line ``2 x parameters x
    seq`` (every parameter in one multiply-accumulate per token) for reference."""
    figure, (axes,) = _figure(1)
    keys = _thin(sorted(points.compute, key=_order), _MAX_LINES * 2)
    low, high = None, None
    for index, key in enumerate(keys):
        label, layers = key
        xy = sorted(points.compute[key])
        axes.plot(
            *zip(*xy),
            **line_style(index),
            markersize=4,
            label=f"{label} {points.depth or 'depth'}={layers}",
        )
        low = xy[0][0] if low is None else min(low, xy[0][0])
        high = xy[-1][0] if high is None else max(high, xy[-1][0])
    if low is not None and high is not None:
        axes.plot(
            [low, high],
            [2 * low * seq, 2 * high * seq],
            color="grey",
            linestyle="--",
            linewidth=1,
            label=f"2 x parameters x {seq}",
        )
        axes.legend(fontsize="x-small")
    axes.set(
        xlabel="parameters",
        ylabel=f"forward FLOPs of one {seq}-token sequence",
        title="parameters vs FLOPs",
    )
    axes.set_xscale("log")
    axes.set_yscale("log")
    figure.suptitle(title)
    figure.savefig(handle, format="png", dpi=110)


def draw_search(result: SearchResult, handle: IO[bytes]) -> None:
    """One objective: its value per trial (on-budget filled, off-budget hollow) and the
    running best. Two or more: the first two values against each other, the Pareto front
    joined."""
    figure, (axes,) = _figure(1)
    names = result.objectives
    best = {t.number for t in result.best}
    families = sorted({t.family or "" for t in result.trials})
    colours = {f: f"C{i}" for i, f in enumerate(families)}
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
        axes.legend(fontsize="x-small")
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
