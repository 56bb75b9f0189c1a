"""The Flask class the app is made of (myapp/application.py)."""

import operator

import pytest
from flask import after_this_request

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
