"""The :class:`Convention` base: which parameters a count includes, as data.

Each kind of family (recurrent, transformer ...) has its own convention type with its
own flags, declared as :class:`Flag` data; the command line's convention options and their
checks are read from these declarations.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple, TypeVar

__all__ = ["Convention", "Flag"]

C = TypeVar("C", bound="Convention")


class Flag(NamedTuple):
    """One flag of a convention that users may override alone.

    Attributes:
        name: the keyword (``bias``); the CLI option is ``--bias``.
        help: what it switches, for ``--help``.
        choices: the values of a choice flag; empty for a true/false flag
            (``--peepholes/--no-peepholes``).

    Example:
        >>> Flag("bias", "bias vectors", ("none", "single")).check("single")
        'single'
    """

    name: str
    help: str
    choices: tuple[str, ...] = ()

    def check(self, value: object) -> object:
        """The value if allowed; raises :class:`explorer.errors.UsageError` otherwise."""
        from explorer.errors import UnknownNameError, UsageError

        if self.choices:
            if value not in self.choices:
                raise UnknownNameError.for_name(self.name, value, self.choices)
        elif not isinstance(value, bool):
            raise UsageError(f"{self.name} must be true or false, got {value!r}")
        return value


@dataclass(frozen=True, slots=True, kw_only=True)
class Convention:
    """A named set of counting rules for one kind of family; data, not code paths.

    Subclasses declare ``KIND`` (the family kind they apply to) and ``FLAGS`` (the fields
    a user may override one by one).

    Attributes:
        name: registry name (``pytorch``), with ``+flag=value`` appended when overridden.
        formula: the count of a typical layer under this convention, for the docs.
        source: where the convention comes from.
    """

    KIND: ClassVar[str] = ""
    FLAGS: ClassVar[tuple[Flag, ...]] = ()

    name: str
    formula: str = ""
    source: str = ""

    def with_overrides(self: C, **flags: object) -> C:
        """A copy with some flags changed; ``None`` keeps the preset's value."""
        changes = {k: v for k, v in flags.items() if v is not None and getattr(self, k) != v}
        if not changes:
            return self
        suffix = "".join(f"+{k}={_show(v)}" for k, v in sorted(changes.items()))
        return dataclasses.replace(self, name=self.name + suffix, **changes)  # type: ignore[arg-type]

    def flags(self) -> dict[str, Any]:
        """The counting flags as a plain dict (for JSON and cache keys)."""
        return {flag.name: getattr(self, flag.name) for flag in self.FLAGS}

    @classmethod
    def flag_names(cls) -> tuple[str, ...]:
        """The names of the flags a user may override."""
        return tuple(flag.name for flag in cls.FLAGS)


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
