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


def test_form_body_is_refused_as_not_json(client):
    response = client.post("/api/users", data={"username": "jake"})
    assert response.status_code == 415
    assert response.json == {"errors": {"body": ["must be JSON (Content-Type: application/json)"]}}


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


@pytest.mark.parametrize(
    "path", ["/api/articles?tag=%00", "/api/profiles/%00", "/api/articles/a%00b/comments"]
)
def test_nul_characters_in_the_url_are_refused(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert response.json == {"errors": {"request": ["may not contain NUL characters"]}}


def test_nul_characters_in_a_body_are_refused(client, factory):
    account = factory.user()
    article = {"title": "a\u0000b", "description": "d", "body": "b", "tagList": ["x\u0000"]}
    response = client.post("/api/articles", json={"article": article}, headers=account.headers)
    assert response.status_code == 422
    assert response.json == {
        "errors": {
            "title": ["may not contain NUL characters"],
            "tagList.0": ["may not contain NUL characters"],
        }
    }


def test_ids_too_large_for_the_database_are_unknown(client, factory):
    account = factory.user()
    slug = factory.article(account)
    url = f"/api/articles/{slug}/comments/99999999999999999999999"
    response = client.delete(url, headers=account.headers)
    assert response.status_code == 404


def test_huge_paging_numbers(client, factory):
    factory.article(factory.user())
    response = client.get("/api/articles?limit=10000000000000000000000&offset=0")
    assert response.status_code == 200
    assert len(response.json["articles"]) == 1
    response = client.get("/api/articles?offset=10000000000000000000000")
    assert response.json == {"articles": [], "articlesCount": 1}


@pytest.mark.parametrize(
    "body",
    [
        '{"user": {"email": "\\ud800", "password": "password-1"}}',  # a lone surrogate
        "[" * 100_000 + "]" * 100_000,  # nested past any sane depth
        '{"user": {"email": ' + "9" * 5000 + "}}",  # an integer of 5,000 digits
    ],
    ids=["surrogate", "deep", "huge-int"],
)
def test_json_that_cannot_be_valid_input_is_a_400(client, body):
    response = client.post("/api/users/login", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json == {"errors": {"body": ["Invalid JSON body."]}}


def test_lone_surrogates_are_refused_by_the_schemas(ctx):
    from myapp.articles.schemas import ArticleCreateSchema
    from myapp.users.schemas import RegisterSchema

    errors = ArticleCreateSchema().validate({"title": "t\ud800", "description": "d", "body": "b"})
    assert errors == {"title": ["contains characters that are not valid text"]}
    user = {"username": "u", "email": "u@example.com", "password": "pass\ud800word"}
    assert RegisterSchema().validate(user) == {
        "password": ["contains characters that are not valid text"]
    }
