"""Stacks of recurrent layers: the composition shared by rnn, lstm, lstmp and gru.

A layer is its family's layer blocks (a gate set, a recurrent and a non-recurrent
projection, peepholes, a skip connection from the network input; each present where the
family and convention have it). Layers stack (optionally bidirectional, the two directions
merged by concatenation, sum, product or average), optionally behind an embedding and in
front of an output layer. The walk over the layers is here; what each block holds and
computes is in its module (:mod:`explorer.recurrent.blocks`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from explorer.algebra import GROUPED, Slot
from explorer.conventions import Convention, RecurrentConvention
from explorer.errors import ConflictError, InvalidSizeError, UnknownNameError, named, typed
from explorer.families import Family, Keyword, SearchChoice
from explorer.recurrent._keywords import KEYWORDS, MERGES
from explorer.recurrent._layer import Layer, LayerBlock, Place
from explorer.recurrent._structure import ABSENT, PER_LAYER, UNIFORM, RecurrentStructure
from explorer.recurrent.blocks import GATED_LAYER
from explorer.sizes import flag, non_negative_int, positive_int, size_or_list

if TYPE_CHECKING:
    import sympy

    from explorer.algebra import Term

__all__ = ["RecurrentFamily"]

_BY_NAME = {k.name: k for k in KEYWORDS}
_ORDER = tuple(k.name for k in KEYWORDS)
_CHOICES = (
    SearchChoice("layers", "depths", "int", "layers", "1..4"),
    SearchChoice("bidirectional", "directions", "bool", "bidirectional", "no"),
)
_PROJECTION_RATIO = SearchChoice(
    "proj_ratio",
    "projection = cells // ratio, ratios to choose from",
    "ratio",
    "proj",
    "4",
    minimum=2,
)

_PLAIN_EXAMPLES: tuple[dict[str, Any], ...] = (
    {},
    {"output": 34},
    {"layers": 4, "output": 34},
    {"layers": 3, "bidirectional": True, "output": 10},
    {"layers": 2, "bidirectional": True, "merge": "sum"},
    {"layers": 3, "skip": True, "output": 7},
    {"layers": 3, "skip": True, "bidirectional": True, "output": 7},
    {"layers": 2, "vocab": 1000, "output": 1000},
    {"layers": 3, "cells": [64, 48, 32], "output": 5},
    {"layers": 2, "bias": "none"},
    {"layers": 2, "bias": "single"},
)
_PROJECTED_EXAMPLES: tuple[dict[str, Any], ...] = (
    {"layers": 2, "proj": 16},
    {"layers": 3, "proj": 16, "nonrec_proj": 8, "output": 9},
    {"layers": 3, "cells": [64, 48, 32], "proj": [20, 16, 12]},
    {"layers": 2, "proj": 16, "bidirectional": True, "skip": True},
)


@dataclass(frozen=True, repr=False)
class RecurrentFamily(Family):
    """A recurrent family described by data: its gates and what its cells support.

    Example:
        >>> from explorer.families import FAMILIES
        >>> FAMILIES["gru"].gates
        ('r', 'z', 'n')
    """

    name: str
    description: str
    gates: tuple[str, ...]
    supports_projection: bool = False
    requires_projection: bool = False
    supports_peepholes: bool = False
    has_reset_gate: bool = False
    #: The ``torch.nn`` class that builds these cells (``"LSTM"``); empty: none does.
    torch_module: str = ""
    #: The blocks of every layer, in the order their terms are listed.
    blocks: tuple[LayerBlock, ...] = GATED_LAYER
    kind: str = "recurrent"
    default_convention: str = "pytorch"
    keywords: tuple[Keyword, ...] = KEYWORDS
    width: str = "cells"
    depth: str = "layers"

    @property
    def free_order(self) -> tuple[str, ...]:  # type: ignore[override]
        """Cells, or the projection of a family that needs one when the cells are given."""
        return ("cells", "proj") if self.requires_projection else ("cells",)

    @property
    def examples(self) -> tuple[dict[str, Any], ...]:  # type: ignore[override]
        """Designs that cover the options this family supports."""
        base = {"input": 39, "cells": 64}
        plain = () if self.requires_projection else _PLAIN_EXAMPLES
        if self.has_reset_gate:  # one bias vector needs the original form
            plain = tuple(
                {**e, "reset_after": False} if e.get("bias") == "single" else e for e in plain
            )
        projected = _PROJECTED_EXAMPLES if self.supports_projection else ()
        return tuple({**base, **example} for example in (*plain, *projected))

    @property
    def search_choices(self) -> tuple[SearchChoice, ...]:  # type: ignore[override]
        """Depth and directions; the projection ratio for a family that needs one."""
        return (*_CHOICES, _PROJECTION_RATIO) if self.requires_projection else _CHOICES

    def applies(self, keyword: Keyword) -> bool:
        """Projections only where the cells support them."""
        if keyword.name in ("proj", "nonrec_proj"):
            return self.supports_projection
        return True

    # -- sizes -> structure ------------------------------------------------------------
    def parse(
        self,
        sizes: Mapping[str, Any],
        convention: Convention,
        *,
        explicit: Mapping[str, object],
        symbolic: bool,
    ) -> tuple[RecurrentStructure, dict[str, Any]]:
        if not isinstance(convention, RecurrentConvention):  # resolved for our kind above
            raise ConflictError(f"{convention.name} is not a recurrent convention")
        for key in sizes:
            if key not in _BY_NAME:
                raise UnknownNameError.for_name("size or option", key, _ORDER)
        self._check_flags(explicit, convention)
        bidirectional = flag("bidirectional", sizes.get("bidirectional"))
        tied = flag("tied", sizes.get("tied"))
        merge = sizes.get("merge")
        if merge is None:
            merge = "concat"
        elif merge not in MERGES:
            raise UnknownNameError.for_name("merge", merge, MERGES)
        elif merge != "concat" and not bidirectional:
            raise ConflictError(
                f"{typed('merge', merge)} needs bidirectional; add {typed('bidirectional', True)}"
            )

        values: dict[str, Any] = {
            "input": _required(sizes, "input", symbolic, positive_int),
            "cells": _required(sizes, "cells", symbolic, size_or_list),
        }
        for key in ("output", "vocab"):
            values[key] = _optional(sizes, key, symbolic, non_negative_int)
        for key in ("proj", "nonrec_proj"):
            values[key] = _optional(
                sizes, key, symbolic, lambda n, v: size_or_list(n, v, allow_zero=True)
            )

        layers = self._layers(sizes, values, symbolic)
        values["layers"] = layers
        proj_mode = _mode(values["proj"])
        nonrec_mode = _mode(values["nonrec_proj"])
        self._check_projections(proj_mode, nonrec_mode, values, convention)

        has_vocab = values["vocab"] != 0
        if tied:
            if not has_vocab:
                raise ConflictError(
                    f"tied needs a vocabulary ({typed('vocab')}) to share the embedding"
                )
            if values["output"] not in (0, None, True) and values["output"] != values["vocab"]:
                raise ConflictError(
                    f"tied needs output == vocab, got output={values['output']} and "
                    f"vocab={values['vocab']}; drop {named('output')} or make them equal"
                )
            values["output"] = values["vocab"]
        has_output = values["output"] != 0

        structure = RecurrentStructure(
            family=self.name,
            bias=convention.bias,
            peepholes=convention.peepholes and self.supports_peepholes,
            skip=convention.skip,
            output_bias=convention.output_bias and has_output,
            reset_after=convention.reset_after and self.has_reset_gate,
            layers=layers,
            cells=_mode(values["cells"]),
            proj=proj_mode,
            nonrec=nonrec_mode,
            bidirectional=bidirectional,
            merge=merge,
            output=has_output,
            vocab=has_vocab,
            tied=tied,
        )
        if tied:
            self._check_tied_width(structure, values)
        for key in ("output", "vocab", "proj", "nonrec_proj"):
            if values[key] is True:
                values[key] = None  # present, left as a symbol
        return structure, values

    def _check_flags(self, explicit: Mapping[str, object], convention: RecurrentConvention) -> None:
        if self.has_reset_gate and explicit.get("bias") == "single" and convention.reset_after:
            # Keras's GRU(reset_after=True) keeps a (2, 3n) bias: two vectors, whatever
            # `single` says; counting one would match no implementation (issue 12).
            raise ConflictError(
                f"{typed('bias', 'single')} asks for one bias vector, but the {self.name}'s "
                f"reset_after form keeps two (input and recurrent, as Keras's (2, 3n) bias); "
                f"add {typed('reset_after', False)} for one vector, or give "
                f"{typed('bias', 'double')}"
            )
        if explicit.get("peepholes") and not self.supports_peepholes:
            raise ConflictError(f"peepholes apply to LSTM cells, not to {self.name}")
        if explicit.get("reset_after") is not None and not self.has_reset_gate:
            raise ConflictError(f"reset_after applies to gru, not to {self.name}")

    def _layers(
        self, sizes: Mapping[str, Any], values: dict[str, Any], symbolic: bool
    ) -> int | None:
        given = sizes.get("layers")
        lists = {
            k: len(v) for k in ("cells", "proj", "nonrec_proj") if isinstance(v := values[k], list)
        }
        if given is None or (given is True and symbolic):
            if lists:
                given = next(iter(lists.values()))
            elif symbolic:
                return None
            else:
                given = 1
        layers = positive_int("layers", given)
        for key, length in lists.items():
            if length != layers:
                raise InvalidSizeError(
                    f"{key} lists {length} sizes but layers is {layers}; give one per layer"
                )
        return layers

    def _check_projections(
        self, proj: int, nonrec: int, values: dict[str, Any], convention: RecurrentConvention
    ) -> None:
        if (proj or nonrec) and not self.supports_projection:
            raise ConflictError(
                f"projections apply to lstm and lstmp, not to {self.name}; "
                f"drop {named('proj')} and {named('nonrec_proj')}"
            )
        if self.requires_projection and not proj:
            raise ConflictError(f"{self.name} needs a recurrent projection: give {typed('proj')}")
        if nonrec and not proj:
            raise ConflictError(
                "nonrec_proj needs proj: the non-recurrent projection sits beside the "
                f"recurrent one (Sak et al. 2014); give {typed('proj')}"
            )
        if convention.proj_below_cells and proj:
            listed = [len(v) for k in ("proj", "cells") if isinstance(v := values[k], list)]
            layers = max(listed, default=1)  # one check stands for all layers of one size
            for k in range(layers):
                r, n = _at(values["proj"], k), _at(values["cells"], k)
                if isinstance(r, int) and isinstance(n, int) and not isinstance(r, bool) and r >= n:
                    raise InvalidSizeError(
                        f"proj ({r}) must be smaller than cells ({n}) under the "
                        f"{convention.name} convention (PyTorch requires proj_size < hidden_size)"
                    )

    def _check_tied_width(self, s: RecurrentStructure, values: dict[str, Any]) -> None:
        sized = {k: v for k, v in values.items() if v is not None and v is not True}
        if len(sized) < len(values) or s.layers is None:
            return  # symbolic: nothing to check yet
        width = self._output_width(s, lambda k, layer: _at(sized[k], layer) if k in sized else 0)
        if width != sized["input"]:
            raise ConflictError(
                f"tied needs the width feeding the output layer ({width}) to equal the "
                f"embedding size (input={sized['input']}); change {named('input')}, "
                f"{named('cells')} or {named('proj')}"
            )

    # -- what the layers above read ---------------------------------------------------------
    def design(self, structure: Hashable, values: Sequence[int | None]) -> dict[str, Any]:
        """The design by keyword: per-layer sizes as lists, ``None`` where a size is still
        a symbol, the depth and the structural options that were set."""
        s = _structure(structure)
        sizes: dict[str, Any] = {}
        for slot, value in zip(self.slots(s), values):
            if slot.layer is None:
                sizes[slot.keyword] = value
            else:
                sizes.setdefault(slot.keyword, []).append(value)
        if s.layers is not None:
            sizes["layers"] = s.layers
        if s.bidirectional:
            sizes["bidirectional"] = True
            if s.merge != "concat":
                sizes["merge"] = s.merge
        if s.tied:
            sizes["tied"] = True
            sizes.pop("output", None)
        return {k: sizes[k] for k in _ORDER if k in sizes}

    def describe(self, structure: Hashable) -> str:
        """``counting: bias=double, peepholes, bidirectional (concat)``."""
        s = _structure(structure)
        parts = [f"bias={s.bias}"]
        parts += [
            name for name in ("peepholes", "skip", "output_bias", "reset_after") if getattr(s, name)
        ]
        if s.bidirectional:
            parts.append(f"bidirectional ({s.merge})")
        if s.tied:
            parts.append("tied")
        return "counting: " + ", ".join(parts)

    def torch_code(self, structure: Hashable, sizes: Mapping[str, Any]) -> str:
        """The design as ``torch.nn`` constructor lines (``nn.LSTM(39, 565, num_layers=3)``,
        an ``nn.Embedding`` for a vocabulary, the output ``nn.Linear``).

        Example:
            >>> import explorer
            >>> c = explorer.count("lstm", input=39, cells=565, layers=3, output=34)
            >>> print(c.family.torch_code(c.structure, c.sizes))
            import torch.nn as nn
            <BLANKLINE>
            lstm = nn.LSTM(39, 565, num_layers=3)
            output = nn.Linear(565, 34)
            model = nn.ModuleDict({"lstm": lstm, "output": output})
        """
        from explorer.recurrent._torch import recurrent_torch_code

        return recurrent_torch_code(self.name, self.torch_module, _structure(structure), sizes)

    def domain(
        self, free: str, sizes: Mapping[str, Any], convention: Convention
    ) -> tuple[int, int | None]:
        """Under PyTorch's rule a projection stays below the cells: the cells start above
        the widest projection, the projection stops below the narrowest cells."""
        if not getattr(convention, "proj_below_cells", False):
            return 1, None
        if free == "cells" and (projections := _as_list(sizes.get("proj"))):
            return max(projections) + 1, None
        if free == "proj" and (cells := _as_list(sizes.get("cells"))):
            return 1, min(cells) - 1
        return 1, None

    # -- structure -> terms --------------------------------------------------------------
    def extent(self, structure: Hashable) -> int:
        """The number of layers (1 under a symbolic depth)."""
        return _structure(structure).layers or 1

    def general(self, structure: Hashable) -> tuple[RecurrentStructure, dict[str, int]] | None:
        """With one size for every layer, the symbolic-depth structure gives the same
        counts at ``L = layers`` (its layers 1..L-1 are one grouped term each)."""
        s = _structure(structure)
        if s.layers is None or PER_LAYER in (s.cells, s.proj, s.nonrec):
            return None
        return s._replace(layers=None), {"layers": s.layers}

    def slots(self, structure: Hashable) -> tuple[Slot, ...]:
        s = _structure(structure)
        layers = s.layers or 1
        slots = [Slot("input", None, "n_i")]
        for key, mode in (("cells", s.cells), ("proj", s.proj), ("nonrec_proj", s.nonrec)):
            symbol = _BY_NAME[key].symbol
            if mode == UNIFORM:
                slots.append(Slot(key, None, symbol))
            elif mode == PER_LAYER:
                slots += [Slot(key, k, f"{symbol}{k}") for k in range(layers)]
        if s.output and not s.tied:
            slots.append(Slot("output", None, "n_o"))
        if s.vocab:
            slots.append(Slot("vocab", None, "n_v"))
        if s.layers is None:
            slots.append(Slot("layers", None, "L"))
        return tuple(slots)

    def build_terms(self, structure: Hashable) -> tuple[Term, ...]:
        # The blocks make their terms from the algebra's symbol() and integer(), so the
        # same code builds sympy terms or sympy-free ones.
        from explorer.recurrent.blocks import embedding, output_layer

        s = _structure(structure)
        terms: list[Term] = []
        if s.vocab:
            terms += embedding(vocab=_symbol("n_v"), dim=_symbol("n_i"))
        stack, width = self.walk(s, lambda layer: _each_block(self.blocks, layer, "params"))
        terms += stack
        if s.output:
            outputs = _symbol("n_v") if s.tied else _symbol("n_o")
            terms += output_layer(outputs=outputs, width=width, bias=s.output_bias, tied=s.tied)
        return tuple(terms)

    def layer_sizes(self, s: RecurrentStructure) -> Callable[[str, int], Any]:
        """A layer's size by keyword (``cells``, ``proj``, ``nonrec_proj``) and index: its
        symbol (``n_c``; ``n_c2`` when given per layer), 0 when absent."""
        from explorer.algebra import integer

        def size(key: str, layer: int) -> Any:
            mode = {"cells": s.cells, "proj": s.proj, "nonrec_proj": s.nonrec}[key]
            if mode == ABSENT:
                return integer(0)
            name = _BY_NAME[key].symbol
            return _symbol(name) if mode == UNIFORM else _symbol(f"{name}{layer}")

        return size

    def walk(
        self, s: RecurrentStructure, terms_of: Callable[[Layer], list[Term]]
    ) -> tuple[list[Term], Any]:
        """Every layer's terms, direction by direction, from ``terms_of(layer)``; and the
        width the stack hands on. A symbolic depth walks layer 0 and one layer standing for
        layers 1..L-1."""
        size = self.layer_sizes(s)
        n_i = _symbol("n_i")

        def layer(k: int, place: Place, input_width: Any) -> list[Term]:
            return terms_of(
                Layer(
                    place,
                    k,
                    s,
                    self.gates,
                    size("cells", k),
                    size("proj", k),
                    size("nonrec_proj", k),
                    input_width,
                    n_i,
                )
            )

        terms: list[Term] = []
        directions = ("", "_reverse") if s.bidirectional else ("",)
        if s.layers is None:
            depth = _symbol("L")
            below = self._output_width(s, size, layer=0)
            for d in directions:
                terms += layer(0, _place("0", d), n_i)
            for d in directions:
                terms += layer(1, _place(GROUPED, d, depth - 1), below)
            return terms, depth * below if s.skip else below
        for k in range(s.layers):
            input_width = n_i if k == 0 else self._output_width(s, size, layer=k - 1)
            for d in directions:
                terms += layer(k, _place(str(k), d), input_width)
        return terms, self._output_width(s, size)

    # -- measures: the products of a forward pass -------------------------------------------
    def measures(self, structure: Hashable) -> tuple[str, ...]:
        """The FLOPs of a forward pass (no attention: full and causal are the same)."""
        return ("flops:full", "flops:causal")

    def measure_slots(self, structure: Hashable, measure: str) -> tuple[Slot, ...]:
        """Time steps T and batch B."""
        return (Slot("seq", None, "T"), Slot("batch", None, "B"))

    def measure_terms(self, structure: Hashable, measure: str) -> tuple[Term, ...]:
        """Every matrix product of one forward pass over T steps of B sequences: each
        layer block's, then the output layer's at every step. Peepholes, gates, biases,
        merges and the embedding lookup are elementwise or lookups: no products.

        These are the products PyTorch runs for ``nn.LSTM``/``nn.GRU``/``nn.RNN`` on the
        meta device (and for a cell unrolled over time with torch matmuls):
        FlopCounterMode counts 2 x M x N x K for each. A fused CPU kernel (``aten::lstm``)
        hides them from the counter.

        Example:
            >>> import explorer
            >>> explorer.count("gru", input=39, cells=64, layers=2, seq=10, batch=2).flops
            1774080
        """
        from explorer.recurrent.blocks import output_product

        s = _structure(structure)
        rows = _symbol("B") * _symbol("T")
        terms, width = self.walk(s, lambda layer: _each_block(self.blocks, layer, "products", rows))
        if s.output:
            outputs = _symbol("n_v") if s.tied else _symbol("n_o")
            terms.append(output_product(outputs=outputs, width=width, rows=rows))
        return tuple(terms)

    def _output_width(self, s: RecurrentStructure, size: Any, layer: int | None = None) -> Any:
        """Width a layer hands on (``layer``), or that feeds the output layer (None)."""

        def one(k: int) -> Any:
            own = size("proj", k) + size("nonrec_proj", k) if s.proj else size("cells", k)
            return 2 * own if s.bidirectional and s.merge == "concat" else own

        if layer is not None:
            return one(layer)
        if s.layers is None:
            raise AssertionError("symbolic depth: use the grouped width")
        if s.skip:
            if PER_LAYER not in (s.cells, s.proj, s.nonrec):  # any depth, in one product
                return s.layers * one(0)
            return sum((one(k) for k in range(s.layers)), start=0 * one(0))
        return one(s.layers - 1)


def _each_block(blocks: tuple[LayerBlock, ...], layer: Layer, what: str, *rows: Any) -> list[Term]:
    """Every block's ``params`` (or ``products``) in one layer, in the blocks' order."""
    terms: list[Term] = []
    for block in blocks:
        terms += getattr(block, what)(layer, *rows)
    return terms


def _place(layer: str, reverse: str, copies: Any = None) -> Place:
    """Where a layer's terms sit: PyTorch's name suffix (``l0``, ``l[1:L]_reverse``)."""
    direction = "reverse" if reverse else ""
    group = "layers 1..L-1" if layer == GROUPED else f"layer {layer}"
    place = Place(f"l{layer}{reverse}", group, layer, direction)
    return place if copies is None else place.repeated(copies)


def _symbol(name: str) -> sympy.Symbol:
    from explorer.algebra import symbol  # sympy's, or a sympy-free variable (see algebra)

    return symbol(name)


def _structure(structure: Hashable) -> RecurrentStructure:
    if not isinstance(structure, RecurrentStructure):  # a caller's bug, never user input
        raise TypeError(f"not a recurrent structure: {structure!r}")
    return structure


def _as_list(value: Any) -> list[int]:
    return [v for v in (value if isinstance(value, list) else [value]) if type(v) is int]


def _at(value: Any, layer: int) -> Any:
    return value[layer] if isinstance(value, list) else value


def _mode(value: Any) -> int:
    if isinstance(value, list):
        return PER_LAYER
    return ABSENT if value == 0 and value is not False else UNIFORM


def _required(sizes: Mapping[str, Any], key: str, symbolic: bool, check: Any) -> Any:
    value = sizes.get(key)
    if value is None or value is True:
        if symbolic:
            return None
        raise InvalidSizeError(f"{key} is required: give {typed(key)}")
    return check(key, value)


def _optional(sizes: Mapping[str, Any], key: str, symbolic: bool, check: Any) -> Any:
    value = sizes.get(key)
    if value is None or value is False:
        return 0
    if value is True:
        if not symbolic:
            raise InvalidSizeError(f"{key} needs a number to be counted: give {typed(key)}")
        return True
    return check(key, value)
