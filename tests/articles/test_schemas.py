"""Input rules of the article schemas, shared by the pages and the API."""

from typing import Any

import pytest
from marshmallow import Schema, ValidationError

from myapp.articles.schemas import ArticleCreateSchema, ArticleQuerySchema, PageQuerySchema

BLANK = ["can't be blank"]
VALID = {"title": "Hello", "description": "About it", "body": "Some text."}


def errors(schema: Schema, data: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(ValidationError) as error:
        schema.load(data)
    return error.value.messages


# --- ArticleCreateSchema ---------------------------------------------------------------------


def test_create_accepts_valid_input_with_empty_default_tags():
    assert ArticleCreateSchema().load(VALID) == VALID | {"tag_list": []}


def test_create_missing_fields_cant_be_blank():
    assert errors(ArticleCreateSchema(), {}) == {
        "title": BLANK,
        "description": BLANK,
        "body": BLANK,
    }


def test_create_blank_fields_cant_be_blank():
    data = {"title": "  ", "description": "", "body": "\n\t"}

    assert errors(ArticleCreateSchema(), data) == {
        "title": BLANK,
        "description": BLANK,
        "body": BLANK,
    }


def test_create_text_is_stripped():
    data = {"title": "  Hello ", "description": " About it ", "body": "\nSome text.\n"}

    assert ArticleCreateSchema().load(data) == VALID | {"tag_list": []}


def test_create_max_lengths():
    assert ArticleCreateSchema().load(
        {"title": "t" * 200, "description": "d" * 500, "body": "b" * 100_000}
    )
    data = {"title": "t" * 201, "description": "d" * 501, "body": "b" * 100_001}

    assert errors(ArticleCreateSchema(), data) == {
        "title": ["is too long (maximum is 200 characters)"],
        "description": ["is too long (maximum is 500 characters)"],
        "body": ["is too long (maximum is 100000 characters)"],
    }


def test_create_tag_list_is_trimmed_deduplicated_and_sorted():
    data = VALID | {"tagList": ["python", " css ", "flask", "python", "css"]}

    assert ArticleCreateSchema().load(data)["tag_list"] == ["css", "flask", "python"]


def test_create_blank_tag_is_rejected():
    assert "tagList" in errors(ArticleCreateSchema(), VALID | {"tagList": ["python", "  "]})


def test_create_tag_max_length():
    assert "tagList" in errors(ArticleCreateSchema(), VALID | {"tagList": ["t" * 41]})


def test_create_ten_tags_allowed_eleven_rejected():
    ten = [f"tag{i:02d}" for i in range(10)]

    assert ArticleCreateSchema().load(VALID | {"tagList": ten})["tag_list"] == ten
    assert errors(ArticleCreateSchema(), VALID | {"tagList": [*ten, "tag10"]}) == {
        "tagList": ["may hold at most 10 tags"]
    }


@pytest.mark.parametrize("tag_list", ["python,flask", "python", {"python": 1}, 3])
def test_create_non_list_tag_list_is_rejected(tag_list):
    assert "tagList" in errors(ArticleCreateSchema(), VALID | {"tagList": tag_list})


def test_create_ignores_unknown_keys():
    data = VALID | {"slug": "forced", "author": "someone", "favoritesCount": 9}

    assert ArticleCreateSchema().load(data) == VALID | {"tag_list": []}


# --- ArticleQuerySchema / PageQuerySchema ----------------------------------------------------


def test_query_defaults():
    assert ArticleQuerySchema().load({}) == {
        "limit": 20,
        "offset": 0,
        "tag": None,
        "author": None,
        "favorited": None,
    }
    assert PageQuerySchema().load({}) == {"limit": 20, "offset": 0}


def test_query_reads_numbers_from_strings():
    assert PageQuerySchema().load({"limit": "5", "offset": "10"}) == {"limit": 5, "offset": 10}


@pytest.mark.parametrize("schema", [PageQuerySchema, ArticleQuerySchema])
def test_query_limit_is_capped_at_100(schema):
    assert schema().load({"limit": "100"})["limit"] == 100
    assert schema().load({"limit": "1000"})["limit"] == 100


@pytest.mark.parametrize("limit", ["0", "-1"])
def test_query_limit_below_one_is_rejected(limit):
    assert errors(PageQuerySchema(), {"limit": limit}) == {"limit": ["must be at least 1"]}


def test_query_negative_offset_is_rejected():
    assert errors(PageQuerySchema(), {"offset": "-1"}) == {"offset": ["must not be negative"]}


@pytest.mark.parametrize("value", ["abc", "1.5", ""])
def test_query_non_numeric_limit_and_offset_are_rejected(value):
    assert set(errors(ArticleQuerySchema(), {"limit": value, "offset": value})) == {
        "limit",
        "offset",
    }


def test_query_blank_filters_become_none():
    data = {"tag": "", "author": "   ", "favorited": ""}

    assert ArticleQuerySchema().load(data) == {
        "limit": 20,
        "offset": 0,
        "tag": None,
        "author": None,
        "favorited": None,
    }


def test_query_keeps_given_filters():
    data = {"tag": "python", "author": "ann", "favorited": "bob", "limit": "3"}

    assert ArticleQuerySchema().load(data) == {
        "limit": 3,
        "offset": 0,
        "tag": "python",
        "author": "ann",
        "favorited": "bob",
    }


def test_query_ignores_unknown_keys():
    assert PageQuerySchema().load({"page": "2", "sort": "new"}) == {"limit": 20, "offset": 0}


def test_tags_may_not_contain_control_characters():
    from myapp.articles.schemas import ArticleCreateSchema

    data = {"title": "t", "description": "d", "body": "b", "tagList": ["ok", "bad\x1ftag"]}
    errors = ArticleCreateSchema().validate(data)
    assert errors == {"tagList": {1: ["may not contain control characters"]}}
