"""The command line: a thin layer over the API with one error boundary.

``main(argv) -> int`` parses, calls the library, renders. Every :class:`ExplorerError`
(and every argparse complaint) becomes one line on stderr and exit status 2.

Example:
    >>> main(["count", "rnn", "--input", "3", "--cells", "2", "--convention", "weights"])
    rnn (convention weights): 10 parameters
    ...
    0
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from explorer.commands import COMMANDS, load
from explorer.errors import ExplorerError, InterruptedRunError, UsageError, did_you_mean, shown

__all__ = ["MAX_ERROR", "console", "exit_with", "main", "solve_console", "solve_main"]

#: The longest error line printed: echoed values are cut where they are echoed; this
#: bounds what is left (a long list of unrecognized arguments, say).
MAX_ERROR = 600


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, measuring the terminal as :func:`shutil.get_terminal_size`
    does without importing :mod:`shutil` (and the compression modules it loads): argparse
    makes a formatter for every option it adds, help or not."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_terminal_width() - 2)


def _terminal_width() -> int:
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting. ``families``: the
    families whose options a command shows (set for ``--help`` of a named family)."""

    families: tuple[Any, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        if message.startswith("unrecognized arguments:"):
            message = _unrecognized(self, message.split(":", 1)[1].strip())
        if "invalid choice: " in message:
            wrong = message.split("invalid choice: ", 1)[1].split("'")[1]
            guess = did_you_mean(wrong, COMMANDS)
            if guess and "COMMAND" in message:
                message = f"unknown command {shown(wrong)}; did you mean '{guess}'?"
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _unrecognized(parser: _Parser, listed: str) -> str:
    """The first argument argparse did not know, with a suggestion: by meaning (``-L``,
    ``--depth``: the layers, as the families declare) before spelling (``--cels``)."""
    unknown = listed.split(maxsplit=1)[0] if listed.strip() else ""
    if not unknown.startswith("-"):
        return f"unexpected argument {shown(unknown)}"
    typed_name = unknown.split("=", 1)[0]
    options = _option_strings(parser)
    from explorer.commands.options import option_for_spelling

    guess = option_for_spelling(typed_name, parser.families, options)
    if guess is None:
        guess = did_you_mean(typed_name, [o for o in options if o not in ("-h", "--help")])
        if guess is not None:  # an alias's own option (--vocab for --vocab-size)
            guess = option_for_spelling(guess, parser.families, options) or guess
    hint = f"; did you mean {guess}?" if guess else ""
    return f"unknown option {shown(typed_name).strip(chr(39))}{hint}"


def _option_strings(parser: argparse.ArgumentParser) -> list[str]:
    """Every option of a parser and its subcommands (unknown options surface at the top)."""
    options: list[str] = []
    for action in parser._actions:
        options += action.option_strings
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                options += _option_strings(sub)
    return sorted(set(options))


def _build_parser(
    selected: str | None = None, families: tuple[Any, ...] = ()
) -> argparse.ArgumentParser:
    """The parser; with ``selected``, only that command's options are built (and its
    module imported), so a quick command does not pay for the others' imports; with
    ``families``, the commands show only those families' options."""
    from explorer import __version__

    version = f"explorer {__version__}"
    parser = _Parser(prog="explorer", description="Exact symbolic parameter counts.")
    parser.add_argument("--version", action="version", version=version)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    for name in COMMANDS:
        if selected is not None and name != selected:
            continue  # the command is known: no other one is parsed, listed or shown
        command = load(name)
        about = getattr(command, "DESCRIPTION", command.HELP)
        sub = commands.add_parser(name, help=command.HELP, description=about)
        sub.families = families
        sub.add_argument("--version", action="version", version=version)
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0, or 2 for bad input or an interruption)."""
    return _run(argv)[0]


def console() -> NoReturn:
    """The ``explorer`` command (and ``python -m explorer``): :func:`main`, then exit."""
    exit_with(*_run(None))


def solve_console() -> NoReturn:
    """The ``solve`` command: :func:`solve_main`, then exit."""
    exit_with(*_run(["solve", *sys.argv[1:]]))


def _run(argv: Sequence[str] | None) -> tuple[int, bool]:
    """:func:`main`'s status, and whether an interruption ended the run."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        selected = arguments[0] if arguments and arguments[0] in COMMANDS else None
        arguments = _derived_files_named(arguments)
        args = _parse(selected, arguments)
        output = args.run(args)
    except ExplorerError as error:
        return _refuse(error.for_command_line()), isinstance(error, InterruptedRunError)
    except KeyboardInterrupt:
        return _refuse("interrupted"), True
    try:
        print(output)
        sys.stdout.flush()
    except BrokenPipeError:  # `explorer ... | head`: the reader left; not an error of ours
        _drop_stdout()
    except KeyboardInterrupt:
        return _refuse("interrupted"), True
    except OSError as error:  # `explorer ... > /dev/full`: say so, once
        _drop_stdout()
        return _refuse(f"cannot write to standard output ({error.strerror or error})"), False
    return 0, False


def _drop_stdout() -> None:
    """Point standard output at the null device: what is still buffered goes nowhere, and
    Python's last flush at exit cannot fail again."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def exit_with(status: int, interrupted: bool) -> NoReturn:
    """End the process with ``status``. Once a ``KeyboardInterrupt`` has passed through
    code run from a string (dataclasses and namedtuples make their methods so, and
    imports make those), Python ends the process by SIGINT at exit, whatever the status
    and though the interrupt was handled; so after an interruption the streams are
    flushed and the process ends at once, with the status it said."""
    if not interrupted:
        sys.exit(status)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed or broken stream
            stream.flush()
    os._exit(status)


def _refuse(message: str) -> int:
    """``error: MESSAGE`` on one line of bounded length, on stderr; exit status 2."""
    line = " ".join(message.split())
    if len(line) > MAX_ERROR:
        line = f"{line[: MAX_ERROR - 30]}... ({len(line):,} characters)"
    print(f"error: {line}", file=sys.stderr)
    return 2


def _parse(selected: str | None, arguments: list[str]) -> argparse.Namespace:
    """The arguments parsed with the options of the families they name only (a command
    then imports no other family); what that parser refuses is parsed again with every
    family's options, so that the family itself says what is wrong (``count lstm
    --d-model 5``: lstm has no d_model) or the full parser does."""
    named = _named_families(arguments)
    try:
        return _build_parser(selected, named).parse_args(arguments)
    except UsageError:
        if not named or _asks_help(arguments):
            raise
    return _build_parser(selected, ()).parse_args(arguments)


def _asks_help(arguments: Sequence[str]) -> bool:
    return any(a in ("-h", "--help") for a in arguments)


def _named_families(arguments: Sequence[str]) -> tuple[Any, ...]:
    """The families the command line names (``count lstm``, ``--arch lstm,gru``,
    ``derived:STEM``): the parser takes (and ``--help`` shows) their options only. None
    when it names none (or a name that is not a family: the full parser says so)."""
    names: list[str] = []
    for index, argument in enumerate(arguments):
        if argument.startswith("--arch="):
            names += argument.split("=", 1)[1].split(",")
        elif argument == "--arch" and index + 1 < len(arguments):
            names += arguments[index + 1].split(",")
        elif argument.lower() in _family_names():
            names.append(argument)
    if not names:
        names = _implied_families(arguments)
    if not names or any(name.lower() not in _family_names() for name in names):
        return ()
    from explorer.commands.options import chosen_families

    return chosen_families(names)


def _implied_families(arguments: Sequence[str]) -> list[str]:
    """The family a command line implies without naming one: the one a ``--hf-config``
    file's model type binds (read, not yet checked: the command checks it), or the
    default family of a command that sizes one (``solve --budget 6.5e6``). None otherwise
    (every family's options are then offered)."""
    if "--hf-config" in arguments:
        at = arguments.index("--hf-config") + 1
        if at < len(arguments):
            from explorer.errors import ExplorerError
            from explorer.hf import family_of_config

            try:
                return [family_of_config(arguments[at])]
            except ExplorerError:
                return []
        return []
    if arguments and arguments[0] in ("solve", "search", "sweep") and "--spec" not in arguments:
        from explorer.commands.options import DEFAULT_FAMILY

        return [DEFAULT_FAMILY]
    return []


#: The options whose value is a file of another kind (never a derived formula to load).
_FILE_OPTIONS = ("--spec", "--hf-config", "--save", "--save-config", "--storage", "--plot")


def _derived_files_named(arguments: Sequence[str]) -> list[str]:
    """The arguments with each derived formula's file (``explorer derive --save``) that
    names a family (``count enc.toml``, ``--arch enc.toml,lstm``) registered and replaced
    by its family name (``derived:enc``); every other argument as it is."""
    rewritten = list(arguments)
    for index, argument in enumerate(arguments):
        previous = arguments[index - 1] if index else ""
        if argument.startswith("--arch="):
            rewritten[index] = "--arch=" + _registered_list(argument.split("=", 1)[1])
        elif previous == "--arch":
            rewritten[index] = _registered_list(argument)
        elif argument.endswith(".toml") and previous not in _FILE_OPTIONS:
            rewritten[index] = _registered(argument)
    return rewritten


def _registered_list(names: str) -> str:
    return ",".join(_registered(name) for name in names.split(","))


def _family_names() -> Any:
    from explorer.families import FAMILIES

    return FAMILIES


def _registered(name: str) -> str:
    if not name.endswith(".toml"):
        return name
    from explorer.derivation import family_name

    return family_name(name)


def solve_main(argv: Sequence[str] | None = None) -> int:
    """The ``solve`` command: the same as ``explorer solve``."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    return main(["solve", *arguments])
