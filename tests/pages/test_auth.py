"""Sign in, sign up, sign out; protected pages; CSRF; the session cookie."""

import time

import pytest
from flask import request

from myapp import authentication
from tests.pages.conftest import text


class TestSignIn:
    def test_form(self, pages):
        response = pages.get("/login")
        assert response.status_code == 200
        assert "<title>Sign in — Conduit</title>" in text(response)
        assert 'name="csrf_token"' in text(response)

    def test_signs_in_by_email(self, pages, factory):
        factory.user("john")  # others before and after, so that "some user" is not enough
        account = factory.user("jane")
        factory.user("jill")
        response = pages.login(account)
        assert response.location == "/"
        home = pages.get("/")
        assert 'href="/profile/jane"' in text(home)
        assert 'href="/profile/john"' not in text(home)
        assert 'href="/profile/jill"' not in text(home)
        assert "Welcome back, jane." in text(home)

    @pytest.mark.parametrize("wrong", ["password", "email"])
    def test_wrong_credentials_get_one_message(self, pages, factory, wrong):
        account = factory.user("jane")
        data = {"email": account.email, "password": account.password}
        data[wrong] = "wrong@example.com" if wrong == "email" else "wrong-password"
        response = pages.post("/login", data)
        assert response.status_code == 422
        assert "That email and password don&#39;t match an account." in text(response)
        assert '<div class="form-errors" role="alert"><p>That email' in text(response)
        assert f'value="{data["email"]}"' in text(response)  # the input is kept
        assert "wrong-password" not in text(response)  # but never the password

    def test_blank_fields(self, pages):
        response = pages.post("/login", {"email": "", "password": ""})
        assert response.status_code == 422
        assert "Email can&#39;t be blank" in text(response)
        assert "Password can&#39;t be blank" in text(response)

    def test_remember_me_makes_a_lasting_cookie(self, pages, factory):
        factory.user("john")  # others before and after, so that "some user" is not enough
        account = factory.user("jane")
        factory.user("jill")
        session_only = pages.login(account)
        assert "Expires=" not in session_only.headers["Set-Cookie"]
        pages.post("/logout")
        lasting = pages.login(account, remember=True)
        assert "Expires=" in lasting.headers["Set-Cookie"]
        assert "HttpOnly" in lasting.headers["Set-Cookie"]
        assert "SameSite=Lax" in lasting.headers["Set-Cookie"]
        # The lasting session signs in the same account.
        settings = pages.get("/settings")
        assert settings.status_code == 200
        assert 'href="/profile/jane"' in text(settings)


class TestNext:
    def test_protected_page_redirects_to_sign_in_and_back(self, pages, factory):
        response = pages.get("/editor")
        assert response.status_code == 302
        assert response.location == "/login?next=/editor"
        factory.user("john")  # others before and after, so that "some user" is not enough
        account = factory.user("jane")
        factory.user("jill")
        response = pages.post(
            "/login?next=/editor",
            {"email": account.email, "password": account.password, "next": "/editor"},
        )
        assert response.location == "/editor"
        editor = pages.get("/editor")
        assert editor.status_code == 200
        assert 'href="/profile/jane"' in text(editor)

    @pytest.mark.parametrize(
        "target",
        [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "evil",
            # Control characters: CR/LF made the redirect a 500; tabs and newlines are dropped
            # from a Location (by Werkzeug and browsers), so "/<tab>/evil" must stay refused.
            "/\r\nSet-Cookie: x=y",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\x85",
            "/a\\b",
        ],
    )
    def test_next_accepts_only_local_paths(self, pages, factory, target):
        account = factory.user()
        data = {"email": account.email, "password": account.password, "next": target}
        response = pages.post("/login", data)
        assert response.location == "/"


class TestSignUp:
    def test_creates_account_and_signs_in(self, pages, factory):
        factory.user("oldie")  # others before and after, so that "some user" is not enough
        data = {"username": "newbie", "email": "newbie@example.com", "password": "password-1"}
        response = pages.post("/register", data)
        assert response.status_code == 302
        factory.user("newer")
        home = text(pages.get("/"))
        assert 'href="/profile/newbie"' in home
        assert 'href="/profile/oldie"' not in home
        assert 'href="/profile/newer"' not in home

    def test_shows_the_api_rules_next_to_fields(self, pages, factory):
        factory.user("taken")
        data = {"username": "taken", "email": "not-an-email", "password": "short"}
        response = pages.post("/register", data)
        assert response.status_code == 422
        body = text(response)
        assert "Email is invalid" in body
        assert "Password must be between 8 and 128 characters" in body
        assert 'value="taken"' in body
        # The duplicate is reported once the rest is valid.
        data = {"username": "taken", "email": "x@example.com", "password": "password-1"}
        assert "Username has already been taken" in text(pages.post("/register", data))


class TestSignOut:
    def test_by_post(self, pages, factory):
        pages.login(factory.user("jane"))
        response = pages.post("/logout")
        assert response.status_code == 302
        assert 'href="/profile/jane"' not in text(pages.get("/"))

    def test_get_asks_with_a_button_and_signs_nobody_out(self, pages, factory):
        pages.login(factory.user("jane"))
        page = pages.get("/logout")
        assert page.status_code == 200
        assert 'action="/logout"' in text(page) and ">Sign out</button>" in text(page)
        assert 'href="/profile/jane"' in text(pages.get("/"))  # still signed in
        assert pages.post("/logout").status_code == 302
        assert 'href="/profile/jane"' not in text(pages.get("/"))

    def test_get_when_signed_out_goes_home(self, pages):
        response = pages.get("/logout")
        assert response.status_code == 302 and response.headers["Location"] == "/"


class TestCsrf:
    def test_post_without_token_is_refused_and_changes_nothing(self, pages, factory):
        account = factory.user()
        pages.login(account)
        data = {"title": "Forged", "description": "d", "body": "b"}
        response = pages.client.post("/editor", data=data)
        assert response.status_code == 400
        assert response.mimetype == "text/html"
        assert "This form has expired, or was sent from another site." in text(response)
        assert pages.get("/api/articles").json["articlesCount"] == 0

    def test_post_with_a_wrong_token_is_refused(self, pages, factory):
        pages.login(factory.user())
        response = pages.client.post("/logout", data={"csrf_token": "forged"})
        assert response.status_code == 400


class TestSessionCookie:
    """Each cookie's signature is checked once per process (myapp/authentication.py); what it
    says is still the cookie's alone, and its age still counts on every request."""

    def signed_in_home(self, pages) -> bool:
        return 'class="nav-user"' in text(pages.get("/"))

    def test_a_changed_cookie_signs_nobody_in(self, pages, factory):
        pages.login(factory.user("jane"))
        assert self.signed_in_home(pages)
        cookie = pages.client.get_cookie("session").value
        tampered = cookie[:-2] + ("AA" if cookie[-2:] != "AA" else "BB")
        pages.client.set_cookie("session", tampered)
        assert not self.signed_in_home(pages)
        pages.client.set_cookie("session", cookie)
        assert self.signed_in_home(pages)

    def test_a_session_past_its_lifetime_ends_though_its_cookie_was_checked(
        self, app, pages, factory, monkeypatch
    ):
        pages.login(factory.user("jane"), remember=True)
        assert self.signed_in_home(pages)
        cookie = pages.client.get_cookie("session").value
        later = time.time() + app.permanent_session_lifetime.total_seconds() + 5
        monkeypatch.setattr(authentication.time, "time", lambda: later)
        pages.client.set_cookie("session", cookie)  # the one checked a moment ago
        assert not self.signed_in_home(pages)

    def test_each_request_gets_a_session_of_its_own(self, app, pages, factory):
        pages.login(factory.user("jane"))  # the cookie now holds a flash message
        cookie = pages.client.get_cookie("session").value
        interface = app.session_interface
        with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}):
            first = interface.open_session(app, request)
            first["_flashes"].append(("info", "Added by this request."))
            first["_user_id"] = "changed"
            again = interface.open_session(app, request)
        assert again["_flashes"] == [("success", "Welcome back, jane.")]
        assert again["_user_id"] != "changed"
