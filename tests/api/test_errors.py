"""Every /api error is RealWorld JSON with the right status; nothing is an HTML page or a 500."""

import pytest
from flask import Blueprint

from myapp import create_app


def test_malformed_json(client):
    response = client.post(
        "/api/users", data='{"user": {', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json == {"errors": {"body": ["Invalid JSON body."]}}


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "42", "null", '{"user": "jake"}'])
def test_body_of_the_wrong_shape(client, body):
    response = client.post("/api/users", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert "errors" in response.json


def test_body_not_json(client):
    response = client.post("/api/users", data={"username": "jake"})
    assert response.status_code == 422
    assert response.json == {"errors": {"user": ["is missing"]}}


def test_oversized_body(client, factory):
    account = factory.user()
    article = {"title": "t", "description": "d", "body": "x" * (1024 * 1024 + 1)}
    response = client.post("/api/articles", json={"article": article}, headers=account.headers)
    assert response.status_code == 413
    assert response.json == {"errors": {"body": ["is too large (maximum is 1 MiB)"]}}


def test_unknown_path(client):
    response = client.get("/api/nothing/here")
    assert response.status_code == 404
    assert response.json == {"errors": {"path": ["not found"]}}


def test_wrong_method(client):
    response = client.patch("/api/tags")
    assert response.status_code == 405
    assert response.json == {"errors": {"method": ["is not allowed for this path"]}}
    assert "GET" in response.headers["Allow"]


def test_body_less_routes_accept_a_json_content_type(client, factory):
    """RealWorld clients send Content-Type: application/json on every request, even GET."""
    account = factory.user()
    headers = account.headers | {"Content-Type": "application/json"}
    slug = factory.article(account)
    assert client.get("/api/articles", headers=headers).status_code == 200
    assert client.post(f"/api/articles/{slug}/favorite", headers=headers).status_code == 200


def test_pages_keep_html_errors(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_unexpected_error_is_json_500():
    app = create_app(
        {"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": False}
    )
    boom = Blueprint("boom", __name__)

    @boom.get("/api/boom")
    def explode():
        raise RuntimeError("kaboom")

    app.register_blueprint(boom)
    response = app.test_client().get("/api/boom")
    assert response.status_code == 500
    message = "could not handle this request; try again later"
    assert response.json == {"errors": {"server": [message]}}
