"""Fidelity rules 7 and 8: Route 53 health checks."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from support import error


@pytest.fixture
def r53(emulator):
    return emulator.client("route53", validate=False)


def https_check(interval: int = 30, threshold: int = 3, **extra) -> dict:
    config = {"Type": "HTTPS", "FullyQualifiedDomainName": "origin.example.com", "Port": 443,
              "ResourcePath": "/health", "RequestInterval": interval, "FailureThreshold": threshold}
    config.update(extra)
    return config


def test_rule_7_same_reference_same_settings_is_the_existing_check(r53):
    first = r53.create_health_check(CallerReference="ref-1", HealthCheckConfig=https_check())
    again = r53.create_health_check(CallerReference="ref-1", HealthCheckConfig=https_check())
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert first["HealthCheck"]["Id"] == again["HealthCheck"]["Id"]
    assert len(r53.list_health_checks()["HealthChecks"]) == 1, "moto made a new check every time"


def test_rule_7_same_reference_other_settings_is_health_check_already_exists(r53):
    r53.create_health_check(CallerReference="ref-1", HealthCheckConfig=https_check(30))
    with pytest.raises(ClientError) as exc:
        r53.create_health_check(CallerReference="ref-1", HealthCheckConfig=https_check(10))
    assert error(exc) == ("HealthCheckAlreadyExists", 409)
    assert len(r53.list_health_checks()["HealthChecks"]) == 1


def test_rule_7_the_reference_of_a_deleted_check_is_health_check_already_exists(r53):
    check = r53.create_health_check(CallerReference="ref-1", HealthCheckConfig=https_check())
    r53.delete_health_check(HealthCheckId=check["HealthCheck"]["Id"])
    with pytest.raises(ClientError) as exc:
        r53.create_health_check(CallerReference="ref-1", HealthCheckConfig=https_check())
    assert error(exc) == ("HealthCheckAlreadyExists", 409)
    r53.create_health_check(CallerReference="ref-2", HealthCheckConfig=https_check())


def test_rule_7_a_reset_forgets_deleted_references(emulator, r53):
    check = r53.create_health_check(CallerReference="ref-1", HealthCheckConfig=https_check())
    r53.delete_health_check(HealthCheckId=check["HealthCheck"]["Id"])
    emulator.reset()
    r53.create_health_check(CallerReference="ref-1", HealthCheckConfig=https_check())


def test_rule_8_request_interval_is_10_or_30(r53):
    for interval in (10, 30):
        r53.create_health_check(CallerReference=f"ok-{interval}", HealthCheckConfig=https_check(interval))
    for interval in (5, 20, 60):
        with pytest.raises(ClientError) as exc:
            r53.create_health_check(CallerReference=f"bad-{interval}", HealthCheckConfig=https_check(interval))
        assert error(exc) == ("InvalidInput", 400), interval
    assert len(r53.list_health_checks()["HealthChecks"]) == 2


def test_rule_8_failure_threshold_is_1_to_10(r53):
    for threshold in (1, 10):
        r53.create_health_check(CallerReference=f"ok-{threshold}", HealthCheckConfig=https_check(threshold=threshold))
    for threshold in (0, 11):
        with pytest.raises(ClientError) as exc:
            r53.create_health_check(CallerReference=f"bad-{threshold}", HealthCheckConfig=https_check(threshold=threshold))
        assert error(exc) == ("InvalidInput", 400), threshold
    check_id = r53.list_health_checks()["HealthChecks"][0]["Id"]
    for threshold in (0, 11):
        with pytest.raises(ClientError) as exc:
            r53.update_health_check(HealthCheckId=check_id, FailureThreshold=threshold)
        assert error(exc) == ("InvalidInput", 400), threshold
    r53.update_health_check(HealthCheckId=check_id, FailureThreshold=5)
    got = r53.get_health_check(HealthCheckId=check_id)["HealthCheck"]["HealthCheckConfig"]
    assert got["FailureThreshold"] == 5
