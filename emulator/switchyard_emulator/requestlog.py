"""The request log (see README.md "Request log"): WSGI middleware around moto's
app that records every AWS request as {service, action, method, path, write,
access_key, params, status}, serves the log (GET /_switchyard/requests, POST
/_switchyard/requests/clear) and the test hooks (hooks.py). The action of a
REST request is found by matching it against the botocore service model
(_RestOperations); `write` is the read/write classifier in describe()."""

from __future__ import annotations

import io
import logging
import re
import threading
from typing import Any, Callable
from urllib.parse import parse_qs

from .hooks import _HOOKS, HookEndpoints, _cloudfront_race_fire

_LOG_PATH = "/_switchyard/requests"
_LOG_CLEAR_PATH = "/_switchyard/requests/clear"
_HOOK_PREFIX = "/_switchyard/hooks/"
# GetDistribution (not .../config): the request the cloudfront-race hook waits for
_GET_DISTRIBUTION_PATH = re.compile(r"^/2020-05-31/distribution/([^/]+)/?$")
_READ_PREFIXES = ("Get", "List", "Describe")
_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request")
_CREDENTIAL_KEY = re.compile(r"Credential=([^/,\s]+)/")
# The services whose request parameters are logged: STS only (AssumeRole's Policy, RoleSessionName,
# DurationSeconds). Never IAM: UploadServerCertificate carries a private key.
_PARAM_SERVICES = ("sts",)
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


class RequestLog(HookEndpoints):
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
        form: dict[str, list[str]] = {}
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

        key = _CREDENTIAL_KEY.search(auth)
        params = None
        if service in _PARAM_SERVICES:
            params = {name: values[0] for name, values in (form or query).items() if values}
        read = method in ("GET", "HEAD") or bool(action and action.startswith(_READ_PREFIXES))
        return {"service": service, "action": action, "method": method, "path": path, "write": not read,
                "access_key": key.group(1) if key else None, "params": params}

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
