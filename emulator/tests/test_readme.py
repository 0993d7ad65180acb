"""README.md's "Fidelity rules (patched)" list and the registry must agree, so the
two cannot drift: the same numbers, and each rule's service and summary in its line."""

from __future__ import annotations

import os
import re

from switchyard_emulator import registry

README = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")


def _section(title: str) -> str:
    text = open(README, encoding="utf-8").read()
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", text, re.S | re.M)
    assert match, f"README.md has no section {title!r}"
    return match.group(1)


def _plain(text: str) -> str:
    return " ".join(text.replace("`", "").split())


def readme_rules() -> dict[int, str]:
    items = re.findall(r"^(\d+)\. (.+)$", _section("Fidelity rules (patched)"), re.M)
    return {int(n): line for n, line in items}


def test_readme_and_registry_have_the_same_rule_numbers():
    numbers = list(readme_rules())
    assert numbers == list(range(1, len(numbers) + 1)), "README rules are numbered 1..N in order"
    assert numbers == [r.number for r in registry.rules()]


def test_each_rule_line_names_its_service_and_summary():
    lines = readme_rules()
    for r in registry.rules():
        line = _plain(lines[r.number])
        assert line.startswith(registry.SERVICE_NAMES[r.service] + " "), (r.number, line)
        assert _plain(r.summary) in line, (r.number, r.summary, line)


def test_readme_documents_every_hook():
    hooks = set(re.findall(r"`(?:POST|GET) /_switchyard/hooks/([a-z-]+)`", _section("Test hooks")))
    assert hooks == {"stall", *registry.hook_patches()}
