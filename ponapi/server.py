"""Running the API under uvicorn: ``ponapi serve`` (and the benchmark) go through here.

This is ``uvicorn.run`` with one difference: the listening socket is bound here, with
TCP_NODELAY set, and handed to uvicorn. Connections accepted on Linux inherit the option from
the listening socket. Without it, with the asyncio event loop and more than one worker, every
keep-alive request waited about 40 ms (Nagle's algorithm against the client's delayed ACK):
asyncio turns TCP_NODELAY on only for sockets whose protocol number says TCP, and the socket
uvicorn passes to its worker processes says 0.
"""

from __future__ import annotations

import socket

import uvicorn
from uvicorn.supervisors import Multiprocess


def listening_socket(config: uvicorn.Config) -> socket.socket:
    sock = config.bind_socket()
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def run(
    app: str,
    *,
    host: str,
    port: int,
    workers: int = 1,
    loop: str = "asyncio",
    log_level: str = "info",
    access_log: bool = True,
) -> None:
    """Serve the app factory at ``app`` ("module:function") until interrupted."""
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
    sock = listening_socket(config)
    try:
        if workers > 1:
            Multiprocess(config, sockets=[sock]).run()
        else:
            uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
