"""Your own objectives for ``explorer search``: plain functions of a solved design.

Run from the source tree:

    explorer search --budget 6.5M --arch lstm,gru --layers 1..6 \
        --objective examples/objective.py:latency
    explorer search --budget 6.5M --arch lstm,gru --layers 1..6 \
        --objective examples/objective.py:latency_and_width --direction min,max

Each function receives a :class:`searches.design.Design`, already solved onto the budget
(every candidate the search shows it has about the budget's parameters), and returns a
number, minimised unless ``--direction max`` says otherwise, or a list of numbers with one
``--direction`` per value. What a design offers:

- ``design.family``: ``"lstm"``, ``"gru"``, ``"llama"`` ... (any registered family);
- ``design.sizes``: the keywords ``explorer.count`` takes (``cells``, ``layers``,
  ``input``, ``output``, ``proj``, ``bidirectional``, ``convention``);
- ``design.total`` (what the budget counts: parameters, or FLOPs or bytes with
  ``--budget-flops``/``--budget-bytes``; ``design.unit`` says which), ``design.parameters``
  (its exact parameter count), ``design.budget``, ``design.relative_error``,
  ``design.on_budget``;
- ``design.depth`` (layers), ``design.width`` (cells, d_model: the size the solver fills in);
- ``design.macs``, ``design.flops``, ``design.training_flops``: the compute of one sequence
  of ``design.seq`` tokens (time steps; ``--seq T``, default 1), the matrix products as
  torch's ``FlopCounterMode`` counts them;
- ``design.count``: the :class:`explorer.Count` (``.weights``, ``.biases``, ``.terms``).

Raise an exception to report a problem: the search stops with one line naming it.
Run this file directly to see the objectives on a few designs.
"""

from __future__ import annotations

from searches.design import Design

#: A made-up cost model (1 TMAC/s): a layer waits for the one below it, so depth costs
#: time even when the multiply-accumulates are the same.
SECONDS_PER_MAC = 1e-12
SECONDS_PER_LAYER = 2e-6


def latency(design: Design) -> float:
    """Estimated seconds per sequence: the work, plus a fixed cost per sequential layer
    and time step."""
    directions = 2 if design.sizes.get("bidirectional") else 1
    steps = design.seq * design.depth * directions
    return design.macs * SECONDS_PER_MAC + steps * SECONDS_PER_LAYER


def latency_and_width(design: Design) -> list[float]:
    """Two values for a Pareto front: the latency (minimise) and the cells per layer
    (maximise): give ``--direction min,max``."""
    return [latency(design), float(design.width)]


def bias_share(design: Design) -> float:
    """The share of the parameters that are biases (from the exact count's terms)."""
    count = design.count
    return count.biases / count.total


if __name__ == "__main__":
    import explorer

    for family in ("lstm", "gru"):
        for layers in (1, 3):
            solution = explorer.solve(family, budget="6.5M", layers=layers, input=39, output=34)
            design = Design.from_solution(solution)
            print(
                f"{family} x{layers}: cells {design.width}, total {design.total:,}, "
                f"latency {latency(design) * 1e6:.2f} us, biases {bias_share(design):.2%}"
            )
