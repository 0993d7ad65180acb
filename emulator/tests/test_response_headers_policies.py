"""Fidelity rule 11: CloudFront response headers policies (moto 5.2.5 has none)."""

from __future__ import annotations

import re
import uuid

import pytest
from botocore.exceptions import ClientError

from support import create_distribution, distribution_config, error

RETRY_AFTER = {"Quantity": 1, "Items": [{"Header": "Retry-After", "Value": "120", "Override": True}]}


@pytest.fixture
def cf(emulator):
    return emulator.client("cloudfront", validate=False)


def policy_config(name: str = "maintenance", **extra) -> dict:
    config = {"Name": name, "Comment": "switchyard", "CustomHeadersConfig": RETRY_AFTER}
    config.update(extra)
    return config


def create(cf, name: str = "maintenance", **extra) -> dict:
    return cf.create_response_headers_policy(ResponseHeadersPolicyConfig=policy_config(name, **extra))


def test_create_get_list_update_delete(cf):
    out = create(cf)
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 201
    policy = out["ResponseHeadersPolicy"]
    pid = policy["Id"]
    assert str(uuid.UUID(pid)) == pid
    assert out["Location"] == f"https://cloudfront.amazonaws.com/2020-05-31/response-headers-policy/{pid}"
    assert policy["ResponseHeadersPolicyConfig"] == policy_config()
    assert policy["LastModifiedTime"]
    etag = out["ETag"]

    got = cf.get_response_headers_policy(Id=pid)
    assert (got["ResponseMetadata"]["HTTPStatusCode"], got["ETag"]) == (200, etag)
    assert got["ResponseHeadersPolicy"]["ResponseHeadersPolicyConfig"] == policy_config()
    got = cf.get_response_headers_policy_config(Id=pid)
    assert (got["ETag"], got["ResponseHeadersPolicyConfig"]) == (etag, policy_config())

    listed = cf.list_response_headers_policies(Type="custom")["ResponseHeadersPolicyList"]
    assert listed["Quantity"] == 1
    assert listed["Items"][0]["Type"] == "custom"
    assert listed["Items"][0]["ResponseHeadersPolicy"]["Id"] == pid
    assert cf.list_response_headers_policies()["ResponseHeadersPolicyList"]["Quantity"] == 1
    assert cf.list_response_headers_policies(Type="managed")["ResponseHeadersPolicyList"]["Quantity"] == 0
    assert cf.list_response_headers_policies(MaxItems="5")["ResponseHeadersPolicyList"]["MaxItems"] == 5

    changed = policy_config(Comment="changed")
    up = cf.update_response_headers_policy(Id=pid, IfMatch=etag, ResponseHeadersPolicyConfig=changed)
    assert up["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert up["ETag"] != etag
    assert cf.get_response_headers_policy_config(Id=pid)["ResponseHeadersPolicyConfig"]["Comment"] == "changed"

    deleted = cf.delete_response_headers_policy(Id=pid, IfMatch=up["ETag"])
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as exc:
        cf.get_response_headers_policy(Id=pid)
    assert error(exc) == ("NoSuchResponseHeadersPolicy", 404)


def test_the_config_comes_back_as_sent(cf):
    hsts = {"Override": True, "IncludeSubdomains": True, "Preload": False, "AccessControlMaxAgeSec": 63072000}
    config = policy_config(SecurityHeadersConfig={"StrictTransportSecurity": hsts},
                           RemoveHeadersConfig={"Quantity": 1, "Items": [{"Header": "Server"}]})
    pid = cf.create_response_headers_policy(ResponseHeadersPolicyConfig=config)["ResponseHeadersPolicy"]["Id"]
    assert cf.get_response_headers_policy_config(Id=pid)["ResponseHeadersPolicyConfig"] == config


def test_a_name_in_use_is_response_headers_policy_already_exists(cf):
    create(cf, "a")
    b = create(cf, "b")
    with pytest.raises(ClientError) as exc:
        create(cf, "a")
    assert error(exc) == ("ResponseHeadersPolicyAlreadyExists", 409)
    with pytest.raises(ClientError) as exc:
        cf.update_response_headers_policy(Id=b["ResponseHeadersPolicy"]["Id"], IfMatch=b["ETag"],
                                          ResponseHeadersPolicyConfig=policy_config("a"))
    assert error(exc) == ("ResponseHeadersPolicyAlreadyExists", 409)
    # keeping its own name is fine
    cf.update_response_headers_policy(Id=b["ResponseHeadersPolicy"]["Id"], IfMatch=b["ETag"],
                                      ResponseHeadersPolicyConfig=policy_config("b", Comment="x"))


def test_unknown_id_is_no_such_response_headers_policy(cf):
    calls = [
        lambda: cf.get_response_headers_policy(Id="nope"),
        lambda: cf.get_response_headers_policy_config(Id="nope"),
        lambda: cf.update_response_headers_policy(Id="nope", IfMatch="E1", ResponseHeadersPolicyConfig=policy_config()),
        lambda: cf.delete_response_headers_policy(Id="nope", IfMatch="E1"),
    ]
    for call in calls:
        with pytest.raises(ClientError) as exc:
            call()
        assert error(exc) == ("NoSuchResponseHeadersPolicy", 404)


def test_if_match_missing_or_stale(cf):
    out = create(cf)
    pid = out["ResponseHeadersPolicy"]["Id"]
    with pytest.raises(ClientError) as exc:
        cf.update_response_headers_policy(Id=pid, ResponseHeadersPolicyConfig=policy_config())
    assert error(exc) == ("InvalidIfMatchVersion", 400)
    with pytest.raises(ClientError) as exc:
        cf.delete_response_headers_policy(Id=pid)
    assert error(exc) == ("InvalidIfMatchVersion", 400)
    with pytest.raises(ClientError) as exc:
        cf.update_response_headers_policy(Id=pid, IfMatch="ESTALE", ResponseHeadersPolicyConfig=policy_config())
    assert error(exc) == ("PreconditionFailed", 412)
    with pytest.raises(ClientError) as exc:
        cf.delete_response_headers_policy(Id=pid, IfMatch="ESTALE")
    assert error(exc) == ("PreconditionFailed", 412)


def test_config_errors(cf):
    for key, item in (("CustomHeadersConfig", {"Header": "X-A", "Value": "1", "Override": True}),
                      ("RemoveHeadersConfig", {"Header": "Server"})):
        with pytest.raises(ClientError) as exc:
            create(cf, **{key: {"Quantity": 2, "Items": [item]}})
        assert error(exc) == ("InconsistentQuantities", 400), key
    with pytest.raises(ClientError) as exc:
        cf.create_response_headers_policy(ResponseHeadersPolicyConfig={"Comment": "no name"})
    assert error(exc) == ("InvalidArgument", 400)
    assert cf.list_response_headers_policies()["ResponseHeadersPolicyList"]["Quantity"] == 0


def test_distributions_must_name_an_existing_policy(cf):
    pid = create(cf)["ResponseHeadersPolicy"]["Id"]
    config = distribution_config("ref-1")
    config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] = "Managed-SecurityHeadersPolicy"
    with pytest.raises(ClientError) as exc:
        cf.create_distribution(DistributionConfig=config)
    assert error(exc) == ("NoSuchResponseHeadersPolicy", 404)

    behavior = dict(config["DefaultCacheBehavior"], PathPattern="/api/*", ResponseHeadersPolicyId="nope")
    config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] = pid
    config["CacheBehaviors"] = {"Quantity": 1, "Items": [behavior]}
    with pytest.raises(ClientError) as exc:
        cf.create_distribution(DistributionConfig=config)
    assert error(exc) == ("NoSuchResponseHeadersPolicy", 404)

    del config["CacheBehaviors"]
    dist_id, etag = create_distribution(cf, "ref-2", DefaultCacheBehavior=config["DefaultCacheBehavior"])
    for got in (cf.get_distribution(Id=dist_id)["Distribution"]["DistributionConfig"],
                cf.get_distribution_config(Id=dist_id)["DistributionConfig"]):
        assert got["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] == pid

    current = cf.get_distribution_config(Id=dist_id)["DistributionConfig"]
    current["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] = "nope"
    with pytest.raises(ClientError) as exc:
        cf.update_distribution(Id=dist_id, IfMatch=etag, DistributionConfig=current)
    assert error(exc) == ("NoSuchResponseHeadersPolicy", 404)


def test_a_policy_in_use_cannot_be_deleted(cf):
    out = create(cf)
    pid, etag = out["ResponseHeadersPolicy"]["Id"], out["ETag"]
    behavior = distribution_config("x")["DefaultCacheBehavior"]
    create_distribution(cf, "ref-1", DefaultCacheBehavior=dict(behavior, ResponseHeadersPolicyId=pid))
    with pytest.raises(ClientError) as exc:
        cf.delete_response_headers_policy(Id=pid, IfMatch=etag)
    assert error(exc) == ("ResponseHeadersPolicyInUse", 409)


def test_policies_are_per_account_and_cleared_by_reset(emulator, cf):
    import boto3

    pid = create(cf)["ResponseHeadersPolicy"]["Id"]
    other = boto3.session.Session().client(
        "cloudfront", endpoint_url=emulator.endpoint, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing")
    other.meta.events.register(
        "before-sign.cloudfront.*", lambda request, **_: request.headers.__setitem__("x-moto-account-id", "111111111111"))
    assert other.list_response_headers_policies()["ResponseHeadersPolicyList"]["Quantity"] == 0
    create(other)  # the same name in another account
    emulator.reset()
    with pytest.raises(ClientError) as exc:
        cf.get_response_headers_policy(Id=pid)
    assert error(exc) == ("NoSuchResponseHeadersPolicy", 404)
    assert re.fullmatch(r"[0-9a-f-]{36}", create(cf)["ResponseHeadersPolicy"]["Id"])
