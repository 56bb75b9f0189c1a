"""A RealWorld front end on another origin can call the API."""

from myapp import create_app


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
