"""Version guards: every fidelity patch checks that the moto internals it relies
on are present (and still look as the patch expects) before replacing anything,
and raises `FidelityPatchError` otherwise; the launcher then exits with status 3
before binding rather than silently serving moto's lenient behaviour."""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable

PINNED_MOTO_VERSION = "5.2.5"


class FidelityPatchError(RuntimeError):
    """A fidelity patch cannot be applied to the installed moto."""


def _moto_version() -> str:
    try:
        import moto

        return getattr(moto, "__version__", "unknown")
    except Exception:  # pragma: no cover - reported by the import guard
        return "not importable"


def _import(patch: str, module: str, *names: str) -> list[Any]:
    """Import `names` from moto `module`, or fail naming the patch."""
    try:
        mod = __import__(module, fromlist=list(names))
    except Exception as exc:
        raise FidelityPatchError(
            f"fidelity patch {patch}: cannot import {module} "
            f"(moto {_moto_version()}, pinned {PINNED_MOTO_VERSION}): {exc}"
        ) from exc
    out = []
    for name in names:
        if not hasattr(mod, name):
            raise FidelityPatchError(
                f"fidelity patch {patch}: {module}.{name} is missing "
                f"(moto {_moto_version()}, pinned {PINNED_MOTO_VERSION})"
            )
        out.append(getattr(mod, name))
    return out


def _require(patch: str, owner: type, attr: str, params: tuple[str, ...] = ()) -> Callable:
    """Return owner.attr (a function) after checking it exists with `params`."""
    fn = owner.__dict__.get(attr)
    if fn is None or not callable(fn):
        raise FidelityPatchError(
            f"fidelity patch {patch}: {owner.__module__}.{owner.__name__}.{attr} "
            f"is missing (moto {_moto_version()}, pinned {PINNED_MOTO_VERSION})"
        )
    if params:
        have = inspect.signature(fn).parameters
        missing = [p for p in params if p not in have]
        if missing:
            raise FidelityPatchError(
                f"fidelity patch {patch}: {owner.__name__}.{attr} has no "
                f"parameter(s) {missing} (moto {_moto_version()}, pinned "
                f"{PINNED_MOTO_VERSION})"
            )
    return fn


def _require_source(patch: str, fn: Callable, *snippets: str) -> None:
    """Check that moto code we depend on (instance attributes, hard-coded
    values we rewrite) still looks the way the patch expects."""
    try:
        src = inspect.getsource(fn)
    except (OSError, TypeError) as exc:
        raise FidelityPatchError(f"fidelity patch {patch}: cannot read source of {fn}: {exc}") from exc
    for snippet in snippets:
        if snippet not in src:
            raise FidelityPatchError(
                f"fidelity patch {patch}: {fn.__qualname__} no longer contains "
                f"{snippet!r} (moto {_moto_version()}, pinned {PINNED_MOTO_VERSION})"
            )


def _replace(owner: type, attr: str, original: Callable, new: Callable) -> None:
    functools.update_wrapper(new, original)
    new.__switchyard_patched__ = True  # type: ignore[attr-defined]
    setattr(owner, attr, new)
