"""In-process harness: the fidelity layer applied once, the app (request log +
hooks around moto) served on 127.0.0.1 in a thread for the whole session, boto3
clients pointed at it, and POST /moto-api/reset before every test."""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from switchyard_emulator import apply_patches, build_app  # noqa: E402

from support import Emulator  # noqa: E402

# No developer AWS settings may leak into the clients.
for _key in [k for k in os.environ if k.startswith("AWS_")]:
    del os.environ[_key]
os.environ.update(AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE="/dev/null",
                  AWS_SHARED_CREDENTIALS_FILE="/dev/null")


@pytest.fixture(scope="session")
def emulator() -> Any:
    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import make_server

    apply_patches()
    server = make_server("127.0.0.1", 0, build_app(), threaded=True, request_handler=MotoRequestHandler)
    os.environ["MOTO_PORT"] = str(server.server_port)  # as launch.py does
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="emulator", daemon=True)
    thread.start()
    yield Emulator(f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def fresh(emulator: Emulator) -> Emulator:
    emulator.reset()
    return emulator
