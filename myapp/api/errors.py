"""Every /api error as RealWorld JSON: ``{"errors": {"field": ["message"]}}``."""

from typing import Any

from flask import Response, current_app, jsonify
from werkzeug.exceptions import HTTPException

from myapp.api.schemas import ENVELOPE_KEYS
from myapp.errors import DomainError

# The key a generic HTTP error is reported under, so clients can show "<key> <message>".
DEFAULT_MESSAGES: dict[int, tuple[str, str]] = {
    400: ("request", "is malformed"),
    401: ("token", "is missing"),
    403: ("token", "does not allow this"),
    404: ("path", "not found"),
    405: ("method", "is not allowed for this path"),
    413: ("body", "is too large (maximum is 1 MiB)"),
    415: ("body", "must be JSON"),
    429: ("requests", "are too many; try again later"),
}
LOCATIONS = {
    "json",
    "query",
    "path",
    "headers",
    "form",
    "files",
    "cookies",
    "view_args",
}


def flatten(messages: Any, prefix: str = "", whole: str = "body") -> dict[str, list[str]]:
    """Turn webargs' nested messages into RealWorld's flat ``{"field": [...]}``.

    ``{"json": {"user": {"email": [...]}}}`` becomes ``{"email": [...]}``: the request
    location and the envelope key say nothing a client can act on. Errors about a whole
    object (marshmallow's ``_schema``) are reported under ``whole``: the envelope's name.
    """
    if isinstance(messages, dict):
        if not prefix and messages.keys() <= LOCATIONS:
            merged: dict[str, list[str]] = {}
            for value in messages.values():
                merged.update(flatten(value))
            return merged
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            if not prefix and key in ENVELOPE_KEYS and isinstance(value, dict):
                flat.update(flatten(value, whole=key))
                continue
            name = whole if key == "_schema" else str(key)
            flat.update(flatten(value, f"{prefix}.{name}" if prefix else name))
        return flat
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return {prefix or whole: messages}
    if isinstance(messages, list):
        flat = {}
        for index, value in enumerate(messages):
            flat.update(flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or whole: [str(messages)]}


def error_response(status: int, messages: dict[str, list[str]]) -> tuple[Response, int]:
    return jsonify(errors=messages), status


def handle_error(error: Exception) -> tuple[Response, int] | Response:
    if isinstance(error, DomainError):
        return error_response(error.status, error.messages)
    if not isinstance(error, HTTPException):  # pragma: no cover - the factory routes only these
        raise error
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    if "messages" in data:  # validation by webargs / flask-smorest
        messages = flatten(data["messages"])
    elif status == 503:
        messages = {"database": [error.description]}
    elif status >= 500:
        if status == 500:
            current_app.logger.error(
                "unhandled error", exc_info=getattr(error, "original_exception", None)
            )
        messages = {"server": ["could not handle this request; try again later"]}
    else:
        key, default = DEFAULT_MESSAGES.get(status, ("request", error.name.lower()))
        described = error.description if error.description != type(error).description else None
        if status == 429 and described:  # "try again in 42 seconds", from myapp/limits.py
            described = f"are too many; {described}"
        messages = {key: [described or default]}
    response, status = error_response(status, messages)
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response, status
