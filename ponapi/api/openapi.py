"""The OpenAPI document and its two readers, Swagger UI (``/docs``) and ReDoc (``/redoc``).

FastAPI generates the document from the routes; this module post-processes it so that it says
what the API really does (``docs/contract/`` is the source of truth; its JSON Schemas are the
package's own files, ``ponapi/contract/*.schema.json``, installed with it):

- the stats route's 200 is the contract's JSON Schema (loaded from ponapi/contract, not copied);
- the app's stats route (/api/olts/realtime/...) answers ponapi/contract/app-wire.schema.json;
- each device action's 200 and 202 are the definitions of ``ponapi/contract/actions.schema.json``
  (loaded the same way);
- every error response is the contract's error envelope, narrowed to the codes that operation
  can answer with that status;
- FastAPI's 422 ``HTTPValidationError`` is gone: validation errors are 400 ``INVALID_REQUEST``.

The documentation pages load their scripts and styles from files installed with the
``fastapi-offline`` package (Swagger UI and ReDoc builds), so they render on a network with no
internet: FastAPI's own pages load them from a CDN.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ponapi.api.errors import ApiError, ErrorCode

log = logging.getLogger("ponapi.api")

CONTRACT = Path(__file__).resolve().parents[1] / "contract" / "tr069-stats.schema.json"
ACTIONS_CONTRACT = CONTRACT.with_name("actions.schema.json")
APP_WIRE_CONTRACT = CONTRACT.with_name("app-wire.schema.json")
APP_WIRE = "AppWire"
APP_STATS_PATH = "/api/olts/realtime/{olt_id}/onus/{onu_serial}/tr069-stats"
STATS_PATH = "/api/olts/{olt_id}/onus/{onu_serial}/tr069-stats"
ASSETS_URL = "/docs-assets"
ENVELOPE = "ErrorEnvelope"
STATS = "Tr069Stats"
ACTIONS = "Actions"
ACTIONS_PATH = "/api/olts/{olt_id}/onus/{onu_serial}/tr069/"
# Each action operation's 200 answer: its definition in actions.schema.json.
_ACTION_ANSWERS: dict[tuple[str, str], str] = {
    ("post", "wireless-lan"): "wirelessLanSuccess",
    ("post", "lan-dhcp"): "lanDhcpSuccess",
    ("post", "diagnostic/ping"): "pingSuccess",
    ("post", "diagnostic/traceroute"): "tracerouteSuccess",
    ("post", "diagnostic/speedtest"): "speedtestSuccess",
    ("post", "reboot"): "rebootSuccess",
    ("post", "resync-config"): "resyncSuccess",
    ("post", "factory-reset"): "factoryResetSuccess",
    ("post", "disable"): "adminStateSuccess",
    ("post", "enable"): "adminStateSuccess",
    ("delete", "tasks/{task_id}"): "taskCancelledSuccess",
}
APP_ACTIONS_PATH = "/api/olts/realtime/{olt_id}/onus/{onu_serial}/tr069/"
# Each app action operation's answer (200, and 202 still running): app-wire.schema.json's.
_APP_ACTION_ANSWERS: dict[tuple[str, str], str] = {
    ("post", "wireless-lan"): "wirelessLanAnswer",
    ("post", "lan-dhcp"): "lanDhcpAnswer",
    ("post", "diagnostic/ping"): "pingAnswer",
    ("post", "diagnostic/traceroute"): "tracerouteAnswer",
    ("post", "diagnostic/speedtest"): "speedtestAnswer",
    ("post", "reboot"): "rebootAnswer",
    ("post", "resync-config"): "resyncAnswer",
    ("post", "factory-reset"): "factoryResetAnswer",
    ("post", "disable"): "adminStateAnswer",
    ("post", "enable"): "adminStateAnswer",
    ("delete", "tasks/{task_id}"): "cancelAnswer",
}

# Codes raised inside handlers (the rest follow from each route's dependencies and inputs).
_RAISED: dict[tuple[str, str], tuple[ErrorCode, ...]] = {
    ("post", "/api/auth/login"): (
        ErrorCode.INVALID_REQUEST,
        ErrorCode.UNAUTHORIZED,
        ErrorCode.RATE_LIMITED,
    ),
    ("get", STATS_PATH): (ErrorCode.RATE_LIMITED,),
    ("get", APP_STATS_PATH): (ErrorCode.RATE_LIMITED,),
    ("post", "/api/olts"): (ErrorCode.CONFLICT,),
    ("patch", "/api/olts/{olt_id}"): (ErrorCode.CONFLICT,),
    ("post", "/api/olts/{olt_id}/onus"): (ErrorCode.CONFLICT, ErrorCode.INVALID_SERIAL),
    ("get", "/api/olts/{olt_id}/onus/{onu_serial}"): (ErrorCode.ONU_NOT_FOUND,),
    ("delete", "/api/olts/{olt_id}/onus/{onu_serial}"): (ErrorCode.ONU_NOT_FOUND,),
    ("post", "/api/olts/{olt_id}/onus/discover"): (
        ErrorCode.OLT_UNREACHABLE,
        ErrorCode.OLT_AUTH_FAILED,
        ErrorCode.UPSTREAM_ERROR,
        ErrorCode.UPSTREAM_TIMEOUT,
    ),
    ("post", STATS_PATH + "/refresh"): (
        ErrorCode.ONU_NOT_FOUND,
        ErrorCode.TR069_NOT_SUPPORTED,
        ErrorCode.RATE_LIMITED,
    ),
    ("post", "/api/olts/{olt_id}/onus/{onu_serial}/wifi-survey"): (
        ErrorCode.ONU_NOT_FOUND,
        ErrorCode.TR069_NOT_SUPPORTED,
        ErrorCode.RATE_LIMITED,
    ),
    ("get", "/api/jobs/{job_id}"): (ErrorCode.NOT_FOUND,),
    ("patch", "/api/users/{user_id}"): (ErrorCode.NOT_FOUND,),
    ("post", "/api/users/{user_id}/password"): (ErrorCode.NOT_FOUND,),
    ("post", "/api/users"): (ErrorCode.CONFLICT,),
}


@cache
def contract() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(CONTRACT.read_text(encoding="utf-8"))
    return loaded


@cache
def actions_contract() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(ACTIONS_CONTRACT.read_text(encoding="utf-8"))
    return loaded


def _status(code: ErrorCode) -> int:
    return ApiError(code, "").status


def _dependency_names(dependant: Dependant) -> Iterator[str]:
    for dep in dependant.dependencies:
        if dep.call is not None:
            yield getattr(dep.call, "__qualname__", "")
        yield from _dependency_names(dep)


def _route_codes(route: APIRoute, method: str, operation: dict[str, Any]) -> set[ErrorCode]:
    codes = set(_RAISED.get((method, route.path), ()))
    deps = set(_dependency_names(route.dependant))
    if operation.get("parameters") or operation.get("requestBody"):
        codes.add(ErrorCode.INVALID_REQUEST)
    if "get_current_user" in deps:
        codes.add(ErrorCode.UNAUTHORIZED)
    if any(name.startswith("require_role.") for name in deps):
        codes.add(ErrorCode.FORBIDDEN)
    if "{olt_id}" in route.path:
        codes.add(ErrorCode.OLT_NOT_FOUND)
    if "{onu_serial}" in route.path:
        codes.add(ErrorCode.INVALID_SERIAL)
    for response in operation.get("responses", {}).values():  # codes the route documents
        for name in re.findall(r"\b[A-Z][A-Z0-9_]+\b", str(response.get("description", ""))):
            if name in ErrorCode.__members__:
                codes.add(ErrorCode(name))
    return codes


def _error_response(codes: list[str], description: str) -> dict[str, Any]:
    schema = {
        "allOf": [
            {"$ref": f"#/components/schemas/{ENVELOPE}"},
            {"properties": {"code": {"enum": codes}}},
        ]
    }
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _rebase_refs(node: Any, prefix: str = STATS) -> Any:
    """``#/$defs/x`` (the contract's file) becomes ``#/components/schemas/Tr069Stats_x``
    (``prefix``_x)."""
    if isinstance(node, dict):
        return {
            k: (
                f"#/components/schemas/{prefix}_{v.removeprefix('#/$defs/')}"
                if k == "$ref" and isinstance(v, str) and v.startswith("#/$defs/")
                else _rebase_refs(v, prefix)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rebase_refs(v, prefix) for v in node]
    return node


def _add_contract_schemas(schemas: dict[str, Any]) -> bool:
    """The contract's definitions as components; False when the contract file is not there
    (an install without the package's data files): the envelope is then built from the codes."""
    try:
        defs = contract()["$defs"]
    except OSError:
        log.warning("API contract not found at %s; /openapi.json describes less", CONTRACT)
        schemas[ENVELOPE] = {
            "type": "object",
            "required": ["success", "error", "code", "details", "message"],
            "properties": {
                "success": {"const": False},
                "error": {"type": "string"},
                "code": {"enum": [c.value for c in ErrorCode]},
                "details": {"type": "string"},
                "message": {"type": "string"},
            },
        }
        return False
    for name, definition in defs.items():
        schemas[f"{STATS}_{name}"] = _rebase_refs(copy.deepcopy(definition))
    schemas[ENVELOPE] = schemas.pop(f"{STATS}_error")
    schemas[ENVELOPE]["description"] = "The contract's error envelope (docs/contract)."
    schemas[STATS] = schemas.pop(f"{STATS}_success")
    return True


def _add_action_schemas(schemas: dict[str, Any]) -> bool:
    """The actions contract's definitions as ``Actions_x`` components; False when its file is
    not there (the action answers then stay unspecific, as the stats one does)."""
    try:
        defs = actions_contract()["$defs"]
    except OSError:
        log.warning(
            "Actions contract not found at %s; /openapi.json describes less", ACTIONS_CONTRACT
        )
        return False
    for name, definition in defs.items():
        schemas[f"{ACTIONS}_{name}"] = _rebase_refs(copy.deepcopy(definition), ACTIONS)
    return True


def _add_app_wire_schemas(schemas: dict[str, Any]) -> bool:
    """The app's wire format (ponapi/contract/app-wire.schema.json) as ``AppWire_x``
    components; False when its file is not there."""
    try:
        defs = json.loads(APP_WIRE_CONTRACT.read_text(encoding="utf-8"))["$defs"]
    except OSError:
        log.warning("App wire contract not found at %s", APP_WIRE_CONTRACT)
        return False
    for name, definition in defs.items():
        schemas[f"{APP_WIRE}_{name}"] = _rebase_refs(copy.deepcopy(definition), APP_WIRE)
    return True


def _action_answers(path: str, method: str, responses: dict[str, Any]) -> None:
    """An action operation's 200 (its own answer) and 202 (the job) from the actions contract."""
    name = _ACTION_ANSWERS.get((method, path.removeprefix(ACTIONS_PATH)))
    if not path.startswith(ACTIONS_PATH) or name is None:
        return
    answers = {"200": name, **({"202": "jobAccepted"} if method == "post" else {})}
    for status, definition in answers.items():
        response = responses.setdefault(status, {"description": "Success"})
        schema = {"$ref": f"#/components/schemas/{ACTIONS}_{definition}"}
        response.setdefault("content", {})["application/json"] = {"schema": schema}


def _app_action_answers(path: str, method: str, responses: dict[str, Any]) -> None:
    """An app action operation's 200 and 202 from the app's wire contract."""
    name = _APP_ACTION_ANSWERS.get((method, path.removeprefix(APP_ACTIONS_PATH)))
    if not path.startswith(APP_ACTIONS_PATH) or name is None:
        return
    schema = {"$ref": f"#/components/schemas/{APP_WIRE}_{name}"}
    for status in ("200", "202") if method == "post" else ("200",):
        response = responses.setdefault(status, {"description": "Success"})
        response.setdefault("content", {})["application/json"] = {"schema": schema}


def describe(app: FastAPI, document: dict[str, Any]) -> dict[str, Any]:
    """The generated document, corrected to the contract (see the module's docstring)."""
    doc = copy.deepcopy(document)
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    has_contract = _add_contract_schemas(schemas)
    has_actions = _add_action_schemas(schemas)
    has_app_wire = _add_app_wire_schemas(schemas)
    routes = {(r.path, m.lower()): r for r in _api_routes(app) for m in r.methods or ()}
    for path, operations in doc.get("paths", {}).items():
        for method, operation in operations.items():
            route = routes.get((path, method))
            responses: dict[str, Any] = operation.setdefault("responses", {})
            _drop_validation_error(responses)
            if route is not None and path.startswith("/api/"):
                by_status: dict[int, list[str]] = {}
                for code in sorted(_route_codes(route, method, operation)):
                    by_status.setdefault(_status(code), []).append(code.value)
                for status, codes in sorted(by_status.items()):
                    responses[str(status)] = _error_response(codes, " or ".join(codes))
            if path == STATS_PATH and method == "get" and has_contract:
                content = responses["200"].setdefault("content", {})
                content["application/json"] = {"schema": {"$ref": f"#/components/schemas/{STATS}"}}
            if path == APP_STATS_PATH and method == "get" and has_app_wire:
                content = responses["200"].setdefault("content", {})
                schema = {"$ref": f"#/components/schemas/{APP_WIRE}_stats"}
                content["application/json"] = {"schema": schema}
            if has_actions:
                _action_answers(path, method, responses)
            if has_app_wire:
                _app_action_answers(path, method, responses)
            operation["responses"] = dict(sorted(responses.items()))
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return doc


def _api_routes(app: FastAPI) -> list[APIRoute]:
    try:  # FastAPI >= 0.160 keeps included routers as branches
        from fastapi.routing import iter_route_contexts
    except ImportError:  # pragma: no cover (older FastAPI: a flat list)
        return [r for r in app.routes if isinstance(r, APIRoute)]
    found = (c.original_route for c in iter_route_contexts(app.routes))
    return [r for r in found if isinstance(r, APIRoute)]


def _drop_validation_error(responses: dict[str, Any]) -> None:
    response = responses.get("422", {})
    if "HTTPValidationError" in json.dumps(response):
        del responses["422"]


def install_openapi(app: FastAPI) -> None:
    """Serve the corrected document at ``/openapi.json`` and the offline ``/docs`` and
    ``/redoc`` pages (FastAPI's CDN-backed pages are replaced)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = describe(app, generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    _install_pages(app)


def _assets() -> Path:
    # fastapi-offline ships the Swagger UI and ReDoc builds as package files; only its files
    # are used (its FastAPI factory would have to own the app's construction).
    import fastapi_offline

    return Path(fastapi_offline.__file__).resolve().parent / "static"


def _install_pages(app: FastAPI) -> None:
    docs_url, redoc_url = app.docs_url or "/docs", app.redoc_url or "/redoc"
    replaced = {docs_url, redoc_url}
    app.router.routes[:] = [r for r in app.router.routes if getattr(r, "path", "") not in replaced]
    app.mount(ASSETS_URL, StaticFiles(directory=_assets()), name="docs-assets")
    title = app.title

    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{title} - Swagger UI",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            oauth2_redirect_url=app.swagger_ui_oauth2_redirect_url,
            # No badge fetched from the public validator service.
            swagger_ui_parameters={"validatorUrl": None},
        )

    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )

    app.add_api_route(docs_url, swagger_ui, include_in_schema=False)
    app.add_api_route(redoc_url, redoc, include_in_schema=False)
