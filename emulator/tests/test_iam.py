"""Fidelity rules 1-4: IAM server certificates."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from support import create_distribution, error, iam_viewer, upload


@pytest.fixture
def iam(emulator):
    return emulator.client("iam")


def test_rule_1_duplicate_name_is_entity_already_exists(iam):
    upload(iam, "site-a")
    with pytest.raises(ClientError) as exc:
        upload(iam, "site-a", "/other/")
    assert error(exc) == ("EntityAlreadyExists", 409)
    # moto stored duplicates; now there is one, and the count did not go up
    listed = iam.list_server_certificates()["ServerCertificateMetadataList"]
    assert [m["ServerCertificateName"] for m in listed] == ["site-a"]
    assert listed[0]["Path"] == "/cloudfront/"
    assert iam.get_account_summary()["SummaryMap"]["ServerCertificates"] == 1


def test_rule_2_each_certificate_has_its_own_id_everywhere(iam):
    a, b = upload(iam, "site-a"), upload(iam, "site-b")
    ids = {a["ServerCertificateId"], b["ServerCertificateId"]}
    assert len(ids) == 2, "moto gave every certificate ASCACKCEVSQ6C2EXAMPLE"
    for cid in ids:
        assert re.fullmatch(r"ASCA[A-Z2-7]{17}", cid), cid
    got = iam.get_server_certificate(ServerCertificateName="site-b")
    assert got["ServerCertificate"]["ServerCertificateMetadata"]["ServerCertificateId"] == b["ServerCertificateId"]
    listed = {m["ServerCertificateName"]: m["ServerCertificateId"]
              for m in iam.list_server_certificates()["ServerCertificateMetadataList"]}
    assert listed == {"site-a": a["ServerCertificateId"], "site-b": b["ServerCertificateId"]}


def test_rule_3_list_filters_by_path_prefix(iam):
    upload(iam, "cf", "/cloudfront/site/")
    upload(iam, "elb", "/elb/")

    def names(**kwargs):
        return sorted(m["ServerCertificateName"]
                      for m in iam.list_server_certificates(**kwargs)["ServerCertificateMetadataList"])

    assert names(PathPrefix="/cloudfront/") == ["cf"]
    assert names(PathPrefix="/cloudfront/site/") == ["cf"]
    assert names(PathPrefix="/") == ["cf", "elb"]
    assert names() == ["cf", "elb"]
    assert names(PathPrefix="/other/") == []


def test_rule_4_a_certificate_a_distribution_uses_cannot_be_deleted(emulator, iam):
    cf = emulator.client("cloudfront")
    used = upload(iam, "used")
    upload(iam, "unused")
    dist_id, etag = create_distribution(cf, "ref-1", ["www.example.com"], iam_viewer(used["ServerCertificateId"]))
    with pytest.raises(ClientError) as exc:
        iam.delete_server_certificate(ServerCertificateName="used")
    assert error(exc) == ("DeleteConflict", 409)
    assert iam.get_server_certificate(ServerCertificateName="used"), "not deleted"
    iam.delete_server_certificate(ServerCertificateName="unused")

    # once no distribution uses it, it can go
    config = cf.get_distribution_config(Id=dist_id)
    dc = config["DistributionConfig"]
    dc["Aliases"] = {"Quantity": 0}
    dc["ViewerCertificate"] = {"CloudFrontDefaultCertificate": True}
    cf.update_distribution(Id=dist_id, IfMatch=config["ETag"], DistributionConfig=dc)
    iam.delete_server_certificate(ServerCertificateName="used")


def test_rule_4_unknown_certificate_is_still_no_such_entity(iam):
    with pytest.raises(ClientError) as exc:
        iam.delete_server_certificate(ServerCertificateName="nope")
    assert error(exc) == ("NoSuchEntity", 404)
