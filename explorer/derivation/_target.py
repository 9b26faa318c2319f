"""What to build: a ``torch.nn.Module`` subclass, a ``transformers`` config or model class,
or ``path/to/file.py:ClassName``; and who it is for the cache, without importing torch.

Example:
    >>> identity("torch.nn.LSTM", None)["target"]
    'torch.nn.LSTM'
    >>> one_line(ValueError("validation failed:\\n    ValueError: hidden size 100 is odd"))
    'ValueError: hidden size 100 is odd'
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import importlib.util
import inspect
import os
import sys
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from explorer.derivation._errors import MissingLibraryError, TargetError
from explorer.errors import ConflictError, UsageError, did_you_mean

__all__ = [
    "BUILD_TIMEOUT",
    "INSTALL",
    "NESTED",
    "Target",
    "fenced",
    "identity",
    "installed_version",
    "local_modules",
    "nest",
    "one_line",
    "require",
    "resolve",
]

#: How to install what ``derive`` builds with.
INSTALL = {
    "torch": "pip install 'explorer[truth]' (or pip install torch)",
    "transformers": "pip install 'transformers>=5,<6'",
}
_LIBRARIES = ("torch", "transformers")

#: Seconds one build (or the import of the target's module) may take: a build on the meta
#: device takes milliseconds (a 1000-layer model about a second), so a build past this is
#: stuck (user code that sleeps or waits). ``derive(build_timeout=...)``,
#: ``explorer derive --build-timeout``.
BUILD_TIMEOUT = 30.0


class _TimeUp(BaseException):
    """Raised inside user code by the timer when a build takes too long."""


@contextlib.contextmanager
def fenced(title: str, limit: float | None = BUILD_TIMEOUT) -> Iterator[None]:
    """Run the target's own code (its import, its constructor) behind a fence: what it
    prints goes to stderr (stdout keeps the one answer), ``sys.exit`` is a
    :class:`TargetError` instead of the end of the process, and past ``limit`` seconds
    (on the main thread, where a timer can interrupt it) the build is stopped with a
    :class:`TargetError` naming the limit. KeyboardInterrupt passes through.

    Example:
        >>> with fenced("demo"):
        ...     print("the target's own output")  # doctest: +SKIP
        >>> try:
        ...     with fenced("demo"):
        ...         raise SystemExit(3)
        ... except TargetError as error:
        ...     print(error)
        demo called sys.exit(3) while being built; a class that derive builds must not exit
    """
    import signal
    import threading

    timed = (
        limit is not None
        and limit > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    previous: Any = None
    if timed:

        def stop(signum: int, frame: Any) -> None:
            raise _TimeUp

        previous = signal.signal(signal.SIGALRM, stop)
        signal.setitimer(signal.ITIMER_REAL, float(limit))  # type: ignore[arg-type]
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    except SystemExit as exit_:
        raise TargetError(
            f"{title} called sys.exit({exit_.code!r}) while being built; a class that derive "
            "builds must not exit"
        ) from None
    except _TimeUp:
        raise TargetError(
            f"building {title} took longer than {limit:g} s (the limit per build; "
            "--build-timeout SECONDS changes it): does its code wait or loop?"
        ) from None
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class Target:
    """A class that can be built from keyword arguments, and what is known of them.

    Attributes:
        text: the target as given.
        title: what is built, e.g. ``transformers.LlamaConfig -> LlamaForCausalLM``.
        module_class: the ``nn.Module`` subclass that is built.
        config_class: for Hugging Face targets, the config class the arguments go to.
        names: the keyword arguments accepted, when they are known from the signature.
        hints: names to suggest for a misspelt one.
        required: arguments without a default.
        defaults: the signature's defaults (to name the other side of a constraint).
        libraries: the libraries whose versions the counts depend on.
    """

    text: str
    title: str
    module_class: type
    config_class: type | None = None
    model: str | None = None
    names: frozenset[str] | None = None
    hints: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)
    libraries: tuple[str, ...] = ("torch",)

    #: For config targets: the names the last build read, per config (``""`` the main
    #: one, ``"text_config."`` a nested one); filled by :meth:`build`.
    reads: dict[str, set[str]] = field(default_factory=dict, compare=False)

    def build(self, arguments: Mapping[str, Any]) -> Any:
        """Construct the module (the caller chooses the device). For config targets,
        nested fields (``text_config__hidden_size``: ``text_config.hidden_size``) go into
        their sub-config, and the config attributes the model reads are recorded."""
        if self.config_class is None:
            return self.module_class(**arguments)
        config = self.config_class(**nest(arguments))
        with _recording(config) as reads:
            module = self.module_class(config)
        self.reads.clear()
        self.reads.update(reads)
        return module

    def unread(self, names: Iterable[str]) -> list[str]:
        """Of ``names`` (set or varied; nested ones as ``a__b``), those the last build of
        a config target never read: ignored by the model, so refused by the caller."""
        if self.config_class is None or not self.reads:
            return []
        missing = []
        for name in names:
            *outer, last = name.split(NESTED)
            prefix = "".join(f"{part}." for part in outer)
            if last not in self.reads.get(prefix, set()):
                missing.append(name)
        return missing


#: How a nested config field is written in a variable's name: ``text_config__hidden_size``.
NESTED = "__"


def nest(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Arguments with nested fields (``text_config__hidden_size`` or
    ``text_config.hidden_size``) merged into their sub-config's dict.

    Example:
        >>> nest({"text_config__hidden_size": 8, "text_config": {"vocab_size": 9}, "x": 1})
        {'text_config': {'vocab_size': 9, 'hidden_size': 8}, 'x': 1}
    """
    flat: dict[str, Any] = {}
    nested: list[tuple[list[str], Any]] = []
    for key, value in arguments.items():
        parts = key.replace(".", NESTED).split(NESTED)
        if len(parts) == 1:
            flat[key] = value
        else:
            nested.append((parts, value))
    for parts, value in nested:
        table = flat
        for part in parts[:-1]:
            inner = table.get(part)
            inner = dict(inner) if isinstance(inner, Mapping) else {}
            table[part] = inner
            table = inner
        table[parts[-1]] = value
    return flat


@contextlib.contextmanager
def _recording(config: Any) -> Iterator[dict[str, set[str]]]:
    """Record the attributes read on ``config`` and its sub-configs meanwhile (the config
    classes' ``__getattribute__`` wrapped, restored after)."""
    from transformers import PreTrainedConfig

    prefixes = {id(config): ""}
    for name, value in list(vars(config).items()):
        if isinstance(value, PreTrainedConfig):
            prefixes[id(value)] = f"{name}."
    reads: dict[str, set[str]] = {p: set() for p in prefixes.values()}
    classes = {
        cls
        for obj in (config, *(v for v in vars(config).values() if isinstance(v, PreTrainedConfig)))
        for cls in type(obj).__mro__
        if "__getattribute__" in cls.__dict__ and issubclass(cls, PreTrainedConfig)
    }
    saved = {cls: cls.__dict__["__getattribute__"] for cls in classes}

    def wrap(original: Callable[[Any, str], Any]) -> Callable[[Any, str], Any]:
        def read(self: Any, key: str) -> Any:
            prefix = prefixes.get(id(self))
            if prefix is not None and not key.startswith("_"):
                reads[prefix].add(key)
            return original(self, key)

        return read

    for cls, original in saved.items():
        cls.__getattribute__ = wrap(original)  # type: ignore[method-assign,assignment]
    try:
        yield reads
    finally:
        for cls, original in saved.items():
            cls.__getattribute__ = original  # type: ignore[method-assign]


def installed_version(distribution: str) -> str | None:
    """The installed version of a distribution, read from its ``.dist-info`` folder name
    (``importlib.metadata`` costs ~40 ms to import: too much for a cached answer).

    Example:
        >>> installed_version("no-such-distribution") is None
        True
    """
    wanted = distribution.replace("-", "_").lower()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                project, _, version = name[: -len(".dist-info")].partition("-")
                if project.replace("-", "_").lower() == wanted:
                    return version
    return None


def require(library: str) -> None:
    """Raise :class:`MissingLibraryError` with the install command if ``library`` is absent."""
    if importlib.util.find_spec(library) is None:
        raise MissingLibraryError(
            f"derive builds models with {library}, which is not installed: {INSTALL[library]}"
        )


def identity(text: str, model: str | None) -> dict[str, Any]:
    """Who the target is, for the cache key: its text, the library versions, and a digest
    of its source file when it is not part of torch or transformers (an edit then
    invalidates the cache). Nothing is imported beyond the target's parent packages.

    Raises:
        TargetError: a file target whose file does not exist.
    """
    source: str | None = None
    if ":" in text:
        source = hashlib.sha256(_file_path(text).read_bytes()).hexdigest()[:16]
    elif text.split(".", 1)[0] not in _LIBRARIES:
        origin = _module_origin(text)
        if origin is not None:
            with contextlib.suppress(OSError):
                source = hashlib.sha256(Path(origin).read_bytes()).hexdigest()[:16]
    return {
        "target": text,
        "model": model,
        "source": source,
        "versions": {name: installed_version(name) for name in _LIBRARIES},
    }


@functools.cache
def _installed_folders() -> tuple[str, ...]:
    """Where the standard library and installed packages live (not local code), and this
    package itself (its digest is in every key already)."""
    import sysconfig

    folders = {str(Path(__file__).resolve().parent.parent)}
    for name in ("stdlib", "platstdlib", "purelib", "platlib"):
        with contextlib.suppress(KeyError):
            folders.add(str(Path(sysconfig.get_paths()[name]).resolve()))
    return tuple(sorted(folders))


def _is_local(file: str) -> bool:
    resolved = str(Path(file).resolve())
    return not any(
        resolved == folder or resolved.startswith(folder + os.sep)
        for folder in _installed_folders()
    )


def local_modules(roots: Iterable[str]) -> dict[str, str]:
    """The source files (and their digests) of the local modules among ``roots`` (module
    names) and of every local module they reach through their globals (imported modules,
    and the modules of imported classes and functions): what a target's build runs of the
    user's own code. Installed libraries are not followed.

    Example:
        >>> local_modules(["json"])  # the standard library is not local
        {}
    """
    from explorer.derivation._cache import file_digest

    files: dict[str, str] = {}
    seen: set[str] = set()
    stack = list(roots)
    while stack and len(seen) < 10_000:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        module = sys.modules.get(name)
        file = getattr(module, "__file__", None)
        if module is None or not isinstance(file, str) or not _is_local(file):
            continue
        digest = file_digest(file)
        if digest is not None:
            files[str(Path(file).resolve())] = digest
        for value in list(vars(module).values()):
            if isinstance(value, types.ModuleType):
                stack.append(value.__name__)
            else:
                try:
                    owner = getattr(value, "__module__", None)
                except Exception:  # a proxy object of the user's: not a module reference
                    continue
                if isinstance(owner, str):
                    stack.append(owner)
    return files


def _module_origin(text: str) -> str | None:
    parts = text.split(".")
    with _working_folder_importable():
        for cut in range(len(parts) - 1, 0, -1):
            try:
                spec = importlib.util.find_spec(".".join(parts[:cut]))
            except (ImportError, ValueError, AttributeError):
                continue
            if spec is not None:
                return spec.origin
    return None


@contextlib.contextmanager
def _working_folder_importable() -> Iterator[None]:
    """The working folder on ``sys.path`` meanwhile, as for ``python -m``: a dotted target
    in the user's own package imports from where the command runs."""
    folder = os.getcwd()
    added = folder not in sys.path and "" not in sys.path
    if added:
        sys.path.append(folder)
    try:
        yield
    finally:
        if added:
            with contextlib.suppress(ValueError):
                sys.path.remove(folder)


def _file_path(text: str) -> Path:
    path_text, _, name = text.rpartition(":")
    if not path_text.endswith(".py") or not name:
        raise TargetError(
            f"bad target {text!r}: write path/to/file.py:ClassName or a dotted path "
            "such as torch.nn.LSTM"
        )
    path = Path(path_text)
    if not path.is_file():
        raise TargetError(f"no file {path_text!r}: give an existing path/to/file.py:ClassName")
    return path


def resolve(text: str, model: str | None) -> Target:
    """The target's class, checked and described (imports torch, and transformers for
    Hugging Face targets).

    Raises:
        MissingLibraryError: torch (or transformers) is not installed.
        TargetError: no such class, not a module, a file that does not import, lazy.
        ConflictError: ``model`` where it does not apply, or that does not fit the config.
    """
    if not isinstance(text, str) or not text.strip():
        raise UsageError("give a target: torch.nn.LSTM, transformers.LlamaConfig, or file.py:Class")
    require("torch")
    if text.split(".", 1)[0] == "transformers":
        require("transformers")
    obj = _load_file_class(text) if ":" in text else _load_dotted(text)
    if not isinstance(obj, type):
        raise TargetError(
            f"{text} is not a class but a {type(obj).__name__}: give a torch.nn.Module "
            "subclass, or a transformers config or model class"
        )
    import torch

    hf = sys.modules.get("transformers")
    config_base = getattr(hf, "PreTrainedConfig", None) or getattr(hf, "PretrainedConfig", None)
    model_base = getattr(hf, "PreTrainedModel", None)
    if isinstance(config_base, type) and issubclass(obj, config_base):
        return _hf_target(text, obj, model)
    if not issubclass(obj, torch.nn.Module):
        raise TargetError(
            f"{text} is not a module: {obj.__name__} is neither a torch.nn.Module subclass "
            "nor a transformers config class"
        )
    if isinstance(model_base, type) and issubclass(obj, model_base):
        if model is not None and model != obj.__name__:
            raise ConflictError(
                f"{text} is a model class already; --model {model} applies to config targets"
            )
        config_class: type = obj.config_class  # type: ignore[attr-defined]
        return _hf_target(text, config_class, obj.__name__, model_class=obj)
    if model is not None:
        raise ConflictError(
            f"--model applies to transformers config targets, not to {text}; drop --model"
        )
    return _module_target(text, obj)


def _load_dotted(text: str) -> Any:
    parts = text.strip().split(".")
    if not all(p.isidentifier() for p in parts) or len(parts) < 2:
        raise TargetError(
            f"bad target {text!r}: write a dotted path such as torch.nn.LSTM, "
            "transformers.LlamaConfig, or path/to/file.py:ClassName"
        )
    module = None
    for cut in range(len(parts) - 1, 0, -1):
        name = ".".join(parts[:cut])
        try:
            with _working_folder_importable(), fenced(name):
                module = importlib.import_module(name)
        except TargetError:
            raise  # the fence's: the module exits or hangs while imported
        except ModuleNotFoundError as error:
            missing = error.name or ""
            if name == missing or name.startswith(missing + "."):
                continue
            if missing.split(".")[0] in _LIBRARIES:
                library = missing.split(".")[0]
                raise MissingLibraryError(
                    f"{name} needs {library}, which is not installed: {INSTALL[library]}"
                ) from None
            raise TargetError(f"{name} does not import: {one_line(error)}") from None
        except Exception as error:
            raise TargetError(f"{name} does not import: {one_line(error)}") from None
        break
    if module is None:
        raise TargetError(
            f"no module {parts[0]!r} for target {text!r}: write a dotted path such as "
            "torch.nn.LSTM, or path/to/file.py:ClassName"
        )
    obj: Any = module
    where = module.__name__
    for attr in parts[cut:]:
        try:
            obj = getattr(obj, attr)
        except Exception:
            choices = [n for n in dir(obj) if not n.startswith("_")]
            guess = did_you_mean(attr, choices)
            hint = f"; did you mean '{guess}'?" if guess else ""
            raise TargetError(f"{where} has no {attr!r}{hint}") from None
        where = f"{where}.{attr}"
    return obj


def _load_file_class(text: str) -> Any:
    path = _file_path(text)
    name = text.rpartition(":")[2]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    module_name = f"_explorer_derive_{digest}"
    module = sys.modules.get(module_name)
    if module is None:
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            raise TargetError(f"{path} cannot be loaded as a Python module")
        module = importlib.util.module_from_spec(spec)
        folder = str(path.resolve().parent)
        sys.path.insert(0, folder)  # as for a script: its own folder's modules import
        sys.modules[module_name] = module
        try:
            with fenced(str(path)):
                spec.loader.exec_module(module)
        except BaseException as error:
            sys.modules.pop(module_name, None)
            if isinstance(error, KeyboardInterrupt | TargetError):
                raise
            raise TargetError(f"{path} does not import: {one_line(error)}") from None
        finally:
            with contextlib.suppress(ValueError):
                sys.path.remove(folder)
    if not hasattr(module, name):
        classes = [n for n, v in vars(module).items() if isinstance(v, type)]
        guess = did_you_mean(name, classes)
        hint = f"; did you mean '{guess}'?" if guess else f"; its classes: {', '.join(classes)}"
        raise TargetError(f"{path} has no {name!r}{hint}")
    return getattr(module, name)


def _hf_target(
    text: str, config_class: type, model: str | None, *, model_class: type | None = None
) -> Target:
    if model_class is None:
        model_class, model = _model_class(config_class, model)
    names, defaults, _ = _signature(config_class)
    title = text if model is None or text.endswith(model) else f"{text} -> {model}"
    return Target(
        text=text,
        title=title,
        module_class=model_class,
        config_class=config_class,
        model=model,
        names=None,  # any attribute the model reads (head_dim), nested fields, labels
        hints=tuple(names),
        required=(),
        defaults=defaults,
        libraries=_LIBRARIES,
    )


def _model_class(config_class: type, model: str | None) -> tuple[type, str]:
    """The model class for a config: the one named, else the causal-LM class, else the
    base model; it must be built from this config class."""
    import transformers

    if model is None:
        from transformers.models.auto import modeling_auto

        model_type = getattr(config_class, "model_type", "")
        default = modeling_auto.MODEL_FOR_CAUSAL_LM_MAPPING_NAMES.get(
            model_type
        ) or modeling_auto.MODEL_MAPPING_NAMES.get(model_type)
        if not isinstance(default, str):
            raise TargetError(
                f"no default model class for {config_class.__name__}: give --model CLASS"
            )
        model = default
    if not model.isidentifier():
        raise TargetError(f"bad --model {model!r}: give a transformers class name")
    try:
        found = getattr(transformers, model)
    except Exception:
        prefix = config_class.__name__.removesuffix("Config")
        choices = [n for n in dir(transformers) if n.startswith(prefix)]
        guess = did_you_mean(model, choices)
        hint = f"; did you mean '{guess}'?" if guess else ""
        raise TargetError(f"transformers has no model class {model!r}{hint}") from None
    base = getattr(transformers, "PreTrainedModel", None)
    if not (isinstance(found, type) and base is not None and issubclass(found, base)):
        raise TargetError(f"transformers.{model} is not a model class")
    wanted = getattr(found, "config_class", None)
    if isinstance(wanted, type) and not issubclass(config_class, wanted):
        raise ConflictError(
            f"{model} is built from a {wanted.__name__}, not from a {config_class.__name__}"
        )
    return found, model


def _module_target(text: str, cls: type) -> Target:
    names, defaults, strict = _signature(cls)
    required = tuple(n for n in names if n not in defaults) if strict else ()
    if not strict and not names:  # (*args, **kwargs): the names come from a base class
        for base in cls.__mro__[1:]:
            base_names, base_defaults, base_strict = _signature(base)
            if base_strict and base_names:
                names, defaults = base_names, base_defaults
                break
    return Target(
        text=text,
        title=text,
        module_class=cls,
        names=frozenset(names) if strict else None,
        hints=tuple(names),
        required=required,
        defaults=defaults,
    )


def _signature(cls: type) -> tuple[list[str], dict[str, Any], bool]:
    """Keyword names of ``cls.__init__``, their defaults, and whether that is the full
    set (no ``*args``/``**kwargs``)."""
    init: Callable[..., Any] = cls.__init__  # type: ignore[misc]
    try:
        signature = inspect.signature(init)
    except (TypeError, ValueError):
        return [], {}, False
    names: list[str] = []
    defaults: dict[str, Any] = {}
    strict = True
    for position, parameter in enumerate(signature.parameters.values()):
        if position == 0 and parameter.name == "self":
            continue
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            strict = False
            continue
        if parameter.kind == parameter.POSITIONAL_ONLY:
            continue
        names.append(parameter.name)
        if parameter.default is not parameter.empty:
            defaults[parameter.name] = parameter.default
    return names, defaults, strict


def one_line(error: BaseException) -> str:
    """``Type: message`` on one line; for wrapped errors the innermost line that says it."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    if not lines:
        return type(error).__name__
    last = lines[-1]
    if len(lines) > 1 and ":" in last:
        return last
    return f"{type(error).__name__}: {last}"
