"""Fidelity rules 5, 6, 9, 10 and 12: CloudFront distributions (see README.md)."""

from __future__ import annotations

from typing import Any

from .guards import _import, _replace, _require, _require_source
from .iam import _iam_certificate_by_id
from .lock import _LOCK
from .registry import rule


def _cloudfront_error(code: str, message: str) -> Exception:
    from moto.cloudfront.exceptions import CloudFrontException

    return CloudFrontException(code, message)


@rule(5, "cloudfront", "UpdateDistribution gives the distribution a new ETag")
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


@rule(6, "cloudfront", "CreateDistribution(WithTags)/UpdateDistribution with a "
                       "ViewerCertificate.IAMCertificateId that is no IAM server certificate of the "
                       "same account → InvalidViewerCertificate (400)")
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


@rule(9, "cloudfront", "viewer certificate read-back")
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


def _alias_set(aliases: Any) -> set[str]:
    """The alternate domain names of an `Aliases` structure, normalised."""
    items = (aliases or {}).get("Items") if isinstance(aliases, dict) else None
    if isinstance(items, dict):  # {"CNAME": [...]} / {"CNAME": "..."} shapes
        items = items.get("CNAME")
    if isinstance(items, str):
        items = [items]
    return {str(a).strip().rstrip(".").lower() for a in items or () if str(a).strip()}


@rule(10, "cloudfront", "an alias (CNAME) that another distribution of the same account already "
                        "has → CNAMEAlreadyExists (409)")
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


@rule(12, "cloudfront", "keeps an origin's OriginAccessControlId and returns it in "
                        "GetDistribution/GetDistributionConfig")
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
