"""Helpers for the moderation tests: staff made through the services, staff actions taken as
them, and the rows those actions leave. The page client and the mailbox are the pages' own
(tests/pages/conftest.py)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from myapp.extensions import db
from myapp.moderation import services as moderation
from myapp.moderation.models import AuditEntry, Report
from myapp.users.models import User
from tests.factories import Account, Factory
from tests.pages.conftest import Mailbox, PageClient


def make_staff(app: Flask, account: Account, role: str = "moderator") -> Account:
    """Give ``account`` a staff role, as the command line does (no acting admin)."""
    with app.app_context():
        moderation.set_role(None, account.username, role)
    return account


@contextmanager
def acting(app: Flask, account: Account | None) -> Iterator[User | None]:
    """An app context with ``account``'s user loaded (None for the system), for calling a
    service as them."""
    with app.app_context():
        try:
            yield db.session.get(User, account.id) if account is not None else None
        finally:
            db.session.remove()


def audit_entries(app: Flask, **where: Any) -> list[AuditEntry]:
    with app.app_context():
        query = select(AuditEntry).filter_by(**where).order_by(AuditEntry.id)
        entries = list(db.session.scalars(query))
        db.session.expunge_all()
        return entries


def reports(app: Flask, **where: Any) -> list[Report]:
    with app.app_context():
        query = select(Report).filter_by(**where).order_by(Report.id)
        found = list(db.session.scalars(query))
        db.session.expunge_all()
        return found


def user_row(app: Flask, username: str) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        db.session.expunge_all()
        return user


class Staff:
    """Staff actions through the services: a moderator hides, the command line (no actor)
    suspends, as ``flask users suspend`` does."""

    def __init__(self, app: Flask, factory: Factory) -> None:
        self.app = app
        self.factory = factory
        self._moderator: Account | None = None

    @property
    def moderator(self) -> Account:
        if self._moderator is None:
            self._moderator = make_staff(self.app, self.factory.user("mod"), "moderator")
        return self._moderator

    def report(self, reporter: Account, slug: str, comment_id: int | None = None,
               reason: str = "spam", note: str | None = None) -> int:  # fmt: skip
        with acting(self.app, reporter) as user:
            data = {"reason": reason, "note": note}
            return moderation.report(user, slug, comment_id, data).id

    def hide_article(self, slug: str, reason: str = "Spam links") -> None:
        with acting(self.app, self.moderator) as actor:
            moderation.hide_article(actor, slug, reason)

    def unhide_article(self, slug: str) -> None:
        with acting(self.app, self.moderator) as actor:
            moderation.unhide_article(actor, slug)

    def hide_comment(self, comment_id: int, reason: str = "Rude") -> None:
        with acting(self.app, self.moderator) as actor:
            moderation.hide_comment(actor, comment_id, reason)

    def dismiss(self, report_id: int) -> None:
        with acting(self.app, self.moderator) as actor:
            moderation.dismiss_report(actor, report_id)

    def suspend(
        self, account: Account, reason: str = "Spamming", until: datetime | None = None
    ) -> None:
        with self.app.app_context():
            moderation.suspend(None, account.username, reason, until)

    def unsuspend(self, account: Account) -> None:
        with self.app.app_context():
            moderation.unsuspend(None, account.username)


@pytest.fixture
def no_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Writes queue nothing (no "Read next" computed, no email sent): for tests of what the
    services themselves do, which need neither."""
    monkeypatch.setattr("myapp.worker.send_later", lambda *args, **kwargs: None)


@pytest.fixture
def staff(app: Flask, factory: Factory) -> Staff:
    return Staff(app, factory)


@pytest.fixture
def pages(client: FlaskClient) -> PageClient:
    return PageClient(client)


@pytest.fixture
def mailbox(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Mailbox:
    """A mail folder of the test's own, so it sees only the emails it caused."""
    monkeypatch.setitem(app.config, "MAIL_FOLDER", str(tmp_path))
    return Mailbox(tmp_path)
