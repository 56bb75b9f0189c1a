"""Forgotten passwords: asking for a link, and choosing a new password with it."""

import re
from urllib.parse import urlsplit

import pytest

from tests.pages.conftest import PageClient, text

SENT = "If an account has that email, we sent a link to reset the password. It works for 1 hour."
NEW_PASSWORD = "a-brand-new-password"


def reset_link(mailbox, account) -> str:
    """The path of the reset link in the last email to ``account``."""
    message = mailbox.to(account.email)[-1]
    assert message["Subject"] == "Reset your Conduit password"
    body = message.get_body(("plain",)).get_content()
    url = re.search(r"https?://\S+/reset-password/\S+", body).group(0)
    return urlsplit(url).path


def signed_in(pages: PageClient) -> bool:
    return pages.get("/settings").status_code == 200


class TestForgotPassword:
    def test_linked_from_sign_in(self, pages):
        assert '<a href="/forgot-password">Forgot password?</a>' in text(pages.get("/login"))
        page = text(pages.get("/forgot-password"))
        assert "<h1>Forgot your password?</h1>" in page
        assert 'name="email" type="email"' in page and 'name="csrf_token"' in page

    def test_the_answer_is_the_same_for_known_and_unknown_emails(self, app, factory, mailbox):
        account = factory.user()
        answers = []
        for email in (account.email, "nobody@example.com"):
            pages = PageClient(app.test_client())
            response = pages.post("/forgot-password", {"email": email})
            follow = pages.get(response.location)
            answers.append((response.status_code, response.location, follow.status_code))
            assert SENT in text(follow)
        assert answers[0] == answers[1] == (302, "/login", 200)
        # Only the account's owner got an email.
        assert [m["To"] for m in mailbox.messages()] == [f"{account.username} <{account.email}>"]

    def test_the_email_is_looked_up_as_sign_in_does(self, pages, factory, mailbox):
        account = factory.user("jane")
        pages.post("/forgot-password", {"email": "  JANE@Example.com "})
        assert len(mailbox.to(account.email)) == 1

    def test_a_blank_email_is_shown_beside_the_field(self, pages):
        response = pages.post("/forgot-password", {"email": "  "})
        assert response.status_code == 422
        assert (
            '<ul class="error-messages" id="error-email"><li>Email can&#39;t be blank</li>'
            in text(response)
        )


class TestResetPassword:
    def test_the_emailed_link_sets_a_new_password_once_and_signs_in(
        self, app, pages, factory, mailbox
    ):
        account = factory.user()
        other_browser = PageClient(app.test_client())
        other_browser.login(account)
        pages.post("/forgot-password", {"email": account.email})
        link = reset_link(mailbox, account)
        form = text(pages.get(link))
        assert "<h1>Choose a new password</h1>" in form
        assert 'autocomplete="new-password"' in form and 'name="csrf_token"' in form

        response = pages.post(link, {"password": NEW_PASSWORD})
        assert response.location == "/"
        assert "Your password is changed, and you are signed in." in text(pages.get("/"))
        assert signed_in(pages)
        assert not signed_in(other_browser)  # every other session ended

        # The link worked once.
        again = PageClient(app.test_client())
        response = again.post(link, {"password": "yet-another-password"})
        assert response.status_code == 422
        used = "<p>This link is invalid, used already or expired: ask for a new link.</p>"
        assert used in text(response)
        assert 'href="/forgot-password">Ask for a new link</a>' in text(response)
        assert not signed_in(again)
        # The new password is the one that works.
        fresh = PageClient(app.test_client())
        assert (
            fresh.post("/login", {"email": account.email, "password": account.password}).status_code
            == 422
        )
        assert (
            fresh.post("/login", {"email": account.email, "password": NEW_PASSWORD}).status_code
            == 302
        )

    def test_a_short_password_is_shown_beside_the_field_and_the_link_still_works(
        self, pages, factory
    ):
        account = factory.user()
        link = f"/reset-password/{factory.password_reset_token(account)}"
        response = pages.post(link, {"password": "short"})
        assert response.status_code == 422
        page = text(response)
        assert 'id="field-password"' in page and 'aria-invalid="true"' in page
        assert "<li>New password must be between 8 and 128 characters</li>" in page
        assert not signed_in(pages)
        assert pages.post(link, {"password": NEW_PASSWORD}).location == "/"
        assert signed_in(pages)

    @pytest.mark.parametrize("token", ["nonsense", "x" * 600, "WzEsImFiYyJd.forged.signature"])
    def test_a_bad_link_says_so_at_once(self, pages, factory, token):
        factory.user()
        response = pages.get(f"/reset-password/{token}")
        assert response.status_code == 422
        page = text(response)
        assert "This link is invalid or has expired: ask for a new link." in page
        assert 'name="password"' not in page  # no form to fill in for nothing
        response = pages.post(f"/reset-password/{token}", {"password": NEW_PASSWORD})
        assert response.status_code == 422
        assert 'href="/forgot-password">Ask for a new link</a>' in text(response)
        assert not signed_in(pages)

    def test_an_expired_link(self, app, pages, factory, monkeypatch):
        account = factory.user()
        link = f"/reset-password/{factory.password_reset_token(account)}"
        monkeypatch.setitem(app.config, "PASSWORD_RESET_TTL_SECONDS", -1)
        assert "This link is invalid or has expired" in text(pages.get(link))
        response = pages.post(link, {"password": NEW_PASSWORD})
        assert response.status_code == 422 and "invalid, used already or expired" in text(response)
        assert PageClient(app.test_client()).login(account)  # the old password still works

    def test_the_token_comes_from_the_link_not_the_form(self, app, pages, factory):
        victim, attacker = factory.user(), factory.user()
        link = f"/reset-password/{factory.password_reset_token(attacker)}"
        token = factory.password_reset_token(victim)
        pages.post(link, {"password": NEW_PASSWORD, "token": token})
        assert PageClient(app.test_client()).login(victim)  # untouched
