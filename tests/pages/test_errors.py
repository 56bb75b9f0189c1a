"""Styled HTML error pages, and the things every page carries."""

import re

import pytest
from flask import Blueprint

from myapp import create_app
from tests.pages.conftest import text


def test_404_page(pages):
    response = pages.get("/no/such/page")
    assert response.status_code == 404
    body = text(response)
    assert "<title>Page not found — Conduit</title>" in body
    assert '<link rel="stylesheet" href="/static/style.css">' in body


def test_400_page_for_a_missing_csrf_token(pages):
    response = pages.client.post("/login", data={"email": "a@b.c", "password": "x"})
    assert response.status_code == 400
    assert "<title>Bad request — Conduit</title>" in text(response)


def test_500_page():
    settings = {"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": False}
    app = create_app(settings)
    boom = Blueprint("boom", __name__)

    @boom.get("/boom")
    def explode():
        raise RuntimeError("kaboom")

    app.register_blueprint(boom)
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "<title>Something went wrong — Conduit</title>" in text(response)
    assert "kaboom" not in text(response)


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/no/such/page"])
def test_every_page_has_the_basics(pages, path):
    body = text(pages.get(path))
    assert '<html lang="en">' in body
    assert 'name="viewport"' in body
    assert 'rel="icon" href="/static/favicon.svg"' in body
    assert '<main id="main"' in body and "<header" in body and "<footer" in body
    assert "<script>" not in body  # no inline script: a strict CSP stays possible
    # Nothing loads from elsewhere (a CDN): every script, image, stylesheet and icon is ours.
    loaded = []
    for tag in re.findall(r"<(?:script|img|link)\b[^>]*>", body):
        if tag.startswith("<link") and not re.search(r'rel="(stylesheet|icon|preload)"', tag):
            continue  # a link to a page (canonical, feeds), not something loaded
        if url := re.search(r'(?:src|href)="([^"]*)"', tag):
            loaded.append(url[1])
    assert any(url.startswith("/static/style.css") for url in loaded)
    assert all(re.match(r"/[^/]|data:", url) for url in loaded), loaded


def test_static_assets_are_ours(pages):
    for asset in ("style.css", "app.js", "favicon.svg", "avatar.svg"):
        assert pages.get(f"/static/{asset}").status_code == 200
