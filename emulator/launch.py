#!/usr/bin/env python3
"""Switchyard AWS emulator: moto server plus a small "fidelity layer".

moto (pinned: see requirements.txt) is more lenient than AWS in places that
matter to Switchyard. This launcher monkeypatches a handful of moto backends /
responses so that those AWS behaviours hold, wraps moto's WSGI app with a
request log and a few test hooks (POST /_switchyard/hooks/...; see README.md)
for tests, and serves it on a loopback address only.

Usage:
    .venv/bin/python emulator/launch.py [--host 127.0.0.1] [--port 0] [--verbose]

Prints exactly one line `READY http://HOST:PORT` on stdout once it is listening
(everything else goes to stderr), then serves until SIGTERM/SIGINT.

Every patch below is one function named `patch_<service>_<behaviour>`; each one
checks that the moto internals it relies on are present and raises
`FidelityPatchError` (the launcher then exits with status 3 before binding)
rather than silently serving moto's lenient behaviour.
"""

from __future__ import annotations

import argparse
import functools
import inspect
import io
import ipaddress
import json
import logging
import re
import signal
import socket
import sys
import threading
from typing import Any, Callable
from urllib.parse import parse_qs

PINNED_MOTO_VERSION = "5.2.5"

# check-then-act sequences in the patches below run under this lock (the
# server is threaded; moto itself does not lock its backends).
_LOCK = threading.RLock()


class FidelityPatchError(RuntimeError):
    """A fidelity patch cannot be applied to the installed moto."""


# --------------------------------------------------------------------------
# Guards
# --------------------------------------------------------------------------


def _moto_version() -> str:
    try:
        import moto

        return getattr(moto, "__version__", "unknown")
    except Exception:  # pragma: no cover - reported by the import guard
        return "not importable"


def _import(patch: str, module: str, *names: str) -> list[Any]:
    """Import `names` from moto `module`, or fail naming the patch."""
    try:
        mod = __import__(module, fromlist=list(names))
    except Exception as exc:
        raise FidelityPatchError(
            f"fidelity patch {patch}: cannot import {module} "
            f"(moto {_moto_version()}, pinned {PINNED_MOTO_VERSION}): {exc}"
        ) from exc
    out = []
    for name in names:
        if not hasattr(mod, name):
            raise FidelityPatchError(
                f"fidelity patch {patch}: {module}.{name} is missing "
                f"(moto {_moto_version()}, pinned {PINNED_MOTO_VERSION})"
            )
        out.append(getattr(mod, name))
    return out


def _require(patch: str, owner: type, attr: str, params: tuple[str, ...] = ()) -> Callable:
    """Return owner.attr (a function) after checking it exists with `params`."""
    fn = owner.__dict__.get(attr)
    if fn is None or not callable(fn):
        raise FidelityPatchError(
            f"fidelity patch {patch}: {owner.__module__}.{owner.__name__}.{attr} "
            f"is missing (moto {_moto_version()}, pinned {PINNED_MOTO_VERSION})"
        )
    if params:
        have = inspect.signature(fn).parameters
        missing = [p for p in params if p not in have]
        if missing:
            raise FidelityPatchError(
                f"fidelity patch {patch}: {owner.__name__}.{attr} has no "
                f"parameter(s) {missing} (moto {_moto_version()}, pinned "
                f"{PINNED_MOTO_VERSION})"
            )
    return fn


def _require_source(patch: str, fn: Callable, *snippets: str) -> None:
    """Check that moto code we depend on (instance attributes, hard-coded
    values we rewrite) still looks the way the patch expects."""
    try:
        src = inspect.getsource(fn)
    except (OSError, TypeError) as exc:
        raise FidelityPatchError(f"fidelity patch {patch}: cannot read source of {fn}: {exc}") from exc
    for snippet in snippets:
        if snippet not in src:
            raise FidelityPatchError(
                f"fidelity patch {patch}: {fn.__qualname__} no longer contains "
                f"{snippet!r} (moto {_moto_version()}, pinned {PINNED_MOTO_VERSION})"
            )


def _replace(owner: type, attr: str, original: Callable, new: Callable) -> None:
    functools.update_wrapper(new, original)
    new.__switchyard_patched__ = True  # type: ignore[attr-defined]
    setattr(owner, attr, new)


# --------------------------------------------------------------------------
# IAM server certificates
# --------------------------------------------------------------------------

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


# --------------------------------------------------------------------------
# CloudFront distributions
# --------------------------------------------------------------------------


def _cloudfront_error(code: str, message: str) -> Exception:
    from moto.cloudfront.exceptions import CloudFrontException

    return CloudFrontException(code, message)


def patch_cloudfront_etag_if_match() -> None:
    """CloudFront UpdateDistribution gives the distribution a new ETag, and
    UpdateDistribution / DeleteDistribution with an If-Match that is not the
    current ETag fail with PreconditionFailed (HTTP 412); moto accepts any
    If-Match and never changes the ETag. (CreateDistribution already gets a
    fresh ETag; GetDistribution/GetDistributionConfig already return dist.etag.)
    DeleteDistribution of a distribution that is still enabled fails with
    DistributionNotDisabled (HTTP 409); moto deletes it.

    https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_UpdateDistribution.html
    https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DeleteDistribution.html
    (Errors: PreconditionFailed, "The precondition in one or more of the request
    fields evaluated to false.")
    """
    name = "patch_cloudfront_etag_if_match"
    CloudFrontBackend, Distribution, random_id = _import(
        name, "moto.cloudfront.models", "CloudFrontBackend", "Distribution", "random_id"
    )
    _import(name, "moto.cloudfront.exceptions", "CloudFrontException")
    orig_update = _require(name, CloudFrontBackend, "update_distribution", ("dist_config", "_id", "if_match"))
    orig_delete = _require(name, CloudFrontBackend, "delete_distribution", ("distribution_id", "if_match"))
    _require_source(name, Distribution.__init__, "self.etag")
    _require_source(name, CloudFrontBackend.get_distribution, "dist.etag")
    _require_source(name, CloudFrontBackend.get_distribution_config, "dist.etag")

    def _precondition(backend: Any, dist_id: str, if_match: Any) -> None:
        dist = backend.distributions.get(dist_id)
        if dist is not None and if_match and if_match != dist.etag:
            raise _cloudfront_error(
                "PreconditionFailed",
                "The precondition in one or more of the request fields evaluated to false.",
            )

    def update_distribution(self, dist_config, _id, if_match):
        with _LOCK:
            _precondition(self, _id, if_match)
            dist, location, _ = orig_update(self, dist_config=dist_config, _id=_id, if_match=if_match)
            dist.etag = random_id()
            return dist, location, dist.etag

    def delete_distribution(self, distribution_id, if_match):
        with _LOCK:
            _precondition(self, distribution_id, if_match)
            dist = self.distributions.get(distribution_id)
            enabled = getattr(getattr(dist, "distribution_config", None), "Enabled", False)
            if dist is not None and str(enabled).lower() == "true":
                raise _cloudfront_error(
                    "DistributionNotDisabled",
                    "The distribution you are trying to delete has not been disabled.",
                )
            return orig_delete(self, distribution_id, if_match)

    _replace(CloudFrontBackend, "update_distribution", orig_update, update_distribution)
    _replace(CloudFrontBackend, "delete_distribution", orig_delete, delete_distribution)


def patch_cloudfront_viewer_certificate_exists() -> None:
    """CloudFront CreateDistribution / UpdateDistribution with a
    ViewerCertificate.IAMCertificateId that is not an IAM server certificate of
    the same account fail with InvalidViewerCertificate (HTTP 400); moto
    accepts any id.

    https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateDistribution.html
    https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_UpdateDistribution.html
    (Errors: InvalidViewerCertificate)
    """
    name = "patch_cloudfront_viewer_certificate_exists"
    CloudFrontBackend, = _import(name, "moto.cloudfront.models", "CloudFrontBackend")
    _import(name, "moto.iam.models", "iam_backends")
    orig_create = _require(name, CloudFrontBackend, "create_distribution_with_tags", ("distribution_config", "tags"))
    orig_update = _require(name, CloudFrontBackend, "update_distribution", ("dist_config", "_id", "if_match"))
    _require_source(name, CloudFrontBackend.create_distribution, "create_distribution_with_tags")

    def _check(backend: Any, config: Any) -> None:
        viewer = (config or {}).get("ViewerCertificate") or {}
        cert_id = viewer.get("IAMCertificateId") if isinstance(viewer, dict) else None
        if cert_id and _iam_certificate_by_id(backend.account_id, backend.region_name, cert_id) is None:
            raise _cloudfront_error(
                "InvalidViewerCertificate",
                "The specified SSL certificate doesn't exist, isn't in us-east-1 "
                "region, isn't valid, or doesn't include a valid certificate chain.",
            )

    def create_distribution_with_tags(self, distribution_config, tags):
        with _LOCK:
            _check(self, distribution_config)
            return orig_create(self, distribution_config, tags)

    def update_distribution(self, dist_config, _id, if_match):
        with _LOCK:
            # Let moto report NoSuchDistribution / InvalidIfMatchVersion first.
            if _id in self.distributions and if_match:
                _check(self, dist_config)
            return orig_update(self, dist_config=dist_config, _id=_id, if_match=if_match)

    _replace(CloudFrontBackend, "create_distribution_with_tags", orig_create, create_distribution_with_tags)
    _replace(CloudFrontBackend, "update_distribution", orig_update, update_distribution)


def patch_cloudfront_viewer_certificate_source() -> None:
    """CloudFront reads back a custom viewer certificate as such: with an
    IAMCertificateId (or ACMCertificateArn) set, CloudFrontDefaultCertificate is
    false, CertificateSource is `iam` (`acm`) and Certificate is the id (ARN);
    moto always returns CloudFrontDefaultCertificate true (unless the request
    said false), CertificateSource `cloudfront` and an empty Certificate.
    SSLSupportMethod / MinimumProtocolVersion already come back as set. The
    fix is made on moto's ViewerCertificate model, so Create/Update/Get/
    GetConfig/List responses all agree.

    https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ViewerCertificate.html
    (CloudFrontDefaultCertificate: with Aliases "set this field to false and
    specify values for ... ACMCertificateArn or IAMCertificateId";
    CertificateSource, deprecated: cloudfront | iam | acm)
    """
    name = "patch_cloudfront_viewer_certificate_source"
    ViewerCertificate, = _import(name, "moto.cloudfront.models", "ViewerCertificate")
    orig = _require(name, ViewerCertificate, "__init__", ("config",))
    _require_source(
        name, orig,
        "self.cloud_front_default_certificate", "self.iam_certificate_id", "self.acm_certificate_arn",
        "self.certificate_source", "self.certificate =",
        'config.get("SSLSupportMethod")', 'config.get("MinimumProtocolVersion")',
    )

    def __init__(self, config):
        orig(self, config)
        if self.iam_certificate_id:
            self.cloud_front_default_certificate = False
            self.certificate_source = "iam"
            self.certificate = self.iam_certificate_id
        elif self.acm_certificate_arn:
            self.cloud_front_default_certificate = False
            self.certificate_source = "acm"
            self.certificate = self.acm_certificate_arn

    _replace(ViewerCertificate, "__init__", orig, __init__)


def patch_cloudfront_origin_access_control_id() -> None:
    """CloudFront keeps an origin's OriginAccessControlId and returns it in
    GetDistribution/GetDistributionConfig; moto drops it, so a distribution
    reading an S3 bucket through origin access control reads back as public.

    https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Origin.html
    (OriginAccessControlId: "The unique identifier of an origin access control
    for this origin.")
    """
    name = "patch_cloudfront_origin_access_control_id"
    Origin, = _import(name, "moto.cloudfront.models", "Origin")
    orig = _require(name, Origin, "__init__", ("origin",))
    _require_source(name, orig, 'origin["DomainName"]', '"S3OriginConfig" in origin')

    def __init__(self, origin):
        orig(self, origin)
        self.origin_access_control_id = origin.get("OriginAccessControlId") or ""

    _replace(Origin, "__init__", orig, __init__)


def patch_acm_serial_hex() -> None:
    """ACM DescribeCertificate gives the serial number as colon-separated hex
    bytes (e.g. `07:71:71:f4:…`); moto gives it in decimal, so a client that
    compares serials with the certificate it holds never matches.

    https://docs.aws.amazon.com/acm/latest/APIReference/API_CertificateDetail.html
    (Serial: "The serial number of the certificate.", example in
    https://docs.aws.amazon.com/acm/latest/APIReference/API_DescribeCertificate.html)
    """
    name = "patch_acm_serial_hex"
    CertBundle, = _import(name, "moto.acm.models", "CertBundle")
    orig = _require(name, CertBundle, "describe")
    _require_source(name, orig, '"Serial": str(self._cert.serial_number)')

    def describe(self):
        result = orig(self)
        n = self._cert.serial_number
        raw = n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big")
        result["Certificate"]["Serial"] = ":".join(f"{b:02x}" for b in raw)
        return result

    _replace(CertBundle, "describe", orig, describe)


def _alias_set(aliases: Any) -> set[str]:
    """The alternate domain names of an `Aliases` structure, normalised."""
    items = (aliases or {}).get("Items") if isinstance(aliases, dict) else None
    if isinstance(items, dict):  # {"CNAME": [...]} / {"CNAME": "..."} shapes
        items = items.get("CNAME")
    if isinstance(items, str):
        items = [items]
    return {str(a).strip().rstrip(".").lower() for a in items or () if str(a).strip()}


def patch_cloudfront_aliases() -> None:
    """CloudFront CreateDistribution(WithTags) / UpdateDistribution:
    - an alias (CNAME) that another distribution of the account already has
      → CNAMEAlreadyExists (HTTP 409) (compared case-insensitively, exact
      names; a wildcard does not conflict with a name it covers);
    - aliases with the CloudFront default certificate (no IAMCertificateId and
      no ACMCertificateArn) → InvalidViewerCertificate (HTTP 400).
    moto accepts both.

    https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateDistribution.html
    https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_UpdateDistribution.html
    (Errors: CNAMEAlreadyExists, InvalidViewerCertificate)
    https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/CNAMEs.html#alternate-domain-names-requirements
    ("you must attach a trusted certificate that validates your authorization
    to use the domain name")
    """
    name = "patch_cloudfront_aliases"
    CloudFrontBackend, DistributionConfig = _import(
        name, "moto.cloudfront.models", "CloudFrontBackend", "DistributionConfig"
    )
    _import(name, "moto.cloudfront.exceptions", "CloudFrontException")
    orig_create = _require(name, CloudFrontBackend, "create_distribution_with_tags", ("distribution_config", "tags"))
    orig_update = _require(name, CloudFrontBackend, "update_distribution", ("dist_config", "_id", "if_match"))
    _require(name, CloudFrontBackend, "_distribution_with_caller_reference", ("reference",))
    _require_source(name, CloudFrontBackend.create_distribution, "create_distribution_with_tags")
    _require_source(name, CloudFrontBackend.__init__, "self.distributions")
    _require_source(name, DistributionConfig.__init__, 'config["Aliases"]', "self.__dict__.update(config)")

    def _viewer(viewer: Any, key: str, attr: str) -> Any:
        if isinstance(viewer, dict):
            return viewer.get(key)
        return getattr(viewer, attr, None)

    def _check(backend: Any, config: Any, own_id: str | None) -> None:
        config = config or {}
        aliases = _alias_set(config.get("Aliases"))
        if not aliases:
            return
        viewer = config.get("ViewerCertificate") or {}
        if not (_viewer(viewer, "IAMCertificateId", "iam_certificate_id")
                or _viewer(viewer, "ACMCertificateArn", "acm_certificate_arn")):
            raise _cloudfront_error(
                "InvalidViewerCertificate",
                "To add an alternate domain name (CNAME) to a CloudFront distribution, you must "
                "attach a trusted certificate that validates your authorization to use the domain "
                "name. For more details, see: https://docs.aws.amazon.com/AmazonCloudFront/latest/"
                "DeveloperGuide/CNAMEs.html#alternate-domain-names-requirements",
            )
        for dist_id, dist in list(backend.distributions.items()):
            if dist_id == own_id:
                continue
            if aliases & _alias_set(getattr(dist.distribution_config, "Aliases", None)):
                raise _cloudfront_error(
                    "CNAMEAlreadyExists",
                    "One or more of the CNAMEs you provided are already associated with a "
                    "different resource.",
                )

    def create_distribution_with_tags(self, distribution_config, tags):
        with _LOCK:
            ref = (distribution_config or {}).get("CallerReference")
            # Let moto report DistributionAlreadyExists for a reused CallerReference.
            if ref is None or self._distribution_with_caller_reference(ref) is None:
                _check(self, distribution_config, None)
            return orig_create(self, distribution_config, tags)

    def update_distribution(self, dist_config, _id, if_match):
        with _LOCK:
            # Let moto report NoSuchDistribution / InvalidIfMatchVersion first.
            if _id in self.distributions and if_match:
                _check(self, dist_config, _id)
            return orig_update(self, dist_config=dist_config, _id=_id, if_match=if_match)

    _replace(CloudFrontBackend, "create_distribution_with_tags", orig_create, create_distribution_with_tags)
    _replace(CloudFrontBackend, "update_distribution", orig_update, update_distribution)


# --------------------------------------------------------------------------
# CloudFront response headers policies (not implemented by moto 5.2.5)
# --------------------------------------------------------------------------

_RHP_OPERATIONS = (
    "CreateResponseHeadersPolicy", "GetResponseHeadersPolicy", "GetResponseHeadersPolicyConfig",
    "ListResponseHeadersPolicies", "UpdateResponseHeadersPolicy", "DeleteResponseHeadersPolicy",
)
_RHP_URL_PATHS = (
    "{0}/2020-05-31/response-headers-policy$",
    "{0}/2020-05-31/response-headers-policy/(?P<rhp_id>[^/]+)$",
    "{0}/2020-05-31/response-headers-policy/(?P<rhp_id>[^/]+)/config$",
)


def _rhp_store(backend: Any) -> dict:
    """Custom response headers policies of one account (id -> policy dict).
    Lives in the backend's __dict__, so /moto-api/reset (BaseBackend.reset)
    clears it."""
    return backend.__dict__.setdefault("switchyard_response_headers_policies", {})


def _rhp_error(code: str) -> Exception:
    messages = {
        "NoSuchResponseHeadersPolicy": "The response headers policy does not exist.",
        "ResponseHeadersPolicyAlreadyExists": "A response headers policy with this name already exists. "
                                              "You must provide a unique name.",
        "PreconditionFailed": "The precondition in one or more of the request fields evaluated to false.",
        "InvalidIfMatchVersion": "The If-Match version is missing or not valid for the resource.",
        "ResponseHeadersPolicyInUse": "Cannot delete the response headers policy because it is attached "
                                      "to one or more cache behaviors in a CloudFront distribution.",
        "InconsistentQuantities": "The value of Quantity and the size of Items don't match.",
        "InvalidArgument": "The argument is invalid.",
    }
    return _cloudfront_error(code, messages[code])


def _rhp_check_config(config: Any) -> dict:
    if not isinstance(config, dict) or not config.get("Name"):
        raise _cloudfront_error("InvalidArgument", "ResponseHeadersPolicyConfig.Name is required.")
    for key in ("CustomHeadersConfig", "RemoveHeadersConfig"):
        sub = config.get(key)
        if isinstance(sub, dict):
            items = sub.get("Items") or []
            if int(sub.get("Quantity") or 0) != len(items):
                raise _rhp_error("InconsistentQuantities")
    return config


def _rhp_policy_ids(dist_config: Any) -> list[str]:
    """ResponseHeadersPolicyIds referenced by a distribution config (request
    dict or moto's DistributionConfig model)."""
    def _get(obj: Any, key: str, attr: str) -> Any:
        return obj.get(key) if isinstance(obj, dict) else getattr(obj, attr, None)

    if dist_config is None:
        return []
    if isinstance(dist_config, dict):
        default, behaviors = dist_config.get("DefaultCacheBehavior"), dist_config.get("CacheBehaviors")
    else:
        default = getattr(dist_config, "DefaultCacheBehavior", None)
        behaviors = getattr(dist_config, "CacheBehaviors", None)
    items = (behaviors or {}).get("Items") if isinstance(behaviors, dict) else None
    ids = []
    for behavior in [default] + list(items or []):
        if behavior is not None:
            pid = _get(behavior, "ResponseHeadersPolicyId", "response_headers_policy_id")
            if pid:
                ids.append(pid)
    return ids


def patch_cloudfront_response_headers_policies() -> None:
    """CloudFront response headers policies: Create / Get / GetConfig / List /
    Update / Delete ResponseHeadersPolicy (custom policies, per account), and
    CreateDistribution(WithTags) / UpdateDistribution refuse a cache behavior's
    ResponseHeadersPolicyId that is not an existing policy with
    NoSuchResponseHeadersPolicy (HTTP 404). moto 5.2.5 has none of these
    operations (no route: 404) and stores any ResponseHeadersPolicyId.

    https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateResponseHeadersPolicy.html
    https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetResponseHeadersPolicy.html
    https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetResponseHeadersPolicyConfig.html
    https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ListResponseHeadersPolicies.html
    https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_UpdateResponseHeadersPolicy.html
    https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DeleteResponseHeadersPolicy.html
    https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateDistribution.html
    (Errors: NoSuchResponseHeadersPolicy)
    """
    name = "patch_cloudfront_response_headers_policies"
    CloudFrontBackend, DefaultCacheBehaviour, random_id = _import(
        name, "moto.cloudfront.models", "CloudFrontBackend", "DefaultCacheBehaviour", "random_id"
    )
    CloudFrontResponse, = _import(name, "moto.cloudfront.responses", "CloudFrontResponse")
    ActionResult, EmptyResult = _import(name, "moto.core.responses", "ActionResult", "EmptyResult")
    urls, = _import(name, "moto.cloudfront", "urls")
    _import(name, "moto.cloudfront.exceptions", "CloudFrontException")
    mock_random, = _import(name, "moto.moto_api._internal", "mock_random")
    orig_create = _require(name, CloudFrontBackend, "create_distribution_with_tags", ("distribution_config", "tags"))
    orig_update = _require(name, CloudFrontBackend, "update_distribution", ("dist_config", "_id", "if_match"))
    _require_source(name, CloudFrontBackend.create_distribution, "create_distribution_with_tags")
    _require_source(name, CloudFrontBackend.__init__, "self.distributions")
    # moto already keeps and serializes the id (DefaultCacheBehavior / CacheBehaviors)
    _require_source(name, DefaultCacheBehaviour.__init__, 'self.response_headers_policy_id = config.get("ResponseHeadersPolicyId")')
    # requests are parsed from the botocore model (so _get_param("ResponseHeadersPolicyConfig") is a dict)
    _require_source(name, CloudFrontResponse.__init__, "self.automated_parameter_parsing = True")
    url_paths = getattr(urls, "url_paths", None)
    if not isinstance(url_paths, dict) or "{0}/2020-05-31/distribution$" not in url_paths:
        raise FidelityPatchError(f"fidelity patch {name}: moto.cloudfront.urls.url_paths has an unexpected shape")
    try:
        import botocore.session

        model = botocore.session.get_session().get_service_model("cloudfront")
        missing = [op for op in _RHP_OPERATIONS if op not in model.operation_names]
    except Exception as exc:
        raise FidelityPatchError(f"fidelity patch {name}: no botocore CloudFront model: {exc}") from exc
    if missing:
        raise FidelityPatchError(f"fidelity patch {name}: botocore model lacks {missing}")
    from moto.core.utils import camelcase_to_underscores

    methods = [camelcase_to_underscores(op) for op in _RHP_OPERATIONS]
    present = [m for m in methods if m in CloudFrontResponse.__dict__]
    if present:
        raise FidelityPatchError(
            f"fidelity patch {name}: moto now implements {present} (moto {_moto_version()}, "
            f"pinned {PINNED_MOTO_VERSION}); review this patch"
        )

    from datetime import datetime, timezone

    def _location(pid: str) -> str:
        return f"https://cloudfront.amazonaws.com/2020-05-31/response-headers-policy/{pid}"

    def _policy(p: dict) -> dict:
        return {"Id": p["Id"], "LastModifiedTime": p["LastModifiedTime"],
                "ResponseHeadersPolicyConfig": p["ResponseHeadersPolicyConfig"]}

    def _get(backend: Any, pid: Any) -> dict:
        policy = _rhp_store(backend).get(pid)
        if policy is None:
            raise _rhp_error("NoSuchResponseHeadersPolicy")
        return policy

    def _if_match(policy: dict, if_match: Any) -> None:
        if not if_match:
            raise _rhp_error("InvalidIfMatchVersion")
        if if_match != policy["ETag"]:
            raise _rhp_error("PreconditionFailed")

    def _name_taken(backend: Any, config_name: str, own_id: str | None) -> None:
        for pid, p in _rhp_store(backend).items():
            if pid != own_id and p["ResponseHeadersPolicyConfig"].get("Name") == config_name:
                raise _rhp_error("ResponseHeadersPolicyAlreadyExists")

    def create_response_headers_policy(self):
        config = _rhp_check_config(self._get_param("ResponseHeadersPolicyConfig"))
        with _LOCK:
            _name_taken(self.backend, config["Name"], None)
            store = _rhp_store(self.backend)
            pid = str(mock_random.uuid4())
            while pid in store:
                pid = str(mock_random.uuid4())
            store[pid] = {"Id": pid, "ETag": random_id(), "LastModifiedTime": datetime.now(timezone.utc),
                          "ResponseHeadersPolicyConfig": config}
            policy = store[pid]
            return ActionResult({"ResponseHeadersPolicy": _policy(policy), "Location": _location(pid),
                                 "ETag": policy["ETag"]})

    def get_response_headers_policy(self):
        policy = _get(self.backend, self._get_param("Id"))
        return ActionResult({"ResponseHeadersPolicy": _policy(policy), "ETag": policy["ETag"]})

    def get_response_headers_policy_config(self):
        policy = _get(self.backend, self._get_param("Id"))
        return ActionResult({"ResponseHeadersPolicyConfig": policy["ResponseHeadersPolicyConfig"],
                             "ETag": policy["ETag"]})

    def list_response_headers_policies(self):
        kind = self._get_param("Type")
        if kind not in (None, "", "custom", "managed"):
            raise _rhp_error("InvalidArgument")
        max_items = self._get_int_param("MaxItems") or 100
        policies = [] if kind == "managed" else list(_rhp_store(self.backend).values())
        policies.sort(key=lambda p: p["LastModifiedTime"])
        items = [{"Type": "custom", "ResponseHeadersPolicy": _policy(p)} for p in policies]
        return ActionResult({"ResponseHeadersPolicyList": {
            "MaxItems": max_items, "Quantity": len(items), "Items": items or None,
        }})

    def update_response_headers_policy(self):
        pid = self._get_param("Id")
        config = self._get_param("ResponseHeadersPolicyConfig")
        with _LOCK:
            policy = _get(self.backend, pid)
            _if_match(policy, self._get_param("IfMatch"))
            config = _rhp_check_config(config)
            _name_taken(self.backend, config["Name"], pid)
            policy.update(ResponseHeadersPolicyConfig=config, ETag=random_id(),
                          LastModifiedTime=datetime.now(timezone.utc))
            return ActionResult({"ResponseHeadersPolicy": _policy(policy), "ETag": policy["ETag"]})

    def delete_response_headers_policy(self):
        pid = self._get_param("Id")
        with _LOCK:
            policy = _get(self.backend, pid)
            _if_match(policy, self._get_param("IfMatch"))
            for dist in list(self.backend.distributions.values()):
                if pid in _rhp_policy_ids(dist.distribution_config):
                    raise _rhp_error("ResponseHeadersPolicyInUse")
            del _rhp_store(self.backend)[pid]
            return EmptyResult()

    for fn in (create_response_headers_policy, get_response_headers_policy, get_response_headers_policy_config,
               list_response_headers_policies, update_response_headers_policy, delete_response_headers_policy):
        fn.__switchyard_patched__ = True  # type: ignore[attr-defined]
        setattr(CloudFrontResponse, fn.__name__, fn)
    for path in _RHP_URL_PATHS:  # read when the server app is built (after the patches)
        url_paths[path] = CloudFrontResponse.dispatch

    def _check(backend: Any, config: Any) -> None:
        store = _rhp_store(backend)
        if any(pid not in store for pid in _rhp_policy_ids(config)):
            raise _rhp_error("NoSuchResponseHeadersPolicy")

    def create_distribution_with_tags(self, distribution_config, tags):
        with _LOCK:
            ref = (distribution_config or {}).get("CallerReference")
            # Let moto report DistributionAlreadyExists for a reused CallerReference.
            if ref is None or self._distribution_with_caller_reference(ref) is None:
                _check(self, distribution_config)
            return orig_create(self, distribution_config, tags)

    def update_distribution(self, dist_config, _id, if_match):
        with _LOCK:
            # Let moto report NoSuchDistribution / InvalidIfMatchVersion first.
            if _id in self.distributions and if_match:
                _check(self, dist_config)
            return orig_update(self, dist_config=dist_config, _id=_id, if_match=if_match)

    _replace(CloudFrontBackend, "create_distribution_with_tags", orig_create, create_distribution_with_tags)
    _replace(CloudFrontBackend, "update_distribution", orig_update, update_distribution)


# --------------------------------------------------------------------------
# Test hooks (test controls, not AWS behaviour). State lives here, is shared
# by all accounts, and is cleared by POST /moto-api/reset.
# --------------------------------------------------------------------------


class _Stall:
    """The `stall` hook: holds one request of an action, as if the network hung there."""

    def __init__(self, action: str, after: bool) -> None:
        self.action = action
        self.after = after  # True: moto handles the request first; the response is held
        self.stalled = False  # the request arrived and is being held
        self.release = threading.Event()


class _Hooks:
    def __init__(self) -> None:
        self.server_certificates_quota: int | None = None  # None: moto's default
        self.cloudfront_races: dict[str, str] = {}  # distribution id -> comment
        self.stall: _Stall | None = None
        self.installed: set[str] = set(["stall"])

    def reset(self) -> None:
        with _LOCK:
            self.server_certificates_quota = None
            self.cloudfront_races.clear()
            if self.stall is not None:
                self.stall.release.set()
            self.stall = None


_HOOKS = _Hooks()


def patch_iam_server_certificates_quota_hook() -> None:
    """Test hook: `POST /_switchyard/hooks/iam-quota {"server_certificates": N}`
    makes IAM GetAccountSummary report ServerCertificatesQuota = N (every
    account). ServerCertificates is moto's own count of stored server
    certificates (len(IAMBackend.certificates)), which is already right."""
    name = "patch_iam_server_certificates_quota_hook"
    AccountSummary, = _import(name, "moto.iam.models", "AccountSummary")
    prop = inspect.getattr_static(AccountSummary, "summary_map", None)
    counted = inspect.getattr_static(AccountSummary, "_server_certificates", None)
    if not isinstance(prop, property) or not isinstance(counted, property):
        raise FidelityPatchError(
            f"fidelity patch {name}: AccountSummary.summary_map / _server_certificates "
            f"properties are missing (moto {_moto_version()}, pinned {PINNED_MOTO_VERSION})"
        )
    _require_source(name, prop.fget, '"ServerCertificatesQuota"', '"ServerCertificates": self._server_certificates')
    _require_source(name, counted.fget, "len(self._iam_backend.certificates)")

    def summary_map(self):
        result = prop.fget(self)
        quota = _HOOKS.server_certificates_quota
        if quota is not None:
            result["ServerCertificatesQuota"] = quota
        return result

    functools.update_wrapper(summary_map, prop.fget)
    summary_map.__switchyard_patched__ = True  # type: ignore[attr-defined]
    AccountSummary.summary_map = property(summary_map)
    _HOOKS.installed.add("iam-quota")


def _find_distribution(dist_id: str) -> Any:
    from moto.cloudfront.models import cloudfront_backends

    for _account, _partition, backend in list(cloudfront_backends.iter_backends()):
        dist = backend.distributions.get(dist_id)
        if dist is not None:
            return dist
    return None


def patch_cloudfront_race_hook() -> None:
    """Test hook: `POST /_switchyard/hooks/cloudfront-race
    {"distribution_id": ..., "comment": ...}` arms a one-shot race: right after
    the next successful GetDistribution of that id has been answered (the
    response carries the old Comment and ETag), the distribution's Comment is
    set to `comment` and it gets a new ETag, as if another writer had called
    UpdateDistribution in between. Applied in RequestLog (not logged)."""
    name = "patch_cloudfront_race_hook"
    cloudfront_backends, CloudFrontBackend, Distribution, DistributionConfig, _ = _import(
        name, "moto.cloudfront.models",
        "cloudfront_backends", "CloudFrontBackend", "Distribution", "DistributionConfig", "random_id",
    )
    if not callable(getattr(cloudfront_backends, "iter_backends", None)):
        raise FidelityPatchError(
            f"fidelity patch {name}: cloudfront_backends.iter_backends is missing "
            f"(moto {_moto_version()}, pinned {PINNED_MOTO_VERSION})"
        )
    _require_source(name, CloudFrontBackend.__init__, "self.distributions")
    _require_source(name, Distribution.__init__, "self.etag", "self.distribution_config")
    _require_source(name, DistributionConfig.__init__, "self.__dict__.update(config)")
    _HOOKS.installed.add("cloudfront-race")


def _cloudfront_race_fire(dist_id: str) -> None:
    """Apply the armed race for dist_id (after its GetDistribution answered)."""
    from moto.cloudfront.models import random_id

    with _LOCK:
        comment = _HOOKS.cloudfront_races.pop(dist_id, None)
        if comment is None:
            return
        dist = _find_distribution(dist_id)
        if dist is None:
            return
        dist.distribution_config.Comment = comment
        dist.etag = random_id()


# --------------------------------------------------------------------------
# Route 53 health checks
# --------------------------------------------------------------------------


def patch_route53_health_check_caller_reference() -> None:
    """Route 53 CreateHealthCheck is idempotent by CallerReference: the same
    reference with the same settings returns the existing health check; the
    same reference with other settings, or the reference of a deleted health
    check, fails with HealthCheckAlreadyExists (HTTP 409). moto creates a new
    check every time.

    https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHealthCheck.html
    (CallerReference; Errors: HealthCheckAlreadyExists)
    """
    name = "patch_route53_health_check_caller_reference"
    Route53Backend, HealthCheck = _import(name, "moto.route53.models", "Route53Backend", "HealthCheck")
    Route53ClientError, = _import(name, "moto.route53.exceptions", "Route53ClientError")
    orig_create = _require(name, Route53Backend, "create_health_check", ("caller_reference", "health_check_args"))
    orig_delete = _require(name, Route53Backend, "delete_health_check", ("health_check_id",))
    _require(name, HealthCheck, "set_children")
    _require(name, HealthCheck, "set_regions")
    if not isinstance(inspect.getattr_static(HealthCheck, "health_check_config", None), property):
        raise FidelityPatchError(f"fidelity patch {name}: HealthCheck.health_check_config property is missing")
    _require_source(name, Route53Backend.__init__, "self.health_checks")
    _require_source(name, HealthCheck.__init__, "self.caller_reference")

    def _settings(caller_reference: str, args: dict) -> dict:
        candidate = HealthCheck("candidate", caller_reference, dict(args))
        candidate.set_children(args.get("children", []))
        candidate.set_regions(args.get("regions", []))
        return candidate.health_check_config

    def _exists(ref: str) -> Exception:
        return Route53ClientError(
            "HealthCheckAlreadyExists",
            f"A health check with CallerReference {ref} already exists (or was "
            "deleted) and has different settings.",
        )

    def create_health_check(self, caller_reference, health_check_args):
        with _LOCK:
            if caller_reference in self.__dict__.get("switchyard_deleted_health_check_refs", ()):
                raise _exists(caller_reference)
            for existing in list(self.health_checks.values()):
                if existing.caller_reference == caller_reference:
                    if existing.health_check_config == _settings(caller_reference, health_check_args):
                        return existing
                    raise _exists(caller_reference)
            return orig_create(self, caller_reference, health_check_args)

    def delete_health_check(self, health_check_id):
        with _LOCK:
            existing = self.health_checks.get(health_check_id)
            orig_delete(self, health_check_id)
            if existing is not None:
                self.__dict__.setdefault("switchyard_deleted_health_check_refs", set()).add(
                    existing.caller_reference
                )

    _replace(Route53Backend, "create_health_check", orig_create, create_health_check)
    _replace(Route53Backend, "delete_health_check", orig_delete, delete_health_check)


def patch_route53_health_check_ranges() -> None:
    """Route 53 CreateHealthCheck / UpdateHealthCheck reject a RequestInterval
    other than 10 or 30 and a FailureThreshold outside 1..10 with InvalidInput
    (HTTP 400); moto accepts any integer. (UpdateHealthCheck has no
    RequestInterval parameter in the AWS API; a FailureThreshold is checked.)

    https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html
    https://docs.aws.amazon.com/Route53/latest/APIReference/API_UpdateHealthCheck.html
    (Errors: InvalidInput)
    """
    name = "patch_route53_health_check_ranges"
    Route53Backend, = _import(name, "moto.route53.models", "Route53Backend")
    InvalidInput, = _import(name, "moto.route53.exceptions", "InvalidInput")
    orig_create = _require(name, Route53Backend, "create_health_check", ("caller_reference", "health_check_args"))
    orig_update = _require(name, Route53Backend, "update_health_check", ("health_check_id", "health_check_args"))
    # the argument keys the response layer passes to the backend
    Route53, = _import(name, "moto.route53.responses", "Route53")
    _require_source(name, Route53.create_health_check, '"request_interval"', '"failure_threshold"')
    _require_source(name, Route53.update_health_check, '"failure_threshold"')

    def _validate(args: dict, where: str) -> None:
        interval = args.get("request_interval")
        if interval is not None and int(interval) not in (10, 30):
            raise InvalidInput(
                f"1 validation error detected: Value '{interval}' at '{where}.requestInterval' "
                "failed to satisfy constraint: Member must be 10 or 30"
            )
        threshold = args.get("failure_threshold")
        if threshold is not None and not 1 <= int(threshold) <= 10:
            bound = "greater than or equal to 1" if int(threshold) < 1 else "less than or equal to 10"
            raise InvalidInput(
                f"1 validation error detected: Value '{threshold}' at '{where}.failureThreshold' "
                f"failed to satisfy constraint: Member must have value {bound}"
            )

    def create_health_check(self, caller_reference, health_check_args):
        _validate(health_check_args, "healthCheckConfig")
        return orig_create(self, caller_reference, health_check_args)

    def update_health_check(self, health_check_id, health_check_args):
        _validate(health_check_args, "updateHealthCheckRequest")
        return orig_update(self, health_check_id, health_check_args)

    _replace(Route53Backend, "create_health_check", orig_create, create_health_check)
    _replace(Route53Backend, "update_health_check", orig_update, update_health_check)


PATCHES = [
    patch_iam_duplicate_server_certificate_name,
    patch_iam_unique_server_certificate_ids,
    patch_iam_list_server_certificates_path_prefix,
    patch_iam_delete_server_certificate_in_use,
    patch_cloudfront_etag_if_match,
    patch_cloudfront_viewer_certificate_exists,
    patch_cloudfront_viewer_certificate_source,
    patch_cloudfront_origin_access_control_id,
    patch_cloudfront_aliases,
    patch_acm_serial_hex,
    patch_cloudfront_response_headers_policies,
    patch_iam_server_certificates_quota_hook,
    patch_cloudfront_race_hook,
    patch_route53_health_check_caller_reference,
    patch_route53_health_check_ranges,
]


def apply_patches() -> None:
    for patch in PATCHES:
        patch()


# --------------------------------------------------------------------------
# Request log
# --------------------------------------------------------------------------

_LOG_PATH = "/_switchyard/requests"
_LOG_CLEAR_PATH = "/_switchyard/requests/clear"
_HOOK_PREFIX = "/_switchyard/hooks/"
# GetDistribution (not .../config): the request the cloudfront-race hook waits for
_GET_DISTRIBUTION_PATH = re.compile(r"^/2020-05-31/distribution/([^/]+)/?$")
_READ_PREFIXES = ("Get", "List", "Describe")
_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request")
# Unsigned requests: recognise the REST services Switchyard uses by API version.
_PATH_SERVICES = {"/2020-05-31/": "cloudfront", "/2013-04-01/": "route53"}
_TARGET_SERVICES = {"CertificateManager": "acm"}


class _RestOperations:
    """Map (service, method, path, query, headers) to an operation name using
    the botocore service model's HTTP bindings (REST-XML / REST-JSON services).
    Operations sharing a URI (S3 PutObject / CopyObject / UploadPart on
    PUT /{Bucket}/{Key+}) are told apart by their required query-string and
    header members (e.g. CopyObject requires x-amz-copy-source)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[str, list[tuple]] = {}

    def _load(self, service: str) -> list:
        with self._lock:
            if service in self._cache:
                return self._cache[service]
            ops: list = []
            try:
                import botocore.session

                model = botocore.session.get_session().get_service_model(service)
                for op_name in model.operation_names:
                    op_model = model.operation_model(op_name)
                    http = op_model.http
                    uri = http.get("requestUri", "/")
                    path, _, query = uri.partition("?")
                    regex = ""
                    for part in re.split(r"(\{[^}]+\})", path):
                        if part.startswith("{"):
                            regex += "(.+)" if part.endswith("+}") else "([^/]+)"
                        else:
                            regex += re.escape(part)
                    regex = "^" + regex.rstrip("/") + "/?$"
                    required = {}
                    for item in filter(None, query.split("&")):
                        key, _, value = item.partition("=")
                        required[key] = value or None
                    literal = len(re.sub(r"\{[^}]+\}", "", path))
                    members = []  # required (location, wire name) outside the URI path
                    shape = op_model.input_shape
                    for member in (shape.required_members if shape is not None else ()):
                        ser = shape.members[member].serialization
                        if ser.get("location") == "querystring":
                            members.append(("query", ser.get("name", member)))
                        elif ser.get("location") == "header":
                            members.append(("header", "HTTP_" + ser.get("name", member).upper().replace("-", "_")))
                    ops.append((op_name, http.get("method", "POST").upper(), re.compile(regex), required, literal,
                                members, not getattr(op_model, "deprecated", False)))
            except Exception as exc:  # unknown service: no action names
                logging.getLogger("switchyard").debug("no botocore model for %s: %s", service, exc)
            self._cache[service] = ops
            return ops

    def action(self, service: str, method: str, path: str, query: dict[str, list[str]],
               environ: dict | None = None) -> str | None:
        environ = environ or {}
        best = None
        for op_name, op_method, regex, required, literal, members, current in self._load(service):
            if op_method != method or not regex.match(path):
                continue
            if any(k not in query or (v is not None and v not in query[k]) for k, v in required.items()):
                continue
            present = sum(1 for where, key in members if (key in query if where == "query" else key in environ))
            score = (len(required), present - len(members), present, literal, current)
            if best is None or score > best[0]:
                best = (score, op_name)
        return best[1] if best else None


class RequestLog:
    """WSGI middleware: records AWS requests and serves the log."""

    def __init__(self, app: Callable) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._entries: list[dict] = []
        self._rest = _RestOperations()

    def clear(self) -> int:
        with self._lock:
            n = len(self._entries)
            self._entries.clear()
            return n

    def snapshot(self) -> list[dict]:
        with self._lock:
            return [dict(e) for e in self._entries]

    @staticmethod
    def _json(start_response: Callable, status: str, payload: Any) -> list[bytes]:
        body = json.dumps(payload).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    @staticmethod
    def _form_body(environ: dict) -> dict[str, list[str]]:
        """Parse a form-encoded body (query protocol) and rewind it for moto."""
        if not environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
            return {}
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return {}
        if length <= 0:
            return {}
        raw = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(raw)
        return parse_qs(raw.decode("utf-8", "replace"))

    def describe(self, environ: dict) -> dict:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO", "") or "/"
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        auth = environ.get("HTTP_AUTHORIZATION", "") or (query.get("X-Amz-Credential") or [""])[0]
        if auth and "Credential=" not in auth:
            auth = "Credential=" + auth
        target = environ.get("HTTP_X_AMZ_TARGET", "")

        service = None
        match = _CREDENTIAL_SCOPE.search(auth)
        if match:
            service = match.group(2).lower()
        elif target:
            service = _TARGET_SERVICES.get(target.split(".", 1)[0])
        if service is None:
            service = next((s for p, s in _PATH_SERVICES.items() if path.startswith(p)), None)

        action = None
        if target:  # JSON protocol (ACM, ...)
            action = target.rsplit(".", 1)[-1]
        if action is None and "Action" in query:  # query protocol, GET
            action = query["Action"][0]
        if action is None:
            form = self._form_body(environ)
            if "Action" in form:  # query protocol, POST (IAM, STS)
                action = form["Action"][0]
        if action is None and service:  # REST protocols (CloudFront, Route 53)
            action = self._rest.action(service, method, path, query, environ)

        read = method in ("GET", "HEAD") or bool(action and action.startswith(_READ_PREFIXES))
        return {"service": service, "action": action, "method": method, "path": path, "write": not read}

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if path.rstrip("/") == _LOG_PATH:
            if method != "GET":
                return self._json(start_response, "405 Method Not Allowed", {"error": "use GET"})
            return self._json(start_response, "200 OK", self.snapshot())
        if path.rstrip("/") == _LOG_CLEAR_PATH:
            if method != "POST":
                return self._json(start_response, "405 Method Not Allowed", {"error": "use POST"})
            return self._json(start_response, "200 OK", {"cleared": self.clear()})
        if path.startswith(_HOOK_PREFIX):
            return self._hook(path[len(_HOOK_PREFIX):].rstrip("/"), method, environ, start_response)
        if path.startswith("/_switchyard/"):
            return self._json(start_response, "404 Not Found", {"error": f"unknown path {path}"})
        if path.startswith("/moto-api"):
            # emulator control, not an AWS request: not logged
            if method == "POST" and path.rstrip("/") == "/moto-api/reset":
                self.clear()
                _HOOKS.reset()
            return self.app(environ, start_response)

        entry = self.describe(environ)
        entry["status"] = None
        with self._lock:
            self._entries.append(entry)

        stall = _HOOKS.stall
        if stall is not None and entry["action"] == stall.action and not stall.stalled:
            return self._stall(stall, environ, start_response)

        def recording_start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            try:
                entry["status"] = int(status.split(" ", 1)[0])
            except ValueError:
                pass
            if exc_info is not None:
                return start_response(status, headers, exc_info)
            return start_response(status, headers)

        race = _GET_DISTRIBUTION_PATH.match(path) if method == "GET" else None
        if race is None or race.group(1) not in _HOOKS.cloudfront_races:
            return self.app(environ, recording_start_response)
        # cloudfront-race hook: render the whole GetDistribution response (old
        # Comment / ETag) first, then let the "other writer" change it.
        result = self.app(environ, recording_start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        if entry["status"] == 200:
            _cloudfront_race_fire(race.group(1))
        return [body]

    def _stall(self, stall: _Stall, environ: dict, start_response: Callable) -> Any:
        """stall hook: hold this request until released (the client is usually killed first).
        With `after`, moto handles it before the hold, so the change is made but its answer is
        never seen; without, it is never handled."""
        body, status, headers = b"", "503 Service Unavailable", [("Content-Type", "text/plain")]
        if stall.after:
            captured: dict = {}

            def capture(status_: str, headers_: Any, exc_info: Any = None) -> Any:
                captured["status"], captured["headers"] = status_, headers_
                return lambda _data: None

            result = self.app(environ, capture)
            try:
                body = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
            status, headers = captured.get("status", status), captured.get("headers", headers)
        stall.stalled = True
        stall.release.wait(timeout=300)
        start_response(status, headers)
        return [body]

    @staticmethod
    def _read_json(environ: dict) -> Any:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        raw = environ["wsgi.input"].read(length) if length > 0 else b""
        return json.loads(raw.decode("utf-8")) if raw.strip() else None

    def _stall_hook(self, method: str, environ: dict, start_response: Callable) -> Any:
        """`POST /_switchyard/hooks/stall {"action": "CreateDistribution", "after": true}` arms
        a stall of the next request of that action; `{"release": true}` lets it go (and
        disarms); `GET` tells whether the request is being held."""
        if method == "GET":
            stall = _HOOKS.stall
            return self._json(start_response, "200 OK", {
                "armed": stall.action if stall else None,
                "stalled": bool(stall and stall.stalled),
            })
        if method != "POST":
            return self._json(start_response, "405 Method Not Allowed", {"error": "use GET or POST"})
        try:
            body = self._read_json(environ)
        except ValueError as exc:
            return self._json(start_response, "400 Bad Request", {"error": f"body is not JSON: {exc}"})
        if body == {"release": True}:
            with _LOCK:
                if _HOOKS.stall is not None:
                    _HOOKS.stall.release.set()
                _HOOKS.stall = None
            return self._json(start_response, "200 OK", {"released": True})
        if not isinstance(body, dict) or set(body) != {"action", "after"} \
                or not isinstance(body["action"], str) or not isinstance(body["after"], bool):
            return self._json(start_response, "400 Bad Request",
                              {"error": 'expected {"action": "<AWS action>", "after": true|false} or {"release": true}'})
        with _LOCK:
            _HOOKS.stall = _Stall(body["action"], body["after"])
        return self._json(start_response, "200 OK", {"armed": body["action"], "after": body["after"]})

    def _hook(self, hook: str, method: str, environ: dict, start_response: Callable) -> Any:
        """Test hooks (POST, JSON body). Not logged; cleared by /moto-api/reset."""
        if hook == "stall":
            return self._stall_hook(method, environ, start_response)
        if hook not in ("iam-quota", "cloudfront-race"):
            return self._json(start_response, "404 Not Found", {"error": f"unknown hook {hook!r}"})
        if hook not in _HOOKS.installed:
            return self._json(start_response, "503 Service Unavailable", {"error": f"hook {hook!r} not installed"})
        if method != "POST":
            return self._json(start_response, "405 Method Not Allowed", {"error": "use POST"})
        try:
            body = self._read_json(environ)
        except ValueError as exc:
            return self._json(start_response, "400 Bad Request", {"error": f"body is not JSON: {exc}"})
        if not isinstance(body, dict):
            return self._json(start_response, "400 Bad Request", {"error": "body must be a JSON object"})

        if hook == "iam-quota":
            if set(body) != {"server_certificates"}:
                return self._json(start_response, "400 Bad Request",
                                  {"error": 'expected {"server_certificates": <int >= 0 or null>}'})
            quota = body["server_certificates"]
            if quota is not None and (type(quota) is not int or quota < 0):
                return self._json(start_response, "400 Bad Request",
                                  {"error": "server_certificates must be an integer >= 0 (or null for the default)"})
            with _LOCK:
                _HOOKS.server_certificates_quota = quota
            return self._json(start_response, "200 OK", {"server_certificates": quota})

        dist_id, comment = body.get("distribution_id"), body.get("comment")
        if set(body) != {"distribution_id", "comment"} or not isinstance(dist_id, str) or not dist_id \
                or not isinstance(comment, str):
            return self._json(start_response, "400 Bad Request",
                              {"error": 'expected {"distribution_id": "<id>", "comment": "<text>"}'})
        with _LOCK:
            if _find_distribution(dist_id) is None:
                return self._json(start_response, "404 Not Found", {"error": f"no distribution {dist_id}"})
            _HOOKS.cloudfront_races[dist_id] = comment
        return self._json(start_response, "200 OK", {"armed": {"distribution_id": dist_id, "comment": comment}})


# --------------------------------------------------------------------------
# Server
# --------------------------------------------------------------------------


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def build_app() -> RequestLog:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    return RequestLog(DomainDispatcherApplication(create_backend_app))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one (default)")
    parser.add_argument("--verbose", action="store_true", help="log every HTTP request to stderr")
    args = parser.parse_args(argv)

    # stdout carries exactly one line (READY ...); anything moto prints goes to stderr.
    ready_out = sys.stdout
    sys.stdout = sys.stderr

    if not _loopback(args.host):
        print(f"launch.py: refusing to bind {args.host!r}: only loopback addresses are allowed", file=sys.stderr)
        return 2

    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr)
    logging.getLogger("werkzeug").setLevel(logging.INFO if args.verbose else logging.WARNING)

    version = _moto_version()
    if version != PINNED_MOTO_VERSION:
        print(f"launch.py: warning: moto {version} installed, fidelity layer written for {PINNED_MOTO_VERSION}",
              file=sys.stderr)
    try:
        apply_patches()
        app = build_app()
    except FidelityPatchError as exc:
        print(f"launch.py: {exc}", file=sys.stderr)
        return 3

    import os

    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import make_server

    host = "127.0.0.1" if args.host == "localhost" else args.host.strip("[]")
    try:
        server = make_server(host, args.port, app, threaded=True, request_handler=MotoRequestHandler)
    except OSError as exc:
        print(f"launch.py: cannot bind {host}:{args.port}: {exc}", file=sys.stderr)
        return 4
    port = server.server_port
    os.environ["MOTO_PORT"] = str(port)  # moto builds some self-referencing URLs from it

    stop = threading.Event()

    def _on_signal(signum: int, _frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)

    thread = threading.Thread(target=server.serve_forever, name="moto-server", daemon=True)
    thread.start()

    url_host = f"[{host}]" if server.address_family == socket.AF_INET6 else host
    ready_out.write(f"READY http://{url_host}:{port}\n")
    ready_out.flush()

    while not stop.wait(1.0):
        if not thread.is_alive():
            print("launch.py: server thread died", file=sys.stderr)
            return 1
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
