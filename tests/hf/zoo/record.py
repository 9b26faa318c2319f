"""Record what transformers builds for the zoo's model types, on torch's meta device.

Run ``python -m tests.hf.zoo.record MODEL_TYPE [MODEL_TYPE ...]`` (or ``--all``) where torch
and transformers are installed; each type's cases come from its definition module
(:mod:`tests.hf.zoo`) and are written to ``tests/hf/zoo/data/<model_type>.json``. The cases
are fixed (released configurations, every model class on the small configuration, random
ones from a fixed seed), so the same versions give the same bytes. Each parameter case
records the built ``total``, every parameter's name and shape (or, for large models, the
kinds with the layer index as ``*``) and the tied aliases; each compute case the FLOPs
``FlopCounterMode`` counts for one forward pass and the bytes of ``past_key_values``.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tests.fixtures import make_compute_counts, make_hf_counts
from tests.fixtures.fixture_file import check_unique_names, write_fixture
from tests.hf.zoo import DATA, RANDOM_PER_TYPE, definition

__all__ = ["cases", "compute_cases", "main", "record"]

Case = dict[str, Any]
_LABELS = 3  # classifiers are built with three labels, not the default two


def _classes(model_type: str) -> list[str]:
    from explorer.hf import type_data

    return sorted(type_data(model_type)["model_classes"])


def _with_labels(model: str, config: dict[str, Any]) -> dict[str, Any]:
    if model.endswith(("Classification", "MultipleChoice")):
        return {**config, "num_labels": _LABELS}
    return config


def cases(model_type: str) -> list[Case]:
    """Every parameter case of a model type: released, per class, random."""
    spec = definition(model_type)
    found: list[Case] = []
    for item in spec.RELEASED:
        case = {
            "name": f"released-{item['name']}",
            "model": item["model"],
            "config": item["config"],
        }
        keys = ("source", "published", "rounding", "active", "note")
        case.update({k: item[k] for k in keys if k in item})
        found.append(case)
    for model in _classes(model_type):
        config = _with_labels(model, {"model_type": model_type, **spec.SMALL})
        found.append({"name": f"class-{model}", "model": model, "config": config})
    rng = random.Random(f"zoo-{model_type}")
    classes = _classes(model_type)
    for index in range(RANDOM_PER_TYPE):
        model = classes[index % len(classes)]
        config = _with_labels(model, {"model_type": model_type, **spec.random_config(rng)})
        found.append({"name": f"random-{index:02d}-{model}", "model": model, "config": config})
    return found


def compute_cases(model_type: str) -> list[Case]:
    """The forward passes whose FLOPs and KV cache are recorded."""
    spec = definition(model_type)
    declared = getattr(spec, "COMPUTE", None)
    if declared is None:
        from explorer.hf import type_data

        auto = type_data(model_type)["auto"]
        model = auto.get("causal_lm") or auto.get("seq2seq_lm") or auto["base"]
        declared = [
            {"config": {"model_type": model_type, **spec.SMALL}, "model": model, "seq": 16,
             "batch": 2},
        ]  # fmt: skip
    found = []
    for index, item in enumerate(declared):
        case = {
            "name": f"compute-{index:02d}-{item['model']}",
            "kind": "hf",
            "model": item["model"],
            "config": item["config"],
            "seq": item["seq"],
            "batch": item["batch"],
            "attention": "eager",
            "cache": item.get("cache", True),
        }
        for key in ("experts", "decoder_seq"):
            if item.get(key):
                case[key] = item[key]
        found.append(case)
    return found


def record(model_type: str) -> dict[str, Any]:
    """Build every case of a model type; its ground truth as one JSON-ready object."""
    import torch
    import transformers

    transformers.logging.set_verbosity_error()
    versions = {"transformers": str(transformers.__version__), "torch": str(torch.__version__)}
    recorded: list[Case] = []
    start = time.monotonic()
    for case in cases(model_type):
        recorded.append({**case, **make_hf_counts.measure(case)})
    for case in compute_cases(model_type):
        measured = make_compute_counts.flops_of(case)
        recorded.append({**case, "flops": measured["flops"], **_cache(measured)})
    check_unique_names(recorded)
    print(f"{model_type}: {len(recorded)} cases, {time.monotonic() - start:.0f} s", file=sys.stderr)
    return {"versions": versions, "cases": recorded}


def _cache(measured: dict[str, Any]) -> dict[str, Any]:
    found = measured.get("cache_bytes_bf16")
    return {} if found is None else {"cache_bytes_bf16": found}


def main(argv: list[str] | None = None) -> int:
    """Record the named model types (or every one with a definition module)."""
    parser = argparse.ArgumentParser(prog="python -m tests.hf.zoo.record")
    parser.add_argument("model_types", nargs="*")
    parser.add_argument("--all", action="store_true", help="every type with a definition")
    args = parser.parse_args(argv)
    types = args.model_types
    if args.all:
        here = Path(__file__).parent
        types = sorted(p.stem for p in here.glob("*.py") if not p.stem.startswith("_"))
        types = [t for t in types if t not in ("record", "test_zoo")]
        types = [definition(t).MODEL_TYPE for t in types]
    if not types:
        parser.error("name a model type, or give --all")
    DATA.mkdir(exist_ok=True)
    for model_type in types:
        write_fixture(DATA / f"{model_type}.json", "versions", record(model_type))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
