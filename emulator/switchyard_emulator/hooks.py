"""Test hooks (test controls, not AWS behaviour; see README.md "Test hooks"):
`stall`, `iam-quota`, `iam-root`, `iam-access-key` and `cloudfront-race`, their shared
state, the moto patches (or guards) three of them need, and their HTTP
endpoints (POST /_switchyard/hooks/<name>), which the request log
(requestlog.py) serves.

State lives here, is shared by all accounts, and is cleared by
POST /moto-api/reset. (`iam-access-key` keeps none: it edits moto's keys.)
"""

from __future__ import annotations

import datetime
import functools
import inspect
import json
import threading
from typing import Any, Callable

from .guards import PINNED_MOTO_VERSION, FidelityPatchError, _import, _moto_version, _require_source
from .lock import _LOCK
from .registry import hook_patch


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
        self.root: dict[str, int] = {}  # GetAccountSummary keys of the root user -> value
        self.cloudfront_races: dict[str, str] = {}  # distribution id -> comment
        self.stall: _Stall | None = None
        self.installed: set[str] = set(["stall"])

    def reset(self) -> None:
        with _LOCK:
            self.server_certificates_quota = None
            self.root.clear()
            self.cloudfront_races.clear()
            if self.stall is not None:
                self.stall.release.set()
            self.stall = None


_HOOKS = _Hooks()


@hook_patch("iam-quota")
def patch_iam_server_certificates_quota_hook() -> None:
    """Test hook: `POST /_switchyard/hooks/iam-quota {"server_certificates": N}`
    makes IAM GetAccountSummary report ServerCertificatesQuota = N (every
    account), and so UploadServerCertificate refuse (rule 14) once N are
    stored. ServerCertificates is moto's own count of stored server
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


@hook_patch("iam-root")
def patch_iam_root_hook() -> None:
    """Test hook: `POST /_switchyard/hooks/iam-root {"access_keys": N, "mfa": true|false}`
    makes IAM GetAccountSummary report AccountAccessKeysPresent = N and
    AccountMFAEnabled = 1 or 0 (every account): moto has no root user whose
    access keys or MFA device it could count, and reports its own constants."""
    name = "patch_iam_root_hook"
    AccountSummary, = _import(name, "moto.iam.models", "AccountSummary")
    prop = inspect.getattr_static(AccountSummary, "summary_map", None)
    if not isinstance(prop, property):
        raise FidelityPatchError(
            f"fidelity patch {name}: AccountSummary.summary_map is not a property "
            f"(moto {_moto_version()}, pinned {PINNED_MOTO_VERSION})"
        )
    _require_source(name, prop.fget, '"AccountAccessKeysPresent"', '"AccountMFAEnabled"')

    def summary_map(self):
        result = prop.fget(self)
        result.update(_HOOKS.root)
        return result

    functools.update_wrapper(summary_map, prop.fget)
    summary_map.__switchyard_patched__ = True  # type: ignore[attr-defined]
    AccountSummary.summary_map = property(summary_map)
    _HOOKS.installed.add("iam-root")


@hook_patch("iam-access-key")
def patch_iam_access_key_hook() -> None:
    """Test hook: `POST /_switchyard/hooks/iam-access-key {"access_key_id": ...,
    "create_date": ..., "last_used": {"date", "service", "region"} | null}`
    sets an IAM access key's CreateDate (ListAccessKeys, the credential
    report) and what GetAccessKeyLastUsed reports, so that tests can build
    keys of several ages and uses. Edits moto's AccessKey in
    place: no patch, only the guards that its attributes are still there."""
    name = "patch_iam_access_key_hook"
    iam_backends, AccessKey, AccessKeyLastUsed, IAMBackend, _ = _import(
        name, "moto.iam.models", "iam_backends", "AccessKey", "AccessKeyLastUsed", "IAMBackend",
        "mark_account_as_visited",
    )
    IamResponse, = _import(name, "moto.iam.responses", "IamResponse")
    if not callable(getattr(iam_backends, "iter_backends", None)):
        raise FidelityPatchError(
            f"fidelity patch {name}: iam_backends.iter_backends is missing "
            f"(moto {_moto_version()}, pinned {PINNED_MOTO_VERSION})"
        )
    _require_source(name, IAMBackend.__init__, "self.access_keys: dict[str, AccessKey]")
    _require_source(name, AccessKey.__init__, "self.create_date = utcnow()", "self.last_used")
    _require_source(name, AccessKeyLastUsed.__init__, "timestamp", "service", "region")
    _require_source(name, IamResponse.get_access_key_last_used,
                    "last_used.timestamp", "last_used.region", "last_used.service")
    _HOOKS.installed.add("iam-access-key")


def _find_access_key(access_key_id: str) -> Any:
    from moto.iam.models import iam_backends

    for _account, _partition, backend in list(iam_backends.iter_backends()):
        key = backend.access_keys.get(access_key_id)
        if key is not None:
            return key
    return None


def _utc(text: Any) -> datetime.datetime:
    """An ISO 8601 date-time (UTC if it has no offset) as the naive UTC datetime moto stores."""
    if not isinstance(text, str):
        raise ValueError(f"expected an ISO 8601 date-time string, got {text!r}")
    value = datetime.datetime.fromisoformat(text.strip())
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value


def _iso(value: datetime.datetime) -> str:
    return value.replace(tzinfo=datetime.timezone.utc).isoformat().replace("+00:00", "Z")


def _access_key_state(key: Any) -> dict:
    used = key.last_used
    return {
        "access_key_id": key.access_key_id,
        "user_name": key.user_name,
        "create_date": _iso(key.create_date),
        "last_used": None if used is None else {
            "date": _iso(used.timestamp), "service": used.service, "region": used.region,
        },
    }


def _find_distribution(dist_id: str) -> Any:
    from moto.cloudfront.models import cloudfront_backends

    for _account, _partition, backend in list(cloudfront_backends.iter_backends()):
        dist = backend.distributions.get(dist_id)
        if dist is not None:
            return dist
    return None


@hook_patch("cloudfront-race")
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


class HookEndpoints:
    """The hooks' HTTP endpoints, as methods of the request log middleware
    (RequestLog, which inherits them; `self.app` is moto's WSGI app)."""

    app: Callable

    @staticmethod
    def _json(start_response: Callable, status: str, payload: Any) -> list[bytes]:
        body = json.dumps(payload).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
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
        if hook not in ("iam-quota", "iam-root", "iam-access-key", "cloudfront-race"):
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

        if hook == "iam-root":
            keys, mfa = body.get("access_keys"), body.get("mfa")
            if not set(body) <= {"access_keys", "mfa"} or not body \
                    or ("access_keys" in body and (type(keys) is not int or keys < 0)) \
                    or ("mfa" in body and type(mfa) is not bool):
                return self._json(start_response, "400 Bad Request",
                                  {"error": 'expected {"access_keys": <int >= 0>, "mfa": true|false} (each optional)'})
            with _LOCK:
                if "access_keys" in body:
                    _HOOKS.root["AccountAccessKeysPresent"] = keys
                if "mfa" in body:
                    _HOOKS.root["AccountMFAEnabled"] = int(mfa)
                root = dict(_HOOKS.root)
            return self._json(start_response, "200 OK", root)

        if hook == "iam-access-key":
            return self._iam_access_key_hook(body, start_response)

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

    def _iam_access_key_hook(self, body: dict, start_response: Callable) -> Any:
        """`iam-access-key`: set an access key's CreateDate and/or last use (null: never used)."""
        from moto.iam.models import AccessKeyLastUsed

        usage = ('expected {"access_key_id": "<id>", "create_date": "<ISO 8601>", '
                 '"last_used": {"date": "<ISO 8601>", "service": "<name>", "region": "<region>"} | null}'
                 ' (create_date and last_used each optional, not both absent)')
        key_id = body.get("access_key_id")
        if not isinstance(key_id, str) or not key_id or not set(body) <= {"access_key_id", "create_date", "last_used"} \
                or not set(body) & {"create_date", "last_used"}:
            return self._json(start_response, "400 Bad Request", {"error": usage})
        try:
            create_date = _utc(body["create_date"]) if "create_date" in body else None
            last_used = body.get("last_used")
            if last_used is not None:
                if not isinstance(last_used, dict) or set(last_used) != {"date", "service", "region"} \
                        or not all(isinstance(last_used[k], str) and last_used[k] for k in ("service", "region")):
                    raise ValueError("last_used must be null or {\"date\", \"service\", \"region\"} (non-empty strings)")
                last_used = (_utc(last_used["date"]), last_used["service"], last_used["region"])
        except ValueError as exc:
            return self._json(start_response, "400 Bad Request", {"error": f"{exc}; {usage}"})
        with _LOCK:
            key = _find_access_key(key_id)
            if key is None:
                return self._json(start_response, "404 Not Found", {"error": f"no access key {key_id}"})
            created = create_date if create_date is not None else key.create_date
            used = key.last_used if "last_used" not in body else last_used
            used_at = used[0] if isinstance(used, tuple) else getattr(used, "timestamp", None)
            if used_at is not None and used_at < created:
                return self._json(start_response, "400 Bad Request",
                                  {"error": f"last used {_iso(used_at)} is before the key was created ({_iso(created)})"})
            key.create_date = created
            if "last_used" in body:
                key.last_used = None if used is None else AccessKeyLastUsed(
                    timestamp=used[0], service=used[1], region=used[2])
            return self._json(start_response, "200 OK", _access_key_state(key))
