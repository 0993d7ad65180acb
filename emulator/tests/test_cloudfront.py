"""Fidelity rules 5, 6, 9, 10 and 12: CloudFront distributions."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from support import ACCOUNT, DEFAULT_VIEWER, create_distribution, distribution_config, error, iam_viewer, upload


@pytest.fixture
def cf(emulator):
    return emulator.client("cloudfront")


@pytest.fixture
def cert_id(emulator):
    return upload(emulator.client("iam"), "site")["ServerCertificateId"]


def _update(cf, dist_id, if_match, **changes):
    config = cf.get_distribution_config(Id=dist_id)["DistributionConfig"]
    config.update(changes)
    return cf.update_distribution(Id=dist_id, IfMatch=if_match, DistributionConfig=config)


# rule 5 ---------------------------------------------------------------------

def test_rule_5_update_gives_a_new_etag_and_a_stale_if_match_fails(cf):
    dist_id, etag = create_distribution(cf, "ref-1")
    assert cf.get_distribution_config(Id=dist_id)["ETag"] == etag
    assert cf.get_distribution(Id=dist_id)["ETag"] == etag
    new_etag = _update(cf, dist_id, etag, Comment="changed")["ETag"]
    assert new_etag != etag, "moto never changed the ETag"
    assert cf.get_distribution(Id=dist_id)["ETag"] == new_etag
    assert cf.get_distribution_config(Id=dist_id)["ETag"] == new_etag
    with pytest.raises(ClientError) as exc:
        _update(cf, dist_id, etag, Comment="stale")
    assert error(exc) == ("PreconditionFailed", 412)
    assert cf.get_distribution_config(Id=dist_id)["DistributionConfig"]["Comment"] == "changed"
    _update(cf, dist_id, new_etag, Comment="again")


def test_rule_5_missing_if_match_stays_invalid_if_match_version(cf):
    dist_id, _ = create_distribution(cf, "ref-1")
    config = cf.get_distribution_config(Id=dist_id)["DistributionConfig"]
    with pytest.raises(ClientError) as exc:
        cf.update_distribution(Id=dist_id, DistributionConfig=config)
    assert error(exc) == ("InvalidIfMatchVersion", 400)


def test_rule_5_delete_needs_the_current_etag_and_a_disabled_distribution(cf):
    dist_id, etag = create_distribution(cf, "ref-1")
    with pytest.raises(ClientError) as exc:
        cf.delete_distribution(Id=dist_id, IfMatch=etag)
    assert error(exc) == ("DistributionNotDisabled", 409)
    disabled = _update(cf, dist_id, etag, Enabled=False)["ETag"]
    with pytest.raises(ClientError) as exc:
        cf.delete_distribution(Id=dist_id, IfMatch=etag)
    assert error(exc) == ("PreconditionFailed", 412)
    cf.delete_distribution(Id=dist_id, IfMatch=disabled)
    with pytest.raises(ClientError) as exc:
        cf.get_distribution(Id=dist_id)
    assert error(exc) == ("NoSuchDistribution", 404)


# rule 6 ---------------------------------------------------------------------

def test_rule_6_unknown_iam_certificate_is_invalid_viewer_certificate(cf, cert_id):
    config = distribution_config("ref-1", ["www.example.com"], iam_viewer("ASCANOSUCHCERTIFICATE"))
    with pytest.raises(ClientError) as exc:
        cf.create_distribution(DistributionConfig=config)
    assert error(exc) == ("InvalidViewerCertificate", 400)
    with pytest.raises(ClientError) as exc:
        cf.create_distribution_with_tags(DistributionConfigWithTags={
            "DistributionConfig": config, "Tags": {"Items": [{"Key": "k", "Value": "v"}]}})
    assert error(exc) == ("InvalidViewerCertificate", 400)
    assert cf.list_distributions()["DistributionList"]["Quantity"] == 0

    dist_id, etag = create_distribution(cf, "ref-2", ["www.example.com"], iam_viewer(cert_id))
    with pytest.raises(ClientError) as exc:
        _update(cf, dist_id, etag, ViewerCertificate=iam_viewer("ASCANOSUCHCERTIFICATE"))
    assert error(exc) == ("InvalidViewerCertificate", 400)


def test_rule_6_a_certificate_of_another_account_does_not_count(emulator, cf, cert_id):
    import boto3

    other = boto3.session.Session().client(
        "cloudfront", endpoint_url=emulator.endpoint, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing")
    other.meta.events.register(  # moto answers for the account this header names
        "before-sign.cloudfront.*", lambda request, **_: request.headers.__setitem__("x-moto-account-id", "111111111111"))
    with pytest.raises(ClientError) as exc:
        create_distribution(other, "ref-1", ["www.example.com"], iam_viewer(cert_id))
    assert error(exc) == ("InvalidViewerCertificate", 400)
    create_distribution(cf, "ref-1", ["www.example.com"], iam_viewer(cert_id))


# rule 9 ---------------------------------------------------------------------

def _viewers(cf, dist_id):
    listed = cf.list_distributions()["DistributionList"]["Items"]
    return [
        cf.get_distribution(Id=dist_id)["Distribution"]["DistributionConfig"]["ViewerCertificate"],
        cf.get_distribution_config(Id=dist_id)["DistributionConfig"]["ViewerCertificate"],
        next(d for d in listed if d["Id"] == dist_id)["ViewerCertificate"],
    ]


def test_rule_9_custom_certificates_read_back_as_such(cf, cert_id):
    config = distribution_config("ref-1", ["www.example.com"], iam_viewer(cert_id))
    out = cf.create_distribution(DistributionConfig=config)
    dist_id, etag = out["Distribution"]["Id"], out["ETag"]
    for viewer in [out["Distribution"]["DistributionConfig"]["ViewerCertificate"]] + _viewers(cf, dist_id):
        assert viewer["CloudFrontDefaultCertificate"] is False
        assert viewer["CertificateSource"] == "iam"
        assert viewer["Certificate"] == cert_id
        assert viewer["IAMCertificateId"] == cert_id
        assert viewer["SSLSupportMethod"] == "sni-only"
        assert viewer["MinimumProtocolVersion"] == "TLSv1.2_2021"

    arn = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/0b9a6b0e-0000-4000-8000-000000000000"
    acm = {"ACMCertificateArn": arn, "SSLSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021"}
    updated = _update(cf, dist_id, etag, ViewerCertificate=acm)
    for viewer in [updated["Distribution"]["DistributionConfig"]["ViewerCertificate"]] + _viewers(cf, dist_id):
        assert (viewer["CloudFrontDefaultCertificate"], viewer["CertificateSource"], viewer["Certificate"]) == \
            (False, "acm", arn)


def test_rule_9_default_certificate_reads_back_as_before(cf):
    dist_id, _ = create_distribution(cf, "ref-1")
    for viewer in _viewers(cf, dist_id):
        assert viewer["CloudFrontDefaultCertificate"] is True
        assert viewer["CertificateSource"] == "cloudfront"


# rule 10 --------------------------------------------------------------------

def test_rule_10_an_alias_of_another_distribution_is_cname_already_exists(cf, cert_id):
    viewer = iam_viewer(cert_id)
    create_distribution(cf, "ref-1", ["www.example.com", "*.example.com"], viewer)
    for aliases in (["www.example.com"], ["WWW.Example.COM"], ["new.example.com", "*.example.com"]):
        with pytest.raises(ClientError) as exc:
            create_distribution(cf, f"ref-{aliases[0]}", aliases, viewer)
        assert error(exc) == ("CNAMEAlreadyExists", 409), aliases
    # exact names only: a wildcard covers, but does not conflict with, a name
    create_distribution(cf, "ref-2", ["shop.example.com"], viewer)
    other_id, other_etag = create_distribution(cf, "ref-3", ["api.example.com"], viewer)
    with pytest.raises(ClientError) as exc:
        _update(cf, other_id, other_etag, Aliases={"Quantity": 1, "Items": ["shop.example.com"]})
    assert error(exc) == ("CNAMEAlreadyExists", 409)
    # an update may keep its own aliases
    _update(cf, other_id, other_etag, Comment="same aliases")


def test_rule_10_aliases_need_a_custom_certificate(cf):
    with pytest.raises(ClientError) as exc:
        create_distribution(cf, "ref-1", ["www.example.com"], DEFAULT_VIEWER)
    assert error(exc) == ("InvalidViewerCertificate", 400)
    dist_id, etag = create_distribution(cf, "ref-2")
    with pytest.raises(ClientError) as exc:
        _update(cf, dist_id, etag, Aliases={"Quantity": 1, "Items": ["www.example.com"]})
    assert error(exc) == ("InvalidViewerCertificate", 400)


def test_rule_10_a_reused_caller_reference_is_still_distribution_already_exists(cf, cert_id):
    create_distribution(cf, "ref-1", ["www.example.com"], iam_viewer(cert_id))
    with pytest.raises(ClientError) as exc:
        create_distribution(cf, "ref-1", ["www.example.com"], iam_viewer(cert_id))
    assert error(exc) == ("DistributionAlreadyExists", 409)


# rule 12 --------------------------------------------------------------------

def test_rule_12_origin_access_control_id_is_kept(cf):
    origins = {"Quantity": 1, "Items": [{
        "Id": "origin", "DomainName": "bucket.s3.us-east-1.amazonaws.com",
        "S3OriginConfig": {"OriginAccessIdentity": ""}, "OriginAccessControlId": "E2QWRUHAPOMQZL",
    }]}
    dist_id, _ = create_distribution(cf, "ref-1", Origins=origins)
    for config in (cf.get_distribution(Id=dist_id)["Distribution"]["DistributionConfig"],
                   cf.get_distribution_config(Id=dist_id)["DistributionConfig"]):
        assert config["Origins"]["Items"][0]["OriginAccessControlId"] == "E2QWRUHAPOMQZL"
