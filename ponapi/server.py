"""Running the API under uvicorn: ``ponapi serve`` (and the benchmark) go through here.

This is ``uvicorn.run`` with one difference: the listening socket is bound here, with
TCP_NODELAY set, and handed to uvicorn. Connections accepted on Linux inherit the option from
the listening socket. Without it, with the asyncio event loop and more than one worker, every
keep-alive request waited about 40 ms (Nagle's algorithm against the client's delayed ACK):
asyncio turns TCP_NODELAY on only for sockets whose protocol number says TCP, and the socket
uvicorn passes to its worker processes says 0.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import uvicorn
from uvicorn.supervisors import Multiprocess

from ponapi.metrics import MULTIPROC_ENV


class StartupError(Exception):
    """A reason the service cannot start, as one line for the operator (no secrets)."""


def listening_socket(config: uvicorn.Config) -> socket.socket:
    sock = config.bind_socket()
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def bind(host: str, port: int) -> socket.socket:
    """The API's listening socket, bound before anything else starts (migrations included), so
    a taken port stops ``ponapi serve`` at once with one line."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        reason = exc.strerror or str(exc)
        raise StartupError(f"cannot listen on {host}:{port}: {reason.lower()}") from exc
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.set_inheritable(True)
    return sock


@contextlib.contextmanager
def shared_metrics(workers: int) -> Iterator[Path | None]:
    """With several workers, prometheus-client's multiprocess mode: a fresh directory for the
    workers' metric files, named in PROMETHEUS_MULTIPROC_DIR before they start (they read it
    when they import prometheus-client), emptied or removed afterwards. An operator's own
    PROMETHEUS_MULTIPROC_DIR is used (its old files removed: they are a previous run's)."""
    if workers <= 1:
        yield None
        return
    given = os.environ.get(MULTIPROC_ENV)
    path = Path(given) if given else Path(tempfile.mkdtemp(prefix="ponapi-metrics-"))
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("*.db"):
        old.unlink()
    os.environ[MULTIPROC_ENV] = str(path)
    try:
        yield path
    finally:
        if given:
            for old in path.glob("*.db"):
                old.unlink(missing_ok=True)
        else:
            os.environ.pop(MULTIPROC_ENV, None)
            shutil.rmtree(path, ignore_errors=True)


def run(
    app: str,
    *,
    host: str,
    port: int,
    workers: int = 1,
    loop: str = "asyncio",
    log_level: str = "info",
    access_log: bool = True,
    sock: socket.socket | None = None,
) -> None:
    """Serve the app factory at ``app`` ("module:function") until interrupted, on ``sock``
    when it is already bound (see ``bind``)."""
    config = uvicorn.Config(
        app,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop=loop,
        log_level=log_level,
        access_log=access_log,
        log_config=None,  # keep ponapi's JSON, redacting handler
    )
    sock = sock or listening_socket(config)
    try:
        if workers > 1:
            Multiprocess(config, sockets=[sock]).run()
        else:
            uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
