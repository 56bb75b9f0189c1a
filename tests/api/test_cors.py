"""A RealWorld front end on another origin can call the API."""

import pytest
from flask import Response

from myapp import create_app
from myapp.extensions import ResponseHeaders


def test_preflight_is_answered(client):
    response = client.options(
        "/api/articles",
        headers={
            "Origin": "http://localhost:4200",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, x-requested-with",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    allowed = response.headers["Access-Control-Allow-Headers"].lower()
    assert {"authorization", "content-type", "x-requested-with"} <= {
        h.strip() for h in allowed.split(",")
    }
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


def test_errors_carry_cors_headers_too(client):
    response = client.get("/api/user", headers={"Origin": "http://localhost:4200"})
    assert response.status_code == 401
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_origins_are_configurable():
    app = create_app(
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "CORS_ORIGINS": "https://app.example.com",
        }
    )
    client = app.test_client()
    preflight = {"Access-Control-Request-Method": "GET"}
    good = client.options("/api/tags", headers={"Origin": "https://app.example.com"} | preflight)
    assert good.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    bad = client.options("/api/tags", headers={"Origin": "https://evil.example.com"} | preflight)
    assert "Access-Control-Allow-Origin" not in bad.headers


def test_pages_send_no_cors_headers(client):
    response = client.get("/", headers={"Origin": "http://localhost:4200"})
    assert "Access-Control-Allow-Origin" not in response.headers


def _cors_headers(headers) -> list[tuple[str, str]]:
    return [(name, value) for name, value in headers.items() if name.startswith("Access-Control")]


@pytest.mark.parametrize("cors_origins", ["*", "https://app.example.com,http://localhost:4200"])
def test_each_response_has_the_cors_headers_flask_cors_makes_for_it(
    app, database_url, monkeypatch, cors_origins
):
    """The headers are worked out once per endpoint and origin (myapp/extensions.py): every
    response, the first, from that copy, or once the copies are full, carries what flask-cors
    itself adds for it, in the same order."""
    app = create_app(  # the tests' database (the app fixture made its tables)
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "CORS_ORIGINS": cors_origins,
        }
    )
    flask_cors = app.extensions["response_headers"].cors
    client = app.test_client()
    origins = [None, "https://app.example.com", "http://localhost:4200", "https://evil.example"]
    requests = [
        (path, {"Origin": origin} if origin else {})
        for path in ("/api/articles", "/api/articles/nothing", "/api/nothing", "/", "/api/tags/")
        for origin in origins
    ]
    requests.append(("/api/tags", {"Access-Control-Request-Private-Network": "true"}))
    for limit in (ResponseHeaders.KINDS, 3):
        monkeypatch.setattr(ResponseHeaders, "KINDS", limit)
        for path, headers in requests * 2:
            response = client.get(path, headers=headers)
            with app.test_request_context(path, headers=headers):
                made = flask_cors(Response())
            assert _cors_headers(response.headers) == _cors_headers(made.headers), (path, headers)
    assert _cors_headers(client.get("/api/tags", headers={"Origin": origins[1]}).headers)
    assert not _cors_headers(client.get("/", headers={"Origin": origins[1]}).headers)
