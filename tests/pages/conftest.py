"""A browser-like client for the pages: it keeps cookies and sends the form's CSRF token; and
a mailbox for the emails the pages cause."""

import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.factories import Account

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class PageClient:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, url: str, **kwargs) -> TestResponse:
        return self.client.get(url, **kwargs)

    def csrf_token(self) -> str:
        """The token a form on a page would carry for this session."""
        page = self.get("/settings")
        if page.status_code != 200:  # signed out: the sign-in form has one too
            page = self.get("/login")
        return CSRF.search(page.get_data(as_text=True)).group(1)

    def post(self, url: str, data: dict | None = None, **kwargs) -> TestResponse:
        form = {"csrf_token": self.csrf_token(), **(data or {})}
        return self.client.post(url, data=form, **kwargs)

    def login(self, account: Account, remember: bool = False) -> TestResponse:
        data = {"email": account.email, "password": account.password}
        if remember:
            data["remember"] = "1"
        response = self.post("/login", data)
        assert response.status_code == 302, response.get_data(as_text=True)
        return response


@pytest.fixture
def pages(client: FlaskClient) -> PageClient:
    return PageClient(client)


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


class Mailbox:
    """The emails sent during one test. The tests run Celery eagerly with no SMTP_URL, so each
    email is written as a file into ``MAIL_FOLDER``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def messages(self) -> list[EmailMessage]:
        files = sorted(self.folder.glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)
        parser = BytesParser(policy=policy.default)
        return [parser.parsebytes(path.read_bytes()) for path in files]  # type: ignore[misc]

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages() if address in message["To"]]


@pytest.fixture
def mailbox(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Mailbox:
    """A mail folder of the test's own, so it sees only the emails it caused."""
    monkeypatch.setitem(app.config, "MAIL_FOLDER", str(tmp_path))
    return Mailbox(tmp_path)
