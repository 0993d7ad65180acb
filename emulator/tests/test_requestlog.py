"""The request log: what it records, and its read/write classifier, on real requests."""

from __future__ import annotations

import io
import json

import pytest
from botocore.exceptions import ClientError

from support import certificate, create_distribution, upload


def _s3_bucket(e):
    s3 = e.client("s3")
    s3.create_bucket(Bucket="site")
    s3.put_object(Bucket="site", Key="index.html", Body=b"<html/>")
    return s3


def _multipart(e):
    s3 = _s3_bucket(e)
    return s3.create_multipart_upload(Bucket="site", Key="big")["UploadId"]


def _zone(e):
    return e.client("route53").create_hosted_zone(Name="example.com", CallerReference="z")["HostedZone"]["Id"]


def _dist(e):
    return create_distribution(e.client("cloudfront"), "ref-1")


def _acm_arn(e):
    body, key = certificate()
    return e.client("acm").import_certificate(Certificate=body, PrivateKey=key)["CertificateArn"]


def _update_distribution(e, ids):
    cf = e.client("cloudfront")
    config = cf.get_distribution_config(Id=ids[0])["DistributionConfig"]
    e.http("POST", "/_switchyard/requests/clear")
    return cf.update_distribution(Id=ids[0], IfMatch=ids[1], DistributionConfig=dict(config, Comment="x"))


RRSET = {"Changes": [{"Action": "CREATE", "ResourceRecordSet": {
    "Name": "www.example.com.", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "203.0.113.10"}]}}]}

# (id, setup(emulator) -> state, call(emulator, state), (service, action, method, write, status))
CASES = [
    # IAM: query protocol, Action= in the form body
    ("iam-get", None, lambda e, _: e.client("iam").get_server_certificate(ServerCertificateName="nope"),
     ("iam", "GetServerCertificate", "POST", False, 404)),
    ("iam-list", None, lambda e, _: e.client("iam").list_server_certificates(),
     ("iam", "ListServerCertificates", "POST", False, 200)),
    ("iam-upload", None, lambda e, _: upload(e.client("iam"), "a"),
     ("iam", "UploadServerCertificate", "POST", True, 200)),
    ("iam-delete", lambda e: upload(e.client("iam"), "a"),
     lambda e, _: e.client("iam").delete_server_certificate(ServerCertificateName="a"),
     ("iam", "DeleteServerCertificate", "POST", True, 200)),
    ("sts-whoami", None, lambda e, _: e.client("sts").get_caller_identity(),
     ("sts", "GetCallerIdentity", "POST", False, 200)),
    # ACM: JSON protocol, X-Amz-Target
    ("acm-list", None, lambda e, _: e.client("acm").list_certificates(),
     ("acm", "ListCertificates", "POST", False, 200)),
    ("acm-describe", _acm_arn, lambda e, arn: e.client("acm").describe_certificate(CertificateArn=arn),
     ("acm", "DescribeCertificate", "POST", False, 200)),
    ("acm-import", None, lambda e, _: _acm_arn(e), ("acm", "ImportCertificate", "POST", True, 200)),
    # CloudFront: REST-XML, method + path from the model
    ("cf-list", None, lambda e, _: e.client("cloudfront").list_distributions(),
     ("cloudfront", "ListDistributions", "GET", False, 200)),
    ("cf-get", _dist, lambda e, ids: e.client("cloudfront").get_distribution(Id=ids[0]),
     ("cloudfront", "GetDistribution", "GET", False, 200)),
    ("cf-get-config", _dist, lambda e, ids: e.client("cloudfront").get_distribution_config(Id=ids[0]),
     ("cloudfront", "GetDistributionConfig", "GET", False, 200)),
    ("cf-get-missing", None, lambda e, _: e.client("cloudfront").get_distribution(Id="ENOSUCH"),
     ("cloudfront", "GetDistribution", "GET", False, 404)),
    ("cf-create", None, lambda e, _: _dist(e), ("cloudfront", "CreateDistribution", "POST", True, 201)),
    ("cf-update", _dist, _update_distribution, ("cloudfront", "UpdateDistribution", "PUT", True, 200)),
    ("cf-delete", _dist, lambda e, ids: e.client("cloudfront").delete_distribution(Id=ids[0], IfMatch=ids[1]),
     ("cloudfront", "DeleteDistribution", "DELETE", True, 409)),
    ("cf-rhp-list", None, lambda e, _: e.client("cloudfront").list_response_headers_policies(),
     ("cloudfront", "ListResponseHeadersPolicies", "GET", False, 200)),
    # Route 53
    ("r53-create-zone", None, lambda e, _: _zone(e), ("route53", "CreateHostedZone", "POST", True, 201)),
    ("r53-change", _zone, lambda e, z: e.client("route53").change_resource_record_sets(
        HostedZoneId=z, ChangeBatch=RRSET), ("route53", "ChangeResourceRecordSets", "POST", True, 200)),
    ("r53-list-records", _zone, lambda e, z: e.client("route53").list_resource_record_sets(HostedZoneId=z),
     ("route53", "ListResourceRecordSets", "GET", False, 200)),
    ("r53-health-checks", None, lambda e, _: e.client("route53").list_health_checks(),
     ("route53", "ListHealthChecks", "GET", False, 200)),
    # S3, path-style: same paths told apart by method, query and required headers
    ("s3-create-bucket", None, lambda e, _: e.client("s3").create_bucket(Bucket="logs"),
     ("s3", "CreateBucket", "PUT", True, 200)),
    ("s3-head-bucket", _s3_bucket, lambda e, s3: s3.head_bucket(Bucket="site"), ("s3", "HeadBucket", "HEAD", False, 200)),
    ("s3-head-missing", None, lambda e, _: e.client("s3").head_bucket(Bucket="nope"),
     ("s3", "HeadBucket", "HEAD", False, 404)),
    ("s3-head-object", _s3_bucket, lambda e, s3: s3.head_object(Bucket="site", Key="index.html"),
     ("s3", "HeadObject", "HEAD", False, 200)),
    ("s3-get-object", _s3_bucket, lambda e, s3: s3.get_object(Bucket="site", Key="index.html")["Body"].read(),
     ("s3", "GetObject", "GET", False, 200)),
    ("s3-put-object", _s3_bucket, lambda e, s3: s3.put_object(Bucket="site", Key="a/b.txt", Body=b"x"),
     ("s3", "PutObject", "PUT", True, 200)),
    ("s3-copy-object", _s3_bucket, lambda e, s3: s3.copy_object(
        Bucket="site", Key="copy.html", CopySource={"Bucket": "site", "Key": "index.html"}),
     ("s3", "CopyObject", "PUT", True, 200)),
    ("s3-delete-objects", _s3_bucket, lambda e, s3: s3.delete_objects(
        Bucket="site", Delete={"Objects": [{"Key": "index.html"}]}), ("s3", "DeleteObjects", "POST", True, 200)),
    ("s3-list-v2", _s3_bucket, lambda e, s3: s3.list_objects_v2(Bucket="site"),
     ("s3", "ListObjectsV2", "GET", False, 200)),
    ("s3-put-policy", _s3_bucket, lambda e, s3: s3.put_bucket_policy(Bucket="site", Policy='{"Statement": []}'),
     ("s3", "PutBucketPolicy", "PUT", True, 200)),
    ("s3-get-policy", _s3_bucket, lambda e, s3: s3.get_bucket_policy(Bucket="site"),
     ("s3", "GetBucketPolicy", "GET", False, 404)),
    ("s3-create-multipart", _s3_bucket, lambda e, s3: s3.create_multipart_upload(Bucket="site", Key="big"),
     ("s3", "CreateMultipartUpload", "POST", True, 200)),
    ("s3-upload-part", _multipart, lambda e, upload_id: e.client("s3").upload_part(
        Bucket="site", Key="big", UploadId=upload_id, PartNumber=1, Body=io.BytesIO(b"x" * 10)),
     ("s3", "UploadPart", "PUT", True, 200)),
]


@pytest.mark.parametrize("setup, call, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_request_is_logged_with_its_action_and_write(emulator, setup, call, expected):
    state = setup(emulator) if setup else None
    if call is not _update_distribution:
        emulator.http("POST", "/_switchyard/requests/clear")
    try:
        call(emulator, state)
    except ClientError:
        pass  # a refused request is logged too, with its status
    log = emulator.requests()
    assert len(log) == 1, log
    entry = log[0]
    assert set(entry) == {"service", "action", "method", "path", "write", "access_key", "params", "status"}
    assert entry["access_key"] == "testing", "the signing key: the clients' own"
    assert entry["params"] is None or entry["service"] == "sts"
    assert (entry["service"], entry["action"], entry["method"], entry["write"], entry["status"]) == expected


def test_paths_are_recorded_without_the_query(emulator):
    with pytest.raises(ClientError):
        emulator.client("s3").list_objects_v2(Bucket="nope", Prefix="a/")
    (entry,) = emulator.requests()
    assert entry["path"] == "/nope"


def test_emulator_controls_are_not_logged(emulator):
    emulator.client("sts").get_caller_identity()
    emulator.http("GET", "/_switchyard/requests")
    emulator.http("GET", "/_switchyard/hooks/stall")
    emulator.http("POST", "/_switchyard/hooks/iam-quota", {"server_certificates": 3})
    emulator.http("GET", "/_switchyard/nope")
    emulator.http("GET", "/moto-api/data.json")
    assert [r["action"] for r in emulator.requests()] == ["GetCallerIdentity"]
    assert emulator.http("POST", "/_switchyard/requests/clear") == (200, {"cleared": 1})
    assert emulator.requests() == []
    emulator.client("sts").get_caller_identity()
    emulator.reset()
    assert emulator.requests() == [], "POST /moto-api/reset empties the log"


# describe(), on requests no SDK makes ---------------------------------------------------

@pytest.fixture(scope="module")
def describe():
    from switchyard_emulator.requestlog import RequestLog

    return RequestLog(lambda environ, start_response: []).describe


def _environ(method, path, query="", **headers):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "wsgi.input": io.BytesIO()}
    environ.update({"HTTP_" + k.upper(): v for k, v in headers.items()})
    return environ


def test_describe_unsigned_requests(describe):
    assert describe(_environ("GET", "/2020-05-31/distribution/E1/config")) == {
        "service": "cloudfront", "action": "GetDistributionConfig", "method": "GET",
        "path": "/2020-05-31/distribution/E1/config", "write": False, "access_key": None, "params": None}
    assert describe(_environ("POST", "/2013-04-01/hostedzone/Z1/rrset/"))["action"] == "ChangeResourceRecordSets"
    acm = describe(_environ("POST", "/", X_AMZ_TARGET="CertificateManager.DeleteCertificate"))
    assert (acm["service"], acm["action"], acm["write"]) == ("acm", "DeleteCertificate", True)
    other = describe(_environ("POST", "/somewhere"))
    assert (other["service"], other["action"], other["write"]) == (None, None, True)


def test_describe_query_protocol_get_and_presigned_urls(describe):
    got = describe(_environ("GET", "/", "Action=ListServerCertificates&Version=2010-05-08",
                            AUTHORIZATION="AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/iam/aws4_request, "
                                          "SignedHeaders=host, Signature=0"))
    assert (got["service"], got["action"], got["write"]) == ("iam", "ListServerCertificates", False)
    presigned = describe(_environ("GET", "/site/index.html",
                                  "X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=0"))
    assert (presigned["service"], presigned["action"], presigned["write"]) == ("s3", "GetObject", False)


def test_describe_reads_the_form_body_and_leaves_it_for_moto(describe):
    body = b"Action=UploadServerCertificate&ServerCertificateName=a"
    environ = _environ("POST", "/", AUTHORIZATION="Credential=AKID/20260101/us-east-1/iam/aws4_request")
    environ.update(CONTENT_TYPE="application/x-www-form-urlencoded; charset=utf-8", CONTENT_LENGTH=str(len(body)),
                   **{"wsgi.input": io.BytesIO(body)})
    got = describe(environ)
    assert (got["service"], got["action"], got["write"]) == ("iam", "UploadServerCertificate", True)
    assert environ["wsgi.input"].read() == body


def test_sts_parameters_and_the_signing_key_are_logged(emulator):
    # What scoped credentials rest on: the session policy the host sends, and who signs each call.
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["route53:ChangeResourceRecordSets"],
         "Resource": ["arn:aws:route53:::hostedzone/Z1"]}]}
    emulator.http("POST", "/_switchyard/requests/clear")
    creds = emulator.client("sts").assume_role(
        RoleArn="arn:aws:iam::123456789012:role/switchyard", RoleSessionName="switchyard-failover",
        Policy=json.dumps(policy), DurationSeconds=900)["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    import boto3

    scoped = boto3.session.Session().client(
        "route53", endpoint_url=emulator.endpoint, region_name="us-east-1",
        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"])
    scoped.list_hosted_zones()
    assume, listed = emulator.requests()
    assert (assume["service"], assume["action"], assume["access_key"]) == ("sts", "AssumeRole", "testing")
    assert assume["params"]["RoleSessionName"] == "switchyard-failover"
    assert assume["params"]["RoleArn"] == "arn:aws:iam::123456789012:role/switchyard"
    assert assume["params"]["DurationSeconds"] == "900"
    assert json.loads(assume["params"]["Policy"]) == policy
    assert (listed["action"], listed["access_key"], listed["params"]) == ("ListHostedZones", creds["AccessKeyId"], None)
    assert creds["SecretAccessKey"] not in json.dumps(emulator.requests()), "no secret is logged"
    assert creds["SessionToken"] not in json.dumps(emulator.requests())


def test_the_parameters_of_other_services_are_not_logged(describe):
    # An IAM upload's form body holds a private key: it stays out of the log.
    body = b"Action=UploadServerCertificate&PrivateKey=-----BEGIN%20PRIVATE%20KEY-----"
    environ = _environ("POST", "/", AUTHORIZATION="Credential=AKID/20260101/us-east-1/iam/aws4_request")
    environ.update(CONTENT_TYPE="application/x-www-form-urlencoded", CONTENT_LENGTH=str(len(body)),
                   **{"wsgi.input": io.BytesIO(body)})
    got = describe(environ)
    assert (got["action"], got["access_key"], got["params"]) == ("UploadServerCertificate", "AKID", None)
