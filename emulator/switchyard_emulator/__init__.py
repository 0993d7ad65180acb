"""Switchyard's AWS emulator: moto server plus a small "fidelity layer".

Run it with `emulator/launch.py` (see README.md). Layout:

- guards.py    version guards (FidelityPatchError; the launcher exits 3)
- registry.py  the numbered fidelity rules (@rule) and apply_patches()
- lock.py      the lock the patches and hooks share
- iam.py, iam_credentials.py, cloudfront_distributions.py,
  cloudfront_response_headers_policies.py, route53.py, acm.py   the fidelity
  rules, one module per service (IAM: two, server certificates / credentials)
- hooks.py     the test hooks (stall, iam-quota, iam-root, iam-access-key, cloudfront-race)
- requestlog.py  the request log (WSGI middleware)
- server.py    the command line and the threaded server
"""

from .guards import PINNED_MOTO_VERSION, FidelityPatchError
from .registry import apply_patches, rules
from .server import build_app, main

__all__ = ["PINNED_MOTO_VERSION", "FidelityPatchError", "apply_patches", "build_app", "main", "rules"]
