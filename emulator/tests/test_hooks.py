"""The test hooks: iam-quota, iam-root, cloudfront-race, stall (iam-access-key: test_credentials_fidelity.py)."""

from __future__ import annotations

import threading
import time

import pytest
from botocore.exceptions import ClientError

from support import create_distribution, error, upload

QUOTA = "/_switchyard/hooks/iam-quota"
ROOT = "/_switchyard/hooks/iam-root"
RACE = "/_switchyard/hooks/cloudfront-race"
STALL = "/_switchyard/hooks/stall"


# iam-quota -------------------------------------------------------------------

def test_iam_quota(emulator):
    iam = emulator.client("iam")
    summary = lambda: iam.get_account_summary()["SummaryMap"]  # noqa: E731
    assert summary()["ServerCertificatesQuota"] == 20
    assert emulator.http("POST", QUOTA, {"server_certificates": 1}) == (200, {"server_certificates": 1})
    upload(iam, "a")
    with pytest.raises(ClientError) as exc:
        upload(iam, "b")  # the quota is enforced too (rule 14)
    assert error(exc) == ("LimitExceeded", 409)
    assert (summary()["ServerCertificatesQuota"], summary()["ServerCertificates"]) == (1, 1)
    assert emulator.http("POST", QUOTA, {"server_certificates": None}) == (200, {"server_certificates": None})
    assert summary()["ServerCertificatesQuota"] == 20
    emulator.http("POST", QUOTA, {"server_certificates": 0})
    assert summary()["ServerCertificatesQuota"] == 0
    emulator.reset()
    assert summary()["ServerCertificatesQuota"] == 20
    assert emulator.requests() and all(r["path"] == "/" for r in emulator.requests()), "hooks are not logged"


@pytest.mark.parametrize("body", [{"server_certificates": -1}, {"server_certificates": 1.5},
                                  {"server_certificates": True}, {"server_certificates": "3"}, {},
                                  {"server_certificates": 1, "x": 2}, [1]])
def test_iam_quota_bad_body_is_400(emulator, body):
    assert emulator.http("POST", QUOTA, body)[0] == 400


# iam-root --------------------------------------------------------------------

def test_iam_root(emulator):
    iam = emulator.client("iam")
    summary = lambda: iam.get_account_summary()["SummaryMap"]  # noqa: E731
    moto = summary()
    assert emulator.http("POST", ROOT, {"access_keys": 2}) == (200, {"AccountAccessKeysPresent": 2})
    assert summary()["AccountAccessKeysPresent"] == 2
    assert summary()["AccountMFAEnabled"] == moto["AccountMFAEnabled"], "mfa untouched when not given"
    assert emulator.http("POST", ROOT, {"mfa": True}) == (200, {"AccountAccessKeysPresent": 2, "AccountMFAEnabled": 1})
    assert (summary()["AccountAccessKeysPresent"], summary()["AccountMFAEnabled"]) == (2, 1)
    assert summary()["ServerCertificatesQuota"] == 20, "the rest of the summary is moto's"
    emulator.reset()
    assert summary()["AccountAccessKeysPresent"] == moto["AccountAccessKeysPresent"]


@pytest.mark.parametrize("body", [{}, {"access_keys": -1}, {"access_keys": True}, {"mfa": 1},
                                  {"mfa": True, "x": 1}, [1]])
def test_iam_root_bad_body_is_400(emulator, body):
    assert emulator.http("POST", ROOT, body)[0] == 400


def test_hooks_bad_requests(emulator):
    assert emulator.http("POST", QUOTA, raw=b"{not json")[0] == 400
    assert emulator.http("GET", QUOTA)[0] == 405
    assert emulator.http("GET", RACE)[0] == 405
    assert emulator.http("PUT", STALL, {"release": True})[0] == 405
    assert emulator.http("POST", STALL, raw=b"[")[0] == 400
    assert emulator.http("POST", "/_switchyard/hooks/nope", {})[0] == 404
    assert emulator.http("GET", "/_switchyard/nope")[0] == 404
    assert emulator.http("POST", "/_switchyard/requests")[0] == 405
    assert emulator.http("GET", "/_switchyard/requests/clear")[0] == 405
    assert emulator.requests() == []


# cloudfront-race ---------------------------------------------------------------

def test_cloudfront_race(emulator):
    cf = emulator.client("cloudfront")
    dist_id, etag = create_distribution(cf, "ref-1")
    assert emulator.http("POST", RACE, {"distribution_id": "ENOSUCH", "comment": "x"})[0] == 404
    answer = {"armed": {"distribution_id": dist_id, "comment": "first"}}
    assert emulator.http("POST", RACE, answer["armed"]) == (200, answer)
    answer = {"armed": {"distribution_id": dist_id, "comment": "changed by another writer"}}
    assert emulator.http("POST", RACE, answer["armed"]) == (200, answer), "arming again replaces the comment"

    # GetDistributionConfig does not fire it
    assert cf.get_distribution_config(Id=dist_id)["ETag"] == etag
    read = cf.get_distribution(Id=dist_id)  # answered with the old state, then the race fires
    assert (read["ETag"], read["Distribution"]["DistributionConfig"]["Comment"]) == (etag, "switchyard test")
    config = cf.get_distribution_config(Id=dist_id)
    assert config["ETag"] != etag
    assert config["DistributionConfig"]["Comment"] == "changed by another writer"
    with pytest.raises(ClientError) as exc:
        cf.update_distribution(Id=dist_id, IfMatch=etag, DistributionConfig=read["Distribution"]["DistributionConfig"])
    assert error(exc) == ("PreconditionFailed", 412)
    # one-shot
    assert cf.get_distribution(Id=dist_id)["ETag"] == config["ETag"]
    assert cf.get_distribution(Id=dist_id)["ETag"] == config["ETag"]
    assert [r["action"] for r in emulator.requests()].count("UpdateDistribution") == 1, "the change is not logged"


def test_cloudfront_race_waits_for_a_successful_read_and_reset_disarms(emulator):
    cf = emulator.client("cloudfront")
    dist_id, etag = create_distribution(cf, "ref-1")
    emulator.http("POST", RACE, {"distribution_id": dist_id, "comment": "other"})
    emulator.reset()
    dist_id, etag = create_distribution(cf, "ref-1")
    cf.get_distribution(Id=dist_id)
    assert cf.get_distribution(Id=dist_id)["ETag"] == etag


@pytest.mark.parametrize("body", [{"distribution_id": "", "comment": "x"}, {"distribution_id": "E1"},
                                  {"distribution_id": "E1", "comment": 3}, {"distribution_id": 1, "comment": "x"}])
def test_cloudfront_race_bad_body_is_400(emulator, body):
    assert emulator.http("POST", RACE, body)[0] == 400


# stall -------------------------------------------------------------------------

def _wait_stalled(emulator):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        status, state = emulator.http("GET", STALL)
        if state["stalled"]:
            return state
        time.sleep(0.02)
    raise AssertionError("the request was not held")


def _in_thread(fn):
    result: dict = {}

    def run():
        try:
            result["value"] = fn()
        except Exception as exc:  # noqa: BLE001
            result["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


@pytest.mark.parametrize("after", [True, False])
def test_stall(emulator, after):
    r53 = emulator.client("route53")
    assert emulator.http("GET", STALL) == (200, {"armed": None, "stalled": False})
    assert emulator.http("POST", STALL, {"action": "CreateHealthCheck", "after": after}) == \
        (200, {"armed": "CreateHealthCheck", "after": after})
    assert emulator.http("GET", STALL) == (200, {"armed": "CreateHealthCheck", "stalled": False})
    r53.list_health_checks()  # other actions pass
    config = {"Type": "HTTPS", "FullyQualifiedDomainName": "origin.example.com", "Port": 443,
              "RequestInterval": 30, "FailureThreshold": 3}
    thread, result = _in_thread(lambda: r53.create_health_check(CallerReference="ref", HealthCheckConfig=config))
    assert _wait_stalled(emulator) == {"armed": "CreateHealthCheck", "stalled": True}
    made = len(r53.list_health_checks()["HealthChecks"])
    assert made == (1 if after else 0)
    assert emulator.http("POST", STALL, {"release": True}) == (200, {"released": True})
    thread.join(10)
    assert not thread.is_alive()
    if after:
        assert result["value"]["HealthCheck"]["CallerReference"] == "ref"
    else:
        assert result["error"].response["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert emulator.http("GET", STALL) == (200, {"armed": None, "stalled": False})
    held = [r for r in emulator.requests() if r["action"] == "CreateHealthCheck"]
    assert len(held) == 1, "the held request is logged"
    assert len(r53.list_health_checks()["HealthChecks"]) == made


def test_stall_is_released_by_reset(emulator):
    r53 = emulator.client("route53")
    emulator.http("POST", STALL, {"action": "ListHealthChecks", "after": False})
    thread, result = _in_thread(r53.list_health_checks)
    _wait_stalled(emulator)
    emulator.reset()
    thread.join(10)
    assert not thread.is_alive()
    assert emulator.http("GET", STALL) == (200, {"armed": None, "stalled": False})


@pytest.mark.parametrize("body", [{"action": "X"}, {"action": 1, "after": True}, {"action": "X", "after": 1},
                                  {"release": False}, None])
def test_stall_bad_body_is_400(emulator, body):
    assert emulator.http("POST", STALL, body)[0] == 400


@pytest.mark.xfail(strict=True, reason="as in the original launch.py: a held request is answered through the "
                                       "unwrapped start_response, so its log entry keeps status null "
                                       "(README: `status` is the HTTP status returned)")
def test_a_held_request_is_logged_with_its_status(emulator):
    r53 = emulator.client("route53")
    emulator.http("POST", STALL, {"action": "ListHealthChecks", "after": True})
    thread, _ = _in_thread(r53.list_health_checks)
    _wait_stalled(emulator)
    emulator.http("POST", STALL, {"release": True})
    thread.join(10)
    (entry,) = [r for r in emulator.requests() if r["action"] == "ListHealthChecks"]
    assert entry["status"] == 200
