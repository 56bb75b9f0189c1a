"""Security headers on every response, and cookies that are safe by default."""

import flask_talisman
import pytest
from flask import Response

from myapp import create_app
from myapp.extensions import talisman


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


TALISMAN_HEADERS = (
    "Content-Security-Policy",
    "Permissions-Policy",
    "Referrer-Policy",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "X-Frame-Options",
)


@pytest.mark.parametrize("path", ["/", "/login", "/api/articles", "/api/nothing", "/static/app.js"])
def test_each_response_has_the_headers_talisman_makes_for_it(app, client, path):
    """The headers are worked out once per endpoint and scheme (myapp/extensions.py): every
    response, the first or from that copy, carries what flask-talisman itself makes for it."""
    for base_url in ("http://localhost", "https://conduit.example", "http://localhost"):
        response = client.get(path, base_url=base_url)
        with app.test_request_context(path, base_url=base_url):
            made = Response()
            flask_talisman.Talisman._set_response_headers(talisman, made)
        for name in TALISMAN_HEADERS:
            assert response.headers.getlist(name) == made.headers.getlist(name), (name, base_url)
        assert ("Strict-Transport-Security" in made.headers) == base_url.startswith("https")


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
