"""Absolute URLs of the site's pages, for what is read away from the site: canonical links,
share cards, structured data.

They are built on ``PUBLIC_URL`` when it is set (production requires it), never on a request's
``Host``; without it (development, tests) on the address the request came to, or outside a
request on the development server's.
"""

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request

DEVELOPMENT_URL = "http://127.0.0.1:8000"


def site_url() -> str:
    """The site's address without a trailing slash: ``PUBLIC_URL``, else the request's root."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")
    return DEVELOPMENT_URL


def build_url(base: str, endpoint: str, _anchor: str | None = None, **values: Any) -> str:
    """An absolute URL to ``endpoint`` on the site at ``base`` (``url_for``'s arguments;
    values that are not the rule's become the query string)."""
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme
    )
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{_anchor}" if _anchor else url


def absolute_url(endpoint: str, _anchor: str | None = None, **values: Any) -> str:
    """An absolute URL to ``endpoint`` on ``site_url()``."""
    return build_url(site_url(), endpoint, _anchor, **values)


def canonical_url(*params: str) -> str | None:
    """The absolute URL of the page being answered, with only the query arguments ``params``
    (those that choose what it shows) and without any other (tracking, display): a blank one
    is left out, and ``page`` only past the first. None outside a routed request."""
    values = canonical_values(*params)
    return None if values is None else absolute_url(request.endpoint, **values)


def canonical_values(*params: str) -> dict[str, Any] | None:
    """What ``canonical_url`` builds the page's address from: the route's values and ``params``
    from the query string."""
    if not has_request_context() or request.url_rule is None or request.endpoint is None:
        return None
    values = dict(request.view_args or {})
    for name in params:
        if name == "page":
            page = request.args.get("page", 1, type=int) or 1
            if page > 1:
                values["page"] = page
        elif value := (request.args.get(name) or "").strip():
            values[name] = value
    return values
