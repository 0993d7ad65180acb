"""The registry of fidelity rules and hook patches, and `apply_patches()`.

Each numbered fidelity rule of README.md ("Fidelity rules (patched)") is one
patch function, registered with its number, service and a one-line summary:

    @rule(1, "iam", "UploadServerCertificate with a name already in use → EntityAlreadyExists (409)")
    def patch_iam_duplicate_server_certificate_name() -> None: ...

The summary is the README line's opening words (without the backticks), so a
test can check that README and registry agree. Test hooks that need a moto
patch register with `@hook_patch`. `apply_patches()` applies the rules in
number order, then the hook patches; each patch raises FidelityPatchError
(guards.py) instead of applying when moto's internals are not as expected.
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass
from typing import Callable

# The modules that register rules and hook patches (imported by rules()).
RULE_MODULES = (
    "iam",
    "iam_credentials",
    "cloudfront_distributions",
    "cloudfront_response_headers_policies",
    "route53",
    "acm",
    "hooks",
)

# How README.md names each service at the start of a rule's line.
SERVICE_NAMES = {"iam": "IAM", "cloudfront": "CloudFront", "route53": "Route 53", "acm": "ACM"}


@dataclass(frozen=True)
class Rule:
    number: int
    service: str
    summary: str
    patch: Callable[[], None]


_RULES: dict[int, Rule] = {}
_HOOK_PATCHES: dict[str, Callable[[], None]] = {}
_APPLY_LOCK = threading.Lock()
_applied = False


def rule(number: int, service: str, summary: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    """Register the decorated patch function as fidelity rule `number`."""
    if service not in SERVICE_NAMES:
        raise ValueError(f"rule {number}: unknown service {service!r}")

    def register(patch: Callable[[], None]) -> Callable[[], None]:
        if number in _RULES:
            raise ValueError(f"rule {number} registered twice ({_RULES[number].patch.__name__}, {patch.__name__})")
        _RULES[number] = Rule(number, service, summary, patch)
        return patch

    return register


def hook_patch(hook: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    """Register the decorated function as the moto patch of test hook `hook`."""

    def register(patch: Callable[[], None]) -> Callable[[], None]:
        _HOOK_PATCHES[hook] = patch
        return patch

    return register


def _load() -> None:
    for module in RULE_MODULES:
        importlib.import_module(f"{__package__}.{module}")


def rules() -> list[Rule]:
    """Every registered fidelity rule, by number."""
    _load()
    return [_RULES[n] for n in sorted(_RULES)]


def hook_patches() -> dict[str, Callable[[], None]]:
    """The moto patches of the test hooks, by hook name."""
    _load()
    return dict(_HOOK_PATCHES)


def apply_patches() -> None:
    """Apply every rule (in number order), then every hook patch. Applies once
    per process: a second call (e.g. from the tests) does nothing."""
    global _applied
    with _APPLY_LOCK:
        if _applied:
            return
        for r in rules():
            r.patch()
        for patch in hook_patches().values():
            patch()
        _applied = True
