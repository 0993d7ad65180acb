"""Fidelity rules 1-4 and 19: IAM server certificates."""

from __future__ import annotations

import datetime
import re

import pytest
from botocore.exceptions import ClientError

from support import certificate, create_distribution, error, iam_viewer, upload


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


def _not_after(body: str) -> datetime.datetime:
    from cryptography import x509

    return x509.load_pem_x509_certificate(body.encode()).not_valid_after_utc


def test_rule_19_expiration_is_the_certificates_not_after_and_upload_date_is_now(iam):
    pems = {"short": certificate(0x19_01, "short.example.com", days=30),
            "long": certificate(0x19_02, "long.example.com", days=400)}
    expected = {name: _not_after(body) for name, (body, _) in pems.items()}
    before = datetime.datetime.now(datetime.timezone.utc)
    uploaded = {name: iam.upload_server_certificate(ServerCertificateName=name, Path="/cloudfront/",
                                                    CertificateBody=body, PrivateKey=key)["ServerCertificateMetadata"]
                for name, (body, key) in pems.items()}
    after = datetime.datetime.now(datetime.timezone.utc)

    listed = {m["ServerCertificateName"]: m for m in iam.list_server_certificates()["ServerCertificateMetadataList"]}
    got = {name: iam.get_server_certificate(ServerCertificateName=name)["ServerCertificate"]["ServerCertificateMetadata"]
           for name in expected}
    for name, not_after in expected.items():
        for source in (uploaded, listed, got):
            metadata = source[name]
            assert metadata["Expiration"] == not_after, (name, metadata)  # moto: 2012-05-08 for all
            when = metadata["UploadDate"]
            assert when.year != 2010, metadata
            # whole seconds on the wire, so up to a second before the call started
            assert before - datetime.timedelta(seconds=1) <= when <= after + datetime.timedelta(seconds=2), metadata
        assert listed[name]["UploadDate"] == got[name]["UploadDate"] == uploaded[name]["UploadDate"]
    assert listed["short"]["Expiration"] != listed["long"]["Expiration"]

    # rule 2 still holds alongside: each its own id, the same everywhere
    ids = {name: m["ServerCertificateId"] for name, m in uploaded.items()}
    assert len(set(ids.values())) == 2
    assert {name: m["ServerCertificateId"] for name, m in listed.items()} == ids
    assert {name: m["ServerCertificateId"] for name, m in got.items()} == ids


def test_rule_19_dates_are_utc_iso_8601_with_z_on_the_wire(iam):
    body, key = certificate(0x19_03, "wire.example.com", days=45)
    iam.upload_server_certificate(ServerCertificateName="wire", CertificateBody=body, PrivateKey=key)
    bodies = []

    def keep(response_dict, **_):
        bodies.append(response_dict["body"].decode())

    event = "before-parse.iam.ListServerCertificates"
    iam.meta.events.register(event, keep, unique_id="test-rule-19")
    try:
        iam.list_server_certificates()
    finally:
        iam.meta.events.unregister(event, unique_id="test-rule-19")
    expiration = re.search(r"<Expiration>([^<]*)</Expiration>", bodies[0]).group(1)
    assert expiration == _not_after(body).strftime("%Y-%m-%dT%H:%M:%SZ")
    upload_date = re.search(r"<UploadDate>([^<]*)</UploadDate>", bodies[0]).group(1)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", upload_date), upload_date
    assert not upload_date.startswith("2010-"), upload_date


def test_rule_19_a_body_that_is_no_certificate_keeps_motos_expiration(iam):
    # moto accepts any text (README: known lenient spots); there is no notAfter to give
    iam.upload_server_certificate(ServerCertificateName="junk", CertificateBody="not a certificate",
                                  PrivateKey="not a key")
    metadata = iam.get_server_certificate(ServerCertificateName="junk")["ServerCertificate"]["ServerCertificateMetadata"]
    assert metadata["Expiration"] == datetime.datetime(2012, 5, 8, 1, 2, 3, 4000, tzinfo=datetime.timezone.utc)
    assert abs(metadata["UploadDate"] - datetime.datetime.now(datetime.timezone.utc)) < datetime.timedelta(seconds=5)
