"""Progress on stderr: a tqdm bar on a terminal, a plain line every few seconds elsewhere
(logs, CI, ``nohup``), both with the time left from the recent rate.

A study slows as it goes (TPE re-fits its whole history every trial), so the time left is
measured on the last :data:`WINDOW_S` seconds, not on the whole run's average.

Example:
    >>> import io
    >>> out = io.StringIO()
    >>> p = Progress(10, unit="trial", enabled=True, stream=out, every=0.0)
    >>> p.update(4)
    >>> print(out.getvalue().splitlines()[0])  # doctest: +ELLIPSIS
    trials: 4/10 (40%), ...
"""

from __future__ import annotations

import collections
import sys
import time
from typing import IO, Any

__all__ = ["EVERY_S", "WINDOW_S", "Progress", "remaining_seconds"]

#: Seconds between two progress lines when stderr is not a terminal.
EVERY_S = 5.0
#: Seconds of recent history the rate is measured over.
WINDOW_S = 30.0


def remaining_seconds(history: collections.deque[tuple[float, int]], total: int) -> float | None:
    """Seconds left at the rate of ``history`` (time, done) pairs, or ``None`` without one.

    Example:
        >>> h = collections.deque([(0.0, 0), (10.0, 5), (20.0, 7)])
        >>> remaining_seconds(h, 10)  # the recent rate: 7 done in 20 s
        8.571428571428571
    """
    if len(history) < 2:
        return None
    (t0, n0), (t1, n1) = history[0], history[-1]
    if n1 <= n0 or t1 <= t0:
        return None
    return (total - n1) * (t1 - t0) / (n1 - n0)


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    seconds = int(seconds + 0.5)
    hours, rest = divmod(seconds, 3600)
    return (
        f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
        if hours
        else f"{rest // 60:02d}:{rest % 60:02d}"
    )


class Progress:
    """``total`` items from ``start``; :meth:`update` takes the absolute count done."""

    def __init__(
        self,
        total: int,
        *,
        unit: str,
        enabled: bool,
        start: int = 0,
        stream: IO[str] | None = None,
        every: float = EVERY_S,
    ) -> None:
        self.total = total
        self.unit = unit
        self.enabled = enabled and total > 0
        self._start = start
        self._stream = stream if stream is not None else sys.stderr
        self._every = every
        self._done = 0
        self._history: collections.deque[tuple[float, int]] = collections.deque()
        self._history.append((time.monotonic(), 0))
        self._last_line = time.monotonic()  # the first line after ``every`` seconds
        self._printed = False
        self._bar: Any = None
        if self.enabled and stream is None and _is_terminal(self._stream):
            self._bar = _tqdm_bar(total, unit)

    def update(self, done_absolute: int) -> None:
        """Record the absolute count done (the study's, earlier runs' included)."""
        if not self.enabled:
            return
        done = max(0, min(self.total, done_absolute - self._start))
        now = time.monotonic()
        if done != self._done:
            self._done = done
            self._history.append((now, done))
            while len(self._history) > 2 and now - self._history[0][0] > WINDOW_S:
                self._history.popleft()
        left = remaining_seconds(self._history, self.total)
        if self._bar is not None:
            self._bar.update(done - self._bar.n)
            self._bar.set_postfix_str(f"left {_clock(left)} at the recent rate", refresh=True)
            return
        if now - self._last_line >= self._every or (done == self.total and self._printed):
            self._last_line = now
            self._line(left)

    def _line(self, left: float | None) -> None:
        self._printed = True
        percent = 100 * self._done // self.total
        rate = self._rate()
        print(
            f"{self.unit}s: {self._done:,}/{self.total:,} ({percent}%), "
            f"{rate}, left {_clock(left)}",
            file=self._stream,
            flush=True,
        )

    def _rate(self) -> str:
        (t0, n0), (t1, n1) = self._history[0], self._history[-1]
        if t1 <= t0:
            return f"? {self.unit}s/s"
        return f"{(n1 - n0) / (t1 - t0):,.1f} {self.unit}s/s"

    def add(self, count: int) -> None:
        """Record ``count`` more items done."""
        self.update(self._start + self._done + count)

    def close(self) -> None:
        """End the bar (a last line off a terminal when something was done)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        elif self.enabled and self._printed and self._done < self.total:
            self._line(remaining_seconds(self._history, self.total))
        self.enabled = False


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _tqdm_bar(total: int, unit: str) -> Any:
    try:
        from tqdm import tqdm  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return None
    return tqdm(
        total=total,
        unit=unit,
        file=sys.stderr,
        desc=f"{unit}s",
        bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}, {postfix}]",
    )
