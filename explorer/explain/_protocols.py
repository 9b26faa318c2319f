"""What :func:`explorer.explain.explain` reads of a count: structural types, so that an
:class:`explorer.Count` and a spec's count are explained alike."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from explorer.algebra import Role

__all__ = ["CompiledLike", "CountLike", "TermInfoLike"]


class TermInfoLike(Protocol):
    """What :func:`explain` reads of a term (:class:`explorer.algebra.TermInfo`)."""

    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def meaning(self) -> str: ...
    @property
    def group(self) -> str: ...
    @property
    def shape_text(self) -> tuple[str, ...]: ...
    @property
    def copies_text(self) -> str: ...
    @property
    def role(self) -> Role: ...


class CompiledLike(Protocol):
    """The ``compiled`` side of a count: its terms in order."""

    @property
    def terms(self) -> Sequence[TermInfoLike]: ...


class CountLike(Protocol):
    """Anything :func:`explain` can explain: an :class:`explorer.Count`, a spec's count.

    Optional extras, read when present: ``compiled.slots`` (the sizes' names without
    building sympy), ``title`` (else ``family.name`` and ``convention.name``) and ``sizes``
    (shown, and ``tied``/``merge`` explained).
    """

    @property
    def compiled(self) -> CompiledLike: ...
    @property
    def breakdown(self) -> Mapping[str, int]: ...
    @property
    def shapes(self) -> Mapping[str, tuple[int, ...]]: ...
    @property
    def subtotals(self) -> Mapping[str, int]: ...
    @property
    def total(self) -> int: ...
    @property
    def symbols(self) -> Sequence[Any]: ...
    @property
    def values(self) -> Sequence[int | None]: ...
