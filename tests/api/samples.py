"""One successful request for every API route and method, shared by the compatibility and the
OpenAPI tests (the ``world`` fixture in conftest.py makes the data they address)."""

import re

from werkzeug.routing import Rule

from myapp.extensions import db
from myapp.users.models import User
from myapp.users.tokens import password_reset_token

NEW_ARTICLE = {"article": {"title": "T", "description": "D", "body": "B"}}
NEW_USER = {"user": {"username": "new", "email": "new@example.com", "password": "password-new"}}

# One successful request per API route and method: (who acts, body, expected status).
# A route without an entry fails test_every_route_has_a_sample, so new routes get covered.
SAMPLES = {
    ("GET", "/api/articles"): (None, None, 200),
    ("GET", "/api/user/export"): ("reader", None, 200),
    ("DELETE", "/api/user"): ("reader", "delete", 204),
    ("PUT", "/api/articles/<slug>/comments/<comment_id>"): (
        "reader", {"comment": {"body": "Edited"}}, 200),  # fmt: skip
    ("POST", "/api/articles"): ("reader", NEW_ARTICLE, 201),
    ("GET", "/api/articles/feed"): ("reader", None, 200),
    ("GET", "/api/articles/<slug>"): (None, None, 200),
    ("GET", "/api/articles/<slug>/related"): (None, None, 200),
    ("PUT", "/api/articles/<slug>"): ("author", {"article": {"body": "New body"}}, 200),
    ("DELETE", "/api/articles/<slug>"): ("author", None, 204),
    ("POST", "/api/articles/<slug>/favorite"): ("reader", None, 200),
    ("DELETE", "/api/articles/<slug>/favorite"): ("reader", None, 200),
    ("GET", "/api/articles/<slug>/comments"): (None, None, 200),
    ("POST", "/api/articles/<slug>/comments"): ("reader", {"comment": {"body": "Hi"}}, 200),
    ("DELETE", "/api/articles/<slug>/comments/<comment_id>"): ("reader", None, 204),
    ("GET", "/api/profiles/<username>"): (None, None, 200),
    ("POST", "/api/profiles/<username>/follow"): ("reader", None, 200),
    ("DELETE", "/api/profiles/<username>/follow"): ("reader", None, 200),
    ("GET", "/api/tags"): (None, None, 200),
    ("POST", "/api/users"): (None, NEW_USER, 201),
    ("POST", "/api/users/login"): (None, "login", 200),
    ("GET", "/api/user"): ("reader", None, 200),
    ("PUT", "/api/user"): ("reader", {"user": {"bio": "Hello"}}, 200),
    ("GET", "/api/user/articles"): ("author", None, 200),
    ("POST", "/api/articles/<slug>/publish"): ("author", None, 200),
    ("POST", "/api/users/password-reset"): (None, {"user": {"email": "who@example.com"}}, 202),
    ("POST", "/api/users/password-reset/confirm"): (None, "reset", 200),
    ("POST", "/api/articles/<slug>/report"): ("reader", {"report": {"reason": "spam"}}, 202),
    ("POST", "/api/articles/<slug>/comments/<comment_id>/report"):
        ("author", {"report": {"reason": "abuse", "note": "Rude"}}, 202),
}  # fmt: skip


def template(rule: Rule) -> str:
    """``/api/articles/<slug>`` for the rule, whatever its converters."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"<\1>", rule.rule)


def api_routes(app) -> set[tuple[str, str]]:
    return {
        (method, template(rule))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def fill(path: str, world) -> str:
    values = {
        "slug": world["slug"],
        "username": world["author"].username,
        "comment_id": str(world["comment_id"]),
    }
    return re.sub(r"<([^>]+)>", lambda m: values[m.group(1)], path)


def send(client, world, method, path, slash):
    actor, body, expected = SAMPLES[(method, path)]
    if body == "login":
        body = {"user": {"email": world["reader"].email, "password": world["reader"].password}}
    elif body == "delete":
        body = {"user": {"password": world["reader"].password}}
    elif body == "reset":
        body = {"token": reset_token(client.application, world["reader"].id),
                "password": "a-new-password"}  # fmt: skip
    headers = world[actor].headers if actor else {}
    url = fill(path, world) + ("/" if slash else "")
    return client.open(url, method=method, json=body, headers=headers), expected


def reset_token(app, user_id: int) -> str:
    """The token a password reset email would carry for this user."""
    with app.app_context():
        return password_reset_token(db.session.get(User, user_id))
