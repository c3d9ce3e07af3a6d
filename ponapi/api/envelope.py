"""Success envelopes. Error envelopes are built in ``ponapi.api.errors``."""

from __future__ import annotations

from typing import Any


def success_body(data: Any, message: str, meta: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"success": True, "data": data, "message": message}
    if meta is not None:
        body["meta"] = meta
    return body
