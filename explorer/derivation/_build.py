"""Builds on the meta device, and the count of unique parameters (or buffers).

``module.parameters()`` yields each Parameter object once, so a tensor that several
modules share (Hugging Face ties the LM head to the embedding by sharing the object) is
counted once. On the meta device nothing is allocated, so a 7B model builds in
milliseconds; storage shared between distinct Parameter objects cannot be seen there
(``data_ptr()`` is 0 for every meta tensor), and no library we know builds that way.

Example:
    >>> import pytest; torch = pytest.importorskip("torch")
    >>> from explorer.derivation._target import resolve
    >>> builder = Builder(resolve("torch.nn.Linear", None), ("in_features",),
    ...                   {"out_features": 3}, {})
    >>> builder.count((4,)), builder.builds
    (15, 1)
"""

from __future__ import annotations

import contextlib
import logging
import re
import sys
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from explorer.derivation._derived import What
from explorer.derivation._errors import TargetError
from explorer.derivation._target import BUILD_TIMEOUT, Target, fenced, one_line
from explorer.derivation._tensors import TensorInfo, abstract, classify
from explorer.errors import UnknownNameError

if TYPE_CHECKING:
    from explorer.expressions import Expression

__all__ = ["BUILD_TIMEOUT", "BuildFailure", "Builder", "Shape", "fenced", "quiet", "where"]

_UNEXPECTED = re.compile(r"unexpected keyword argument '(\w+)'")
_MISSING = re.compile(r"missing \d+ required (?:positional|keyword-only) arguments?: (.+)")


class Shape(NamedTuple):
    """A group of tensors of one shape: how many, and the shape."""

    instances: int
    dims: tuple[int, ...]

    def more(self) -> Shape:
        """One instance more."""
        return Shape(self.instances + 1, self.dims)


class BuildFailure(Exception):  # noqa: N818 - an outcome the fit reacts to, not a user error
    """The target raised while being built at one point of the domain."""

    def __init__(self, point: Mapping[str, int], error: BaseException) -> None:
        self.point = dict(point)
        self.reason = one_line(error)
        super().__init__(f"build fails at {where(self.point)}: {self.reason}")


def where(point: Mapping[str, int]) -> str:
    """``hidden_size=100, num_layers=2``."""
    return ", ".join(f"{k}={v}" for k, v in point.items())


class Builder:
    """Builds the target at points of the domain (memoised) and counts what it holds.

    Args:
        target: what to build.
        variables: the varied names, in the order of a point's values.
        fixed: the other arguments.
        ties: arguments computed from the variables (rounded down).
        what: ``parameters`` or ``buffers``.
    """

    def __init__(
        self,
        target: Target,
        variables: Sequence[str],
        fixed: Mapping[str, Any],
        ties: Mapping[str, Expression],
        what: What = "parameters",
        *,
        timeout: float | None = BUILD_TIMEOUT,
    ) -> None:
        self.target = target
        self.timeout = timeout
        self.variables = tuple(variables)
        self.fixed = dict(fixed)
        self.ties = dict(ties)
        self.what = what
        self.builds = 0
        self._memo: dict[tuple[int, ...], int | BuildFailure] = {}
        #: Per point built: each group of named tensors (layer index abstracted) and the
        #: elements it holds; per group, what it is (kind, block, experts).
        self._parts: dict[tuple[int, ...], dict[str, int]] = {}
        #: Per point built: each group's instances and their one shape (None where the
        #: instances differ in shape).
        self._shapes: dict[tuple[int, ...], dict[str, Shape | None]] = {}
        self.info: dict[str, TensorInfo] = {}

    def arguments(self, point: Sequence[int]) -> dict[str, Any]:
        """The keyword arguments of one build."""
        values = dict(zip(self.variables, point))
        arguments: dict[str, Any] = dict(self.fixed)
        names = self.target.names
        arguments.update({k: v for k, v in values.items() if names is None or k in names})
        for name, expression in self.ties.items():
            arguments[name] = int(expression.evaluate(values) // 1)
        if names is None:  # variables that only feed ties are not the target's arguments
            for k in values:
                if any(k in e.names for e in self.ties.values()) and k not in self.target.hints:
                    arguments.pop(k, None)
        return arguments

    def seen(self, point: Sequence[int]) -> bool:
        """Whether this point was built already."""
        return tuple(point) in self._memo

    def count(self, point: Sequence[int]) -> int:
        """The count at ``point`` (values in variable order).

        Raises:
            BuildFailure: the target raised while being built there.
            TargetError, UnknownNameError: the arguments themselves are wrong (a name it
                does not take, one it needs), or the module is lazy.
        """
        key = tuple(int(v) for v in point)
        known = self._memo.get(key)
        if known is None:
            known = self._build(key)
            self._memo[key] = known
        if isinstance(known, BuildFailure):
            raise known
        return known

    def parts(self, point: Sequence[int]) -> dict[str, int]:
        """The elements of each group of named tensors at ``point`` (built if need be).

        Raises:
            BuildFailure: as :meth:`count`.
        """
        key = tuple(int(v) for v in point)
        self.count(key)
        return self._parts[key]

    def shapes(self, point: Sequence[int]) -> dict[str, Shape | None]:
        """Each group's instances and their shape at ``point`` (None: not one shape).

        Raises:
            BuildFailure: as :meth:`count`.
        """
        key = tuple(int(v) for v in point)
        self.count(key)
        return self._shapes[key]

    def _build(self, key: tuple[int, ...]) -> int | BuildFailure:
        import torch

        arguments = self.arguments(key)
        self.builds += 1
        try:
            with (
                fenced(self.target.title, self.timeout),
                torch.device("meta"),
                warnings.catch_warnings(),
                _no_init(),
            ):
                warnings.simplefilter("ignore")
                module = self.target.build(arguments)
        except TargetError:
            raise  # the fence's: an exit or a build past the time limit
        except TypeError as error:
            self._argument_error(error)
            return BuildFailure(dict(zip(self.variables, key)), error)
        except Exception as error:
            return BuildFailure(dict(zip(self.variables, key)), error)
        if not isinstance(module, torch.nn.Module):
            raise TargetError(f"{self.target.title} did not build a torch.nn.Module")
        shapes: dict[str, Shape | None] = {}
        parts = _unique_parts(module, self.what, self.target.title, self.info, shapes)
        self._parts[key] = parts
        self._shapes[key] = shapes
        return sum(parts.values())

    def _argument_error(self, error: TypeError) -> None:
        message = str(error)
        unexpected = _UNEXPECTED.search(message)
        if unexpected:
            raise UnknownNameError.for_name(
                f"argument of {self.target.title}", unexpected.group(1), self.target.hints
            )
        missing = _MISSING.search(message)
        if missing:
            raise TargetError(
                f"{self.target.title} needs arguments not given: {missing.group(1)}; "
                "give them with --vary NAME=LO:HI or --set NAME=VALUE"
            )


def _unique_parts(
    module: Any,
    what: What,
    title: str,
    info: dict[str, TensorInfo],
    shapes: dict[str, Shape | None],
) -> dict[str, int]:
    """Each group of unique tensors (a Parameter object shared by several modules counted
    once, under its first name) and its elements; ``info`` learns each new group, and
    ``shapes`` each group's instances and shape (None where they differ)."""
    from torch.nn.parameter import is_lazy

    owners = {id(p): type(m).__name__ for m in module.modules() for p in m.parameters(False)}
    parts: dict[str, int] = {}
    chosen = module.named_parameters() if what == "parameters" else module.named_buffers()
    for name, tensor in chosen:
        if is_lazy(tensor):
            raise TargetError(_lazy_message(title))
        group = abstract(name)
        if group not in info:
            info[group] = classify(group, owners.get(id(tensor), ""))
        parts[group] = parts.get(group, 0) + tensor.numel()
        shape = tuple(tensor.shape)
        if group not in shapes:
            shapes[group] = Shape(1, shape)
        else:
            known = shapes[group]
            shapes[group] = None if known is None or known.dims != shape else known.more()
    if what == "buffers":  # lazy parameters are refused when buffers are counted too
        for tensor in module.parameters():
            if is_lazy(tensor):
                raise TargetError(_lazy_message(title))
    return parts


def _lazy_message(title: str) -> str:
    import torch

    name = title.rsplit(".", 1)[-1]
    eager = name.removeprefix("Lazy")
    instead = (
        f": derive torch.nn.{eager} instead"
        if name.startswith("Lazy") and hasattr(torch.nn, eager)
        else ": derive a module whose constructor fixes every shape"
    )
    return (
        f"{title} has lazy parameters: their shapes are set by the first forward pass, not by "
        f"the constructor, so no build on the meta device can count them{instead}"
    )


#: torch's in-place initialisers: on the meta device they only cost time (a third of an
#: LSTM's build), and they never change a shape. Hugging Face's ``no_init_weights``
#: replaces the same list while it builds.
_INITIALISERS = (
    "uniform_",
    "normal_",
    "trunc_normal_",
    "constant_",
    "ones_",
    "zeros_",
    "eye_",
    "dirac_",
    "xavier_uniform_",
    "xavier_normal_",
    "kaiming_uniform_",
    "kaiming_normal_",
    "orthogonal_",
    "sparse_",
)


def _unchanged(tensor: Any, *args: Any, **kwargs: Any) -> Any:
    return tensor


@contextlib.contextmanager
def _no_init() -> Iterator[None]:
    """torch.nn.init's in-place initialisers made no-ops during one build (restored after)."""
    from torch.nn import init

    saved = {name: getattr(init, name) for name in _INITIALISERS if hasattr(init, name)}
    for name in saved:
        setattr(init, name, _unchanged)
    try:
        yield
    finally:
        for name, function in saved.items():
            setattr(init, name, function)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Hugging Face's advisory log lines silenced while building (restored after)."""
    if "transformers" not in sys.modules:
        yield
        return
    from transformers.utils import logging as hf_logging

    before = hf_logging.get_verbosity()
    hf_logging.set_verbosity(logging.ERROR)
    try:
        yield
    finally:
        hf_logging.set_verbosity(before)
