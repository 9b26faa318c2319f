"""Ctrl-C and ``kill`` during a study: stop cleanly, between two storage writes.

A ``KeyboardInterrupt`` raised in the middle of Optuna's bookkeeping leaves a trial
running forever in the storage (and, inside Optuna's ``_run_trial``, turns into an
unrelated ``UnboundLocalError``). So while a study runs, SIGINT and SIGTERM only ask it to
stop after the current trial, unless the trial is inside its objective (a slow user
function: stop at once, the trial is recorded as failed) or the signal comes a second
time (the user insists). Standard library only.

Example:
    >>> with Interrupts() as guard:
    ...     guard.requested
    False
    >>> stopped_by_interrupt(RuntimeError("x")), stopped_by_interrupt(KeyboardInterrupt())
    (False, True)
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType, TracebackType
from typing import Any

__all__ = ["Interrupts", "stopped_by_interrupt"]


class Interrupts:
    """Handlers for ``signals`` for the duration of a ``with`` block (main thread only;
    elsewhere nothing is installed and Python's defaults stay; a signal the process was
    started ignoring stays ignored)."""

    def __init__(self, signals: tuple[int, ...] = (signal.SIGINT, signal.SIGTERM)) -> None:
        self.requested = False
        self.signal: int | None = None
        self._signals = signals
        self._urgent = False
        self._on_request: Callable[[], None] | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> Interrupts:
        if threading.current_thread() is threading.main_thread():
            for sig in self._signals:
                if signal.getsignal(sig) is not signal.SIG_IGN:  # ignored (nohup, &): stays so
                    self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)
        self._previous.clear()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        first = not self.requested
        self.requested, self.signal = True, signum
        if self._urgent or not first:
            raise KeyboardInterrupt
        if self._on_request is not None:
            self._on_request()

    def on_request(self, callback: Callable[[], None] | None) -> None:
        """Call ``callback`` (e.g. ``study.stop``) when a stop is asked for."""
        self._on_request = callback

    @contextlib.contextmanager
    def urgent(self) -> Iterator[None]:
        """Inside this block a signal interrupts at once (``KeyboardInterrupt``)."""
        if self.requested:
            raise KeyboardInterrupt
        self._urgent = True
        try:
            yield
        finally:
            self._urgent = False

    def check(self) -> None:
        """Raise ``KeyboardInterrupt`` if a stop was asked for."""
        if self.requested:
            raise KeyboardInterrupt


def stopped_by_interrupt(error: BaseException) -> bool:
    """Whether ``error`` is an interrupt, or was raised while handling one (Optuna's
    clean-up code can fail on the way out of an interrupted trial)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
