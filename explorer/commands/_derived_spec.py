"""A derived formula's file given where a spec file is (``--spec F.toml``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["DerivedSpec"]


@dataclass(frozen=True, slots=True)
class DerivedSpec:
    """A formula saved by ``explorer derive --save``, given where a spec file is: its
    family (registered as ``derived:STEM``) counts it, ``--set`` gives its variables."""

    family: str

    @classmethod
    def load(cls, path: str) -> DerivedSpec:
        """Register the file's family."""
        from explorer.derivation import register

        return cls(register(path))

    def count(self, **values: int) -> Any:
        """The count, variables not given left symbols."""
        from explorer._api import formula

        variables: dict[str, Any] = dict(values)
        return formula(self.family, **variables)
