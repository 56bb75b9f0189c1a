"""Security headers on every response, and cookies that are safe by default."""

import pytest

from myapp import create_app


@pytest.mark.parametrize("path", ["/", "/login", "/api/articles", "/api/nothing", "/api/docs"])
def test_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    policy = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert policy["script-src"] == "'self'"  # no inline script, no other origin
    assert "unsafe-inline" not in csp
    assert policy["frame-ancestors"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_no_hsts_over_http(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_hsts_and_secure_cookie_over_https(client):
    response = client.get("/login", base_url="https://conduit.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_over_http_is_httponly_and_lax_but_not_secure(client):
    cookie = client.get("/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_behind_a_trusted_proxy_https_is_recognised():
    app = create_app(
        {"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://", "PROXY_COUNT": 1}
    )
    response = app.test_client().get(
        "/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    )
    assert "Secure" in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in response.headers


def test_production_refuses_a_short_secret_key():
    with pytest.raises(RuntimeError, match="at least 32 characters"):
        create_app({"APP_ENV": "production", "SECRET_KEY": "too-short"})
