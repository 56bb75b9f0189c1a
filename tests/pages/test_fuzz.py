"""Hostile input on every page and form, signed in and out: never a 500, never a traceback.

Values are written as they travel (percent-encoded), so that bytes no client library would send,
such as invalid UTF-8 or an encoded lone surrogate, reach the app as they would from a socket.
Routes come from the app's url_map, so a new page or form is fuzzed (or fails loudly) by itself.
Each test loops over its requests and lists every failure at once, rather than one test per
request, to stay fast.
"""

import itertools
import re
from collections.abc import Callable, Iterator
from typing import NamedTuple
from urllib.parse import quote, quote_plus

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from myapp.extensions import db
from myapp.moderation import services as moderation
from myapp.moderation.models import AuditEntry
from myapp.users import services as users
from tests.factories import Account, Factory
from tests.pages.conftest import PageClient

HOSTILE = [
    "",
    "%20",
    "%00",
    "a%00b",
    "%0D%0A",
    "%2F%0D%0ASet-Cookie:%20x=y",  # "/\r\nSet-Cookie: x=y"
    "%2F%09%2Fevil.example",  # "/\t/evil.example"
    "%1B%5B31m%07%08%7F",
    "%C2%85%E2%80%A8%E2%80%AE%EF%BB%BF",  # NEL, line separator, RTL override, BOM
    "%ED%A0%80",  # a lone surrogate (U+D800) in UTF-8
    "%FF",  # never valid UTF-8
    "%C0%AF%F4%90%80%80",  # overlong "/", and beyond U+10FFFF
    "%",
    "%ZZ",
    "%5C",
    "%2F%5Cevil.example",
    "%2F%2Fevil.example",
    "javascript:alert(1)",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E%7B%7B7*7%7D%7D",
    "-1",
    "0",
    "99999999999999999999",
    "abc",
    "1.5",
    "unknown",
    "yours",
    "favorites",
    "a" * 10_000,
    "%F0%9F%92%A9" * 1_000,  # 4-byte characters
    "%E2%80%8B" * 300,  # zero-width spaces
]

# Query keys the pages read, keys that once reached url_for, and odd keys. Not a NUL: any
# query with one is refused (400) before the views, so it would hide the other keys.
QUERY_KEYS = ["page", "tab", "tag", "next", "endpoint", "_method", "_external", "_anchor"]
QUERY_KEYS += ["_scheme", "%FF", "%ED%A0%80", "a%5Bb%5D"]
QUERY_KEYS += ["q"]  # the search page (/search?q=)
QUERIES = ["&".join(f"{key}={value}" for key in QUERY_KEYS) for value in HOSTILE] + [
    "endpoint=x",
    "_method=POST",
    "_external=1&_scheme=javascript",
    "_anchor=x&_external=1",
    "page=-1",
    "page=0",
    "page=99999999999999999999",
    "page=abc",
    "page=" + "9" * 5_000,  # past int()'s digit limit
    "page=1&page=2&tab=yours&tab=global&tag=t&tag=u",
    "tab=unknown",
    "tab=yours&page=2",
    "tag=t&page=2",
    "tag=&tab=",
    "=&&==&page",
    "%00=x",
    "next=" + "%0D%0A" * 1_000,
]
PATH_VALUES = ["%ED%A0%80", "%FF", "%0D%0A", "a" * 2_000, "99999999999999999999", "-1"]

ARTICLE = {"title": "T{n}", "description": "D", "body": "B", "tags": "a b"}
# Every form, with valid fields (so a hostile value in one field reaches the services).
# A new POST route fails test_every_form_is_fuzzed until it is listed here.
FORMS: dict[str, dict[str, str]] = {
    "auth.login": {"email": "{email}", "password": "{password}", "remember": "1"},
    "auth.register": {"username": "u{n}", "email": "u{n}@example.com", "password": "password-1"},
    "auth.logout": {},
    "auth.logout_everywhere": {},
    "auth.forgot_password": {"email": "{email}"},
    "auth.reset_password": {"password": "{password}"},  # the same password: sign-ins still work
    "pages.settings": {
        "image": "https://example.com/a.png",
        "username": "me{n}",
        "bio": "Bio",
        "email": "{email}",
        "password": "",
        "currentPassword": "{password}",
        "notifications": "on-form",
        "notify": "comments",
    },
    "pages.new_article": {
        **ARTICLE,
        "action": "schedule",
        "publishAt": "2099-01-01T09:00",
        "timeZone": "Europe/Paris",
    },
    "pages.edit_article": {**ARTICLE, "action": "draft"},
    "pages.publish_article": {},
    "pages.unsubscribe": {"List-Unsubscribe": "One-Click"},
    "pages.add_comment": {"body": "Nice."},
    "pages.delete_comment": {"confirm": "yes"},
    "pages.edit_comment": {"body": "Edited."},
    "pages.preview_new_article": {"title": "T", "body": "**B**"},
    "pages.preview_article": {"title": "T", "body": "**B**"},
    "pages.delete_account": {"password": "not-the-password"},
    "pages.delete_article": {"confirm": "yes"},
    "pages.favorite": {},
    "pages.unfavorite": {},
    "pages.follow": {},
    "pages.unfollow": {},
    "pages.report_article": {"reason": "spam", "note": "N"},
    "pages.report_comment": {"reason": "abuse", "note": "N"},
    # The admin area's, which the fuzzing account (an admin) may use
    "admin.hide_article": {"reason": "R"},
    "admin.unhide_article": {},
    "admin.hide_comment": {"reason": "R"},
    "admin.unhide_comment": {},
    "admin.dismiss_report": {},
    "admin.set_role": {"role": "moderator"},
    "admin.suspend": {"reason": "R", "until": "2099-01-01"},
    "admin.unsuspend": {},
    "admin.delete_user": {"confirm": "writer"},
    "admin.rename_tag": {"name": "t{n}"},
    "admin.merge_tag": {"name": "u"},
}
SIGNED_IN = [pytest.param(False, id="signed-out"), pytest.param(True, id="signed-in")]


class Fuzzer:
    """Sends requests in the wanted signed-in state and records any that failed."""

    def __init__(self, client: FlaskClient, me: Account, signed_in: bool) -> None:
        self.client, self.pages, self.me, self.signed_in = client, PageClient(client), me, signed_in
        self.token = ""
        self.failures: list[str] = []

    def keep_state(self) -> None:
        """Undo a sign-in (by the login form) or a sign-out (by the logout form)."""
        with self.client.session_transaction() as session:
            is_in = "_user_id" in session
        if is_in and not self.signed_in:
            self.client.delete_cookie("session")
            self.token = ""
        elif self.signed_in and not is_in:
            self.pages.login(self.me)
            self.token = ""

    def send(self, method: str, url: str, body: str | None = None) -> TestResponse | None:
        self.keep_state()
        if method == "POST" and not self.token:
            self.token = self.pages.csrf_token()
        response = self._send(method, url, body)
        if response is not None and response.status_code == 400 and "CSRF" in _text(response):
            self.token = self.pages.csrf_token()  # the session was cleared: sign-in, sign-out
            response = self._send(method, url, body)
        return response

    def _send(self, method: str, url: str, body: str | None) -> TestResponse | None:
        label = f"{method} {url[:120]} {(body or '')[:200]!r}"
        if body is not None:
            body = "&".join(filter(None, [f"csrf_token={self.token}", body]))
        try:
            response = self.client.open(
                url, method=method, data=body, content_type="application/x-www-form-urlencoded"
            )
        except Exception as error:  # under TESTING, what would be a 500 is raised here
            self.failures.append(f"{label}: {error!r}")
            return None
        if response.status_code >= 500 or "Traceback" in _text(response):
            self.failures.append(f"{label}: {response.status_code}")
        return response


def _text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


class World(NamedTuple):
    me: Account
    writer: Account
    params: dict[str, str]


@pytest.fixture
def world(factory: Factory) -> World:
    """The fuzzing account, and real path parameters: its own article and comment (so editing
    and deleting get past the owner check), and another writer to follow."""
    me, writer = factory.user("me"), factory.user("writer")
    mine = factory.article(me, tag_list=["t"])
    factory.article(writer, tag_list=["u"])
    comment_id = factory.comment(me, mine)
    with factory.app.app_context():  # an admin, so the admin area is fuzzed too
        moderation.set_role(None, me.username, "admin")
        reporter = users.get_user(writer.id)
        report_id = moderation.report(reporter, mine, comment_id, {"reason": "spam"}).id
        entry_id = db.session.scalar(select(func.max(AuditEntry.id)))
    params = {
        "slug": mine,
        "username": writer.username,
        "comment_id": str(comment_id),
        "filename": "avatar.svg",
        "tag": "t",
        "page": "1",
        "token": factory.unsubscribe_token(me, "comments"),
        "name": "t",
        "report_id": str(report_id),
        "entry_id": str(entry_id),
    }
    return World(me, writer, params)


def routes(app: Flask, method: str) -> Iterator[Rule]:
    """Every rule outside /api that answers ``method``."""
    for rule in app.url_map.iter_rules():
        if method in (rule.methods or ()) and not rule.rule.startswith("/api"):
            yield rule


ARGUMENT = re.compile(r"<(?:[^<>]*:)?(\w+)>")  # <slug>, <int(max=9):comment_id>


def path(rule: Rule, params: dict[str, str], **raw: str) -> str:
    """The rule's path with real parameters, or with the already-encoded ``raw`` ones."""
    unknown = rule.arguments - params.keys()
    assert not unknown, f"{rule.endpoint}: give the fuzzer real values for {unknown}"
    values = {name: quote(value, safe="") for name, value in params.items()} | raw
    return ARGUMENT.sub(lambda match: values[match.group(1)], rule.rule)


def test_every_form_is_fuzzed(app: Flask) -> None:
    assert {rule.endpoint for rule in routes(app, "POST")} == set(FORMS)


@pytest.mark.parametrize("signed_in", SIGNED_IN)
def test_pages_survive_hostile_queries(app, client, factory, world, signed_in: bool) -> None:
    me, writer, params = world
    for _ in range(app.config["PAGE_SIZE"] + 1):  # so that every list shows its page links
        factory.favorite(writer, factory.article(writer, tag_list=["t"]))
    factory.follow(me, writer)
    fuzz = Fuzzer(client, me, signed_in)
    for rule in routes(app, "GET"):
        for query in QUERIES:
            fuzz.send("GET", f"{path(rule, params)}?{query}")
        for argument in rule.arguments:
            for raw in PATH_VALUES:
                fuzz.send("GET", path(rule, params, **{argument: raw}))
    assert not fuzz.failures, "\n".join(fuzz.failures)


def form_bodies(fields: dict[str, str], per_field: bool, fresh: Callable[[], int]) -> Iterator[str]:
    """Each field in turn hostile (the others valid), then missing, extra and repeated fields.

    Without ``per_field`` (forms that only redirect a signed-out visitor) every field is
    hostile at once."""

    def encode(data: dict[str, str]) -> str:
        return "&".join(f"{key}={value}" for key, value in data.items())

    def valid() -> dict[str, str]:  # unique names and titles, so sign-ups and articles succeed
        n = fresh()
        return {key: quote_plus(value.format(n=n)) for key, value in fields.items()}

    names = [*fields, "next"]
    if per_field:
        for name in names:
            for value in HOSTILE:
                yield encode({**valid(), name: value})
    else:
        for value in HOSTILE:
            yield encode(dict.fromkeys(names, value))
    for name in fields:
        yield encode({key: value for key, value in valid().items() if key != name})
    yield ""
    yield encode({**valid(), "extra": "1", "%FF": "%FF", "%00": "x", "tagList": "x", "id": "1"})
    yield encode({**valid(), "_method": "DELETE", "csrf_token": "x"})  # ours is sent first
    yield encode(valid()) + "&body=" + "a" * (1024 * 1024)  # past MAX_CONTENT_LENGTH: a 413
    yield encode(valid()) + "&" + encode(valid()) + "&next=%2F&next=%0D%0A"
    yield "&".join(f"{name}%5B%5D={value}" for name in names for value in ("a", "b"))


@pytest.mark.parametrize("signed_in", SIGNED_IN)
@pytest.mark.parametrize("endpoint", sorted(FORMS))
def test_forms_survive_hostile_fields(
    app, client, factory, world, endpoint: str, signed_in: bool
) -> None:
    me, _, params = world
    fuzz = Fuzzer(client, me, signed_in)
    fields = {
        key: value.replace("{email}", me.email).replace("{password}", me.password)
        for key, value in FORMS[endpoint].items()
    }
    if endpoint == "auth.reset_password":  # a token of its own kind (it works once)
        params = {**params, "token": factory.password_reset_token(me)}
    url = path(next(app.url_map.iter_rules(endpoint)), params)
    signed_out_forms = (
        "auth.login",
        "auth.register",
        "auth.forgot_password",
        "auth.reset_password",
        "pages.unsubscribe",
    )
    per_field = signed_in or endpoint in signed_out_forms
    for body in form_bodies(fields, per_field, itertools.count().__next__):
        response = fuzz.send("POST", url, body)
        if endpoint == "pages.edit_article" and response and response.status_code == 302:
            url = response.location.replace("/article/", "/editor/")  # a new title, a new slug
    assert not fuzz.failures, "\n".join(fuzz.failures)
