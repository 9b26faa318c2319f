"""The fit from shapes (issue 21, "fewer builds"): a group of tensors is its instances times
the product of its dimensions, each fitted apart; where that does not hold the fit says so
(None) and the caller fits the counts."""

from __future__ import annotations

from explorer.derivation._build import Shape
from explorer.derivation._domain import Range
from explorer.derivation._shapes import fit_by_shapes

RANGES = [Range(8, 512, 8), Range(1, 64)]
ANCHOR = (3, 5)
NAMES = ("d", "layers")


def test_products_of_few_fields_take_few_builds() -> None:
    asked: set[tuple[int, ...]] = set()

    def shapes(point: tuple[int, ...]) -> dict[str, Shape | None]:
        asked.add(point)
        d, layers = point
        return {
            "qkv": Shape(layers, (3 * d, d)),
            "bias": Shape(layers, (3 * d,)),
            "scale": Shape(1, ()),
        }

    found = fit_by_shapes(shapes, RANGES, ANCHOR, NAMES, max_degree=4)
    assert found is not None
    assert {g: p.text() for g, p in found.polynomials.items()} == {
        "qkv": "3*d**2*layers",
        "bias": "3*d*layers",
        "scale": "1",
    }
    assert len(asked) == len(found.points) <= 7  # each axis, no mixed point


def test_instances_of_different_shapes_give_no_answer() -> None:
    def shapes(point: tuple[int, ...]) -> dict[str, Shape | None]:
        return {"mlp": None}  # the layers' widths differ

    assert fit_by_shapes(shapes, RANGES, ANCHOR, NAMES, max_degree=4) is None


def test_a_group_that_comes_and_goes_gives_no_answer() -> None:
    def shapes(point: tuple[int, ...]) -> dict[str, Shape | None]:
        d, layers = point
        found: dict[str, Shape | None] = {"w": Shape(layers, (d, d))}
        if layers > 7:  # the anchor has 6 layers; the fit's nodes go up from it
            found["extra"] = Shape(1, (d,))
        return found

    assert fit_by_shapes(shapes, RANGES, ANCHOR, NAMES, max_degree=4) is None

    def going(point: tuple[int, ...]) -> dict[str, Shape | None]:
        d, layers = point
        found: dict[str, Shape | None] = {"w": Shape(layers, (d, d))}
        if d > 40:
            found["w"] = None  # not one shape there
        return found

    assert fit_by_shapes(going, RANGES, ANCHOR, NAMES, max_degree=4) is None


def test_a_dimension_of_no_polynomial_gives_no_answer() -> None:
    def shapes(point: tuple[int, ...]) -> dict[str, Shape | None]:
        d, layers = point
        return {"w": Shape(layers, (2**d,))}

    assert fit_by_shapes(shapes, RANGES, ANCHOR, NAMES, max_degree=4) is None
