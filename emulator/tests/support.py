"""Helpers of the emulator tests: the Emulator handle, error codes, certificates,
distribution configs."""

from __future__ import annotations

import datetime
import json
import threading
import urllib.error
import urllib.request
from typing import Any

ACCOUNT = "123456789012"


class Emulator:
    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self._clients: dict[tuple[str, bool], Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str, validate: bool = True) -> Any:
        """A boto3 client (cached: clients are slow to make, and thread-safe).
        validate=False skips botocore's own parameter checks (min/max), as the
        Rust SDK does not make them, so that out-of-range values reach the emulator."""
        import boto3
        from botocore.config import Config

        with self._lock:
            if (service, validate) not in self._clients:
                self._clients[service, validate] = boto3.session.Session().client(
                    service, endpoint_url=self.endpoint, region_name="us-east-1",
                    aws_access_key_id="testing", aws_secret_access_key="testing",
                    config=Config(retries={"total_max_attempts": 1}, s3={"addressing_style": "path"},
                                  parameter_validation=validate),
                )
            return self._clients[service, validate]

    def http(self, method: str, path: str, body: Any = None, raw: bytes | None = None) -> tuple[int, Any]:
        """A plain HTTP request to the emulator; (status, JSON answer or text)."""
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        req = urllib.request.Request(self.endpoint + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                status, text = resp.status, resp.read().decode()
        except urllib.error.HTTPError as err:
            status, text = err.code, err.read().decode()
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def requests(self) -> list[dict]:
        status, log = self.http("GET", "/_switchyard/requests")
        assert status == 200
        return log

    def reset(self) -> None:
        assert self.http("POST", "/moto-api/reset")[0] == 200


def error(excinfo: Any) -> tuple[str, int]:
    """(AWS error code, HTTP status) of a botocore ClientError."""
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


_PEM: dict[tuple[int, str, int], tuple[str, str]] = {}


def certificate(serial: int = 0x0771_71F4_0000_0000_0000_0000_0000_0001, name: str = "www.example.com",
                days: int = 90) -> tuple[str, str]:
    """(certificate PEM, private key PEM): self-signed, with this serial number,
    valid from a day ago until `days` days from now (made once per process)."""
    if (serial, name, days) not in _PEM:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
                .serial_number(serial).not_valid_before(now - datetime.timedelta(days=1))
                .not_valid_after(now + datetime.timedelta(days=days))
                .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
                .sign(key, hashes.SHA256()))
        _PEM[serial, name, days] = (
            cert.public_bytes(serialization.Encoding.PEM).decode(),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()).decode(),
        )
    return _PEM[serial, name, days]


def upload(iam: Any, name: str, path: str = "/cloudfront/") -> dict:
    """Uploads an IAM server certificate; returns its metadata."""
    body, key = certificate()
    return iam.upload_server_certificate(ServerCertificateName=name, Path=path, CertificateBody=body,
                                         PrivateKey=key)["ServerCertificateMetadata"]


def iam_viewer(cert_id: str) -> dict:
    return {"IAMCertificateId": cert_id, "SSLSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021"}


DEFAULT_VIEWER = {"CloudFrontDefaultCertificate": True}


def distribution_config(reference: str, aliases: list[str] = (), viewer: dict | None = None, **extra: Any) -> dict:
    """A distribution config with one custom origin (as tests/all/support/aws.rs)."""
    config = {
        "CallerReference": reference,
        "Origins": {"Quantity": 1, "Items": [{
            "Id": "origin", "DomainName": "origin.example.com",
            "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"},
        }]},
        "DefaultCacheBehavior": {"TargetOriginId": "origin", "ViewerProtocolPolicy": "redirect-to-https",
                                 "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
        "Aliases": {"Quantity": len(aliases), "Items": list(aliases)},
        "Comment": "switchyard test",
        "Enabled": True,
        "ViewerCertificate": viewer or DEFAULT_VIEWER,
    }
    config.update(extra)
    return config


def create_distribution(cf: Any, reference: str, aliases: list[str] = (), viewer: dict | None = None,
                        **extra: Any) -> tuple[str, str]:
    """Creates a distribution; (id, ETag)."""
    out = cf.create_distribution(DistributionConfig=distribution_config(reference, aliases, viewer, **extra))
    return out["Distribution"]["Id"], out["ETag"]
