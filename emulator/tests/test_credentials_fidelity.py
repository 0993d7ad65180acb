"""IAM credential operations (issue 13): what moto 5.2.5 does for each, through
boto3 against the emulator, and fidelity rules 14-18 where it is not AWS-like;
the `iam-access-key` hook that builds keys of several ages and uses."""

from __future__ import annotations

import datetime

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from support import certificate, error, upload

KEY_HOOK = "/_switchyard/hooks/iam-access-key"
QUOTA_HOOK = "/_switchyard/hooks/iam-quota"
UTC = datetime.timezone.utc


@pytest.fixture
def iam(emulator):
    return emulator.client("iam")


@pytest.fixture
def user(iam):
    iam.create_user(UserName="alice")
    return "alice"


def signed_by(emulator, key: dict, service: str = "iam", region: str = "us-east-1"):
    """A client that signs with this access key (not the harness's fake one)."""
    return boto3.session.Session().client(
        service, endpoint_url=emulator.endpoint, region_name=region,
        aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"],
        config=Config(retries={"total_max_attempts": 1}, s3={"addressing_style": "path"}),
    )


def pem(not_before: datetime.datetime, not_after: datetime.datetime, name: str = "signer") -> str:
    """A self-signed certificate PEM valid from not_before to not_after."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(not_before).not_valid_after(not_after)
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def valid_pem(name: str = "signer") -> str:
    now = datetime.datetime.now(UTC)
    return pem(now - datetime.timedelta(days=1), now + datetime.timedelta(days=365), name)


def summary(iam) -> dict:
    return iam.get_account_summary()["SummaryMap"]


# ListAccessKeys / CreateAccessKey (moto already AWS-like) -------------------------------

def test_list_access_keys_and_the_two_key_limit(emulator, iam, user):
    assert iam.list_access_keys(UserName=user)["AccessKeyMetadata"] == []
    a = iam.create_access_key(UserName=user)["AccessKey"]
    b = iam.create_access_key(UserName=user)["AccessKey"]
    listed = iam.list_access_keys(UserName=user)["AccessKeyMetadata"]
    assert [(k["UserName"], k["AccessKeyId"], k["Status"]) for k in listed] == [
        (user, a["AccessKeyId"], "Active"), (user, b["AccessKeyId"], "Active")]
    assert [k["CreateDate"] for k in listed] == [a["CreateDate"], b["CreateDate"]]
    assert all("SecretAccessKey" not in k for k in listed)
    # moto omits IsTruncated (AWS sends false); SDKs read absent as false
    assert iam.list_access_keys(UserName=user).get("IsTruncated", False) is False

    # at most 2 access keys per user: moto already refuses a third, and counts inactive ones
    iam.update_access_key(UserName=user, AccessKeyId=a["AccessKeyId"], Status="Inactive")
    with pytest.raises(ClientError) as exc:
        iam.create_access_key(UserName=user)
    assert error(exc) == ("LimitExceeded", 409)
    assert summary(iam)["AccessKeysPerUserQuota"] == 2

    # without UserName: the user of the signing key (moto does this already)
    mine = signed_by(emulator, b).list_access_keys()["AccessKeyMetadata"]
    assert {k["AccessKeyId"] for k in mine} == {a["AccessKeyId"], b["AccessKeyId"]}

    with pytest.raises(ClientError) as exc:
        iam.list_access_keys(UserName="nobody")
    assert error(exc) == ("NoSuchEntity", 404)


# GetAccessKeyLastUsed (moto already AWS-like) -------------------------------------------

def test_get_access_key_last_used_never_used_is_n_a(iam, user):
    key = iam.create_access_key(UserName=user)["AccessKey"]
    got = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
    assert got["UserName"] == user
    # LastUsedDate absent (not empty), ServiceName / Region "N/A"
    assert got["AccessKeyLastUsed"] == {"ServiceName": "N/A", "Region": "N/A"}


def test_get_access_key_last_used_records_the_last_signed_request(emulator, iam, user):
    key = iam.create_access_key(UserName=user)["AccessKey"]
    before = datetime.datetime.now(UTC) - datetime.timedelta(seconds=1)
    signed_by(emulator, key, "s3", "eu-west-1").list_buckets()
    used = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
    assert (used["ServiceName"], used["Region"]) == ("s3", "eu-west-1")
    assert used["LastUsedDate"] >= before
    signed_by(emulator, key).list_users()
    used = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
    assert (used["ServiceName"], used["Region"]) == ("iam", "us-east-1")


def test_get_access_key_last_used_of_an_unknown_key_is_no_such_entity(iam):
    with pytest.raises(ClientError) as exc:
        iam.get_access_key_last_used(AccessKeyId="AKIAIOSFODNN7EXAMPLE")
    assert error(exc) == ("NoSuchEntity", 404)


# Signing certificates ------------------------------------------------------------------

def test_signing_certificates_list_upload_update_delete(iam, user):
    assert iam.list_signing_certificates(UserName=user)["Certificates"] == []
    body = valid_pem()
    cert = iam.upload_signing_certificate(UserName=user, CertificateBody=body)["Certificate"]
    assert (cert["UserName"], cert["Status"], cert["CertificateBody"]) == (user, "Active", body)
    cert_id = cert["CertificateId"]
    listed = iam.list_signing_certificates(UserName=user)["Certificates"]
    assert [(c["CertificateId"], c["Status"]) for c in listed] == [(cert_id, "Active")]

    iam.update_signing_certificate(UserName=user, CertificateId=cert_id, Status="Inactive")
    assert iam.list_signing_certificates(UserName=user)["Certificates"][0]["Status"] == "Inactive"

    iam.delete_signing_certificate(UserName=user, CertificateId=cert_id)
    assert iam.list_signing_certificates(UserName=user)["Certificates"] == []
    for call in (lambda: iam.delete_signing_certificate(UserName=user, CertificateId=cert_id),
                 lambda: iam.update_signing_certificate(UserName=user, CertificateId=cert_id, Status="Active")):
        with pytest.raises(ClientError) as exc:
            call()
        assert error(exc) == ("NoSuchEntity", 404)
    with pytest.raises(ClientError) as exc:
        iam.list_signing_certificates(UserName="nobody")
    assert error(exc) == ("NoSuchEntity", 404)


def test_upload_signing_certificate_malformed_is_refused(iam, user):
    # moto already refuses a body that is no PEM certificate
    for body in ("garbage", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"):
        with pytest.raises(ClientError) as exc:
            iam.upload_signing_certificate(UserName=user, CertificateBody=body)
        assert error(exc) == ("MalformedCertificate", 400)
    assert iam.list_signing_certificates(UserName=user)["Certificates"] == []


def test_at_most_two_signing_certificates_per_user(iam, user):
    # moto already refuses a third (inactive ones count)
    first = iam.upload_signing_certificate(UserName=user, CertificateBody=valid_pem("a"))["Certificate"]
    iam.upload_signing_certificate(UserName=user, CertificateBody=valid_pem("b"))
    iam.update_signing_certificate(UserName=user, CertificateId=first["CertificateId"], Status="Inactive")
    with pytest.raises(ClientError) as exc:
        iam.upload_signing_certificate(UserName=user, CertificateBody=valid_pem("c"))
    assert error(exc) == ("LimitExceeded", 409)
    assert len(iam.list_signing_certificates(UserName=user)["Certificates"]) == 2
    assert summary(iam)["SigningCertificatesPerUserQuota"] == 2


def test_rule_15_an_expired_signing_certificate_is_malformed(iam, user):
    now = datetime.datetime.now(UTC)
    expired = pem(now - datetime.timedelta(days=30), now - datetime.timedelta(days=1))
    with pytest.raises(ClientError) as exc:
        iam.upload_signing_certificate(UserName=user, CertificateBody=expired)
    assert error(exc) == ("MalformedCertificate", 400)
    assert "expired" in exc.value.response["Error"]["Message"]
    assert iam.list_signing_certificates(UserName=user)["Certificates"] == [], "moto stored it"
    # an unknown user is still NoSuchEntity, whatever the body
    with pytest.raises(ClientError) as exc:
        iam.upload_signing_certificate(UserName="nobody", CertificateBody=expired)
    assert error(exc) == ("NoSuchEntity", 404)


def test_rule_16_the_same_signing_certificate_twice_is_duplicate(iam, user):
    iam.create_user(UserName="bob")
    body = valid_pem()
    iam.upload_signing_certificate(UserName=user, CertificateBody=body)
    # the same certificate, for the same user or another, re-wrapped PEM lines too
    rewrapped = body.replace("\n", "\r\n")
    for name, text in ((user, body), ("bob", body), ("bob", rewrapped)):
        with pytest.raises(ClientError) as exc:
            iam.upload_signing_certificate(UserName=name, CertificateBody=text)
        assert error(exc) == ("DuplicateCertificate", 409)
    assert len(iam.list_signing_certificates(UserName=user)["Certificates"]) == 1, "moto stored it twice"
    assert iam.list_signing_certificates(UserName="bob")["Certificates"] == []
    # a different certificate is fine; after a delete the same one may come back
    cert = iam.upload_signing_certificate(UserName="bob", CertificateBody=valid_pem("other"))["Certificate"]
    iam.delete_signing_certificate(UserName="bob", CertificateId=cert["CertificateId"])
    iam.upload_signing_certificate(UserName="bob", CertificateBody=cert["CertificateBody"])


def test_rule_17_status_must_be_active_or_inactive(emulator, iam, user):
    loose = emulator.client("iam", validate=False)  # botocore does not check enums; neither does the Rust SDK
    cert_id = iam.upload_signing_certificate(UserName=user, CertificateBody=valid_pem())["Certificate"]["CertificateId"]
    key_id = iam.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"]
    for status in ("Bogus", "active", ""):
        with pytest.raises(ClientError) as exc:
            loose.update_signing_certificate(UserName=user, CertificateId=cert_id, Status=status)
        assert error(exc) == ("ValidationError", 400)
        with pytest.raises(ClientError) as exc:
            loose.update_access_key(UserName=user, AccessKeyId=key_id, Status=status)
        assert error(exc) == ("ValidationError", 400)
    # checked before the lookup, as AWS validates input first
    with pytest.raises(ClientError) as exc:
        loose.update_signing_certificate(UserName=user, CertificateId="NOSUCHCERTIFICATE0000000", Status="Bogus")
    assert error(exc) == ("ValidationError", 400)
    # nothing was stored (moto stored the string)
    assert iam.list_signing_certificates(UserName=user)["Certificates"][0]["Status"] == "Active"
    assert iam.list_access_keys(UserName=user)["AccessKeyMetadata"][0]["Status"] == "Active"
    iam.update_access_key(UserName=user, AccessKeyId=key_id, Status="Inactive")
    assert iam.list_access_keys(UserName=user)["AccessKeyMetadata"][0]["Status"] == "Inactive"


def test_rule_18_without_user_name_the_signing_keys_user(emulator, iam, user):
    key = iam.create_access_key(UserName=user)["AccessKey"]
    own = signed_by(emulator, key)
    body = valid_pem()
    cert = own.upload_signing_certificate(CertificateBody=body)["Certificate"]
    assert cert["UserName"] == user
    listed = own.list_signing_certificates()
    assert [c["CertificateId"] for c in listed["Certificates"]] == [cert["CertificateId"]]
    own.update_signing_certificate(CertificateId=cert["CertificateId"], Status="Inactive")
    assert iam.list_signing_certificates(UserName=user)["Certificates"][0]["Status"] == "Inactive"
    own.delete_signing_certificate(CertificateId=cert["CertificateId"])
    assert iam.list_signing_certificates(UserName=user)["Certificates"] == []

    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-phone")["VirtualMFADevice"]
    iam.enable_mfa_device(UserName=user, SerialNumber=device["SerialNumber"],
                          AuthenticationCode1="123456", AuthenticationCode2="654321")
    mine = own.list_mfa_devices()["MFADevices"]
    assert [(d["UserName"], d["SerialNumber"]) for d in mine] == [(user, device["SerialNumber"])]

    # a signing key that is no IAM user's (the harness's fake key): NoSuchEntity, as ListAccessKeys
    for call in (iam.list_mfa_devices, iam.list_signing_certificates, iam.list_access_keys):
        with pytest.raises(ClientError) as exc:
            call()
        assert error(exc) == ("NoSuchEntity", 404)


# ListMFADevices (moto AWS-like with a UserName) -----------------------------------------

def test_list_mfa_devices(iam, user):
    assert iam.list_mfa_devices(UserName=user)["MFADevices"] == []
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-phone")["VirtualMFADevice"]
    assert summary(iam)["MFADevices"] == 1 and summary(iam)["MFADevicesInUse"] == 0
    iam.enable_mfa_device(UserName=user, SerialNumber=device["SerialNumber"],
                          AuthenticationCode1="123456", AuthenticationCode2="654321")
    got = iam.list_mfa_devices(UserName=user)
    assert got["IsTruncated"] is False
    (listed,) = got["MFADevices"]
    assert (listed["UserName"], listed["SerialNumber"]) == (user, device["SerialNumber"])
    assert isinstance(listed["EnableDate"], datetime.datetime)
    assert summary(iam)["MFADevicesInUse"] == 1
    with pytest.raises(ClientError) as exc:
        iam.list_mfa_devices(UserName="nobody")
    assert error(exc) == ("NoSuchEntity", 404)


# ListAccountAliases (moto AWS-like) -----------------------------------------------------

def test_list_account_aliases(iam):
    got = iam.list_account_aliases()
    assert got["AccountAliases"] == []
    assert got.get("IsTruncated", False) is False  # moto omits it (AWS: false)
    iam.create_account_alias(AccountAlias="switchyard-test")
    assert iam.list_account_aliases()["AccountAliases"] == ["switchyard-test"]
    iam.create_account_alias(AccountAlias="switchyard-other")  # an account has at most one
    assert iam.list_account_aliases()["AccountAliases"] == ["switchyard-other"]
    iam.delete_account_alias(AccountAlias="switchyard-other")
    assert iam.list_account_aliases()["AccountAliases"] == []


# GetAccountSummary and the server-certificate quota ---------------------------------------

def test_get_account_summary_counts_server_certificates_with_quota_20(iam):
    start = summary(iam)
    assert (start["ServerCertificates"], start["ServerCertificatesQuota"]) == (0, 20)
    upload(iam, "a")
    upload(iam, "b")
    assert summary(iam)["ServerCertificates"] == 2
    iam.delete_server_certificate(ServerCertificateName="a")
    assert summary(iam)["ServerCertificates"] == 1


def test_rule_14_upload_server_certificate_past_the_quota_is_limit_exceeded(iam):
    for i in range(20):
        upload(iam, f"site-{i:02d}")
    body, key = certificate()
    with pytest.raises(ClientError) as exc:
        iam.upload_server_certificate(ServerCertificateName="site-20", CertificateBody=body, PrivateKey=key)
    assert error(exc) == ("LimitExceeded", 409)
    assert "ServerCertificatesPerAccount: 20" in exc.value.response["Error"]["Message"]
    # nothing stored: count, list and get agree (moto stored a 21st)
    assert (summary(iam)["ServerCertificates"], summary(iam)["ServerCertificatesQuota"]) == (20, 20)
    assert len(iam.list_server_certificates()["ServerCertificateMetadataList"]) == 20
    with pytest.raises(ClientError) as exc:
        iam.get_server_certificate(ServerCertificateName="site-20")
    assert error(exc) == ("NoSuchEntity", 404)
    # a name in use is still EntityAlreadyExists (rule 1)
    with pytest.raises(ClientError) as exc:
        upload(iam, "site-00")
    assert error(exc) == ("EntityAlreadyExists", 409)
    # deleting one frees a place
    iam.delete_server_certificate(ServerCertificateName="site-00")
    upload(iam, "site-20")
    assert summary(iam)["ServerCertificates"] == 20


def test_rule_14_follows_the_iam_quota_hook(emulator, iam):
    assert emulator.http("POST", QUOTA_HOOK, {"server_certificates": 1})[0] == 200
    upload(iam, "a")
    with pytest.raises(ClientError) as exc:
        upload(iam, "b")
    assert error(exc) == ("LimitExceeded", 409)
    assert (summary(iam)["ServerCertificates"], summary(iam)["ServerCertificatesQuota"]) == (1, 1)
    emulator.http("POST", QUOTA_HOOK, {"server_certificates": None})
    upload(iam, "b")


# The iam-access-key hook ------------------------------------------------------------------

def test_iam_access_key_hook_sets_create_date_and_last_use(emulator, iam, user):
    old = iam.create_access_key(UserName=user)["AccessKey"]
    fresh = iam.create_access_key(UserName=user)["AccessKey"]
    status, state = emulator.http("POST", KEY_HOOK, {
        "access_key_id": old["AccessKeyId"],
        "create_date": "2023-01-02T03:04:05Z",
        "last_used": {"date": "2024-06-01T12:00:00+02:00", "service": "s3", "region": "eu-west-1"},
    })
    assert (status, state) == (200, {
        "access_key_id": old["AccessKeyId"], "user_name": user, "create_date": "2023-01-02T03:04:05Z",
        "last_used": {"date": "2024-06-01T10:00:00Z", "service": "s3", "region": "eu-west-1"},
    })
    dates = {k["AccessKeyId"]: k["CreateDate"] for k in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]}
    assert dates[old["AccessKeyId"]] == datetime.datetime(2023, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert dates[fresh["AccessKeyId"]] == fresh["CreateDate"], "the other key is untouched"
    used = iam.get_access_key_last_used(AccessKeyId=old["AccessKeyId"])["AccessKeyLastUsed"]
    assert used == {"LastUsedDate": datetime.datetime(2024, 6, 1, 10, 0, tzinfo=UTC),
                    "ServiceName": "s3", "Region": "eu-west-1"}

    # create_date alone keeps the last use; no offset means UTC
    status, state = emulator.http("POST", KEY_HOOK, {"access_key_id": old["AccessKeyId"],
                                                     "create_date": "2022-12-31T00:00:00"})
    assert status == 200 and state["create_date"] == "2022-12-31T00:00:00Z"
    assert state["last_used"]["date"] == "2024-06-01T10:00:00Z"

    # null: never used again (N/A, no LastUsedDate)
    status, state = emulator.http("POST", KEY_HOOK, {"access_key_id": old["AccessKeyId"], "last_used": None})
    assert status == 200 and state["last_used"] is None
    assert iam.get_access_key_last_used(AccessKeyId=old["AccessKeyId"])["AccessKeyLastUsed"] == {
        "ServiceName": "N/A", "Region": "N/A"}

    # a later request signed with the key records its use again, as AWS does
    signed_by(emulator, old).list_users()
    used = iam.get_access_key_last_used(AccessKeyId=old["AccessKeyId"])["AccessKeyLastUsed"]
    assert (used["ServiceName"], used["Region"]) == ("iam", "us-east-1")
    assert all(r["path"] == "/" for r in emulator.requests()), "the hook is not logged"


@pytest.mark.parametrize("body", [
    {}, {"access_key_id": "KEY"}, {"create_date": "2023-01-01T00:00:00Z"},
    {"access_key_id": "", "create_date": "2023-01-01T00:00:00Z"},
    {"access_key_id": 5, "create_date": "2023-01-01T00:00:00Z"},
    {"access_key_id": "KEY", "create_date": "yesterday"},
    {"access_key_id": "KEY", "create_date": 1700000000},
    {"access_key_id": "KEY", "create_date": "2023-01-01T00:00:00Z", "status": "Inactive"},
    {"access_key_id": "KEY", "last_used": {"date": "2023-01-01T00:00:00Z", "service": "s3"}},
    {"access_key_id": "KEY", "last_used": {"date": "2023-01-01T00:00:00Z", "service": "", "region": "x"}},
    {"access_key_id": "KEY", "last_used": {"date": None, "service": "s3", "region": "us-east-1"}},
    {"access_key_id": "KEY", "last_used": "never"},
    # last used before it was created
    {"access_key_id": "KEY", "create_date": "2024-01-01T00:00:00Z",
     "last_used": {"date": "2023-01-01T00:00:00Z", "service": "s3", "region": "us-east-1"}},
])
def test_iam_access_key_hook_bad_body_is_400(emulator, iam, user, body):
    key_id = iam.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"]
    if body.get("access_key_id") == "KEY":
        body = dict(body, access_key_id=key_id)
    assert emulator.http("POST", KEY_HOOK, body)[0] == 400
    assert iam.get_access_key_last_used(AccessKeyId=key_id)["AccessKeyLastUsed"]["ServiceName"] == "N/A"


def test_iam_access_key_hook_unknown_key_and_methods(emulator):
    assert emulator.http("POST", KEY_HOOK, {"access_key_id": "AKIAIOSFODNN7EXAMPLE",
                                            "create_date": "2023-01-01T00:00:00Z"})[0] == 404
    assert emulator.http("GET", KEY_HOOK)[0] == 405
    assert emulator.http("POST", KEY_HOOK, raw=b"{nope")[0] == 400


def test_iam_access_key_hook_builds_keys_of_several_ages(emulator, iam):
    """What an end-to-end test does: users with keys 400, 100 and 5 days old, used or not."""
    now = datetime.datetime.now(UTC).replace(microsecond=0)
    ages = {"old-unused": (400, None), "stale": (100, 95), "fresh": (5, 1)}
    for name, (age, used) in ages.items():
        iam.create_user(UserName=name)
        key_id = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
        body = {"access_key_id": key_id, "create_date": (now - datetime.timedelta(days=age)).isoformat(),
                "last_used": None if used is None else {
                    "date": (now - datetime.timedelta(days=used)).isoformat(),
                    "service": "cloudfront", "region": "us-east-1"}}
        assert emulator.http("POST", KEY_HOOK, body)[0] == 200
    for name, (age, used) in ages.items():
        (meta,) = iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
        assert (now - meta["CreateDate"]).days == age
        last = iam.get_access_key_last_used(AccessKeyId=meta["AccessKeyId"])["AccessKeyLastUsed"]
        if used is None:
            assert "LastUsedDate" not in last and last["ServiceName"] == "N/A"
        else:
            assert (now - last["LastUsedDate"]).days == used and last["ServiceName"] == "cloudfront"
