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

The code is the package `switchyard_emulator/` beside this file (see
README.md, "Layout"): each fidelity rule is one patch function registered with
its README number; each one checks that the moto internals it relies on are
present and raises `FidelityPatchError` (the launcher then exits with status 3
before binding) rather than silently serving moto's lenient behaviour.
"""

import os
import sys

# Works from any working directory: the package lives beside this file.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from switchyard_emulator.server import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
