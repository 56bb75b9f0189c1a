"""Helpers for the HTML forms: load them through the shared schemas, sign their CSRF tokens,
and send people back."""

import re
import threading
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from cachetools import LRUCache
from flask import current_app, g, redirect, request, session
from flask_wtf.csrf import generate_csrf
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


SIGNED_CSRF_TOKENS = 1024
_signed_csrf_tokens: LRUCache[tuple[str, str | bytes], str] = LRUCache(SIGNED_CSRF_TOKENS)
_signing = threading.Lock()  # cachetools' caches are not thread-safe


def csrf_token() -> str:
    """flask-wtf's CSRF token for this session (``generate_csrf``), signed once per process.

    flask-wtf signs the session's token anew for every page with a form: a serializer made, its
    key derived, the token and the time signed (20 µs in a loop, a twentieth of a signed-in
    article page). With ``WTF_CSRF_TIME_LIMIT`` unset, as here, a token is valid for as long as
    its session whenever it was signed, so one signature serves every page: each process keeps
    the last ``SIGNED_CSRF_TOKENS`` sessions'. With a time limit, every page gets a new one."""
    config = current_app.config
    field = config["WTF_CSRF_FIELD_NAME"]
    if field in g:
        return g.get(field)  # this request's, where flask-wtf keeps it
    if config["WTF_CSRF_TIME_LIMIT"] is not None:
        return generate_csrf()
    secret = config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    raw = session.get(field)
    with _signing:
        token = None if raw is None else _signed_csrf_tokens.get((raw, secret))
    if token is not None:
        setattr(g, field, token)  # so that flask-wtf's own calls answer the same
        return token
    token = generate_csrf()  # which gives the session its token if it had none
    with _signing:
        _signed_csrf_tokens[session[field], secret] = token
    return token
