"""The OpenAPI document comes from the same schemas; its docs page is served by us."""

import re


def test_openapi_lists_all_19_operations(client):
    spec = client.get("/api/openapi.json").json
    operations = {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "post", "put", "delete"}
    }
    assert len(operations) == 19
    assert ("DELETE", "/api/articles/{slug}/comments/{comment_id}") in operations
    assert "Token" in spec["components"]["securitySchemes"]
    # The envelopes are documented from the shared schemas.
    assert "ArticleCreate" in spec["components"]["schemas"]


def test_docs_page_loads_its_assets_from_us(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    for url in assets:
        assert url.startswith(("/api/docs/assets/", "/static/")), url
        assert client.get(url).status_code == 200
