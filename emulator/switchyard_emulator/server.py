"""The server: the command line of launch.py (see README.md "Starting it")."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import signal
import socket
import sys
import threading
from typing import Any

from .guards import PINNED_MOTO_VERSION, FidelityPatchError, _moto_version
from .registry import apply_patches
from .requestlog import RequestLog

# launch.py's --help description (the first line of its docstring)
DESCRIPTION = 'Switchyard AWS emulator: moto server plus a small "fidelity layer".'


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _stop_at_eof(stop: threading.Event) -> None:
    """Sets `stop` once standard input is at its end (its writer closed it, or exited)."""
    while sys.stdin.buffer.read(4096):
        pass
    stop.set()


def build_app() -> RequestLog:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    return RequestLog(DomainDispatcherApplication(create_backend_app))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one (default)")
    parser.add_argument("--verbose", action="store_true", help="log every HTTP request to stderr")
    parser.add_argument("--exit-with-stdin", action="store_true",
                        help="also stop (exit 0) when standard input reaches its end, as when the "
                             "process that started it exits: for test runners that keep emulators")
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
    if args.exit_with_stdin:
        threading.Thread(target=_stop_at_eof, args=(stop,), name="stdin-watch", daemon=True).start()

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
