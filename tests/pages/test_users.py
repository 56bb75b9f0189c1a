"""The settings page."""

from tests.pages.conftest import PageClient, text


def test_requires_sign_in(pages):
    assert pages.get("/settings").location == "/login?next=/settings"


def test_prefilled_and_saved(pages, factory):
    factory.user("john", bio="Not me")  # others before and after: "some user" is not enough
    account = factory.user("jane", bio="Old bio")
    factory.user("jill", bio="Not me either")
    pages.login(account)
    form = text(pages.get("/settings"))
    assert 'value="jane"' in form and "Old bio</textarea>" in form
    data = {
        "image": "https://example.com/me.png",
        "username": "jane2",
        "bio": "New bio",
        "email": account.email,
        "password": "",
    }
    response = pages.post("/settings", data)
    assert response.location == "/profile/jane2"
    profile = pages.get("/api/profiles/jane2").json["profile"]
    assert profile["bio"] == "New bio" and profile["image"] == "https://example.com/me.png"


def test_invalid_input_is_reshown(pages, factory):
    factory.user("taken")
    account = factory.user("jane")
    pages.login(account)
    data = {"image": "javascript:alert(1)", "username": "jane", "bio": "", "email": account.email}
    response = pages.post("/settings", data)
    assert response.status_code == 422
    assert "Picture URL must be an http(s) URL" in text(response)
    assert 'value="javascript:alert(1)"' in text(response)
    data |= {"image": "", "username": "taken"}
    assert "Username has already been taken" in text(pages.post("/settings", data))


def test_new_password_keeps_this_session_and_ends_the_others(app, pages, factory):
    factory.user("john")  # others before and after, so that "some user" is not enough
    account = factory.user("jane")
    factory.user("jill")
    other_browser = PageClient(app.test_client())
    other_browser.login(account)
    pages.login(account)
    data = {
        "username": "jane",
        "email": account.email,
        "password": "a-brand-new-password",
        "currentPassword": account.password,
    }
    assert pages.post("/settings", data).status_code == 302
    settings = pages.get("/settings")
    assert settings.status_code == 200
    assert 'href="/profile/jane"' in text(settings)
    assert other_browser.get("/settings").status_code == 302
    assert pages.get("/api/user", headers=account.headers).status_code == 401
