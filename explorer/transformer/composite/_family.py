"""A family made of other families: a multimodal model's towers (a vision tower, a language
model), each counted by its own family, and the small blocks that join them (a projector,
the LM head), as ONE count.

How the parts meet in one formula:

- **keywords**: each part's family's keywords, prefixed by the part (``text_d_model``,
  ``vision_layers``; aliases too: ``text_hidden_size``), plus ``{part}_family`` (which
  family counts the part, one of the composite's choices for it) and the composite's own
  (its head, ``tied``, the projector's sizes and switches);
- **symbols**: a part's symbols keep their family's names with the part's subscript
  (``d_v``, ``L_v`` for the vision tower; the language model keeps ``d``, ``L``, ``V``), so
  the terms of two towers never share a symbol by accident;
- **terms**: each part's terms as its family builds them, their names under the part's
  prefix (``model.vision_tower.``), their groups named by the part (``vision: layers``), their
  shapes in the renamed symbols; then the projector (:class:`~explorer.transformer.Projector`,
  its widths products of the composite's keywords: ``vision_d_model x merge^2``) and the LM
  head on the language model;
- **measures**: a forward pass of token ids runs the language model only (no image: the
  vision tower and the projector compute nothing), so the compute and the KV cache are the
  part marked ``runs``, plus the LM head's logits.

- **active parameters**: what one token of text uses: the language model's (its router and
  ``k`` experts of a mixture, as its family states) and the LM head; the vision tower and the
  projector run for an image, not for a text token, so none of theirs is active (Meta's "17B
  active" for Llama 4 Scout and Maverick counts so).

Everything else (totals, the embedding split, the breakdown by part and by block) follows
from the terms, as for any family.

Example:
    >>> import explorer
    >>> c = explorer.count("llava", text_d_model=64, text_layers=2, text_heads=4, text_vocab=100,
    ...                    vision_d_model=32, vision_layers=1, vision_heads=2, vision_d_ff=48,
    ...                    vision_image=28, vision_patch=14)
    >>> c.subtotals["vision: layers"], c.shapes["model.multi_modal_projector.linear_1.weight"]
    (7504, (64, 32))
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from explorer.algebra import Role, Slot, complete, extent
from explorer.errors import ConflictError, ExplorerError, InvalidSizeError, UnknownNameError
from explorer.families import (
    FAMILIES,
    Family,
    HFBinding,
    Keyword,
    SearchChoice,
    domain_of,
    multiple_of,
)
from explorer.sizes import flag, positive_int

if TYPE_CHECKING:
    from explorer.algebra import Term
    from explorer.conventions import Convention
    from explorer.transformer.blocks import Projector

__all__ = ["CompositeFamily", "CompositeHead", "CompositeStructure", "Part"]


@dataclass(frozen=True, slots=True)
class Part:
    """One tower of a composite model.

    Attributes:
        name: the part's name, the prefix of its keywords (``text``: ``text_d_model``).
        families: the families that may count it, the first by default.
        prefix: its parameters' prefix under the model's base (``language_model.``).
        tag: its symbols' subscript (``v``: ``d_v``); ``""`` keeps its family's symbols.
        head: the head its family puts on it (LLaMA 4's language model is a causal LM
            inside the composite: ``lm``); ``none`` by default.
        defaults: the composite's own defaults for its keywords, where they are not its
            family's (LLaVA's CLIP tower is ViT-L/14 at 336 pixels).
        runs: a forward pass of token ids runs it (the language model): the composite's
            compute and cache are its.
    """

    name: str
    families: tuple[str, ...]
    prefix: str
    tag: str = ""
    head: str = "none"
    defaults: tuple[tuple[str, Any], ...] = ()
    runs: bool = False


@dataclass(frozen=True, slots=True)
class CompositeHead:
    """A model class of the composite: the prefix of its base model's parameters, the heads
    its parts wear under it, and its own LM head on the language model.

    Attributes:
        title: what it is (``the LM head (LlavaForConditionalGeneration)``).
        prefix: the base model's prefix (``model.``), before each part's.
        lm: the LM head's local name (``lm_head``; ``""``: none), [vocab, d_model] of the
            part that runs; tied to its token embedding when ``tied``.
        part_heads: a part's head under this one, where it is not the part's own
            (``(("text", "lm"),)``).
        extra: a head of its own on the model's output, outside the base model (a
            classifier's ``score``), its widths the composite's keywords.
    """

    title: str
    prefix: str = ""
    lm: str = ""
    part_heads: tuple[tuple[str, str], ...] = ()
    extra: Projector | None = None


@dataclass(frozen=True, slots=True)
class CompositeStructure:
    """What shapes a composite's formula: its head, its parts' families and structures,
    and its own options (the projector's switches, which own sizes are present)."""

    family: str
    head: str
    tied: bool
    parts: tuple[tuple[str, str, Hashable], ...]
    options: tuple[tuple[str, Any], ...] = ()
    embeddings: bool = True
    biases: bool = True
    norms: bool = True

    def option(self, name: str, default: Any = None) -> Any:
        """One of the composite's own keywords' values (a projector's switch)."""
        for key, value in self.options:
            if key == name:
                return value
        return default

    def part(self, name: str) -> tuple[str, Hashable]:
        """A part's family and structure."""
        for part, family, structure in self.parts:
            if part == name:
                return family, structure
        raise KeyError(name)


class _Symbols:
    """The composite's keywords as symbols (what its projector's widths read); a part's
    number kept in its structure (a width its family keeps out of its formula) as that
    number."""

    def __init__(self, slots: Sequence[Slot], s: CompositeStructure) -> None:
        from explorer.algebra import symbol

        self._by = {x.keyword: symbol(x.symbol) for x in slots}
        self._parts = s.parts

    def __getitem__(self, keyword: str) -> Any:
        found = self._by.get(keyword)
        if found is not None:
            return found
        for part, _, structure in self._parts:
            option = getattr(structure, "option", None)
            if keyword.startswith(f"{part}_") and option is not None:
                value = option(keyword[len(part) + 1 :])
                if isinstance(value, int) and not isinstance(value, bool):
                    return value
        raise KeyError(keyword)


@dataclass(frozen=True, repr=False)
class CompositeFamily(Family):
    """A family whose parts are other families' counts (see the module's docstring).

    Attributes:
        name, description: as any family's.
        parts: its towers (:class:`Part`).
        heads: its model classes by name (``none``, ``lm`` ...), the first by default.
        projector: the blocks between the towers, under ``projector_prefix``.
        own_keywords: its own sizes and switches (the projector's), defaults in
            ``defaults``.
        defaults: its own keywords' defaults (``tied``, the projector's).
        checks: checks of its own on a design's sizes (each raises InvalidSizeError).
        hf: its Hugging Face binding (its ``parts`` name the nested configs).
    """

    name: str
    description: str
    parts: tuple[Part, ...]
    heads: tuple[tuple[str, CompositeHead], ...]
    projector: Projector | None = None
    projector_prefix: str = ""
    own_keywords: tuple[Keyword, ...] = ()
    defaults: tuple[tuple[str, Any], ...] = ()
    checks: tuple[Any, ...] = field(default=(), compare=False)
    hf: HFBinding | None = field(default=None, compare=False)
    kind: str = "transformer"
    default_convention: str = "hf"
    breakdowns: tuple[str, ...] = ("embedding", "blocks", "active")

    # -- declarations ----------------------------------------------------------------------
    @functools.cached_property
    def default_map(self) -> dict[str, Any]:
        """The composite's own defaults."""
        return dict(self.defaults)

    @functools.cached_property
    def _runner(self) -> Part:
        return next((p for p in self.parts if p.runs), self.parts[-1])

    @property
    def width(self) -> str:  # type: ignore[override]
        """The language model's width."""
        return f"{self._runner.name}_d_model"

    @property
    def depth(self) -> str:  # type: ignore[override]
        """The language model's depth."""
        return f"{self._runner.name}_layers"

    @property
    def free_order(self) -> tuple[str, ...]:  # type: ignore[override]
        """The language model's width, then its depth."""
        return (self.width, self.depth)

    @functools.cached_property
    def keywords(self) -> tuple[Keyword, ...]:  # type: ignore[override]
        """The head and ``tied``, each part's family choice and prefixed keywords, then the
        composite's own."""
        found: dict[str, Keyword] = {}
        found["head"] = Keyword(
            "head",
            "what sits on the towers (the model class)",
            kind="choice",
            choices=tuple(name for name, _ in self.heads),
            default=self.heads[0][0],
        )
        found["tied"] = Keyword(
            "tied",
            "the LM head shares the language model's token embedding",
            kind="flag",
            aliases=("tie_word_embeddings",),
            default=self.default_map.get("tied", False),
        )
        for part in self.parts:
            found[f"{part.name}_family"] = Keyword(
                f"{part.name}_family",
                f"the family that counts the {part.name} part",
                kind="choice",
                choices=part.families,
                default=part.families[0],
            )
            own = dict(part.defaults)
            for family_name in part.families:
                family = FAMILIES[family_name]
                for keyword in family.keywords:
                    name = f"{part.name}_{keyword.name}"
                    if keyword.name == "head" or name in found:
                        continue
                    default = own.get(keyword.name, keyword.default)
                    found[name] = keyword._replace(
                        name=name,
                        meaning=f"{part.name}: {keyword.meaning}",
                        symbol=_tagged(keyword.symbol, part.tag),
                        help="",
                        aliases=tuple(f"{part.name}_{a}" for a in keyword.aliases),
                        guesses=(),
                        default=default if family_name == part.families[0] else None,
                        assumed=None,
                        assumed_unless=(),
                        required=False,
                        solvable=keyword.solvable and part.runs,
                    )
        for keyword in self.own_keywords:
            found[keyword.name] = keyword._replace(
                default=self.default_map.get(keyword.name, keyword.default)
            )
        return tuple(found.values())

    @functools.cached_property
    def _by_name(self) -> dict[str, Keyword]:
        return {k.name: k for k in self.keywords}

    @functools.cached_property
    def search_choices(self) -> tuple[SearchChoice, ...]:  # type: ignore[override]
        """The language model's choices, on its prefixed keywords."""
        runner = self._runner
        family = FAMILIES[runner.families[0]]
        return tuple(
            c._replace(keyword=f"{runner.name}_{c.keyword}")
            for c in family.search_choices
            if f"{runner.name}_{c.keyword}" in self._by_name
        )

    @property
    def examples(self) -> tuple[dict[str, Any], ...]:  # type: ignore[override]
        """Each part's first small example, prefixed, under every head."""
        base: dict[str, Any] = {}
        for part in self.parts:
            example = FAMILIES[part.families[0]].examples[0]
            base.update({f"{part.name}_{k}": v for k, v in example.items() if k != "head"})
        return tuple({**base, "head": name} for name, _ in self.heads)

    def head(self, name: str) -> CompositeHead:
        """The head called ``name``."""
        return dict(self.heads)[name]

    # -- sizes -> structure ------------------------------------------------------------------
    def parse(
        self,
        sizes: Mapping[str, Any],
        convention: Convention,
        *,
        explicit: Mapping[str, object],
        symbolic: bool,
    ) -> tuple[CompositeStructure, dict[str, Any]]:
        for key in sizes:
            if key not in self._by_name:
                raise UnknownNameError.for_name(f"{self.name} size or option", key, self._by_name)
        head = sizes.get("head", self.heads[0][0])
        if head not in dict(self.heads):
            raise UnknownNameError.for_name(f"{self.name} head", head, dict(self.heads))
        wears = dict(self.head(head).part_heads)
        tied = flag("tied", sizes.get("tied", self.default_map.get("tied", False)))
        values: dict[str, Any] = {}
        parts: list[tuple[str, str, Hashable]] = []
        for part in self.parts:
            chosen = sizes.get(f"{part.name}_family", part.families[0])
            if chosen not in part.families:
                raise UnknownNameError.for_name(
                    f"{self.name} {part.name} family", chosen, part.families
                )
            family = FAMILIES[chosen]
            given = self._part_sizes(part, family, sizes, symbolic=symbolic)
            given["head"] = wears.get(part.name, part.head)
            try:
                structure, found = family.parse(
                    given, convention, explicit=explicit, symbolic=symbolic
                )
            except ExplorerError as error:
                raise type(error)(f"{self.name} {part.name} part ({chosen}): {error}") from None
            parts.append((part.name, family.name, structure))
            values.update({f"{part.name}_{k}": v for k, v in found.items()})
        options: list[tuple[str, Any]] = []
        for keyword in self.own_keywords:
            value = sizes.get(keyword.name, self.default_map.get(keyword.name, keyword.default))
            if keyword.kind == "flag":
                options.append((keyword.name, flag(keyword.name, bool(value))))
            elif keyword.kind == "choice":
                if value not in keyword.choices:
                    raise UnknownNameError.for_name(keyword.name, value, keyword.choices)
                options.append((keyword.name, value))
            elif value is None or value is True:
                if not symbolic:
                    raise InvalidSizeError(f"{keyword.name} is required for {self.name}")
                values[keyword.name] = None
            else:
                values[keyword.name] = positive_int(keyword.name, value)
        vocab = f"{self._runner.name}_vocab"
        if self.head(head).lm and not tied and vocab not in values:  # the LM head reads it
            value = sizes.get(vocab, self._by_name[vocab].default)
            values[vocab] = None if symbolic and vocab not in sizes else positive_int(vocab, value)
        structure = CompositeStructure(
            family=self.name,
            head=head,
            tied=tied,
            parts=tuple(parts),
            options=tuple(options),
            embeddings=bool(getattr(convention, "embeddings", True)),
            biases=bool(getattr(convention, "biases", True)),
            norms=bool(getattr(convention, "norms", True)),
        )
        if not symbolic:
            for check in self.checks:
                check(values)
        return structure, values

    def _part_sizes(
        self, part: Part, family: Family, sizes: Mapping[str, Any], *, symbolic: bool = False
    ) -> dict[str, Any]:
        """A part's sizes as its family's keywords: the composite's defaults for it (when
        the family is the part's default one; in a formula, its sizes stay symbols), then
        the sizes given with its prefix."""
        given: dict[str, Any] = {}
        if family.name == part.families[0]:
            for name, value in part.defaults:
                keyword = family.keyword(name)
                if keyword is not None and not (symbolic and keyword.kind in ("size", "sizes")):
                    given[name] = value
        start = f"{part.name}_"
        for key, value in sizes.items():
            if not key.startswith(start) or key == f"{part.name}_family":
                continue
            local = key[len(start) :]
            if family.keyword(local) is None:
                raise UnknownNameError.for_name(
                    f"{family.name} size or option ({part.name} part)",
                    key,
                    [f"{start}{k.name}" for k in family.keywords if k.name != "head"],
                )
            given[local] = value
        return given

    # -- structure -> slots and terms --------------------------------------------------------
    def _parts(self, s: CompositeStructure) -> list[tuple[Part, Family, Hashable]]:
        by = {p.name: p for p in self.parts}
        return [(by[name], FAMILIES[family], structure) for name, family, structure in s.parts]

    def slots(self, structure: Hashable) -> tuple[Slot, ...]:
        s = _structure(structure)
        found: list[Slot] = []
        for part, family, ps in self._parts(s):
            found += [
                Slot(f"{part.name}_{x.keyword}", x.layer, _tagged(x.symbol, part.tag), x.derived)
                for x in family.slots(ps)
            ]
        vocab = self._lm_vocab(s)
        if vocab is not None and vocab.name not in {x.keyword for x in found}:
            found.append(Slot(vocab.name, None, vocab.symbol))
        used = self._used(s)
        for keyword in self.own_keywords:
            if keyword.is_size and keyword.name in used:
                found.append(Slot(keyword.name, None, keyword.symbol))
        return tuple(found)

    def _lm_vocab(self, s: CompositeStructure) -> Keyword | None:
        """The vocabulary keyword the LM head reads (its part may not count a table that
        reads it: a convention without embeddings)."""
        if not self.head(s.head).lm or s.tied:
            return None
        return self._by_name[f"{self._runner.name}_vocab"]

    def _used(self, s: CompositeStructure) -> frozenset[str]:
        """The keywords the projector's and the head's widths read."""
        steps = list(self.projector.steps) if self.projector is not None else []
        extra = self.head(s.head).extra
        steps += list(extra.steps) if extra is not None else []
        names: set[str] = set()
        for step in steps:
            for width in (step.out, step.inputs, *step.shape):
                names.update(f for f in width if isinstance(f, str))
        return frozenset(names)

    def _spans(self, s: CompositeStructure) -> list[tuple[Part, Family, Hashable, range]]:
        """Each part with the positions of its slots among the composite's."""
        found = []
        start = 0
        for part, family, ps in self._parts(s):
            size = len(family.slots(ps))
            found.append((part, family, ps, range(start, start + size)))
            start += size
        return found

    def complete(self, structure: Hashable, values: list[Any]) -> None:
        """Each part's rules on its own slots."""
        for _, family, ps, span in self._spans(_structure(structure)):
            own = [values[i] for i in span]
            complete(family, ps, own)
            for i, value in zip(span, own):
                values[i] = value

    def build_terms(self, structure: Hashable) -> tuple[Term, ...]:
        """Each part's terms under its prefix, in its symbols; the projector; the LM head."""
        s = _structure(structure)
        head = self.head(s.head)
        terms: list[Term] = []
        for part, family, ps in self._parts(s):
            terms += _moved(
                family.build_terms(ps), part, head.prefix + part.prefix, _renaming(part, family, ps)
            )
        terms += self._joints(s, head)
        return tuple(terms)

    def _joints(self, s: CompositeStructure, head: CompositeHead) -> list[Term]:
        """The projector and the LM head, as the convention counts them."""
        from explorer.algebra import integer
        from explorer.blocks import Site, linear

        z = _Symbols(self.slots(s), s)
        terms: list[Term] = []
        if self.projector is not None:  # run for an image, not for a text token: not active
            at = Site(head.prefix + self.projector_prefix, "projector")
            idle = integer(0)
            terms += [dataclasses.replace(t, active=idle) for t in self.projector.params(at, z, s)]
        if head.extra is not None:
            terms += head.extra.params(Site("", "head"), z, s)
        if head.lm and not s.tied:
            runner = self._runner.name
            terms += linear(
                Site("", "head"),
                head.lm,
                out=z[f"{runner}_vocab"],
                inputs=z[f"{runner}_d_model"],
                bias=False,
                title="LM head",
                block="head",
                extras=(("projection", "lm"),),
            )
        return [t for t in terms if _counted(t, s)]

    def design(self, structure: Hashable, values: Sequence[int | None]) -> dict[str, Any]:
        """Each part's design, prefixed; the head, ``tied`` and the composite's own."""
        s = _structure(structure)
        sizes: dict[str, Any] = {}
        if s.head != self.heads[0][0]:
            sizes["head"] = s.head
        if s.tied != self.default_map.get("tied", False):
            sizes["tied"] = s.tied
        end = 0
        for part, family, ps, span in self._spans(s):
            if family.name != part.families[0]:
                sizes[f"{part.name}_family"] = family.name
            own = family.design(ps, [values[i] for i in span])
            sizes.update({f"{part.name}_{k}": v for k, v in own.items() if k != "head"})
            end = span.stop
        for slot, value in zip(self.slots(s)[end:], values[end:]):  # the composite's own
            sizes[slot.keyword] = value
        for name, value in s.options:
            sizes[name] = value
        return sizes

    def part_designs(
        self, structure: Hashable, values: Sequence[int | None]
    ) -> dict[str, dict[str, Any]]:
        """Each part's design in its family's keywords (what its blocks' words read)."""
        return {
            part.name: family.design(ps, [values[i] for i in span])
            for part, family, ps, span in self._spans(_structure(structure))
        }

    def describe(self, structure: Hashable) -> str:
        """``counting: vision (clip_vision: ...); text (llama: ...); projector``."""
        s = _structure(structure)
        parts = []
        for part, family, ps in self._parts(s):
            text = family.describe(ps).removeprefix("counting: ")
            parts.append(f"{part.name} ({family.name}: {text})")
        if self.projector is not None:
            parts.append(self.projector.title)
        return "counting: " + "; ".join(parts)

    def meaning(self, slot: Slot) -> str:
        """The part's words for its slots; the composite's for its own."""
        for part in self.parts:
            if slot.keyword.startswith(f"{part.name}_"):
                local = slot.keyword[len(part.name) + 1 :]
                for family_name in part.families:
                    family = FAMILIES[family_name]
                    if family.keyword(local) is not None:
                        inner = Slot(local, slot.layer, slot.symbol, slot.derived)
                        return f"{part.name}: {family.meaning(inner)}"
        return super().meaning(slot)

    def extent(self, structure: Hashable) -> int:
        """The largest of the parts'."""
        return int(max(extent(family, ps) for _, family, ps in self._parts(_structure(structure))))

    # -- measures: what a forward pass of token ids runs -----------------------------------
    def _running(self, s: CompositeStructure) -> tuple[Part, Any, Hashable, range]:
        runner = self._runner
        return next((p, f, ps, span) for p, f, ps, span in self._spans(s) if p is runner)

    def measures(self, structure: Hashable) -> tuple[str, ...]:
        """The compute and cache of the part that runs (its activation formulas apart)."""
        _, family, ps, _ = self._running(_structure(structure))
        declared = getattr(family, "measures", None)
        if declared is None:
            return ()
        return tuple(m for m in declared(ps) if not m.startswith("activations:"))

    def measure_slots(self, structure: Hashable, measure: str) -> tuple[Slot, ...]:
        """The running part's (``seq``, ``batch``, what a window keeps)."""
        _, family, ps, _ = self._running(_structure(structure))
        slots: tuple[Slot, ...] = family.measure_slots(ps, measure)
        return slots

    def measure_complete(self, structure: Hashable, measure: str, values: list[Any]) -> None:
        """The running part's measure rules, on its slots and the measure's."""
        s = _structure(structure)
        _, family, ps, span = self._running(s)
        fill = getattr(family, "measure_complete", None)
        if fill is None:
            return
        size = len(self.slots(s))
        own = [values[i] for i in span] + values[size:]
        fill(ps, measure, own)
        values[size:] = own[len(span) :]

    def measure_terms(self, structure: Hashable, measure: str) -> tuple[Term, ...]:
        """The running part's terms (its compute, or its cache), under its prefix; for the
        compute, the LM head's logits at every position."""
        from explorer.algebra import symbol
        from explorer.blocks import Site, product

        s = _structure(structure)
        part, family, ps, _ = self._running(s)
        head = self.head(s.head)
        terms = _moved(
            family.measure_terms(ps, measure),
            part,
            head.prefix + part.prefix,
            _renaming(part, family, ps),
        )
        if measure.startswith("flops:") and head.extra is not None:
            from explorer.transformer.blocks import Pass

            run = Pass(symbol("B"), symbol("T"), symbol("T"), False)
            terms += head.extra.products(Site("", "head"), _Symbols(self.slots(s), s), s, run)
        if measure.startswith("flops:") and head.lm:
            z = _Symbols(self.slots(s), s)
            if f"{part.name}_vocab" not in {x.keyword for x in self.slots(s)}:
                raise ConflictError(
                    "the LM head's compute reads the vocabulary, which this convention leaves "
                    "out of the count: count the compute under the hf convention"
                )
            title = "LM head" + (" (the token embedding's matrix)" if s.tied else "")
            terms.append(
                product(
                    head.lm,
                    rows=symbol("B") * symbol("T"),
                    out=z[f"{part.name}_vocab"],
                    inputs=z[f"{part.name}_d_model"],
                    meaning=f"{title}, logits at every position: rows x outputs x inputs",
                    group="head",
                    copies=1,
                    role=Role(head.lm, f"{title}, logits at every position", block="head"),
                )
            )
        return tuple(terms)

    # -- for the solver --------------------------------------------------------------------
    def _local(self, name: str) -> tuple[Part, Family, str] | None:
        for part in self.parts:
            if name.startswith(f"{part.name}_"):
                return part, FAMILIES[part.families[0]], name[len(part.name) + 1 :]
        return None

    def multiple(self, free: str, sizes: Mapping[str, Any]) -> int:
        """The part's own step for its size (d_model a multiple of its heads ...)."""
        found = self._local(free)
        if found is None:
            return 1
        part, family, local = found
        chosen = FAMILIES[sizes.get(f"{part.name}_family", family.name)]
        own = self._part_sizes(part, chosen, {k: v for k, v in sizes.items() if k != free})
        return multiple_of(chosen, local, own)

    def domain(
        self, free: str, sizes: Mapping[str, Any], convention: Convention
    ) -> tuple[int, int | None]:
        """The part's own range for its size."""
        found = self._local(free)
        if found is None:
            return 1, None
        part, family, local = found
        chosen = FAMILIES[sizes.get(f"{part.name}_family", family.name)]
        own = self._part_sizes(part, chosen, {k: v for k, v in sizes.items() if k != free})
        return domain_of(chosen, local, own, convention)


def _tagged(symbol: str, tag: str) -> str:
    """A part's symbol: its family's with the part's subscript (``d`` -> ``d_v``)."""
    return f"{symbol}_{tag}" if tag and symbol else symbol


def _renaming(part: Part, family: Family, structure: Hashable) -> dict[str, str]:
    """The part's symbols to the composite's (none when the part keeps its family's)."""
    if not part.tag:
        return {}
    return {s.symbol: _tagged(s.symbol, part.tag) for s in family.slots(structure)}


def _moved(terms: Sequence[Term], part: Part, prefix: str, renaming: dict[str, str]) -> list[Term]:
    """A part's terms under its prefix, in the composite's symbols, grouped by the part."""
    from explorer.algebra import Term, integer, symbol

    mapping = {symbol(old): symbol(new) for old, new in renaming.items()}
    idle = integer(0)

    def moved(value: Any) -> Any:
        if not mapping or value is None or isinstance(value, int):
            return value
        return value.xreplace(mapping)

    return [
        Term(
            prefix + t.name,
            t.kind,
            tuple(moved(d) for d in t.shape),
            t.meaning,
            f"{part.name}: {t.group}",
            moved(t.multiplicity),
            t.role._replace(extras=(*t.role.extras, ("part", part.name))),
            moved(t.active) if part.runs else idle,
        )
        for t in terms
    ]


def _counted(term: Term, s: CompositeStructure) -> bool:
    """The convention's choice: embeddings, biases and norms counted or not."""
    if term.kind == "embedding":
        return s.embeddings
    if term.kind == "bias":
        return s.biases
    if term.kind == "norm":
        return s.norms
    return True


def _structure(structure: Hashable) -> CompositeStructure:
    if not isinstance(structure, CompositeStructure):  # a caller's bug, never user input
        raise TypeError(f"not a composite structure: {structure!r}")
    return structure
