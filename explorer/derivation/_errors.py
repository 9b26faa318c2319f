"""What ``derive`` refuses, inside the project's one hierarchy (:mod:`explorer.errors`).

Example:
    >>> from explorer.errors import ExplorerError
    >>> issubclass(NoPolynomialError, ExplorerError), issubclass(TargetError, ExplorerError)
    (True, True)
"""

from __future__ import annotations

from explorer.errors import ExplorerError, UsageError

__all__ = ["MissingLibraryError", "NoPolynomialError", "TargetError"]


class TargetError(UsageError):
    """The target cannot be built: no such class, not a module, a file that does not
    import, arguments missing, lazy parameters."""


class MissingLibraryError(ExplorerError, ImportError):
    """PyTorch (or ``transformers``) is needed to build the target and is not installed."""


class NoPolynomialError(ExplorerError, ValueError):
    """No polynomial fits the counts over the domain asked for.

    The message says why (a build that fails, a breakpoint, a period, a special value, a
    constraint between arguments) and what to try; ``variable`` names the variable at
    fault when one is, ``suggestion`` holds the command-line change that should work.
    """

    def __init__(self, message: str, *, variable: str | None = None, suggestion: str = "") -> None:
        super().__init__(message)
        self.variable = variable
        self.suggestion = suggestion
