"""The Flask class the app is made of (myapp/application.py)."""

import operator
from collections.abc import Callable
from typing import Any

import pytest
from flask import Blueprint, Flask, after_this_request, session

from myapp.application import Conduit


def test_hooks_and_views_are_found_plain_once_by_their_code_and_requests_add_none():
    app = Conduit(__name__)
    seen = []

    @app.get("/")
    def index():
        @after_this_request
        def note(response):
            seen.append(response.status_code)
            return response

        return "ok"

    client = app.test_client()
    assert client.get("/").status_code == 200
    remembered = set(app.sync_code)
    assert client.get("/").status_code == 200 and client.get("/").status_code == 200
    assert seen == [200, 200, 200]
    assert index.__code__ in app.sync_code
    # Each request's callback is a new function of the same code: nothing more to remember.
    assert app.sync_code == remembered


def test_a_coroutine_function_gets_flasks_answer_every_time():
    app = Conduit(__name__)

    async def view():
        return "ok"

    for _ in range(2):  # without asgiref Flask refuses it, and keeps refusing it
        with pytest.raises(RuntimeError, match="async"):
            app.ensure_sync(view)
    assert view.__code__ not in app.sync_code


def test_a_callable_without_code_of_its_own_is_answered_every_time():
    app = Conduit(__name__)
    strip = operator.methodcaller("strip")  # a hook may be any callable
    assert app.ensure_sync(strip) is strip and app.ensure_sync(strip) is strip


def app_with_hooks(kind: type[Flask], calls: list[str]) -> Flask:
    """An app with app-wide and blueprint hooks of each kind, a request's own callback and a
    session, each noting its call in ``calls``; two blueprints, ``api`` and ``pages``."""
    app = kind(__name__)
    app.secret_key = "test"

    def note(name: str, answer: Any = None) -> Callable[..., Any]:
        def hook(*args: Any) -> Any:
            calls.append(name)
            return args[0] if args else answer

        hook.__name__ = name
        return hook

    for name in ("first", "second", "third"):
        app.before_request(note(f"before {name}"))
        app.after_request(note(f"after {name}"))
    for prefix in ("api", "pages"):
        blueprint = Blueprint(prefix, __name__, url_prefix=f"/{prefix}")
        blueprint.url_value_preprocessor(note(f"{prefix} url values"))
        blueprint.before_request(note(f"{prefix} before"))
        blueprint.after_request(note(f"{prefix} after"))

        @blueprint.get("/<word>")
        def view(word: str) -> str:
            after_this_request(note("this request's own"))
            session["word"] = word
            return word

        app.register_blueprint(blueprint)
    app.get("/refused")(lambda: "never")
    app.before_request(note("before refusing", answer="refused"))
    return app


def calls_for(app: Flask, calls: list[str], path: str) -> tuple[list[str], str, bool]:
    calls.clear()
    response = app.test_client().get(path)
    return list(calls), response.get_data(as_text=True), "Set-Cookie" in response.headers


def test_hooks_idle_on_a_blueprint_are_skipped_there_and_the_rest_run_as_flask_runs_them():
    flask_calls: list[str] = []
    flask_app = app_with_hooks(Flask, flask_calls)
    calls: list[str] = []
    app = app_with_hooks(Conduit, calls)
    before, after = app.before_request_funcs[None], app.after_request_funcs[None]
    refusing = before.pop()  # a test of its own, below
    flask_app.before_request_funcs[None].pop()
    idle = {"before second", "after first", "after third"}
    app.skip_hooks("api", *(hook for hook in before + after if hook.__name__ in idle))

    api, flasks_api = calls_for(app, calls, "/api/x"), calls_for(flask_app, flask_calls, "/api/x")
    assert api[0] == [name for name in flasks_api[0] if name not in idle]
    assert api[1:] == flasks_api[1:] == ("x", True)  # the view's answer, the session saved
    assert "this request's own" in api[0] and "api url values" in api[0]
    # Every other request runs every hook, as Flask does.
    for path in ("/pages/y", "/nowhere"):
        assert calls_for(app, calls, path) == calls_for(flask_app, flask_calls, path)

    # A hook that answers ends the before-request hooks there, as in Flask.
    before.append(refusing)
    refused = calls_for(app, calls, "/api/x")
    assert refused[1] == "refused" and "api before" not in refused[0]
    assert refused[0][: refused[0].index("before refusing") + 1] == [
        "api url values",
        "before first",
        "before third",
        "before refusing",
    ]


def test_only_the_apps_own_app_wide_hooks_can_be_skipped():
    app = app_with_hooks(Conduit, [])
    with pytest.raises(ValueError, match="not app-wide hooks"):
        app.skip_hooks("api", app.before_request_funcs["api"][0])
