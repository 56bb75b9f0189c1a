"""A person who forgot their password gets back in, in a real browser, with the link from the
email a real SMTP server (aiosmtpd, in this process) received."""

import email
import re
from email.policy import default
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller

from tests.servers import free_port

pytestmark = pytest.mark.browser


class Inbox:
    """An SMTP server's handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted"


@pytest.fixture
def inbox(app, monkeypatch):
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{controller.port}")
    yield handler
    controller.stop()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_forgotten_password_is_reset_from_the_emailed_link(
    open_browser, factory, inbox, javascript
):
    account = factory.user("forgetful")
    page = open_browser(javascript=javascript)

    page.goto("/login")
    page.get_by_role("link", name="Forgot password?").click()
    page.get_by_label("Email").fill(account.email)
    page.get_by_role("button", name="Send me a link").click()
    assert page.get_by_text("If an account has that email, we sent a link").is_visible()

    # The tests run the worker's delivery in the request (eager), so the email is in already.
    (message,) = inbox.messages
    assert message["To"] == f"forgetful <{account.email}>"
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/reset-password/\S+", text).group(0)
    html = message.get_body(preferencelist=("html",)).get_content()
    assert link in html

    page.goto(urlsplit(link).path)  # the link names PUBLIC_URL; this server has its own port
    page.get_by_label("New password").fill("a-remembered-password")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_url("**/")
    assert page.get_by_text("Your password is changed").is_visible()
    assert page.get_by_role("link", name="forgetful").is_visible()  # signed in

    # The link worked once; the new password signs in, in another browser.
    page.goto(urlsplit(link).path)
    page.get_by_label("New password").fill("a-third-password")
    page.get_by_role("button", name="Change password").click()
    assert page.get_by_text("used already").is_visible()
    other = open_browser(javascript=javascript)
    other.goto("/login")
    other.get_by_label("Email").fill(account.email)
    other.get_by_label("Password").fill("a-remembered-password")
    other.get_by_role("button", name="Sign in").click()
    other.wait_for_url("**/")
    assert other.get_by_role("link", name="forgetful").is_visible()
