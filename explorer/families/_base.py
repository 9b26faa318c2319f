"""The family base: a family declares its vocabulary and turns sizes into named terms.

A family's job is to declare what the layers above need (its keywords, its convention
kind, the sizes a solve looks for, the choices a search samples) and to turn validated
sizes into a structure and a structure into named terms. It never computes a total:
:class:`explorer.algebra.Count` adds the terms.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from explorer.errors import ConflictError, UnknownNameError
from explorer.families._hf import HFBinding
from explorer.families._keywords import Keyword, SearchChoice

if TYPE_CHECKING:
    from explorer.algebra import Slot, Term
    from explorer.conventions import Convention, Flag

__all__ = ["MEASURE_WORDS", "Family"]

#: What the sizes measures add (not parameters) stand for, in words.
MEASURE_WORDS = {
    "seq": "sequence length in tokens (time steps of a recurrent network)",
    "batch": "sequences in the batch",
    "decoder_seq": "decoder sequence length in tokens",
}


class Family(ABC):
    """The base of every family: its declarations, and five methods.

    Subclasses provide ``name``, ``description``, ``kind`` (the convention kind),
    ``default_convention``, ``keywords``, ``free_order``, ``search_choices``, ``width``,
    ``depth`` and ``examples``, and implement :meth:`parse`, :meth:`slots`,
    :meth:`build_terms`, :meth:`design` and :meth:`describe`. What a family may do beyond
    that is an optional capability, a small protocol of its own
    (:mod:`explorer.families._capabilities`: measures, rules, unrolled layers, torch code,
    solver bounds). The vocabulary helpers here (:meth:`keyword`, :meth:`canonical`,
    :meth:`assumed_sizes`, :meth:`meaning`) read the declarations.
    """

    name: str
    description: str
    kind: str
    default_convention: str
    keywords: tuple[Keyword, ...]
    #: The sizes solved for when none is named: the first one not given.
    free_order: tuple[str, ...]
    search_choices: tuple[SearchChoice, ...]
    #: The keyword that measures width and the one that measures depth (searches' aspect).
    width: str
    depth: str
    #: Small valid designs covering the family's options (the contract tests run them
    #: under every convention of the family's kind).
    examples: tuple[dict[str, Any], ...]
    #: The breakdowns a count table shows beside the total: ``embedding`` (embedding and
    #: non-embedding parameters), ``blocks`` (per kind of block), ``active`` (per token).
    breakdowns: tuple[str, ...] = ()
    #: The file the family was read from (a derived formula's), for other processes to
    #: load it again; ``""`` for a family defined in code.
    source: str = ""
    #: How the family reads a Hugging Face ``config.json`` (``None``: it does not).
    hf: HFBinding | None = None

    # -- the vocabulary ----------------------------------------------------------------
    def keyword(self, name: str) -> Keyword | None:
        """The keyword called ``name``, or aliased so (``hidden_size``); ``None`` if none."""
        return self._keywords_by_name.get(name)

    @functools.cached_property
    def _keywords_by_name(self) -> dict[str, Keyword]:
        """Every name and alias to its keyword (the first declared, where two share one)."""
        by_name: dict[str, Keyword] = {}
        for keyword in reversed(self.keywords):
            by_name.update(dict.fromkeys((*keyword.aliases, keyword.name), keyword))
        return by_name

    def applies(self, keyword: Keyword) -> bool:
        """Whether a keyword is this family's to use (``--help`` lists only those)."""
        return True

    @functools.cached_property
    def flags(self) -> tuple[Flag, ...]:
        """The convention flags a user may override for this family."""
        from explorer.conventions import CONVENTIONS

        return CONVENTIONS[self.default_convention].FLAGS

    @functools.cached_property
    def _flag_names(self) -> frozenset[str]:
        return frozenset(flag.name for flag in self.flags)

    @property
    def solvable(self) -> tuple[str, ...]:
        """The sizes the solver may solve for."""
        return tuple(k.name for k in self.keywords if k.solvable)

    def assumed_sizes(self) -> dict[str, Any]:
        """What the commands assume when a size is not given (the keywords' ``assumed``
        values, then their library defaults); each is stated in the answer, and the
        library itself never assumes a ``assumed`` value.

        Example:
            >>> from explorer.families import FAMILIES
            >>> FAMILIES["lstm"].assumed_sizes()
            {'input': 39, 'output': 34, 'layers': 1}
        """
        assumed = {k.name: k.assumed for k in self.keywords if k.assumed is not None}
        for keyword in self.keywords:
            if keyword.default is not None and keyword.is_size:
                assumed.setdefault(keyword.name, keyword.default)
        return assumed

    def canonical(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """``given`` with aliases renamed to keywords (``hidden_size`` -> ``cells``);
        convention flags pass through. Unknown names get a "did you mean", by spelling
        or by meaning.

        Example:
            >>> from explorer.families import FAMILIES
            >>> FAMILIES["lstm"].canonical({"hidden_size": 8, "num_layers": 2})
            {'cells': 8, 'layers': 2}
        """
        flags = self._flag_names
        result: dict[str, Any] = {}
        for name, value in given.items():
            keyword = self.keyword(name)
            if keyword is None:
                if name in flags:
                    result[name] = value
                    continue
                known = [k.name for k in self.keywords if self.applies(k)] + sorted(flags)
                raise UnknownNameError.for_name(f"{self.name} size or option", name, known)
            if keyword.name in result:
                raise ConflictError(
                    f"{name} and {keyword.name} name the same size ({keyword.meaning}); "
                    "give it once"
                )
            result[keyword.name] = value
        return result

    # -- sizes -> structure -> terms -------------------------------------------------------
    @abstractmethod
    def parse(
        self,
        sizes: Mapping[str, Any],
        convention: Convention,
        *,
        explicit: Mapping[str, object],
        symbolic: bool,
    ) -> tuple[Hashable, dict[str, Any]]:
        """Validate ``sizes`` (keywords, not aliases); return the structure and the value
        of each keyword (``None`` where the size stays a symbol). ``explicit`` holds the
        convention flags the user set (a family may refuse one that does not apply)."""

    @abstractmethod
    def slots(self, structure: Hashable) -> tuple[Slot, ...]:
        """The sizes the formula depends on, in argument order."""

    @abstractmethod
    def build_terms(self, structure: Hashable) -> tuple[Term, ...]:
        """The named terms (sympy) of the structure."""

    @abstractmethod
    def design(self, structure: Hashable, values: Sequence[int | None]) -> dict[str, Any]:
        """The design as keywords (``Count.sizes``)."""

    @abstractmethod
    def describe(self, structure: Hashable) -> str:
        """What the count includes, in one line."""

    def meaning(self, slot: Slot) -> str:
        """What a slot's symbol stands for."""
        keyword = self.keyword(slot.keyword)
        if keyword is not None:
            text = keyword.meaning
        else:
            text = MEASURE_WORDS.get(slot.keyword, slot.keyword)
        return text + ("" if slot.layer is None else f" (layer {slot.layer})")

    def __repr__(self) -> str:
        return f"<family {self.name}>"
