"""Each term's title and reason: its role says what it is, its block's words say why it
has its shape (:func:`explorer.blocks.why`), in the network of its part.

Example:
    >>> import explorer
    >>> from explorer.explain._arithmetic import dimension
    >>> c = explorer.count("gru", convention="pytorch", input=10, cells=20)
    >>> info, numbers = c.compiled.terms[0], (60, 10)
    >>> dims = [dimension(t, n, {"n_i": 10, "n_c": 20}) for t, n in zip(info.shape_text, numbers)]
    >>> title, why = words(info, numbers, dims, Context.of(c, c.compiled.terms))
    >>> print(title)
    layer 0 input-to-gates
    >>> print(why)
    each of the 3 gates (r, z, n) of the 20 cells sees the 10 inputs of the network
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from explorer.blocks import Network, why
from explorer.explain._arithmetic import Dimension
from explorer.explain._protocols import TermInfoLike

__all__ = ["Context", "part_of", "words"]


def part_of(name: str) -> str:
    """The part prefix of a term's name (``encoder/``), or ``""``."""
    return name[: name.rfind("/") + 1]


@dataclass(frozen=True, slots=True)
class Context:
    """The network of each part of a count (one part unless it is a spec's)."""

    networks: Mapping[str, Network]

    @classmethod
    def of(cls, count: object, infos: Sequence[TermInfoLike]) -> Context:
        """The networks of ``count``, whose terms are ``infos``; a composite model's parts
        (a role's ``part``) each with its own design (its family's ``part_designs``)."""
        design = dict(getattr(count, "sizes", None) or {})
        slots = getattr(getattr(count, "compiled", None), "slots", ())
        values = getattr(count, "values", None) or ()
        for slot, value in zip(slots, values):  # sizes that follow others: how many layers
            if slot.derived and isinstance(value, int):  # have experts ...
                design.setdefault(slot.keyword, value)
        designs = getattr(getattr(count, "family", None), "part_designs", None)
        own = designs(count.structure, count.values) if designs is not None else {}  # type: ignore[attr-defined]
        roles: dict[str, list[object]] = {}
        for info in infos:
            roles.setdefault(_part(info), []).append(info.role)
        return cls(
            {
                p: Network(tuple(r), own.get(p.removeprefix("#"), design) if p else design)  # type: ignore[arg-type]
                for p, r in roles.items()
            }
        )

    def network(self, name: str) -> Network:
        """The network of the part a term belongs to."""
        return self.networks.get(part_of(name), Network((), {}))

    def network_of(self, info: TermInfoLike) -> Network:
        """The network of a term's part (a spec's, by its name; a composite's, by its role)."""
        return self.networks.get(_part(info), Network((), {}))


def _part(info: TermInfoLike) -> str:
    """A term's part: a spec's name prefix, or ``#part`` for a composite model's part."""
    found = part_of(info.name)
    if found:
        return found
    part = info.role.extra("part")
    return f"#{part}" if part else ""


def words(
    info: TermInfoLike, numbers: tuple[int, ...], dims: list[Dimension], context: Context
) -> tuple[str, str]:
    """The title and the reason of a term."""
    role = info.role
    if not role.title:  # a term without a role: its meaning says both
        meaning = info.meaning
        return (meaning.split(": ", 1)[0] if ": " in meaning else info.name), meaning.split(
            ": ", 1
        )[-1]
    title = f"{role.where} {role.title}" if role.where else role.title
    return title, why(role, info.meaning, numbers, dims, context.network_of(info))
