"""The API as benchmark 1 runs it (uvicorn, one worker), plus a bare endpoint: the same bytes
as a cached stats response, behind the same authentication."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response

from ponapi.api.deps import CurrentUser
from ponapi.main import create_app


def app_factory() -> FastAPI:
    app = create_app()

    @app.put("/bench/bare")
    async def set_bare(request: Request) -> Response:
        request.app.state.bare = await request.body()
        return Response(status_code=204)

    @app.get("/bench/bare")
    async def bare(request: Request, _: CurrentUser) -> Response:
        return Response(request.app.state.bare, media_type="application/json")

    return app
