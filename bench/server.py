"""The API as benchmark 1 runs it (through ponapi.server, as ``ponapi serve`` does), plus a
bare endpoint: the same bytes as a cached stats response, behind the same authentication. The
bytes come from the file named by ``BENCH_BARE_FILE`` so every worker answers the same."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from fastapi import FastAPI, Request, Response

from ponapi.api.deps import CurrentUser
from ponapi.main import create_app


def app_factory() -> FastAPI:
    app = create_app()
    bare_file = Path(os.environ["BENCH_BARE_FILE"])

    @app.get("/bench/bare")
    async def bare(request: Request, _: CurrentUser) -> Response:
        body = getattr(request.app.state, "bare", None)
        if body is None:
            body = request.app.state.bare = await asyncio.to_thread(bare_file.read_bytes)
        return Response(body, media_type="application/json")

    @app.get("/bench/floor")
    async def floor(request: Request) -> Response:
        """The same bytes with no authentication: the framework's own floor on this machine."""
        body = getattr(request.app.state, "bare", None)
        if body is None:
            body = request.app.state.bare = await asyncio.to_thread(bare_file.read_bytes)
        return Response(body, media_type="application/json")

    return app


if __name__ == "__main__":  # python -m bench.server PORT WORKERS
    from ponapi import server

    server.run(
        "bench.server:app_factory",
        host="127.0.0.1",
        port=int(sys.argv[1]),
        workers=int(sys.argv[2]),
        log_level="warning",
        access_log=False,
    )
