"""Fidelity rules 15-18: IAM user credentials, signing certificates and MFA
devices (see README.md)."""

from __future__ import annotations

import datetime
from typing import Any

from .guards import _import, _replace, _require, _require_source
from .lock import _LOCK
from .registry import rule


def _certificate(body: Any) -> Any:
    """The X.509 certificate of a PEM body, or None if it does not parse."""
    from cryptography import x509

    try:
        return x509.load_pem_x509_certificate(str(body).encode("utf-8"))
    except Exception:
        return None


@rule(15, "iam", "UploadSigningCertificate with an expired certificate → MalformedCertificate (400)")
def patch_iam_signing_certificate_expired() -> None:
    """IAM UploadSigningCertificate refuses an expired certificate with
    MalformedCertificate (HTTP 400); moto refuses only a body that does not
    parse as a PEM certificate, and stores an expired one.

    https://docs.aws.amazon.com/IAM/latest/APIReference/API_UploadSigningCertificate.html
    (Errors: MalformedCertificate, "The request was rejected because the
    certificate was malformed or expired. The error message describes the
    specific error.")
    """
    name = "patch_iam_signing_certificate_expired"
    IAMBackend, = _import(name, "moto.iam.models", "IAMBackend")
    IAMException, = _import(name, "moto.iam.exceptions", "IAMException")
    orig = _require(name, IAMBackend, "upload_signing_certificate", ("user_name", "body"))
    _require_source(name, orig, "self.get_user(user_name)", "MalformedCertificate")

    def upload_signing_certificate(self, user_name, body):
        self.get_user(user_name)  # NoSuchEntity first, as moto
        cert = _certificate(body)
        if cert is not None:
            now = datetime.datetime.now(datetime.timezone.utc)
            if cert.not_valid_after_utc < now:
                raise IAMException(
                    "MalformedCertificate",
                    f"Certificate expired on {cert.not_valid_after_utc:%Y-%m-%dT%H:%M:%SZ}.",
                )
        return orig(self, user_name, body)  # MalformedCertificate if it does not parse

    _replace(IAMBackend, "upload_signing_certificate", orig, upload_signing_certificate)


@rule(16, "iam", "UploadSigningCertificate of a certificate that a user of the account already has "
                 "→ DuplicateCertificate (409)")
def patch_iam_signing_certificate_duplicate() -> None:
    """IAM UploadSigningCertificate refuses a certificate that is already
    associated with an IAM user of the account (this user or another) with
    DuplicateCertificate (HTTP 409); moto stores it again under a new id.
    Certificates compare by their DER encoding (PEM line breaks aside).

    https://docs.aws.amazon.com/IAM/latest/APIReference/API_UploadSigningCertificate.html
    (Errors: DuplicateCertificate, "The request was rejected because the same
    certificate is associated with an IAM user in the account.")
    """
    name = "patch_iam_signing_certificate_duplicate"
    IAMBackend, User = _import(name, "moto.iam.models", "IAMBackend", "User")
    IAMException, = _import(name, "moto.iam.exceptions", "IAMException")
    orig = _require(name, IAMBackend, "upload_signing_certificate", ("user_name", "body"))
    _require_source(name, IAMBackend.__init__, "self.users")
    _require_source(name, User.__init__, "self.signing_certificates")
    _require_source(name, IAMBackend.list_signing_certificates, "user.signing_certificates.values()")

    def _der(body: Any) -> bytes | None:
        from cryptography.hazmat.primitives.serialization import Encoding

        cert = _certificate(body)
        return None if cert is None else cert.public_bytes(Encoding.DER)

    def upload_signing_certificate(self, user_name, body):
        with _LOCK:
            self.get_user(user_name)  # NoSuchEntity first, as moto
            der = _der(body)
            if der is not None:
                for user in list(self.users.values()):
                    for existing in list(user.signing_certificates.values()):
                        if _der(existing.body) == der:
                            raise IAMException(
                                "DuplicateCertificate",
                                "The same certificate is already associated with an IAM user "
                                "in the account.",
                            )
            return orig(self, user_name, body)

    _replace(IAMBackend, "upload_signing_certificate", orig, upload_signing_certificate)


@rule(17, "iam", "UpdateSigningCertificate/UpdateAccessKey with a Status other than Active/Inactive "
                 "→ ValidationError (400)")
def patch_iam_credential_status_values() -> None:
    """IAM UpdateSigningCertificate / UpdateAccessKey accept only Status
    `Active` or `Inactive` (required); anything else (or none) fails with
    ValidationError (HTTP 400) before any lookup. moto stores any string as
    the status (and ListSigningCertificates / ListAccessKeys then return it).

    https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateSigningCertificate.html
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccessKey.html
    (Status: "Valid Values: Active | Inactive", "Required: Yes")
    https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html
    (ValidationError, "The input fails to satisfy the constraints specified by
    an AWS service.", HTTP 400)
    """
    name = "patch_iam_credential_status_values"
    IamResponse, = _import(name, "moto.iam.responses", "IamResponse")
    ValidationError, = _import(name, "moto.iam.exceptions", "ValidationError")
    originals = {
        attr: _require(name, IamResponse, attr)
        for attr in ("update_signing_certificate", "update_access_key")
    }
    for fn in originals.values():
        _require_source(name, fn, 'self._get_param("Status")')

    def _check(response: Any) -> None:
        status = response._get_param("Status")
        if status not in ("Active", "Inactive"):
            shown = "null" if status is None else f"'{status}'"
            raise ValidationError(
                f"1 validation error detected: Value {shown} at 'status' failed to satisfy "
                "constraint: Member must satisfy enum value set: [Active, Inactive]"
            )

    def update_signing_certificate(self):
        _check(self)
        return originals["update_signing_certificate"](self)

    def update_access_key(self):
        _check(self)
        return originals["update_access_key"](self)

    for new in (update_signing_certificate, update_access_key):
        _replace(IamResponse, new.__name__, originals[new.__name__], new)


@rule(18, "iam", "ListMFADevices and List/Upload/Update/DeleteSigningCertificate(s) without "
                 "UserName act on the user whose access key signed the request")
def patch_iam_implicit_user_name() -> None:
    """IAM ListMFADevices, ListSigningCertificates, UploadSigningCertificate,
    UpdateSigningCertificate and DeleteSigningCertificate without a UserName
    act on the IAM user whose access key signed the request, as moto already
    does for ListAccessKeys / CreateAccessKey / UpdateAccessKey /
    DeleteAccessKey; moto looked up a user named "None" (NoSuchEntity). A
    signing key that is no IAM user's (the root or an STS key) still gets
    NoSuchEntity, as from moto's ListAccessKeys.

    https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListMFADevices.html
    (UserName: "If you do not specify a user name, IAM determines the user
    name implicitly based on the AWS access key ID signing the request.")
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListSigningCertificates.html
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_UploadSigningCertificate.html
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateSigningCertificate.html
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteSigningCertificate.html
    ("If the UserName field is not specified, the user name is determined
    implicitly based on the AWS access key ID used to sign the request.")
    """
    name = "patch_iam_implicit_user_name"
    IamResponse, = _import(name, "moto.iam.responses", "IamResponse")
    IAMBackend, = _import(name, "moto.iam.models", "IAMBackend")
    _require(name, IAMBackend, "get_access_key_last_used", ("access_key_id",))
    _require_source(name, IamResponse.__init__, "self.automated_parameter_parsing = True")
    _require_source(name, IamResponse.list_access_keys, "self.get_access_key()", '["user_name"]')
    attrs = ("list_mfa_devices", "list_signing_certificates", "upload_signing_certificate",
             "update_signing_certificate", "delete_signing_certificate")
    originals = {attr: _require(name, IamResponse, attr) for attr in attrs}
    for fn in originals.values():
        _require_source(name, fn, 'self._get_param("UserName")')

    def _wrap(attr: str) -> Any:
        orig = originals[attr]

        def handler(self):
            if not self._get_param("UserName"):
                # NoSuchEntity for a key that is no IAM user's, as ListAccessKeys
                found = self.backend.get_access_key_last_used(self.get_access_key())
                self.params["UserName"] = found["user_name"]
            return orig(self)

        handler.__name__ = attr
        return handler

    for attr in attrs:
        _replace(IamResponse, attr, originals[attr], _wrap(attr))
