"""What ``--help`` says a keyword defaults to is what the family uses when it is not given
(issue 24: T5's head_dim said "d_model // heads" and used 64). For every family and every
keyword whose help shows a default, a design without it counts the same as with it set to
that default."""

from __future__ import annotations

from typing import Any

import pytest

import explorer
from explorer.errors import ExplorerError
from explorer.families import FAMILIES


def _cases() -> list[Any]:
    found = []
    for name in FAMILIES:
        family = FAMILIES[name]
        for keyword in family.keywords:
            if keyword.default is None or keyword.kind == "choice":
                continue
            found.append(pytest.param(name, keyword.name, id=f"{name}-{keyword.name}"))
    return found


@pytest.mark.parametrize(("name", "keyword"), _cases())
def test_the_default_shown_is_the_default_used(name: str, keyword: str) -> None:
    family = FAMILIES[name]
    shown = family.keyword(keyword)
    assert shown is not None
    assert f"default {shown.default}" in shown.describe() or (
        shown.kind == "flag" and "default" in shown.describe()
    )
    design = {k: v for k, v in family.examples[0].items() if k != keyword}
    try:
        without = explorer.count(name, **design)
    except ExplorerError as error:
        with pytest.raises(type(error)):
            explorer.count(name, **design, **{keyword: shown.default})
        return
    assert explorer.count(name, **design, **{keyword: shown.default}).total == without.total
