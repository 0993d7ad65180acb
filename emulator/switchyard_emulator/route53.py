"""Fidelity rules 7 and 8: Route 53 health checks (see README.md)."""

from __future__ import annotations

import inspect

from .guards import FidelityPatchError, _import, _replace, _require, _require_source
from .lock import _LOCK
from .registry import rule


@rule(7, "route53", "CreateHealthCheck is idempotent by CallerReference")
def patch_route53_health_check_caller_reference() -> None:
    """Route 53 CreateHealthCheck is idempotent by CallerReference: the same
    reference with the same settings returns the existing health check; the
    same reference with other settings, or the reference of a deleted health
    check, fails with HealthCheckAlreadyExists (HTTP 409). moto creates a new
    check every time.

    https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHealthCheck.html
    (CallerReference; Errors: HealthCheckAlreadyExists)
    """
    name = "patch_route53_health_check_caller_reference"
    Route53Backend, HealthCheck = _import(name, "moto.route53.models", "Route53Backend", "HealthCheck")
    Route53ClientError, = _import(name, "moto.route53.exceptions", "Route53ClientError")
    orig_create = _require(name, Route53Backend, "create_health_check", ("caller_reference", "health_check_args"))
    orig_delete = _require(name, Route53Backend, "delete_health_check", ("health_check_id",))
    _require(name, HealthCheck, "set_children")
    _require(name, HealthCheck, "set_regions")
    if not isinstance(inspect.getattr_static(HealthCheck, "health_check_config", None), property):
        raise FidelityPatchError(f"fidelity patch {name}: HealthCheck.health_check_config property is missing")
    _require_source(name, Route53Backend.__init__, "self.health_checks")
    _require_source(name, HealthCheck.__init__, "self.caller_reference")

    def _settings(caller_reference: str, args: dict) -> dict:
        candidate = HealthCheck("candidate", caller_reference, dict(args))
        candidate.set_children(args.get("children", []))
        candidate.set_regions(args.get("regions", []))
        return candidate.health_check_config

    def _exists(ref: str) -> Exception:
        return Route53ClientError(
            "HealthCheckAlreadyExists",
            f"A health check with CallerReference {ref} already exists (or was "
            "deleted) and has different settings.",
        )

    def create_health_check(self, caller_reference, health_check_args):
        with _LOCK:
            if caller_reference in self.__dict__.get("switchyard_deleted_health_check_refs", ()):
                raise _exists(caller_reference)
            for existing in list(self.health_checks.values()):
                if existing.caller_reference == caller_reference:
                    if existing.health_check_config == _settings(caller_reference, health_check_args):
                        return existing
                    raise _exists(caller_reference)
            return orig_create(self, caller_reference, health_check_args)

    def delete_health_check(self, health_check_id):
        with _LOCK:
            existing = self.health_checks.get(health_check_id)
            orig_delete(self, health_check_id)
            if existing is not None:
                self.__dict__.setdefault("switchyard_deleted_health_check_refs", set()).add(
                    existing.caller_reference
                )

    _replace(Route53Backend, "create_health_check", orig_create, create_health_check)
    _replace(Route53Backend, "delete_health_check", orig_delete, delete_health_check)


@rule(8, "route53", "CreateHealthCheck with RequestInterval other than 10/30, and "
                    "CreateHealthCheck/UpdateHealthCheck with FailureThreshold outside 1..10 → "
                    "InvalidInput (400)")
def patch_route53_health_check_ranges() -> None:
    """Route 53 CreateHealthCheck / UpdateHealthCheck reject a RequestInterval
    other than 10 or 30 and a FailureThreshold outside 1..10 with InvalidInput
    (HTTP 400); moto accepts any integer. (UpdateHealthCheck has no
    RequestInterval parameter in the AWS API; a FailureThreshold is checked.)

    https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html
    https://docs.aws.amazon.com/Route53/latest/APIReference/API_UpdateHealthCheck.html
    (Errors: InvalidInput)
    """
    name = "patch_route53_health_check_ranges"
    Route53Backend, = _import(name, "moto.route53.models", "Route53Backend")
    InvalidInput, = _import(name, "moto.route53.exceptions", "InvalidInput")
    orig_create = _require(name, Route53Backend, "create_health_check", ("caller_reference", "health_check_args"))
    orig_update = _require(name, Route53Backend, "update_health_check", ("health_check_id", "health_check_args"))
    # the argument keys the response layer passes to the backend
    Route53, = _import(name, "moto.route53.responses", "Route53")
    _require_source(name, Route53.create_health_check, '"request_interval"', '"failure_threshold"')
    _require_source(name, Route53.update_health_check, '"failure_threshold"')

    def _validate(args: dict, where: str) -> None:
        interval = args.get("request_interval")
        if interval is not None and int(interval) not in (10, 30):
            raise InvalidInput(
                f"1 validation error detected: Value '{interval}' at '{where}.requestInterval' "
                "failed to satisfy constraint: Member must be 10 or 30"
            )
        threshold = args.get("failure_threshold")
        if threshold is not None and not 1 <= int(threshold) <= 10:
            bound = "greater than or equal to 1" if int(threshold) < 1 else "less than or equal to 10"
            raise InvalidInput(
                f"1 validation error detected: Value '{threshold}' at '{where}.failureThreshold' "
                f"failed to satisfy constraint: Member must have value {bound}"
            )

    def create_health_check(self, caller_reference, health_check_args):
        _validate(health_check_args, "healthCheckConfig")
        return orig_create(self, caller_reference, health_check_args)

    def update_health_check(self, health_check_id, health_check_args):
        _validate(health_check_args, "updateHealthCheckRequest")
        return orig_update(self, health_check_id, health_check_args)

    _replace(Route53Backend, "create_health_check", orig_create, create_health_check)
    _replace(Route53Backend, "update_health_check", orig_update, update_health_check)
