"""Fidelity rules 1-4 and 14: IAM server certificates (see README.md)."""

from __future__ import annotations

from typing import Any

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
    IamResponse, = _import(name, "moto.iam.responses", "IamResponse")
    ActionResult, = _import(name, "moto.core.responses", "ActionResult")
    orig_backend = _require(name, IAMBackend, "upload_server_certificate")
    _require(name, IAMBackend, "get_server_certificate", ("name",))
    originals = {
        attr: _require(name, IamResponse, attr)
        for attr in ("upload_server_certificate", "get_server_certificate", "list_server_certificates")
    }
    for fn in originals.values():
        _require_source(name, fn, "ServerCertificateId", "ServerCertificateName")

    def upload_backend(self, *args, **kwargs):
        cert = orig_backend(self, *args, **kwargs)
        _server_certificate_id(self, cert)
        return cert

    _replace(IAMBackend, "upload_server_certificate", orig_backend, upload_backend)

    def _fix(response: Any, metadata: dict) -> None:
        backend = response.backend
        cert = backend.get_server_certificate(metadata["ServerCertificateName"])
        metadata["ServerCertificateId"] = _server_certificate_id(backend, cert)

    def _result(res: Any) -> dict:
        if not isinstance(res, ActionResult) or not isinstance(res.result, dict):
            raise FidelityPatchError(f"{name}: unexpected moto result {res!r}")
        return res.result

    def upload_server_certificate(self):
        res = originals["upload_server_certificate"](self)
        _fix(self, _result(res)["ServerCertificateMetadata"])
        return res

    def get_server_certificate(self):
        res = originals["get_server_certificate"](self)
        _fix(self, _result(res)["ServerCertificate"]["ServerCertificateMetadata"])
        return res

    def list_server_certificates(self):
        res = originals["list_server_certificates"](self)
        for metadata in _result(res)["ServerCertificateMetadataList"]:
            _fix(self, metadata)
        return res

    for new in (upload_server_certificate, get_server_certificate, list_server_certificates):
        _replace(IamResponse, new.__name__, originals[new.__name__], new)


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
