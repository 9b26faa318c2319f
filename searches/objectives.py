"""What a search optimises: built-in objectives, or the user's own ``module:function``.

A user objective receives the solved :class:`~searches.design.Design` (``family``,
``sizes``, ``total``, ``parameters``, ``count``, ``macs``, ``flops`` ...) and returns a
number, or a sequence of numbers for several objectives at once (give one ``--direction``
per value). The compute objectives (``macs``, ``flops``, ``training_flops``) are the
families' declared matrix products for one sequence of the design's ``seq`` tokens, as
torch's ``FlopCounterMode`` counts them.

Example:
    >>> import explorer
    >>> from searches.design import Design
    >>> plan = resolve_objectives(["macs", "depth"])
    >>> plan.names, plan.directions
    (('macs', 'depth'), ('minimize', 'maximize'))
    >>> s = explorer.solve("gru", budget="1M", layers=2, input=39, output=34)
    >>> d = Design.from_solution(s)
    >>> plan.evaluate(d)
    [993708.0, 2.0]
    >>> resolve_objectives("flops").evaluate(d.with_compute(seq=100))
    [198741600.0]
"""

from __future__ import annotations

import importlib
import importlib.util
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from explorer.errors import ConflictError, UnknownNameError, did_you_mean
from searches.design import Design
from searches.errors import ObjectiveError, ObjectiveValueError

__all__ = [
    "BUILTIN",
    "DEFAULT_OBJECTIVE",
    "DIRECTIONS",
    "Direction",
    "Objective",
    "ObjectivePlan",
    "load_objective",
    "resolve_objectives",
]

Direction = Literal["minimize", "maximize"]
DIRECTIONS: tuple[str, ...] = ("minimize", "maximize")
_ALIASES = {"min": "minimize", "max": "maximize", "minimise": "minimize", "maximise": "maximize"}
_SPEC = re.compile(r"^(?P<module>[^:]+):(?P<attr>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)$")
_MODULE = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")

ObjectiveFunction = Callable[[Design], Any]


@dataclass(frozen=True, slots=True)
class Objective:
    """A named objective: a function of a design, and the direction(s) it is optimised in.

    ``values`` is how many numbers it returns (one direction each).
    """

    name: str
    function: ObjectiveFunction
    directions: tuple[str, ...]
    description: str = ""

    @property
    def values(self) -> int:
        """How many numbers the function returns."""
        return len(self.directions)


def _compute(name: str) -> ObjectiveFunction:
    """A compute objective: the design's declared compute, or one line saying that its
    family declares none (a derived formula counts parameters only)."""

    def objective(design: Design) -> float:
        try:
            return float(getattr(design, name))
        except ConflictError as error:
            raise ObjectiveError(
                f"objective {name}: {error}; choose an objective of its own, e.g. depth, "
                "aspect, error or FILE.py:NAME"
            ) from None

    return objective


def _depth(design: Design) -> float:
    return float(design.depth)


def _error(design: Design) -> float:
    return abs(design.relative_error)


def _aspect(target: float) -> ObjectiveFunction:
    def aspect(design: Design) -> float:
        return abs(math.log(design.width / design.depth / target))

    return aspect


#: What a search optimises unless told: the shape. A budget fixes the size; among the
#: designs that meet it, the one whose width / depth is nearest the target ratio (64 by
#: default) is the one a person would train: Kaplan et al. 2020 (Scaling Laws for Neural
#: Language Models, fig. 5) found the loss at a fixed size changes only a few percent over
#: a wide band of width/depth, and 64 sits inside it. MACs (the former default) made
#: "best" mean "furthest below the budget", the smallest useless design (issue 23).
DEFAULT_OBJECTIVE = "aspect"
#: name -> (direction, description); ``aspect`` needs its target ratio (``target_ratio``).
BUILTIN: dict[str, tuple[str, str]] = {
    "macs": (
        "minimize",
        "multiply-accumulates of one forward pass of one sequence (Design.macs)",
    ),
    "flops": ("minimize", "FLOPs of one forward pass of one sequence: 2 x macs (Design.flops)"),
    "training_flops": (
        "minimize",
        "FLOPs of one training step on one sequence: 3 x flops (Design.training_flops)",
    ),
    "depth": ("maximize", "number of layers at the budget"),
    "aspect": (
        "minimize",
        "|ln((width / depth) / target ratio)|: how far the design's width / depth is "
        "from the target ratio (--target-ratio, default 64), 0 when equal",
    ),
    "error": ("minimize", "|total - budget| / budget"),
}


@dataclass(frozen=True, slots=True)
class ObjectivePlan:
    """Every objective of a study, in order, and the study's directions."""

    objectives: tuple[Objective, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """One name per value (``name[i]`` for a function returning several)."""
        names: list[str] = []
        for objective in self.objectives:
            if objective.values == 1:
                names.append(objective.name)
            else:
                names += [f"{objective.name}[{i}]" for i in range(objective.values)]
        return tuple(names)

    @property
    def directions(self) -> tuple[str, ...]:
        """One direction per value."""
        return tuple(d for objective in self.objectives for d in objective.directions)

    def evaluate(self, design: Design) -> list[float]:
        """Every value for ``design``, checked: numbers, as many as there are directions.

        Raises:
            ObjectiveError: an objective returned something else, or raised.
        """
        values: list[float] = []
        for objective in self.objectives:
            try:
                result = objective.function(design)
            except ObjectiveError:
                raise
            except OverflowError as error:  # arithmetic past a float's range
                raise ObjectiveValueError(
                    f"objective {objective.name} overflowed: {error}"
                ) from None
            except SystemExit as error:  # the user's code may not end the process
                raise ObjectiveError(
                    f"objective {objective.name} called sys.exit({error.code!r}); an objective "
                    "returns its value (raise an exception to report a problem)"
                ) from None
            except Exception as error:  # the user's code: report it in one line
                raise ObjectiveError(
                    f"objective {objective.name} raised {type(error).__name__}: {error}"
                ) from error
            values += _numbers(objective, result)
        return values


def _numbers(objective: Objective, result: Any) -> list[float]:
    items = list(result) if isinstance(result, list | tuple) else [result]
    for item in items:
        if isinstance(item, bool) or not isinstance(item, int | float):
            kind = type(item).__name__
            raise ObjectiveError(
                f"objective {objective.name} must return a number or a list of numbers, got {kind}"
            )
    if len(items) != objective.values:
        hint = (
            "; for several values give one --direction per value, e.g. "
            + ",".join(["minimize"] * len(items))
            if len(items) > 1
            else ""
        )
        raise ObjectiveError(
            f"objective {objective.name} returned {len(items)} values, expected "
            f"{objective.values}{hint}"
        )
    numbers = []
    for item in items:
        try:
            number = float(item)
        except OverflowError:  # an int beyond any float: 10**400
            number = math.inf
        if not math.isfinite(number):
            shown = "a number too large for a float" if isinstance(item, int) else repr(item)
            raise ObjectiveValueError(
                f"objective {objective.name} returned {shown}, not a finite number"
            )
        numbers.append(number)
    return numbers


def resolve_objectives(
    specs: Sequence[str | ObjectiveFunction] | str,
    *,
    directions: Sequence[str] | None = None,
    target_ratio: float = 64.0,
) -> ObjectivePlan:
    """Objectives from names (``macs``, ``flops``, ``training_flops``, ``depth``, ``aspect``,
    ``error``), ``module:function``
    specs (``path/to/file.py:function`` too) or callables; with ``directions``, one per value.

    Built-ins have their own direction, user functions minimise unless told. Without
    ``directions`` every objective returns one value; with them, a single user function
    returns as many values as the directions the built-ins leave over.

    Raises:
        ObjectiveError: a spec that cannot be loaded, or directions that do not fit.
        explorer.errors.UnknownNameError: an unknown built-in name.
    """
    items = [s.strip() for s in specs.split(",")] if isinstance(specs, str) else list(specs)
    if not items or any(isinstance(s, str) and not s for s in items):
        raise ObjectiveError("give at least one objective: " + ", ".join(BUILTIN))
    if target_ratio <= 0 or not math.isfinite(target_ratio):
        raise ObjectiveError(f"the target ratio must be a positive number, got {target_ratio}")
    wanted = None if directions is None else [_direction(d) for d in directions]
    user = sum(1 for s in items if not (isinstance(s, str) and s in BUILTIN))
    counts = [1] * len(items)
    if wanted is not None and len(wanted) != len(items):
        if user == 1 and len(wanted) > len(items):
            index = next(
                i for i, s in enumerate(items) if not (isinstance(s, str) and s in BUILTIN)
            )
            counts[index] = len(wanted) - len(items) + 1
        else:
            raise ObjectiveError(
                f"{len(wanted)} directions given for {len(items)} objectives; give one per value"
            )
    objectives: list[Objective] = []
    position = 0
    for item, n in zip(items, counts):
        own = None if wanted is None else tuple(wanted[position : position + n])
        position += n
        objectives.append(_objective(item, own, n, target_ratio))
    return ObjectivePlan(tuple(objectives))


def _direction(text: str) -> str:
    value = _ALIASES.get(text.strip().lower(), text.strip().lower())
    if value not in DIRECTIONS:
        raise UnknownNameError.for_name("direction", text, DIRECTIONS)
    return value


def _objective(
    item: str | ObjectiveFunction, directions: tuple[str, ...] | None, n: int, target: float
) -> Objective:
    if not isinstance(item, str):
        if not callable(item):
            raise ObjectiveError(f"an objective must be a name or a callable, got {item!r}")
        name = getattr(item, "__qualname__", repr(item))
        return Objective(name, item, directions or ("minimize",) * n)
    if item in BUILTIN:
        direction, description = BUILTIN[item]
        function = _aspect(target) if item == "aspect" else _BUILTIN_FUNCTIONS[item]
        return Objective(item, function, directions or (direction,), description)
    if ":" not in item:
        guess = did_you_mean(item, BUILTIN)
        hint = f"did you mean '{guess}'? " if guess else ""
        raise ObjectiveError(
            f"unknown objective {item!r}; {hint}known: {', '.join(BUILTIN)}, "
            "or your own as module:function"
        )
    return Objective(item, load_objective(item), directions or ("minimize",) * n)


_BUILTIN_FUNCTIONS: dict[str, ObjectiveFunction] = {
    "macs": _compute("macs"),
    "flops": _compute("flops"),
    "training_flops": _compute("training_flops"),
    "depth": _depth,
    "error": _error,
}


def load_objective(spec: str) -> ObjectiveFunction:
    """Import ``module:function`` (or ``path/to/file.py:function``) and return the function.

    The current directory is searched first, as ``python -m`` would: the user names their
    own code, as for a plug-in.

    Raises:
        ObjectiveError: a malformed spec, an unknown module, a missing or non-callable name.

    Example:
        >>> load_objective("math:hypot")(3, 4)
        5.0
        >>> load_objective("math:tau")
        Traceback (most recent call last):
        ...
        searches.errors.ObjectiveError: objective 'math:tau' is a float, not a function
    """
    match = _SPEC.match(spec.strip())
    if match is None:
        raise ObjectiveError(
            f"objective {spec!r} is not module:function (e.g. mymodels:score or "
            "path/to/file.py:score)"
        )
    module_text, attr = match["module"], match["attr"]
    module = _import(module_text, spec)
    target: Any = module
    for part in attr.split("."):
        if not hasattr(target, part):
            names = [n for n in dir(target) if not n.startswith("_")]
            guess = did_you_mean(part, names)
            hint = f"; did you mean '{guess}'?" if guess else ""
            raise ObjectiveError(f"objective {spec!r}: {module_text} has no {part!r}{hint}")
        target = getattr(target, part)
    if not callable(target):
        raise ObjectiveError(f"objective {spec!r} is a {type(target).__name__}, not a function")
    return target  # type: ignore[no-any-return]


def _import(module_text: str, spec: str) -> Any:
    if module_text.endswith(".py"):
        path = Path(module_text)
        if not path.is_file():
            raise ObjectiveError(f"objective {spec!r}: no file {module_text}")
        name = "explorer_objective_" + re.sub(r"\W", "_", path.stem)
        loader_spec = importlib.util.spec_from_file_location(name, path)
        if loader_spec is None or loader_spec.loader is None:  # pragma: no cover - a .py file
            raise ObjectiveError(f"objective {spec!r}: cannot load {module_text}")
        module = importlib.util.module_from_spec(loader_spec)
        _run_user_import(lambda: loader_spec.loader.exec_module(module), module_text)  # type: ignore[union-attr]
        return module
    if not _MODULE.match(module_text):
        raise ObjectiveError(
            f"objective {spec!r}: {module_text!r} is not a module name (or a .py file path)"
        )
    here = os.getcwd()
    added = here not in sys.path
    if added:
        sys.path.insert(0, here)
    try:
        return _run_user_import(lambda: importlib.import_module(module_text), module_text)
    finally:
        if added:
            sys.path.remove(here)


def _run_user_import(load: Callable[[], Any], module_text: str) -> Any:
    try:
        return load()
    except ModuleNotFoundError as error:
        if error.name is not None and (module_text + ".").startswith(error.name + "."):
            raise ObjectiveError(
                f"no module named {module_text!r} (run from its folder or put it on PYTHONPATH)"
            ) from None
        raise ObjectiveError(
            f"objective module {module_text!r} failed to import: {error}"
        ) from None
    except SystemExit as error:  # the user's module may not end the process
        raise ObjectiveError(
            f"objective module {module_text!r} called sys.exit({error.code!r}) on import"
        ) from None
    except Exception as error:  # the user's module: report it in one line
        raise ObjectiveError(
            f"objective module {module_text!r} failed to import: {type(error).__name__}: {error}"
        ) from None
