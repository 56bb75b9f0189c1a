"""A person who forgot their password gets back in, in a real browser, with the link from the
email a real SMTP server (aiosmtpd, in this process) received."""

import re
from urllib.parse import urlsplit

import pytest

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser


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
    expect(page.get_by_text("If an account has that email, we sent a link")).to_be_visible()

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
    expect(page.get_by_text("Your password is changed")).to_be_visible()
    expect(page.get_by_role("link", name="forgetful")).to_be_visible()  # signed in

    # The link worked once; the new password signs in, in another browser.
    page.goto(urlsplit(link).path)
    page.get_by_label("New password").fill("a-third-password")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("used already")).to_be_visible()
    other = open_browser(javascript=javascript)
    other.goto("/login")
    other.get_by_label("Email").fill(account.email)
    other.get_by_label("Password").fill("a-remembered-password")
    other.get_by_role("button", name="Sign in").click()
    other.wait_for_url("**/")
    expect(other.get_by_role("link", name="forgetful")).to_be_visible()
