"""The GenieACS simulator as benchmark 2 runs it: in its own process, as a real ACS would be,
loaded with the real device dumps. It prints its URL, then serves until killed.

Each NBI request's own time is what an HTTP server's access log would record: from the
request's first byte read to the response written. ``GET /__bench/served`` returns those
times (device queries only, in order) and is not itself recorded.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from ponapi.sim.genieacs import GenieAcsSim, bundled_documents
from ponapi.sim.http import HttpServer, Request, Response

CONTROL = "/__bench/served"


class _FirstByte:
    """A stream reader that notes when the first bytes of a request arrive."""

    def __init__(self, reader: asyncio.StreamReader) -> None:
        self.reader = reader
        self.at: float | None = None

    async def read(self, n: int) -> bytes:
        data = await self.reader.read(n)
        if data and self.at is None:
            self.at = time.perf_counter()
        return data


class TimedServer(HttpServer):
    """The simulator's HTTP server, timing each answer from the request's first byte read to
    the response written (what an access log's request time covers)."""

    served: list[float]
    _started: dict[int, float]

    @staticmethod
    async def _read_request(conn: Any, reader: Any) -> Request | None:
        first = _FirstByte(reader)
        request = await HttpServer._read_request(conn, first)  # type: ignore[arg-type]
        if request is not None and request.target.startswith("/devices"):
            TimedServer._started[id(request)] = first.at or time.perf_counter()
        return request

    @staticmethod
    async def _write(conn: Any, writer: Any, request: Request, response: Response) -> bool:
        done = await HttpServer._write(conn, writer, request, response)
        started = TimedServer._started.pop(id(request), None)
        if started is not None:
            TimedServer.served.append(time.perf_counter() - started)
        return done


TimedServer.served = []
TimedServer._started = {}


async def main() -> None:
    sim = GenieAcsSim()
    for doc in bundled_documents():
        sim.add(doc)

    async def handle(req: Request) -> Response:
        if req.target.startswith(CONTROL):
            body = json.dumps({"served": TimedServer.served}).encode()
            return Response(200, body, "OK", {"Content-Type": "application/json"})
        return await sim.handle(req)

    server = TimedServer(handle)
    print(await server.start(), flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
