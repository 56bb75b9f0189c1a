"""The OpenAPI document comes from the same schemas as the JSON, and says what is on the wire:
every route's answer, and its errors, validate against the document, with no undocumented key."""

import copy
import re

import pytest
from openapi_schema_validator import OAS30Validator

from myapp.api import Blueprint
from tests.api.test_compatibility import SAMPLES, api_routes, send


@pytest.fixture(scope="module")
def spec(app):
    return app.test_client().get("/api/openapi.json").json


def openapi_path(path: str) -> str:
    return re.sub(r"<([^>]+)>", r"{\1}", path)


def validator(spec, schema) -> OAS30Validator:
    """A validator for ``schema`` that resolves the document's ``#/components`` and refuses
    keys the document does not name."""
    components = copy.deepcopy(spec["components"])
    for definition in components["schemas"].values():
        if "properties" in definition:
            definition["additionalProperties"] = False
    return OAS30Validator({**schema, "components": components})


def documented(spec, method: str, path: str, status: int):
    responses = spec["paths"][openapi_path(path)][method.lower()]["responses"]
    response = responses.get(str(status)) or responses["default"]
    if "$ref" in response:  # the shared error response
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response.get("content", {}).get("application/json", {}).get("schema")


def test_the_document_lists_every_route(app, spec):
    operations = {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "post", "put", "delete"}
    }
    assert operations == {(m, openapi_path(p)) for m, p in api_routes(app)}
    assert "Token" in spec["components"]["securitySchemes"]
    assert "ArticleCreate" in spec["components"]["schemas"]  # the shared input schemas


@pytest.mark.parametrize(("method", "path"), sorted(SAMPLES))
def test_every_answer_is_what_the_document_says(client, world, spec, method, path):
    response, expected = send(client, world, method, path, slash=False)
    assert response.status_code == expected
    schema = documented(spec, method, path, expected)
    if schema is None:
        assert response.data == b""  # documented without a body: none is sent
        return
    validator(spec, schema).validate(response.json)


ERRORS = [
    ("GET", "/api/articles/<slug>", "/api/articles/no-such-article", None, 404),
    ("PUT", "/api/user", "/api/user", {"user": {"email": "not an email"}}, 401),
    ("POST", "/api/users", "/api/users", {"user": {"username": ""}}, 422),
    ("GET", "/api/articles", "/api/articles?limit=-1", None, 422),
]


@pytest.mark.parametrize(("method", "path", "url", "body", "status"), ERRORS)
def test_errors_are_what_the_document_says(client, spec, method, path, url, body, status):
    response = client.open(url, method=method, json=body)
    assert response.status_code == status
    validator(spec, documented(spec, method, path, status)).validate(response.json)


def test_docs_page_loads_its_assets_from_us(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    for url in assets:
        assert url.startswith(("/api/docs/assets/", "/static/")), url
        assert client.get(url).status_code == 200


def test_each_operation_says_its_tags_and_whether_it_takes_a_token(spec):
    comments = spec["paths"]["/api/articles/{slug}/comments"]
    assert comments["get"]["tags"] == comments["post"]["tags"] == ["Comments"]
    assert comments["get"]["security"] == [{}, {"Token": []}]  # a token is optional
    assert comments["post"]["security"] == [{"Token": []}]  # and required


def test_documenting_a_view_adds_no_wrapper_that_runs_on_each_request():
    def view():
        return "answer"

    documented = Blueprint.doc(tags=["Comments"])(Blueprint.doc(summary="A view")(view))
    assert documented is view
    assert view._apidoc == {"manual_doc": {"summary": "A view", "tags": ["Comments"]}}
