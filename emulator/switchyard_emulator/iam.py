"""Fidelity rules 1-4, 14 and 19: IAM server certificates (see README.md)."""

from __future__ import annotations

import datetime
from typing import Any, Callable

from .guards import FidelityPatchError, _import, _replace, _require, _require_source
from .lock import _LOCK
from .registry import rule

# AWS unique ids use this alphabet (e.g. AROA..., AIDA..., ASCA...).
_AWS_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def _server_certificate_id(backend: Any, cert: Any) -> str:
    """The certificate's ServerCertificateId, assigned on first use."""
    from moto.moto_api._internal import mock_random  # seedable via /moto-api/seed

    with _LOCK:
        cid = getattr(cert, "switchyard_server_certificate_id", None)
        if cid:
            return cid
        taken = {
            getattr(c, "switchyard_server_certificate_id", None)
            for c in backend.certificates.values()
        }
        while True:
            cid = "ASCA" + "".join(mock_random.choice(_AWS_ID_ALPHABET) for _ in range(17))
            if cid not in taken:
                break
        cert.switchyard_server_certificate_id = cid
        return cid


# Where each IamResponse method that emits ServerCertificateMetadata has it in its result.
_METADATA_IN = {
    "upload_server_certificate": lambda result: [result["ServerCertificateMetadata"]],
    "get_server_certificate": lambda result: [result["ServerCertificate"]["ServerCertificateMetadata"]],
    "list_server_certificates": lambda result: result["ServerCertificateMetadataList"],
}


def _patch_metadata_responses(name: str, fix: Callable[[Any, Any, dict], None], *snippets: str) -> None:
    """Wrap IamResponse's Upload/Get/ListServerCertificate(s) (every place moto
    5.2.5 emits ServerCertificateMetadata) so that `fix(backend, cert, metadata)`
    rewrites each metadata dict of the result, `cert` being the certificate it
    names. Each rule that rewrites metadata fields wraps them once more (rules 2
    and 19), so they compose in number order. `snippets` must appear in each of
    moto's methods (the hard-coded values the rule replaces)."""
    IAMBackend, = _import(name, "moto.iam.models", "IAMBackend")
    IamResponse, = _import(name, "moto.iam.responses", "IamResponse")
    ActionResult, = _import(name, "moto.core.responses", "ActionResult")
    _require(name, IAMBackend, "get_server_certificate", ("name",))
    originals = {attr: _require(name, IamResponse, attr) for attr in _METADATA_IN}
    for fn in originals.values():
        _require_source(name, fn, "ServerCertificateMetadata", "ServerCertificateName", *snippets)

    def wrap(orig: Callable, metadata_in: Callable[[dict], list]) -> Callable:
        def patched(self):
            res = orig(self)
            if not isinstance(res, ActionResult) or not isinstance(res.result, dict):
                raise FidelityPatchError(f"{name}: unexpected moto result {res!r}")
            backend = self.backend
            for metadata in metadata_in(res.result):
                fix(backend, backend.get_server_certificate(metadata["ServerCertificateName"]), metadata)
            return res

        return patched

    for attr, orig in originals.items():
        _replace(IamResponse, attr, orig, wrap(orig, _METADATA_IN[attr]))


def _iam_certificate_by_id(account_id: str, partition: str, cert_id: str) -> Any:
    """The IAM server certificate with this ServerCertificateId, or None."""
    from moto.iam.models import iam_backends

    account = iam_backends[account_id]
    if partition not in account.keys():  # no IAM backend yet: no certificates
        return None
    backend = account[partition]
    for cert in list(backend.certificates.values()):
        if _server_certificate_id(backend, cert) == cert_id:
            return cert
    return None


@rule(1, "iam", "UploadServerCertificate with a name already in use → EntityAlreadyExists (409)")
def patch_iam_duplicate_server_certificate_name() -> None:
    """IAM UploadServerCertificate: a name already in use fails with
    EntityAlreadyExists (HTTP 409); moto accepts duplicates.

    https://docs.aws.amazon.com/IAM/latest/APIReference/API_UploadServerCertificate.html
    (Errors: EntityAlreadyExists, "The request was rejected because it attempted
    to create a resource that already exists.")
    """
    name = "patch_iam_duplicate_server_certificate_name"
    IAMBackend, = _import(name, "moto.iam.models", "IAMBackend")
    EntityAlreadyExists, = _import(name, "moto.iam.exceptions", "EntityAlreadyExists")
    orig = _require(name, IAMBackend, "upload_server_certificate",
                    ("cert_name", "cert_body", "private_key", "cert_chain", "path"))
    _require_source(name, IAMBackend.__init__, "self.certificates")

    def upload_server_certificate(self, cert_name, cert_body, private_key, cert_chain=None, path=None):
        with _LOCK:
            if any(c.cert_name == cert_name for c in self.certificates.values()):
                raise EntityAlreadyExists(
                    f"The Server Certificate with name {cert_name} already exists."
                )
            return orig(self, cert_name, cert_body, private_key, cert_chain=cert_chain, path=path)

    _replace(IAMBackend, "upload_server_certificate", orig, upload_server_certificate)


@rule(2, "iam", "gives every server certificate its own ServerCertificateId (ASCA + 17 chars)")
def patch_iam_unique_server_certificate_ids() -> None:
    """IAM server certificates each get their own ServerCertificateId
    (`ASCA` + 17 characters); moto returns the constant ASCACKCEVSQ6C2EXAMPLE
    for every certificate.

    https://docs.aws.amazon.com/IAM/latest/APIReference/API_ServerCertificateMetadata.html
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
    """
    name = "patch_iam_unique_server_certificate_ids"
    IAMBackend, = _import(name, "moto.iam.models", "IAMBackend")
    orig_backend = _require(name, IAMBackend, "upload_server_certificate")

    def upload_backend(self, *args, **kwargs):
        cert = orig_backend(self, *args, **kwargs)
        _server_certificate_id(self, cert)
        return cert

    _replace(IAMBackend, "upload_server_certificate", orig_backend, upload_backend)

    def fix(backend: Any, cert: Any, metadata: dict) -> None:
        metadata["ServerCertificateId"] = _server_certificate_id(backend, cert)

    _patch_metadata_responses(name, fix, "ServerCertificateId")


@rule(3, "iam", "ListServerCertificates returns only certificates whose path starts with PathPrefix")
def patch_iam_list_server_certificates_path_prefix() -> None:
    """IAM ListServerCertificates returns only certificates whose path starts
    with PathPrefix (default `/`, i.e. all); moto ignores PathPrefix.

    https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListServerCertificates.html
    """
    name = "patch_iam_list_server_certificates_path_prefix"
    IamResponse, = _import(name, "moto.iam.responses", "IamResponse")
    orig = _require(name, IamResponse, "list_server_certificates")
    _require_source(name, orig, "ServerCertificateMetadataList", '"Path"')

    def list_server_certificates(self):
        res = orig(self)
        prefix = self._get_param("PathPrefix") or "/"
        result = res.result
        result["ServerCertificateMetadataList"] = [
            m for m in result["ServerCertificateMetadataList"] if m["Path"].startswith(prefix)
        ]
        return res

    _replace(IamResponse, "list_server_certificates", orig, list_server_certificates)


@rule(4, "iam", "DeleteServerCertificate of a certificate that a CloudFront distribution's "
                "ViewerCertificate.IAMCertificateId references → DeleteConflict (409)")
def patch_iam_delete_server_certificate_in_use() -> None:
    """IAM DeleteServerCertificate refuses with DeleteConflict (HTTP 409) while a
    CloudFront distribution's ViewerCertificate.IAMCertificateId references the
    certificate; moto deletes it anyway.

    https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteServerCertificate.html
    ("If you delete a server certificate that is currently in use ... " /
    Errors: DeleteConflict)
    """
    name = "patch_iam_delete_server_certificate_in_use"
    IAMBackend, = _import(name, "moto.iam.models", "IAMBackend")
    DeleteConflictException, = _import(name, "moto.iam.exceptions", "DeleteConflictException")
    _import(name, "moto.cloudfront.models", "cloudfront_backends")
    orig = _require(name, IAMBackend, "delete_server_certificate", ("name",))
    _require(name, IAMBackend, "get_server_certificate", ("name",))

    def delete_server_certificate(self, name):
        from moto.cloudfront.models import cloudfront_backends

        with _LOCK:
            cert = self.get_server_certificate(name)  # NoSuchEntity if absent
            cert_id = _server_certificate_id(self, cert)
            account = cloudfront_backends[self.account_id]
            if self.region_name in account.keys():
                for dist in list(account[self.region_name].distributions.values()):
                    viewer = dist.distribution_config.ViewerCertificate
                    if getattr(viewer, "iam_certificate_id", "") == cert_id:
                        raise DeleteConflictException(
                            f"Certificate: {cert_id} is currently in use by CloudFront."
                        )
            return orig(self, name)

    _replace(IAMBackend, "delete_server_certificate", orig, delete_server_certificate)


@rule(14, "iam", "UploadServerCertificate once ServerCertificates has reached ServerCertificatesQuota "
                 "→ LimitExceeded (409)")
def patch_iam_server_certificates_quota() -> None:
    """IAM UploadServerCertificate fails with LimitExceeded (HTTP 409) once the
    account stores as many server certificates as GetAccountSummary's
    ServerCertificatesQuota (AWS's default 20; the `iam-quota` hook's value
    when set); moto stores any number. A name already in use still gets rule
    1's EntityAlreadyExists.

    https://docs.aws.amazon.com/IAM/latest/APIReference/API_UploadServerCertificate.html
    ("For information about the number of server certificates you can upload,
    see IAM and AWS STS quotas in the IAM User Guide." / Errors: LimitExceeded,
    "The request was rejected because it attempted to create resources beyond
    the current AWS account limits. The error message describes the limit
    exceeded.")
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entities
    (Server certificates stored in an AWS account: 20)
    """
    name = "patch_iam_server_certificates_quota"
    IAMBackend, AccountSummary = _import(name, "moto.iam.models", "IAMBackend", "AccountSummary")
    LimitExceededException, = _import(name, "moto.iam.exceptions", "LimitExceededException")
    orig = _require(name, IAMBackend, "upload_server_certificate",
                    ("cert_name", "cert_body", "private_key", "cert_chain", "path"))
    _require_source(name, IAMBackend.__init__, "self.certificates", "self.account_summary = AccountSummary(self)")
    _require_source(name, AccountSummary.__init__, "self._server_certificates_quota = 20")

    def upload_server_certificate(self, cert_name, cert_body, private_key, cert_chain=None, path=None):
        with _LOCK:
            # a name in use is EntityAlreadyExists (rule 1), whatever the count
            if not any(c.cert_name == cert_name for c in self.certificates.values()):
                quota = self.account_summary.summary_map["ServerCertificatesQuota"]
                if len(self.certificates) >= quota:
                    raise LimitExceededException(
                        f"Cannot exceed quota for ServerCertificatesPerAccount: {quota}"
                    )
            return orig(self, cert_name, cert_body, private_key, cert_chain=cert_chain, path=path)

    _replace(IAMBackend, "upload_server_certificate", orig, upload_server_certificate)


def _utc_iso(when: datetime.datetime) -> str:
    """A datetime as IAM writes it: UTC, ISO 8601, whole seconds, `Z`."""
    return when.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def _upload_date(cert: Any) -> datetime.datetime:
    """When the certificate was uploaded (recorded by rule 19's upload patch;
    a certificate that did not come through it gets the time of first use)."""
    with _LOCK:
        when = getattr(cert, "switchyard_upload_date", None)
        if when is None:
            when = cert.switchyard_upload_date = _now()
        return when


def _not_after(body: Any) -> datetime.datetime | None:
    """The notAfter (UTC) of a PEM certificate body (its first certificate), or
    None if it does not parse (moto stores any text)."""
    from cryptography import x509

    try:
        return x509.load_pem_x509_certificate(str(body).encode("utf-8")).not_valid_after_utc
    except Exception:
        return None


@rule(19, "iam", "server certificate metadata has the certificate's own Expiration (its notAfter) "
                 "and UploadDate (when it was uploaded)")
def patch_iam_server_certificate_dates() -> None:
    """IAM ServerCertificateMetadata (Upload/Get/ListServerCertificate(s)) gives
    the certificate body's notAfter as Expiration and the time of the upload as
    UploadDate (UTC, ISO 8601 with `Z`); moto returns the constants
    2012-05-08T01:02:03.004Z and 2010-05-08T01:02:03.004Z for every
    certificate. A body that does not parse as a PEM certificate (moto accepts
    any text; AWS refuses it) keeps moto's Expiration.

    https://docs.aws.amazon.com/IAM/latest/APIReference/API_ServerCertificateMetadata.html
    ("Expiration: The date on which the certificate is set to expire."
    "UploadDate: The date when the server certificate was uploaded.")
    """
    name = "patch_iam_server_certificate_dates"
    IAMBackend, Certificate = _import(name, "moto.iam.models", "IAMBackend", "Certificate")
    orig = _require(name, IAMBackend, "upload_server_certificate",
                    ("cert_name", "cert_body", "private_key", "cert_chain", "path"))
    _require_source(name, orig, "self.certificates[certificate_id] = cert", "return cert")
    _require_source(name, Certificate.__init__, "self.cert_body = cert_body")

    def upload_server_certificate(self, cert_name, cert_body, private_key, cert_chain=None, path=None):
        with _LOCK:  # a List in between does not see it without its date
            cert = orig(self, cert_name, cert_body, private_key, cert_chain=cert_chain, path=path)
            cert.switchyard_upload_date = _now()
            return cert

    _replace(IAMBackend, "upload_server_certificate", orig, upload_server_certificate)

    def fix(backend: Any, cert: Any, metadata: dict) -> None:
        metadata["UploadDate"] = _utc_iso(_upload_date(cert))
        not_after = _not_after(cert.cert_body)
        if not_after is not None:
            metadata["Expiration"] = _utc_iso(not_after)

    _patch_metadata_responses(name, fix, '"UploadDate": "2010-05-08T01:02:03.004Z"',
                              '"Expiration": "2012-05-08T01:02:03.004Z"')
