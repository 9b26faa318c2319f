"""Helpers shared by the benchmark scripts in this folder.

The scripts are run as ``python benchmarks/bench_X.py``, which puts this folder on
``sys.path``: they import this module as ``import _common as common`` (there is no
``benchmarks/__init__.py``, so mypy sees the scripts and this module as top-level modules
too). A script's own measurements and tables stay in the script; what is here is what
they all need: checks, progress, the environment header, fresh-process timing, the
scratch formula cache and ``main``.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

SettingsT = TypeVar("SettingsT")
T = TypeVar("T")
K = TypeVar("K")


@dataclass(frozen=True)
class Timing:
    """One measurement: wall-clock seconds, and CPU seconds of the measured code (this
    process's, or a child process's). On a busy machine the CPU time is what other
    processes' load does not inflate: ratios are taken from it, wall times shown beside."""

    wall: float
    cpu: float

    def per(self, calls: int) -> Timing:
        """The time of one of ``calls`` calls."""
        return Timing(self.wall / calls, self.cpu / calls)


def stopwatch() -> Callable[[], Timing]:
    """Start timing this process; the returned function gives the time since then."""
    wall, cpu = time.perf_counter(), time.process_time()
    return lambda: Timing(time.perf_counter() - wall, time.process_time() - cpu)


def medians(samples: Sequence[Timing]) -> Timing:
    """The median wall time and the median CPU time of several measurements."""
    return Timing(
        statistics.median(s.wall for s in samples), statistics.median(s.cpu for s in samples)
    )


def summarise(samples: Sequence[Timing]) -> dict[str, Any]:
    """Medians and minimums of wall and CPU time, and every measurement, in seconds."""
    middle = medians(samples)
    return {
        "median_wall_s": middle.wall,
        "median_cpu_s": middle.cpu,
        "min_wall_s": min(s.wall for s in samples),
        "min_cpu_s": min(s.cpu for s in samples),
        "runs": len(samples),
        "wall_s": [s.wall for s in samples],
        "cpu_s": [s.cpu for s in samples],
    }


class CheckFailedError(AssertionError):
    """Two routes disagree, or an answer is malformed: the figures cannot be trusted."""


def check(condition: bool, message: str) -> None:
    """Raise CheckFailedError unless ``condition`` holds: an assertion that survives ``-O``.

    Args:
        condition: What must be true.
        message: What went wrong, when it is not.

    Raises:
        CheckFailedError: ``condition`` is false.
    """
    if not condition:
        raise CheckFailedError(message)


def progress_printer(script: str) -> Callable[[str], None]:
    """A progress printer for one script.

    Progress goes to stderr so that ``--json`` output stays one object on stdout.

    Args:
        script: The prefix of every line, e.g. ``"bench_count"``.

    Returns:
        A function that prints ``[script] message`` to stderr and flushes.
    """

    def progress(message: str) -> None:
        print(f"[{script}] {message}", file=sys.stderr, flush=True)

    return progress


# -- environment ----------------------------------------------------------------------------
def version(distribution: str) -> str | None:
    """The installed version of a distribution.

    Args:
        distribution: Its name, e.g. ``"sympy"``.

    Returns:
        The version, or None when it is not installed.
    """
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def base_environment(libraries: Mapping[str, object], *, detailed: bool = True) -> dict[str, Any]:
    """Interpreter, platform and CPUs, followed by the given library versions.

    Args:
        libraries: Entries appended as they are, in order (versions and the like).
        detailed: Also record the implementation, executable, machine and processor.

    Returns:
        The ``environment`` object of a report.
    """
    affinity = getattr(os, "sched_getaffinity", None)
    env: dict[str, Any] = {"python": platform.python_version()}
    if detailed:
        env["implementation"] = platform.python_implementation()
        env["executable"] = sys.executable
    env["platform"] = platform.platform()
    if detailed:
        env["machine"] = platform.machine()
        env["processor"] = platform.processor() or None
    env["cpu_count"] = os.cpu_count()
    env["cpus_usable"] = len(affinity(0)) if affinity else None
    env.update(libraries)
    return env


def environment_lines(
    title: str, env: Mapping[str, Any], libraries: Sequence[str], mode: str
) -> list[str]:
    """The header of a report's table.

    Args:
        title: The first line.
        env: An ``environment()`` object (the implementation is shown when it has one).
        libraries: The keys of ``env`` to show as ``name value`` on the third line.
        mode: The settings' name (``full`` or ``quick``).

    Returns:
        Four lines.
    """
    implementation = f" ({env['implementation']})" if "implementation" in env else ""
    return [
        title,
        f"  python {env['python']}{implementation}, {env['platform']}",
        "  " + ", ".join(f"{name} {env[name]}" for name in libraries),
        f"  cpus: {env['cpu_count']} (usable {env['cpus_usable']}); mode {mode}",
    ]


# -- fresh processes ------------------------------------------------------------------------
def console_command(script: str, module: Sequence[str], args: Sequence[str]) -> list[str]:
    """A console script next to the interpreter, else the same through ``python -m``.

    Args:
        script: The console script's name, e.g. ``"solve"``.
        module: What follows ``python -m`` instead, e.g. ``("explorer", "solve")``.
        args: The command's arguments.

    Returns:
        The command line.
    """
    path = Path(sys.executable).parent / script
    if path.is_file() and os.access(path, os.X_OK):
        return [str(path), *args]
    return [sys.executable, "-m", *module, *args]


def cache_enabled_environ() -> dict[str, str]:
    """This process's environment without ``EXPLORER_CACHE``: the cache must be on."""
    env = dict(os.environ)
    env.pop("EXPLORER_CACHE", None)
    return env


def run_timed(
    command: Sequence[str],
    env: dict[str, str],
    *,
    failure: type[Exception] = RuntimeError,
) -> tuple[float, str, str]:
    """Wall time of one fresh process (spawn to exit), its stdout and stderr.

    Args:
        command: The command line.
        env: The process's environment.
        failure: What to raise when the process exits with a non-zero status.

    Returns:
        Seconds, stdout, stderr.

    Raises:
        Exception: ``failure``, with the end of stderr, on a non-zero exit status.
    """
    start = time.perf_counter()
    done = subprocess.run(list(command), env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise failure(f"{command[0]} exited with {done.returncode}: {done.stderr.strip()[-500:]}")
    return elapsed, done.stdout, done.stderr


def run_measured(
    command: Sequence[str],
    env: dict[str, str],
    *,
    stdin: str | None = None,
    failure: type[Exception] = RuntimeError,
) -> tuple[Timing, str, str]:
    """Wall time of one fresh process (spawn to exit) and its CPU time (user + system, from
    ``getrusage`` of the children), its stdout and stderr.

    Raises:
        Exception: ``failure``, with the end of stderr, on a non-zero exit status.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        list(command), env=env, input=stdin, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise failure(f"{command[0]} exited with {done.returncode}: {done.stderr.strip()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu), done.stdout, done.stderr


def bytecode_environ(env: Mapping[str, str], scratch: Path) -> dict[str, str]:
    """``env`` with Python's bytecode cache on, kept in ``scratch``: processes then run as an
    installed package runs (pip compiles bytecode at install time), even where
    ``PYTHONDONTWRITEBYTECODE`` is set, and nothing is written into the source tree."""
    result = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    result["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    return result


def per_call(function: Callable[[], object], calls: int) -> Callable[[], Timing]:
    """A variant for :func:`alternate`: ``calls`` calls of ``function``, timed together,
    returning the time of one call."""

    def run() -> Timing:
        elapsed = stopwatch()
        for _ in range(calls):
            function()
        return elapsed().per(calls)

    return run


def cache_entries(folder: Path) -> set[str]:
    """The names of the formula-cache entries in ``folder`` (none when it does not exist)."""
    return {p.name for p in folder.glob("*.json")} if folder.is_dir() else set()


def alternate(variants: Mapping[K, Callable[[], T]], rounds: int) -> dict[K, list[T]]:
    """Run every variant once a round, the order rotating every round.

    Args:
        variants: Name to a function that runs once and returns its time.
        rounds: How many rounds.

    Returns:
        Name to its times, in the order of ``variants``.
    """
    names = list(variants)
    times: dict[K, list[T]] = {name: [] for name in names}
    for round_ in range(rounds):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(variants[name]())
    return times


def summarise_times(times: list[float]) -> dict[str, Any]:
    """Median, min, max, count and every time of a list of runs, in seconds."""
    return {
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "runs": len(times),
        "times_s": times,
    }


# -- running a script -----------------------------------------------------------------------
@contextmanager
def scratch_cache(prefix: str) -> Iterator[Path]:
    """A temporary folder, with ``EXPLORER_CACHE_DIR`` pointing inside it meanwhile.

    In-process counts then use a scratch cache, never the user's. On exit the variable is
    restored and the folder removed.

    Args:
        prefix: The folder name's prefix.

    Yields:
        The folder.
    """
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    saved_cache_dir = os.environ.get("EXPLORER_CACHE_DIR")
    os.environ["EXPLORER_CACHE_DIR"] = str(scratch / "in-process")
    try:
        yield scratch
    finally:
        if saved_cache_dir is None:
            os.environ.pop("EXPLORER_CACHE_DIR", None)
        else:
            os.environ["EXPLORER_CACHE_DIR"] = saved_cache_dir
        shutil.rmtree(scratch, ignore_errors=True)


class Main(Protocol):
    """A script's ``main``, as ``make_main`` builds it."""

    def __call__(self, argv: Sequence[str] | None = None) -> int:
        """Run the benchmark with ``argv`` (None: ``sys.argv[1:]``); the exit status."""
        ...


def make_main(
    script: str,
    doc: str | None,
    quick_help: str,
    settings: tuple[SettingsT, SettingsT],
    measure: Callable[[SettingsT], dict[str, Any]],
    *,
    render: Callable[[dict[str, Any]], str],
) -> Main:
    """A script's ``main``: parse ``--quick``/``--json``, measure, print the report.

    The report gets ``elapsed_s`` (the whole measurement) as its last entry; the table ends
    with a line that shows it.

    Args:
        script: The script's name, e.g. ``"bench_count"``.
        doc: The script's docstring; its first paragraph describes the command.
        quick_help: The help text of ``--quick``.
        settings: The full run's settings and the ``--quick`` ones.
        measure: Runs every part with the chosen settings and returns the report.
        render: Makes the human-readable table from the report.

    Returns:
        ``main(argv=None)``: runs the benchmark with the arguments (None for
        ``sys.argv[1:]``) and returns the exit status, 0 when the measurements ran and 1
        when a correctness check failed.
    """

    def main(argv: Sequence[str] | None = None) -> int:
        parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
        parser.add_argument("--quick", action="store_true", help=quick_help)
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        args = parser.parse_args(argv)
        full, quick = settings
        started = time.perf_counter()
        try:
            report = measure(quick if args.quick else full)
        except CheckFailedError as error:
            print(f"{script}: correctness check failed: {error}", file=sys.stderr)
            return 1
        report["elapsed_s"] = time.perf_counter() - started
        if args.json:
            print(json.dumps(report, indent=2))
        else:
            print(f"{render(report)}\n\n   benchmark took {report['elapsed_s']:.1f} s")
        return 0

    return main
