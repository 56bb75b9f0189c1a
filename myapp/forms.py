"""Helpers for the HTML forms: load them through the shared schemas, and send people back."""

import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from flask import redirect, request
from marshmallow import Schema, ValidationError
from werkzeug.wrappers import Response

Errors = dict[str, list[str]]


def load_form(schema: Schema, data: dict[str, Any]) -> tuple[dict[str, Any] | None, Errors]:
    """Validate ``data`` with the same schema the API uses: (result, {}) or (None, errors)."""
    try:
        return schema.load(data), {}
    except ValidationError as error:
        return None, {key: _messages(value) for key, value in error.normalized_messages().items()}


def _messages(value: Any) -> list[str]:
    if isinstance(value, dict):  # per-item errors, as for tags
        return [m for messages in value.values() for m in _messages(messages)]
    return [str(m) for m in value] if isinstance(value, list) else [str(value)]


def split_tags(text: str) -> list[str]:
    """Tags typed into one field, separated by commas or spaces."""
    return [tag for tag in re.split(r"[,\s]+", text or "") if tag]


def is_local_path(target: str | None) -> bool:
    """Only same-site paths: no scheme, no host, no protocol-relative ``//`` tricks.

    Control characters are refused: CR or LF makes the Location header invalid (a 500 after the
    action was saved), and tabs are dropped (by Werkzeug's iri_to_uri as by browsers), so
    "/<tab>/evil" would redirect to "//evil". So are backslashes, which browsers read as "/",
    and lone surrogates, which no header can encode.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if any(c == "\\" or unicodedata.category(c) in ("Cc", "Cs") for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def redirect_back(default: str) -> Response:
    """Back to the local page named by the form's or query's ``next``, else to ``default``."""
    target = request.form.get("next") or request.args.get("next")
    return redirect(target if is_local_path(target) else default)
