"""The lock shared by the fidelity patches and the test hooks."""

from __future__ import annotations

import threading

# check-then-act sequences in the patches run under this lock (the
# server is threaded; moto itself does not lock its backends).
_LOCK = threading.RLock()
