"""Admin tests: a browser-like client (tests/pages/conftest.py's), staff accounts, and a small
site with something in every admin list."""

from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from myapp.extensions import db
from myapp.moderation import services as moderation
from myapp.users import services as users
from tests.factories import Account, Factory
from tests.pages.conftest import PageClient


@pytest.fixture
def pages(client: FlaskClient) -> PageClient:
    return PageClient(client)


@pytest.fixture
def staff(app: Flask, factory: Factory):
    """``staff(username, role)``: a new account with that role, given from the command line
    (actor None), as an operator makes the first admin."""

    def make(username: str, role: str = "admin") -> Account:
        account = factory.user(username)
        with app.app_context():
            moderation.set_role(None, username, role)
            db.session.remove()
        return account

    return make


@dataclass(frozen=True)
class Site:
    admin: Account
    moderator: Account
    reader: Account
    writer: Account
    sleeper: Account  # suspended
    goner: Account  # to delete
    slug: str  # writer's visible article, tags "news" and "old"
    hidden_slug: str  # hidden already
    comment: int  # a visible comment by reader on ``slug``
    hidden_comment: int
    article_report: int  # open, by reader, on ``slug``
    comment_report: int  # open, by writer, on ``comment``
    entry: int  # an audit entry


@pytest.fixture
def site(app: Flask, factory: Factory, staff) -> Site:
    admin = staff("boss", "admin")
    moderator = staff("mod", "moderator")
    reader, writer = factory.user("reader"), factory.user("writer")
    sleeper, goner = factory.user("sleeper"), factory.user("goner")
    slug = factory.article(writer, title="Target practice", tag_list=["news", "old"])
    hidden_slug = factory.article(writer, title="Already hidden", tag_list=["news"])
    comment = factory.comment(reader, slug, "A comment to moderate")
    hidden_comment = factory.comment(reader, slug, "A hidden comment")
    with app.app_context():
        boss = users.get_user(admin.id)
        moderation.hide_article(boss, hidden_slug, "spam")
        moderation.hide_comment(boss, hidden_comment, "rude")
        moderation.suspend(boss, "sleeper", "a break", None)
        article_report = moderation.report(
            users.get_user(reader.id), slug, None, {"reason": "spam", "note": "ads"}
        ).id
        comment_report = moderation.report(
            users.get_user(writer.id), slug, comment, {"reason": "abuse", "note": None}
        ).id
        entry = db.session.scalar(db.select(db.func.min(moderation.AuditEntry.id)))
        db.session.remove()
    return Site(
        admin, moderator, reader, writer, sleeper, goner, slug, hidden_slug, comment,
        hidden_comment, article_report, comment_report, entry,
    )  # fmt: skip
