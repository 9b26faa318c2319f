"""Stacks of recurrent layers: the composition shared by rnn, lstm, lstmp and gru.

A layer is a gate set, plus a recurrent and a non-recurrent projection, peepholes and a
skip connection from the network input where the family and convention have them. Layers
stack (optionally bidirectional, the two directions merged by concatenation, sum, product
or average), optionally behind an embedding and in front of an output layer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

from explorer.algebra._compiled import Slot
from explorer.algebra._names import DESIGN_ORDER, SYMBOL_NAMES, layer_symbol_name
from explorer.conventions import Convention
from explorer.errors import ConflictError, InvalidSizeError, UnknownNameError
from explorer.families._base import Family, Structure
from explorer.sizes import flag, non_negative_int, positive_int, size_or_list

if TYPE_CHECKING:
    import sympy

    from explorer.algebra._term import Term
    from explorer.blocks import Place

__all__ = ["MERGES", "SIZE_KEYWORDS", "Merge", "RecurrentFamily"]

Merge = Literal["concat", "sum", "mul", "ave"]
MERGES: tuple[str, ...] = get_args(Merge)

#: The keywords a recurrent design takes (besides the convention overrides).
SIZE_KEYWORDS: tuple[str, ...] = DESIGN_ORDER

ABSENT, UNIFORM, PER_LAYER = 0, 1, 2

_FAST_KEYWORDS = frozenset(("input", "cells", "layers", "output", "proj", "nonrec_proj", "vocab"))
_FAST_STRUCTURES: dict[tuple[Any, ...], Structure] = {}


@dataclass(frozen=True)
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

    # -- sizes -> structure ------------------------------------------------------------
    def parse_fast(
        self, sizes: Mapping[str, Any], convention: Convention
    ) -> tuple[Structure, tuple[int, ...]] | None:
        """The common case in a fraction of the time: plain positive ints, one size for
        every layer, one direction, no tying. Returns ``None`` for anything else, which
        :meth:`parse` then handles (and explains, when it is wrong). A property test checks
        that both paths agree."""
        if not _FAST_KEYWORDS.issuperset(sizes):
            return None
        get = sizes.get
        n_i, n_c, layers = get("input"), get("cells"), get("layers", 1)
        n_o, n_r, n_p, n_v = (
            get("output", 0),
            get("proj", 0),
            get("nonrec_proj", 0),
            get("vocab", 0),
        )
        if not (
            type(n_i) is int
            and type(n_c) is int
            and type(layers) is int
            and type(n_o) is int
            and type(n_r) is int
            and type(n_p) is int
            and type(n_v) is int
            and n_i > 0
            and n_c > 0
            and layers > 0
            and n_o >= 0
            and n_r >= 0
            and n_p >= 0
            and n_v >= 0
        ):
            return None
        if n_r and (not self.supports_projection or (convention.proj_below_cells and n_r >= n_c)):
            return None
        if (n_p and not n_r) or (self.requires_projection and not n_r):
            return None
        key = (
            self,
            convention.bias,
            convention.peepholes,
            convention.skip,
            convention.output_bias,
            convention.reset_after,
            layers,
            n_r > 0,
            n_p > 0,
            n_o > 0,
            n_v > 0,
        )
        structure = _FAST_STRUCTURES.get(key)
        if structure is None:
            structure = self.parse(sizes, convention, explicit={}, symbolic=False)[0]
            _FAST_STRUCTURES[key] = structure
        values = [n_i, n_c]
        if n_r:
            values.append(n_r)
        if n_p:
            values.append(n_p)
        if n_o:
            values.append(n_o)
        if n_v:
            values.append(n_v)
        return structure, tuple(values)

    def parse(
        self,
        sizes: Mapping[str, Any],
        convention: Convention,
        *,
        explicit: Mapping[str, object],
        symbolic: bool,
    ) -> tuple[Structure, dict[str, Any]]:
        for key in sizes:
            if key not in SIZE_KEYWORDS:
                raise UnknownNameError.for_name("size or option", key, SIZE_KEYWORDS)
        self._check_flags(explicit)
        bidirectional = flag("bidirectional", sizes.get("bidirectional"))
        tied = flag("tied", sizes.get("tied"))
        merge = sizes.get("merge")
        if merge is None:
            merge = "concat"
        elif merge not in MERGES:
            raise UnknownNameError.for_name("merge", merge, MERGES)
        elif merge != "concat" and not bidirectional:
            raise ConflictError(f"merge={merge!r} needs bidirectional; add bidirectional")

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
                raise ConflictError("tied needs a vocabulary (vocab=...) to share the embedding")
            if values["output"] not in (0, None, True) and values["output"] != values["vocab"]:
                raise ConflictError(
                    f"tied needs output == vocab, got output={values['output']} and "
                    f"vocab={values['vocab']}; drop output or make them equal"
                )
            values["output"] = values["vocab"]
        has_output = values["output"] != 0

        structure = Structure(
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

    def _check_flags(self, explicit: Mapping[str, object]) -> None:
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
        self, proj: int, nonrec: int, values: dict[str, Any], convention: Convention
    ) -> None:
        if (proj or nonrec) and not self.supports_projection:
            raise ConflictError(
                f"projections apply to lstm and lstmp, not to {self.name}; drop proj/nonrec_proj"
            )
        if self.requires_projection and not proj:
            raise ConflictError(f"{self.name} needs a recurrent projection: give proj=...")
        if nonrec and not proj:
            raise ConflictError(
                "nonrec_proj needs proj: the non-recurrent projection sits beside the "
                "recurrent one (Sak et al. 2014)"
            )
        if convention.proj_below_cells and proj:
            layers = values["layers"] or 1
            for k in range(layers):
                r, n = _at(values["proj"], k), _at(values["cells"], k)
                if isinstance(r, int) and isinstance(n, int) and not isinstance(r, bool) and r >= n:
                    raise InvalidSizeError(
                        f"proj ({r}) must be smaller than cells ({n}) under the "
                        f"{convention.name} convention (PyTorch requires proj_size < hidden_size)"
                    )

    def _check_tied_width(self, s: Structure, values: dict[str, Any]) -> None:
        sized = {k: v for k, v in values.items() if v is not None and v is not True}
        if len(sized) < len(values) or s.layers is None:
            return  # symbolic: nothing to check yet
        width = self._output_width(s, lambda k, layer: _at(sized[k], layer) if k in sized else 0)
        if width != sized["input"]:
            raise ConflictError(
                f"tied needs the width feeding the output layer ({width}) to equal the "
                f"embedding size (input={sized['input']}); change input, cells or proj"
            )

    # -- structure -> terms --------------------------------------------------------------
    def slots(self, structure: Structure) -> tuple[Slot, ...]:
        s = structure
        layers = s.layers or 1
        slots = [Slot("input", None, "n_i")]
        for key, mode in (("cells", s.cells), ("proj", s.proj), ("nonrec_proj", s.nonrec)):
            if mode == UNIFORM:
                slots.append(Slot(key, None, SYMBOL_NAMES[key]))
            elif mode == PER_LAYER:
                slots += [Slot(key, k, layer_symbol_name(key, k)) for k in range(layers)]
        if s.output and not s.tied:
            slots.append(Slot("output", None, "n_o"))
        if s.vocab:
            slots.append(Slot("vocab", None, "n_v"))
        if s.layers is None:
            slots.append(Slot("layers", None, "L"))
        return tuple(slots)

    def build_terms(self, structure: Structure) -> tuple[Term, ...]:
        # sympy and the blocks are imported here, not at the top: evaluating a compiled
        # count (the common path) must not pay for importing sympy.
        import sympy

        from explorer.algebra._symbols import SYMBOLS, layer_symbol
        from explorer.blocks import Place, embedding, output_layer

        s = structure

        def size(key: str, layer: int) -> sympy.Expr:
            mode = {"cells": s.cells, "proj": s.proj, "nonrec_proj": s.nonrec}[key]
            if mode == ABSENT:
                return sympy.Integer(0)
            return SYMBOLS[key] if mode == UNIFORM else layer_symbol(key, layer)

        n_i = SYMBOLS["input"]
        terms: list[Term] = []
        if s.vocab:
            terms += embedding(vocab=SYMBOLS["vocab"], dim=n_i)
        directions = ("", "_reverse") if s.bidirectional else ("",)
        if s.layers is None:
            depth = SYMBOLS["layers"]
            below = self._output_width(s, size, layer=0)
            for d in directions:
                terms += self._layer(s, size, 0, Place(f"l0{d}", "layer 0", _label(0, d)), n_i)
            for d in directions:
                place = Place(f"l[1:L]{d}", "layers 1..L-1", _label("1..L-1", d), depth - 1)
                terms += self._layer(s, size, 1, place, below)
            width = depth * below if s.skip else below
        else:
            for k in range(s.layers):
                input_width = n_i if k == 0 else self._output_width(s, size, layer=k - 1)
                for d in directions:
                    terms += self._layer(
                        s, size, k, Place(f"l{k}{d}", f"layer {k}", _label(k, d)), input_width
                    )
            width = self._output_width(s, size)
        if s.output:
            outputs = SYMBOLS["vocab"] if s.tied else SYMBOLS["output"]
            terms += output_layer(outputs=outputs, width=width, bias=s.output_bias, tied=s.tied)
        return tuple(terms)

    def _layer(
        self, s: Structure, size: Any, k: int, place: Place, input_width: sympy.Expr
    ) -> list[Term]:
        from explorer.algebra._symbols import SYMBOLS
        from explorer.blocks import (
            gate_set,
            nonrecurrent_projection,
            peepholes,
            recurrent_projection,
            skip_from_input,
        )

        cells, proj, nonrec = size("cells", k), size("proj", k), size("nonrec_proj", k)
        terms = gate_set(
            place,
            gates="".join(self.gates),
            cells=cells,
            input_width=input_width,
            recurrent_width=proj if s.proj else cells,
            bias=s.bias,  # type: ignore[arg-type]
            separate_recurrent_bias=s.reset_after,
        )
        if s.proj:
            terms += recurrent_projection(place, proj=proj, cells=cells)
        if s.nonrec:
            terms += nonrecurrent_projection(place, proj=nonrec, cells=cells)
        if s.peepholes:
            terms += peepholes(place, cells=cells)
        if s.skip and k > 0:
            terms += skip_from_input(
                place, gates=len(self.gates), cells=cells, inputs=SYMBOLS["input"]
            )
        return terms

    def _output_width(self, s: Structure, size: Any, layer: int | None = None) -> Any:
        """Width a layer hands on (``layer``), or that feeds the output layer (None)."""

        def one(k: int) -> Any:
            own = size("proj", k) + size("nonrec_proj", k) if s.proj else size("cells", k)
            return 2 * own if s.bidirectional and s.merge == "concat" else own

        if layer is not None:
            return one(layer)
        if s.layers is None:
            raise AssertionError("symbolic depth: use the grouped width")
        if s.skip:
            return sum((one(k) for k in range(s.layers)), start=0 * one(0))
        return one(s.layers - 1)


def _label(layer: int | str, direction: str) -> str:
    return f"layer {layer}" + (" (reverse)" if direction else "")


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
        raise InvalidSizeError(f"{key} is required: give {key}=N")
    return check(key, value)


def _optional(sizes: Mapping[str, Any], key: str, symbolic: bool, check: Any) -> Any:
    value = sizes.get(key)
    if value is None or value is False:
        return 0
    if value is True:
        if not symbolic:
            raise InvalidSizeError(f"{key} needs a number to be counted: give {key}=N")
        return True
    return check(key, value)
