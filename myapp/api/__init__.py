"""The JSON API under /api, wire-compatible with the RealWorld "Conduit" spec.

One module per resource; each view parses input (flask-smorest + the shared marshmallow
schemas), calls one service and returns what the response schema dumps.
"""

from collections.abc import Callable
from typing import Any

import flask_smorest
from flask import Response, current_app, request
from flask_login import login_required

from myapp.application import API_PREFIX
from myapp.authentication import authenticate_by_token
from myapp.caching import cached
from myapp.json_provider import JsonBodyParser


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = JsonBodyParser()

    @staticmethod
    def doc(**kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """flask-smorest's ``doc``, kept on the view itself: its wrapper only called the view,
        one more call on every request for each ``doc`` (two on most views)."""
        document = flask_smorest.Blueprint.doc(**kwargs)

        def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
            view._apidoc = document(view)._apidoc  # type: ignore[attr-defined]
            return view

        return decorator


bp = Blueprint("api", __name__, url_prefix=API_PREFIX, description="The RealWorld Conduit API")

TOKEN_AUTH = [{"Token": []}]


@bp.before_request
def check_a_presented_token() -> None:
    """The request's user, from its token alone, checked even where the view never asks who
    is signed in (the tags): a wrong, expired or suspended token is refused on every endpoint.
    An API request has no session nor cookie to look in first, as Flask-Login would."""
    authenticate_by_token(request)


def token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Answer 401 unless the request carries a valid token (and document that it must)."""
    return bp.doc(security=TOKEN_AUTH)(login_required(view))


def token_optional(view: Callable[..., Any]) -> Callable[..., Any]:
    """Document that a token is accepted: it sets the per-viewer flags."""
    return bp.doc(security=[{}, *TOKEN_AUTH])(view)


def json_response(payload: Any, status: int = 200) -> Response:
    """A JSON response flask-smorest passes through as is: the payload is already API JSON
    (built by the *_json functions that tests prove equal to the documented schemas)."""
    return current_app.response_class(
        current_app.json.dumps(payload), status=status, mimetype="application/json"
    )


def cached_json(namespace: str, build: Callable[[], Any], *key: Any) -> Response:
    """``json_response(build())``, kept in the cache until content changes.

    For reads whose JSON follows from ``key`` and the content alone: what a reader's flags
    change goes into ``key``. A domain error raised by ``build`` is not cached.
    """
    body = cached(namespace, lambda: current_app.json.dumps(build()), *key)
    return current_app.response_class(body, mimetype="application/json")


from myapp.api import articles, comments, profiles, reports, tags, users  # noqa: E402,F401
