"""A minimal asyncio HTTP/1.1 server on h11, for simulators.

Why not uvicorn: GenieACS reports task outcomes in the HTTP *reason phrase*
(``202 Device is offline``), which ASGI servers cannot emit, and fault injection needs byte-level
control (a body cut short of its Content-Length, a stalled response).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import h11


@dataclass
class Request:
    method: str
    target: str  # raw path and query, still percent-encoded
    headers: dict[str, str]
    body: bytes


@dataclass
class Response:
    status: int
    body: bytes = b""
    reason: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    truncate_to: int | None = None  # send only this many body bytes, then close
    stall: float = 0.0  # wait this long before answering


Handler = Callable[[Request], Awaitable[Response]]


class HttpServer:
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self._server: asyncio.Server | None = None
        self._conns: set[asyncio.Task[None]] = set()
        self.port = 0

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._server = await asyncio.start_server(self._serve, host, port)
        self.port = self._server.sockets[0].getsockname()[1]
        return f"http://{host}:{self.port}"

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for task in list(self._conns):
                task.cancel()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._conns.add(task)
        conn = h11.Connection(h11.SERVER)
        try:
            while True:
                request = await self._read_request(conn, reader)
                if request is None:
                    return
                response = await self.handler(request)
                if response.stall:
                    await asyncio.sleep(response.stall)
                if not await self._write(conn, writer, request, response):
                    return
                if conn.our_state is h11.MUST_CLOSE:
                    return
                conn.start_next_cycle()
        except (h11.ProtocolError, ConnectionError, asyncio.CancelledError):
            return
        finally:
            self._conns.discard(task)
            with contextlib.suppress(Exception):
                writer.close()

    @staticmethod
    async def _read_request(conn: h11.Connection, reader: asyncio.StreamReader) -> Request | None:
        head: h11.Request | None = None
        body = bytearray()
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                data = await reader.read(65536)
                conn.receive_data(data)
                if not data and conn.their_state is not h11.DONE:
                    if head is None:
                        return None
                continue
            if isinstance(event, h11.Request):
                head = event
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                assert head is not None
                return Request(
                    method=head.method.decode(),
                    target=head.target.decode("latin-1"),
                    headers={k.decode().lower(): v.decode("latin-1") for k, v in head.headers},
                    body=bytes(body),
                )
            elif isinstance(event, h11.ConnectionClosed):
                return None

    @staticmethod
    async def _write(
        conn: h11.Connection, writer: asyncio.StreamWriter, request: Request, response: Response
    ) -> bool:
        headers = [(k, v) for k, v in response.headers.items()]
        headers.append(("content-length", str(len(response.body))))
        head = h11.Response(
            status_code=response.status,
            headers=headers,
            reason=(response.reason or "").encode("latin-1"),
        )
        writer.write(conn.send(head))
        if request.method == "HEAD":
            writer.write(conn.send(h11.EndOfMessage()))
            await writer.drain()
            return True
        if response.truncate_to is not None:
            writer.write(response.body[: response.truncate_to])
            await writer.drain()
            return False
        writer.write(conn.send(h11.Data(data=response.body)))
        writer.write(conn.send(h11.EndOfMessage()))
        await writer.drain()
        return True
