"""Email preferences: the settings switches, and unsubscribing from an email's link."""

import re
from urllib.parse import urlsplit

import pytest

from tests.pages.conftest import text

ALL_ON = {"comments": True, "followers": True, "articles": True}


def checked(response) -> dict[str, bool]:
    boxes = re.findall(
        r'<input id="notify-(\w+)" name="notify" type="checkbox"[^>]*>', text(response)
    )
    page = text(response)
    return {
        kind: bool(re.search(rf'<input id="notify-{kind}"[^>]*\bchecked\b', page)) for kind in boxes
    }


def settings(account, **extra) -> dict[str, str]:
    return {"username": account.username, "email": account.email, "bio": "", "image": ""} | extra


class TestSettingsSwitches:
    def test_shown_in_a_fieldset_all_on_at_first(self, pages, factory):
        pages.login(factory.user())
        response = pages.get("/settings")
        page = text(response)
        assert '<fieldset class="switches">' in page and "<legend>Email me about</legend>" in page
        assert '<input type="hidden" name="notifications" value="on-form">' in page
        for kind, label in [
            ("comments", "Comments on my articles"),
            ("followers", "New followers"),
            ("articles", "New articles from people I follow"),
        ]:
            assert f'<label for="notify-{kind}">{label}</label>' in page
        assert checked(response) == ALL_ON

    def test_round_trip(self, pages, factory):
        account = factory.user()
        pages.login(account)
        # Only "followers" ticked: the other two, sending nothing, are turned off.
        data = settings(account, notifications="on-form", notify="followers")
        assert pages.post("/settings", data).status_code == 302
        expected = {"comments": False, "followers": True, "articles": False}
        assert factory.notifications(account) == expected
        assert checked(pages.get("/settings")) == expected
        # Nothing ticked: all off. Then all on again.
        pages.post("/settings", settings(account, notifications="on-form"))
        assert factory.notifications(account) == dict.fromkeys(ALL_ON, False)
        data = settings(account, notifications="on-form")
        pages.client.post(
            "/settings",
            data=data | {"csrf_token": pages.csrf_token(), "notify": list(ALL_ON)},
        )
        assert factory.notifications(account) == ALL_ON

    def test_a_form_without_the_switches_leaves_them_alone(self, pages, factory):
        account = factory.user()
        pages.login(account)
        pages.post("/settings", settings(account, notifications="on-form"))  # all off
        assert pages.post("/settings", settings(account, bio="New bio")).status_code == 302
        assert factory.notifications(account) == dict.fromkeys(ALL_ON, False)

    def test_a_form_shown_again_keeps_the_switches_as_sent(self, pages, factory):
        account = factory.user()
        pages.login(account)
        data = settings(account, notifications="on-form", notify="articles", image="nope")
        response = pages.post("/settings", data)
        assert response.status_code == 422
        assert checked(response) == {"comments": False, "followers": False, "articles": True}
        assert factory.notifications(account) == ALL_ON  # nothing saved


class TestUnsubscribe:
    def test_get_asks_and_changes_nothing(self, client, factory):
        account = factory.user()
        token = factory.unsubscribe_token(account, "comments")
        response = client.get(f"/unsubscribe/{token}")
        assert response.status_code == 200
        page = text(response)
        assert "<h1>Stop emails about comments on your articles?</h1>" in page
        assert '<form method="post">' in page and ">Stop these emails</button>" in page
        assert factory.notifications(account) == ALL_ON
        assert "Set-Cookie" not in response.headers  # a link scanner starts no session

    @pytest.mark.parametrize(
        ("preference", "about"),
        [
            ("comments", "comments on your articles"),
            ("followers", "new followers"),
            ("articles", "new articles from people you follow"),
        ],
    )
    def test_the_button_turns_that_kind_off(self, pages, factory, preference, about):
        account = factory.user()
        token = factory.unsubscribe_token(account, preference)
        response = pages.client.post(f"/unsubscribe/{token}")  # the page's form: no CSRF token
        assert response.status_code == 200
        page = text(response)
        assert f"You will no longer get emails about {about}." in page
        assert 'href="/settings"' in page
        assert factory.notifications(account) == ALL_ON | {preference: False}

    def test_one_click_from_a_mail_client(self, app, factory):
        """RFC 8058: the mail client posts this body, with no cookie and no CSRF token."""
        account = factory.user()
        token = factory.unsubscribe_token(account, "articles")
        client = app.test_client()
        response = client.post(
            f"/unsubscribe/{token}",
            data="List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        assert factory.notifications(account) == ALL_ON | {"articles": False}
        again = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
        assert again.status_code == 200  # idempotent

    def test_the_link_in_an_email(self, app, factory, mailbox):
        """The follower email's List-Unsubscribe link and header lead here."""
        reader, writer = factory.user(), factory.user()
        factory.follow(reader, writer)
        [message] = mailbox.to(writer.email)
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        url = message["List-Unsubscribe"].strip("<>")
        path = urlsplit(url).path
        client = app.test_client()
        assert "Stop emails about new followers?" in text(client.get(path))
        client.post(path, data={"List-Unsubscribe": "One-Click"})
        assert factory.notifications(writer) == ALL_ON | {"followers": False}

    @pytest.mark.parametrize("token", ["nonsense", "WzEsImNvbW1lbnRzIl0.forged"])
    def test_a_bad_link_is_a_clear_404(self, app, factory, token):
        account = factory.user()
        client = app.test_client()
        for response in (client.get(f"/unsubscribe/{token}"), client.post(f"/unsubscribe/{token}")):
            assert response.status_code == 404
            assert "This unsubscribe link is not valid" in text(response)
        assert factory.notifications(account) == ALL_ON
