"""An action's request body, from the bytes sent to the validated model (no web framework).

The models are those of ``ponapi.actions.models`` (pydantic; each key accepted in snake_case
or camelCase, unknown keys refused, every field checked by ``ponapi.actions.validate``). Here:
the JSON itself (no body, or only whitespace, is ``{}``; anything unparsable is ``body: is not
valid JSON``), the validated body as plain JSON values (what the audit keeps and what an
``Idempotency-Key`` is compared with; never the raw bytes, which may be padded), and the schema
each model publishes in the OpenAPI document. Every failure is an
:class:`ActionValidationError` naming the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Generic

import orjson
from pydantic import BaseModel, ValidationError

from ponapi.actions import models as m
from ponapi.actions.errors import ActionValidationError


@dataclass(frozen=True)
class Body(Generic[m.M]):
    """A validated body, and the same as plain JSON values: the fields the caller set, each as
    validated (``country_domain: "BR - Brazil"`` is ``"BR"``), ``{}`` when none was set."""

    value: m.M
    sent: dict[str, Any]


def json_of(raw: bytes) -> Any:
    """The JSON value of a request's bytes; None for no body (empty or whitespace)."""
    if not raw.strip():
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ActionValidationError("body", "is not valid JSON") from None


def parse(model: type[m.M], raw: bytes) -> Body[m.M]:
    """Validate the bytes of a request as ``model`` (see :func:`ponapi.actions.models.parse`)."""
    value = m.parse(model, json_of(raw))
    return Body(value, value.model_dump(mode="json", exclude_unset=True))


def required(model: type[BaseModel]) -> bool:
    """Whether the action needs a body: no body (``{}``) is refused."""
    try:
        model.model_validate({})
    except (ValidationError, ActionValidationError):
        return True
    return False


def schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema for the OpenAPI document: keys in snake_case (the spelling the
    error details use), every definition inlined (the schema stands alone), a plain-text
    description saying camelCase keys are accepted too."""
    raw = model.model_json_schema(by_alias=False, mode="validation")
    defs = raw.pop("$defs", {})
    out: dict[str, Any] = _inline(raw, defs)
    text = _plain(model.__doc__ or "")
    note = "Each key is also accepted in camelCase (numberOfRepetitions for number_of_repetitions)."
    out["description"] = f"{text}\n\n{note}" if text else note
    return out


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def _plain(doc: str) -> str:
    """A docstring without reStructuredText markup, its lines joined."""
    text = re.sub(r":\w+:`([^`]+)`", r"\1", doc).replace("``", "`")
    return " ".join(text.split())
