"""A seeded, bounded fuzzer over the command line (in-process ``main([...])``): count,
formula, solve, explain, reproduce and spec files.

Each case starts from a valid request and applies a few mutations (a value replaced by
junk, an option dropped or invented, a family misspelled, a spec file garbled). Whatever
comes out, no traceback escapes; a refusal is one line on stderr with exit status 2 and
nothing on stdout; a success prints (and ``--json`` prints one JSON object).

Inputs are bounded so nothing hangs: depths stay at most 8 and the fuzzer never solves
for the depth (a huge depth is unrolled layer by layer today; making that fast is
separate work), ranges enumerate at most 5 choices, texts are at most 10,000 characters.

Special files (named pipes, devices, links to them, ``/dev/zero``, ``/dev/full``) are given
as every file input and output, and budgets of every measure at 1e400 and 1e1000000; a
case that blocks is ended by an alarm, which fails the test instead of hanging it, and a
special file must be left as it was.
"""

from __future__ import annotations

import json
import os
import random
import signal
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from explorer.cli import MAX_ERROR, main
from explorer.conventions import CONVENTIONS
from explorer.families import FAMILIES

SEEDS = range(8)
CASES_PER_SEED = 60

_FAMILY_NAMES = (*FAMILIES, "LSTM", "Gru", "lstpm", "transformer", "")
_JUNK = (
    "",
    " ",
    "-1",
    "0",
    "1.5",
    "nan",
    "inf",
    "1e1000000",
    "9" * 5000,
    "x" * 10_000,
    "1,,2",
    "1..0",
    "5..1/0",
    "\x00",
    "é",
    "--",
    "=",
    "true",
    "[1]",
    "{}",
    "__import__('os')",
)
_BUDGETS = ("6.5M", "1M", "350k", "21M", "1.3B", "1e29", "7", "0", "-5", "1.5", "x", "1e1000000")
_FORMULAS = ("4*nc*(ni+nc)", "nc**2", "h*(x + h)", "nc*", "nc**99", "(" * 50, "a.b", "1/0")


def _size(rng: random.Random, *, depth: bool = False, ranges: bool = False) -> str:
    """A size: mostly small and valid; a per-layer list, a short range or junk now and then."""
    top = 8 if depth else 128
    roll = rng.random()
    if roll < 0.85:
        return str(rng.randint(1 if depth else 8, top))
    if roll < 0.9 and not depth:
        return ",".join(str(rng.randint(1, top)) for _ in range(rng.randint(1, 3)))
    if roll < 0.95 and ranges:
        start = rng.randint(1, top - 4)
        return f"{start}..{start + rng.randint(0, 4)}"
    return rng.choice(_JUNK)


def _design(rng: random.Random, command: str) -> list[str]:
    """A family's design options, drawn from the families' declarations: the required
    sizes given (all but the free one when solving), the others now and then."""
    family = FAMILIES[rng.choice(tuple(FAMILIES))]
    solving = command == "solve"
    free = family.free_order[0] if solving else None
    argv: list[str] = []
    given: set[str] = set()
    for keyword in family.keywords:
        wanted = 0.95 if keyword.required or keyword.name in family.free_order else 0.15
        if not family.applies(keyword) or keyword.name == free or rng.random() > wanted:
            continue
        given.add(keyword.name)
        option = "--" + rng.choice(keyword.names).replace("_", "-")
        if keyword.kind == "flag":
            argv.append(option if rng.random() < 0.7 else "--no-" + option[2:])
        elif keyword.kind == "choice":
            if "bidirectional" in given or rng.random() < 0.2:
                argv += [option, rng.choice((*keyword.choices, "x"))]
        else:
            depth = keyword.name == family.depth
            argv += [option, _size(rng, depth=depth, ranges=solving)]
    for flag in family.flags:
        if rng.random() < 0.1:
            option = "--" + flag.name.replace("_", "-")
            if flag.choices:
                argv += [option, rng.choice((*flag.choices, "duble"))]
            else:
                argv.append(option if rng.random() < 0.5 else "--no-" + option[2:])
    if rng.random() < 0.5:
        every = ("all",) if command == "count" else ()
        argv += ["--convention", rng.choice((*CONVENTIONS, *every, "pytroch"))]
    return [rng.choice((family.name, family.name.upper())), *argv]


def _request(rng: random.Random) -> list[str]:
    command = rng.choice(("count", "formula", "solve", "explain", "reproduce"))
    if command == "reproduce":
        return ["reproduce", *rng.choice(((), ("graves2013",), ("forum",), ("nope",)))]
    family, *design = _design(rng, command)
    if command == "solve":
        argv = ["solve", "--budget", rng.choice(_BUDGETS), "--arch", family, *design]
        if rng.random() < 0.2:
            free = FAMILIES[family.lower()].solvable
            argv += ["--free", rng.choice([n for n in free if n != "layers"])]
        if rng.random() < 0.2:
            argv += ["--mode", rng.choice(("nearest", "under", "over"))]
        if rng.random() < 0.2:
            argv += [rng.choice(("--min", "--max", "--multiple-of")), _size(rng)]
        if rng.random() < 0.1:
            argv += ["--tie", rng.choice(("proj=cells/4", "proj=cells*", "x=1"))]
        if rng.random() < 0.1:
            argv += ["--emit", "torch"]
    else:
        argv = [command, family, *design]
    if command == "explain" and rng.random() < 0.5:
        argv += ["--formula", rng.choice(_FORMULAS)]
        if rng.random() < 0.3:
            argv += ["--map", rng.choice(("nc=cells,ni=input", "nc=x", "=", "nc=cells,nc=input"))]
    if command == "count" and rng.random() < 0.1:
        argv += ["--emit", "torch"]
    if rng.random() < 0.3:
        argv.append("--json")
    return argv


def _mutate(rng: random.Random, argv: list[str]) -> list[str]:
    """Zero to three mutations of a request."""
    argv = list(argv)
    for _ in range(rng.choice((0, 0, 0, 1, 1, 2, 3))):
        roll = rng.random()
        if roll < 0.3 and len(argv) > 1:
            argv[rng.randrange(1, len(argv))] = rng.choice(_JUNK)
        elif roll < 0.5 and len(argv) > 2:
            del argv[rng.randrange(1, len(argv))]
        elif roll < 0.7:
            argv.insert(rng.randrange(1, len(argv) + 1), rng.choice(("-L", "--depth", "--x", "")))
        elif roll < 0.85:
            argv[min(1, len(argv) - 1)] = rng.choice(_FAMILY_NAMES)
        else:
            argv.append(rng.choice(("--json", "--help", "--version", "--latex", "--expand")))
    return argv


def _spec_text(rng: random.Random) -> str:
    """A spec file: two parts sharing a symbol, sometimes a shared matrix, then garbled."""
    family = rng.choice(tuple(FAMILIES))
    extra = "proj = 8\n" if family == "lstmp" else ""
    text = (
        'name = "fuzz"\n'
        f'convention = "{rng.choice(tuple(CONVENTIONS))}"\n'
        '[symbols]\nd = "width"\n'
        f'[[parts]]\nname = "a"\nfamily = "{family}"\ninput = "d"\ncells = "d"\n'
        f"layers = {rng.randint(1, 4)}\n{extra}"
        f'[[parts]]\nname = "b"\nfamily = "{family}"\ninput = 16\ncells = "d"\n{extra}'
    )
    if rng.random() < 0.4:
        text += '[[shared]]\nterm = "a/weight_hh_l0"\nwith = "b/weight_hh_l0"\n'
    for _ in range(rng.choice((0, 1, 2))):
        lines = text.splitlines()
        index = rng.randrange(len(lines))
        key = lines[index].split("=")[0].strip()
        if "=" in lines[index] and rng.random() < 0.6:
            value = rng.choice(('["x"]', "{a = 1}", "true", "-3", "1.5", '"zz"', "[1, 2]", "5"))
            lines[index] = f"{key} = {value}"
        else:
            lines.insert(index, rng.choice(("[[parts]]", "shared = 5", "x = 1", "[symbols", "é")))
        text = "\n".join(lines) + "\n"
    return text


def _check(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    try:
        status = main(argv)
    except SystemExit as done:  # --help and --version print and exit 0
        status = 0 if done.code == 0 else -1
        if status == 0:
            capsys.readouterr()
            return
    out, err = capsys.readouterr()
    assert status in (0, 2), argv
    if status == 2:
        assert out == "", argv
        assert err.startswith("error: "), (argv, err)
        assert err.count("\n") == 1, (argv, err)
        assert len(err) <= MAX_ERROR + len("error: \n"), argv
    else:
        assert err == "", (argv, err)
        assert out.strip(), argv
        if "--json" in argv and "--emit" not in argv:
            json.loads(out)


@pytest.mark.parametrize("seed", SEEDS)
def test_fuzzed_requests_never_escape_the_error_boundary(
    capsys: pytest.CaptureFixture[str], seed: int
) -> None:
    rng = random.Random(seed)
    for _ in range(CASES_PER_SEED):
        _check(capsys, _mutate(rng, _request(rng)))


@pytest.mark.parametrize("seed", SEEDS)
def test_fuzzed_spec_files_never_escape_the_error_boundary(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, seed: int
) -> None:
    rng = random.Random(1000 + seed)
    path = tmp_path / "fuzz.toml"
    for _ in range(CASES_PER_SEED // 4):
        text = _spec_text(rng)
        if rng.random() < 0.1:
            path.write_bytes(rng.choice((b"\xef\xbb\xbf", b"\xff", b"")) + text.encode())
        else:
            path.write_text(text, encoding="utf-8")
        values = ["--set", f"d={rng.choice(('16', '0', 'x', '9' * 30))}"]
        for command in (["count"], ["formula"], ["explain"], ["solve", "--budget", "1M"]):
            bound = [] if command[0] == "solve" else values
            _check(capsys, [*command, "--spec", str(path), *bound, *rng.choice(([], ["--json"]))])


# -- special files and budgets past any machine ---------------------------------------------
HANG_S = 60  # a case that takes this long is hung (they take well under a second)


class _HungError(Exception):
    """A case blocked (reading a named pipe, say)."""


@contextmanager
def _alarm(argv: list[str]) -> Iterator[None]:
    def hung(signum: int, frame: object) -> None:
        raise _HungError(f"hung: {argv}")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(HANG_S)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _special_files(folder: Path) -> dict[str, Path]:
    """Named pipes, devices and links to them (``.log``, ``.csv``, ``.png``, ``.json``
    names, so that each option takes them as its kind of file)."""
    files: dict[str, Path] = {}
    for suffix in (".log", ".csv", ".png", ".json", ".toml"):
        pipe = folder / f"pipe{suffix}"
        os.mkfifo(pipe)
        files[f"pipe{suffix}"] = pipe
        for device in ("/dev/null", "/dev/zero", "/dev/full"):
            if os.path.exists(device):
                link = folder / f"{Path(device).name}{suffix}"
                link.symlink_to(device)
                files[link.name] = link
        link = folder / f"to-pipe{suffix}"
        link.symlink_to(pipe)
        files[link.name] = link
    for device in ("/dev/null", "/dev/zero", "/dev/full"):
        if os.path.exists(device):
            files[device] = Path(device)
    return files


_SMALL = ["--arch", "lstm", "--input", "3", "--cells", "4", "--layers", "1"]
_LAYERS = ["--arch", "lstm", "--input", "3", "--layers", "1..2"]


def _special_request(rng: random.Random, files: dict[str, Path], config: Path) -> list[str]:
    """A request that reads or writes one special file, named as that option's files are."""
    roll = rng.randrange(7)
    suffix = {3: ".json", 4: ".csv", 5: ".log", 6: ".png"}.get(roll, rng.choice((".json", ".toml")))
    named = [n for n in sorted(files) if n.endswith(suffix) or n.startswith("/dev/")]
    path = str(files[rng.choice(named)])
    if roll == 0:
        return ["count", "--hf-config", path, *rng.choice(([], ["--json"]))]
    if roll == 1:
        return [rng.choice(("count", "formula", "explain")), "--spec", path]
    if roll == 2:
        return ["solve", "--budget", "1M", "--spec", path]
    if roll == 3:
        argv = ["solve", "--budget", "10M", "--hf-config", str(config), "--free", "layers"]
        return [*argv, "--save-config", path]
    if roll == 4:
        return ["sweep", "--budget", "1M", *_LAYERS, "--no-progress", "--save", path]
    search = ["search", "--budget", "1M", *_LAYERS, "--trials", "1", "--no-progress"]
    if roll == 5:
        return [*search, "--storage", path]
    sweep = ["sweep", "--budget", "1M", *_LAYERS, "--no-progress"]
    return [*rng.choice((search, sweep)), "--plot", path]


def _modes(files: dict[str, Path]) -> dict[str, int]:
    return {name: os.lstat(path).st_mode for name, path in files.items()}


@pytest.mark.parametrize("seed", range(4))
def test_fuzzed_special_files_are_refused_and_left_alone(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, seed: int
) -> None:
    files = _special_files(tmp_path)
    before = _modes(files)
    config = tmp_path / "config.json"
    llama = {"model_type": "llama", "hidden_size": 64, "num_attention_heads": 4}
    config.write_text(json.dumps({**llama, "num_hidden_layers": 2, "vocab_size": 100}))
    rng = random.Random(2000 + seed)
    for _ in range(12):
        argv = _special_request(rng, files, config)
        with _alarm(argv):
            _check(capsys, argv)
        assert _modes(files) == before, argv
        for path in files.values():
            if stat.S_ISCHR(os.stat(path).st_mode):
                continue
            assert stat.S_ISFIFO(os.stat(path).st_mode), (argv, path)


_HUGE_BUDGETS = ("1e400", "1e1000000", "1e400GB", "1e1000000T", "-1e400", "1e-400")


@pytest.mark.parametrize("budget", _HUGE_BUDGETS)
@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["solve", *_SMALL[:-4], "--budget"], id="solve-parameters"),
        pytest.param(["solve", *_SMALL[:-4], "--budget-bytes"], id="solve-bytes"),
        pytest.param(["solve", *_SMALL[:-4], "--seq", "8", "--budget-flops"], id="solve-flops"),
        pytest.param(["search", *_LAYERS, "--trials", "1", "--budget"], id="search-parameters"),
        pytest.param(["search", *_LAYERS, "--trials", "1", "--budget-bytes"], id="search-bytes"),
        pytest.param(["sweep", *_LAYERS, "--seq", "8", "--budget-flops"], id="sweep-flops"),
        pytest.param(["sweep", *_LAYERS, "--budget"], id="sweep-parameters"),
        pytest.param(["plan", "--compute"], id="plan-compute"),
        pytest.param(["plan", "--params"], id="plan-params"),
    ],
)
def test_budgets_past_any_machine_are_one_line(
    capsys: pytest.CaptureFixture[str], command: list[str], budget: str
) -> None:
    argv = [*command, budget]
    with _alarm(argv):
        status = main(argv)
    out, err = capsys.readouterr()
    assert (status, out) == (2, ""), (argv, err)
    assert err.startswith("error: "), (argv, err)
    assert err.count("\n") == 1, (argv, err)
    assert len(err) < 300, (argv, err)
