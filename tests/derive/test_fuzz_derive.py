"""A seeded, bounded fuzzer over ``explorer derive`` (in-process ``main([...])``): targets
that exit, hang or print, next to ordinary ones, with junk mutations of the options.

Whatever comes out, no traceback escapes and nothing hangs: a refusal is one line on
stderr with exit status 2 and nothing on stdout; a success prints (``--json``: one JSON
object on stdout, the target's own prints on stderr). Every request runs with a short
``--build-timeout`` and small ranges, the cache off.
"""

from __future__ import annotations

import json
import random

import pytest

from explorer.cli import MAX_ERROR, main

SEEDS = range(3)
CASES_PER_SEED = 20
MODULES = "tests.derive.derive_modules"

_TARGETS = (
    (f"{MODULES}.Exits", "n"),
    (f"{MODULES}.Sleeps", "n"),
    (f"{MODULES}.Prints", "n"),
    (f"{MODULES}.Capped", "width"),
    ("torch.nn.Linear", "in_features"),
    (f"{MODULES}.Nothing", "n"),
    ("no.such.module.Net", "n"),
)
_JUNK = ("", "x", "1:0", "0:0", "1:10**30", "-1:5", "1:8:0", "é", "=", "1:" + "9" * 50, "{")


def _request(rng: random.Random) -> list[str]:
    target, name = rng.choice(_TARGETS)
    argv = ["derive", target, "--vary", f"{name}=1:{rng.randint(2, 24)}"]
    if target.endswith("Exits"):
        argv += ["--set", f"code={rng.choice((0, 1, 3, 'x'))}"]
    if target.endswith("Linear"):
        argv += ["--set", f"out_features={rng.randint(1, 9)}"]
    argv += ["--build-timeout", "0.2", "--no-cache"]
    if rng.random() < 0.5:
        argv.append("--json")
    for _ in range(rng.randint(0, 2)):
        roll = rng.random()
        if roll < 0.4:
            argv[3] = f"{name}={rng.choice(_JUNK)}"
        elif roll < 0.6:
            argv += ["--set", rng.choice(("bias=false", "nope=1", "x", "a.b=3", "y={"))]
        elif roll < 0.8:
            argv += ["--checks", rng.choice(("0", "-1", "3", "x"))]
        else:
            argv += ["--max-degree", rng.choice(("1", "9", "0", "2"))]
    return argv


def _check(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    status = main(argv)
    out, err = capsys.readouterr()
    assert status in (0, 2), (argv, err)
    if status == 2:
        assert out == "", argv
        assert err.startswith("error: "), (argv, err)
        assert err.count("\n") == 1, (argv, err)
        assert len(err) <= MAX_ERROR + len("error: \n"), argv
    else:
        assert out.strip(), argv
        if "--json" in argv:
            json.loads(out)


@pytest.mark.torch
@pytest.mark.parametrize("seed", SEEDS)
def test_fuzzed_derive_requests_never_escape_nor_hang(
    capsys: pytest.CaptureFixture[str], seed: int
) -> None:
    pytest.importorskip("torch")
    rng = random.Random(seed)
    for _ in range(CASES_PER_SEED):
        _check(capsys, _request(rng))
