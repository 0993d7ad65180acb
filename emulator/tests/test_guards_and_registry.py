"""The version guards (a patch that cannot apply fails loudly) and the rule registry."""

from __future__ import annotations

import pytest

from switchyard_emulator import guards, registry
from switchyard_emulator.guards import FidelityPatchError, _import, _replace, _require, _require_source


class Fake:
    def method(self, name, path=None):
        return ("fake", name, self.marker)

    marker = "m"


class Child(Fake):
    pass


def test_import_names_the_patch():
    with pytest.raises(FidelityPatchError, match=r"fidelity patch p: cannot import moto\.no_such_module"):
        _import("p", "moto.no_such_module", "X")
    with pytest.raises(FidelityPatchError, match=r"fidelity patch p: json\.no_such_name is missing \(moto 5\.2\.5"):
        _import("p", "json", "dumps", "no_such_name")
    assert _import("p", "json", "dumps", "loads") == [__import__("json").dumps, __import__("json").loads]


def test_require_checks_the_attribute_and_its_parameters():
    assert _require("p", Fake, "method", ("name", "path")) is Fake.__dict__["method"]
    with pytest.raises(FidelityPatchError, match=r"Fake\.missing is missing"):
        _require("p", Fake, "missing")
    with pytest.raises(FidelityPatchError, match=r"Fake\.marker is missing"):
        _require("p", Fake, "marker")  # not callable
    with pytest.raises(FidelityPatchError, match=r"has no parameter\(s\) \['region'\]"):
        _require("p", Fake, "method", ("name", "region"))
    with pytest.raises(FidelityPatchError):
        _require("p", Child, "method")  # only the class's own attributes count


def test_require_source_checks_snippets():
    _require_source("p", Fake.method, "self.marker", '"fake"')
    with pytest.raises(FidelityPatchError, match=r"Fake\.method no longer contains 'self\.other'"):
        _require_source("p", Fake.method, "self.marker", "self.other")
    with pytest.raises(FidelityPatchError, match="cannot read source"):
        _require_source("p", len, "x")


def test_replace_wraps():
    class Owner:
        def f(self):
            return 1

    orig = Owner.f

    def f(self):
        return orig(self) + 1

    _replace(Owner, "f", orig, f)
    assert Owner().f() == 2
    assert Owner.f.__switchyard_patched__ is True
    assert Owner.f.__wrapped__ is orig
    assert Owner.f.__qualname__ == orig.__qualname__


def test_moto_is_the_pinned_version():
    assert guards._moto_version() == guards.PINNED_MOTO_VERSION == "5.2.5"


def test_registry_has_rules_1_to_19_each_one_patch():
    rules = registry.rules()
    assert [r.number for r in rules] == list(range(1, 20))
    assert len({r.patch for r in rules}) == 19
    assert all(r.service in registry.SERVICE_NAMES and r.summary for r in rules)
    assert all(r.patch.__name__.startswith(f"patch_{r.service}_") for r in rules)
    assert sorted(registry.hook_patches()) == ["cloudfront-race", "iam-access-key", "iam-quota", "iam-root"]


def test_registering_a_number_twice_or_an_unknown_service_fails():
    with pytest.raises(ValueError, match="registered twice"):
        registry.rule(1, "iam", "again")(lambda: None)
    with pytest.raises(ValueError, match="unknown service"):
        registry.rule(99, "ec2", "no")
    assert len(registry.rules()) == 19


def test_apply_patches_applies_once(emulator):
    from moto.cloudfront.models import CloudFrontBackend
    from moto.iam.models import IAMBackend

    before = (IAMBackend.upload_server_certificate, CloudFrontBackend.update_distribution)
    registry.apply_patches()
    assert (IAMBackend.upload_server_certificate, CloudFrontBackend.update_distribution) == before
    assert before[0].__switchyard_patched__


def test_hooks_installed(emulator):
    from switchyard_emulator.hooks import _HOOKS

    assert _HOOKS.installed == {"stall", "iam-quota", "iam-root", "iam-access-key", "cloudfront-race"}
