"""Fidelity rule 11: CloudFront response headers policies, which moto 5.2.5
does not implement (see README.md)."""

from __future__ import annotations

from typing import Any

from .cloudfront_distributions import _cloudfront_error
from .guards import PINNED_MOTO_VERSION, FidelityPatchError, _import, _moto_version, _replace, _require, _require_source
from .lock import _LOCK
from .registry import rule

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


@rule(11, "cloudfront", "response headers policies (moto 5.2.5 has no such operations)")
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
