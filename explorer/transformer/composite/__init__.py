"""Composite models: a family whose parts are other families' counts (a vision tower and a
language model, joined by a projector), counted as one.

- :class:`CompositeFamily`: the parts (:class:`Part`: which families may count each, its
  prefix, its symbols' subscript), the model classes (:class:`CompositeHead`), the
  projector and the composite's own keywords; its Hugging Face binding names the nested
  configs (``text_config``, ``vision_config``) each part is read from.

Example:
    >>> from explorer.families import FAMILIES
    >>> [p.name for p in FAMILIES["llava"].parts]
    ['vision', 'text']
"""

from __future__ import annotations

from explorer.transformer.composite._family import (
    CompositeFamily,
    CompositeHead,
    CompositeStructure,
    Part,
)

__all__ = ["CompositeFamily", "CompositeHead", "CompositeStructure", "Part"]
