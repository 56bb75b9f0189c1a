"""Input rules of the user schemas, shared by the pages and the API."""

from typing import Any

import pytest
from marshmallow import Schema, ValidationError

from myapp.users.schemas import LoginSchema, RegisterSchema, UserUpdateSchema

BLANK = ["can't be blank"]
USERNAME_RULE = [
    "may contain only letters, digits, '_', '-' and '.', and must start with a letter or digit"
]
PASSWORD_RULE = ["must be between 8 and 128 characters"]
URL_RULE = ["must be an http(s) URL"]

VALID = {"username": "ann", "email": "ann@example.com", "password": "correct-horse"}


def errors(schema: Schema, data: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(ValidationError) as error:
        schema.load(data)
    return error.value.messages


# --- RegisterSchema --------------------------------------------------------------------------


def test_register_accepts_valid_input():
    assert RegisterSchema().load(VALID) == VALID


def test_register_missing_fields_cant_be_blank():
    assert errors(RegisterSchema(), {}) == {"username": BLANK, "email": BLANK, "password": BLANK}


def test_register_blank_fields_cant_be_blank():
    data = {"username": "  ", "email": "", "password": ""}

    assert errors(RegisterSchema(), data) == {"username": BLANK, "email": BLANK, "password": BLANK}


@pytest.mark.parametrize("username", ["ann_b", "ann-b", "ann.b", "Ann2", "2ann"])
def test_register_username_allowed_characters(username):
    assert RegisterSchema().load(VALID | {"username": username})["username"] == username


@pytest.mark.parametrize("username", ["ann b", "ann/b", "_ann", "-ann", ".ann", "ann!", "ánn"])
def test_register_username_rejected_characters(username):
    assert errors(RegisterSchema(), VALID | {"username": username}) == {"username": USERNAME_RULE}


def test_register_username_surrounding_whitespace_is_stripped():
    assert RegisterSchema().load(VALID | {"username": "  ann  "})["username"] == "ann"


def test_register_username_max_length():
    assert RegisterSchema().load(VALID | {"username": "a" * 40})["username"] == "a" * 40
    assert errors(RegisterSchema(), VALID | {"username": "a" * 41}) == {
        "username": ["is too long (maximum is 40 characters)"]
    }


@pytest.mark.parametrize("email", ["ann", "ann@", "@example.com", "ann at example.com"])
def test_register_invalid_email(email):
    assert errors(RegisterSchema(), VALID | {"email": email}) == {"email": ["is invalid"]}


def test_register_email_max_length():
    email = "a" * 243 + "@example.com"  # 255 characters
    assert "email" in errors(RegisterSchema(), VALID | {"email": email})


@pytest.mark.parametrize("length", [8, 128])
def test_register_password_length_bounds_accepted(length):
    assert RegisterSchema().load(VALID | {"password": "x" * length})["password"] == "x" * length


@pytest.mark.parametrize("length", [7, 129])
def test_register_password_length_bounds_rejected(length):
    assert errors(RegisterSchema(), VALID | {"password": "x" * length}) == {
        "password": PASSWORD_RULE
    }


def test_register_ignores_unknown_keys():
    assert RegisterSchema().load(VALID | {"admin": True, "bio": "hi"}) == VALID


# --- UserUpdateSchema ------------------------------------------------------------------------


def test_update_everything_is_optional():
    assert UserUpdateSchema().load({}) == {}


def test_update_blank_username_cant_be_blank():
    assert errors(UserUpdateSchema(), {"username": " "}) == {"username": BLANK}


def test_update_username_pattern_and_length():
    assert errors(UserUpdateSchema(), {"username": "ann/b"}) == {"username": USERNAME_RULE}
    assert errors(UserUpdateSchema(), {"username": "a" * 41}) == {
        "username": ["is too long (maximum is 40 characters)"]
    }


def test_update_invalid_email():
    assert errors(UserUpdateSchema(), {"email": "not-an-email"}) == {"email": ["is invalid"]}


def test_update_password_length():
    assert errors(UserUpdateSchema(), {"password": "short"}) == {"password": PASSWORD_RULE}
    assert errors(UserUpdateSchema(), {"password": "x" * 129}) == {"password": PASSWORD_RULE}


@pytest.mark.parametrize("image", ["http://example.com/a.png", "https://example.com/a.png"])
def test_update_image_accepts_http_urls(image):
    assert UserUpdateSchema().load({"image": image}) == {"image": image}


@pytest.mark.parametrize(
    "image", ["javascript:alert(1)", "ftp://example.com/a.png", "example.com/a.png", "a picture"]
)
def test_update_image_rejects_other_urls(image):
    assert errors(UserUpdateSchema(), {"image": image}) == {"image": URL_RULE}


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_update_blank_image_and_bio_become_none(blank):
    assert UserUpdateSchema().load({"image": blank, "bio": blank}) == {"image": None, "bio": None}


def test_update_bio_is_stripped():
    assert UserUpdateSchema().load({"bio": "  I write.  "}) == {"bio": "I write."}


def test_update_bio_and_image_max_lengths():
    image = "https://example.com/" + "a" * 481  # 501 characters
    assert errors(UserUpdateSchema(), {"bio": "b" * 2001, "image": image}) == {
        "bio": ["is too long (maximum is 2000 characters)"],
        "image": ["is too long (maximum is 500 characters)"],
    }


def test_update_ignores_unknown_keys():
    assert UserUpdateSchema().load({"bio": "hi", "token": "x", "id": 3}) == {"bio": "hi"}


# --- LoginSchema -----------------------------------------------------------------------------


def test_login_accepts_valid_input():
    data = {"email": "ann@example.com", "password": "anything"}

    assert LoginSchema().load(data) == data


def test_login_missing_fields_cant_be_blank():
    assert errors(LoginSchema(), {}) == {"email": BLANK, "password": BLANK}


def test_login_blank_fields_cant_be_blank():
    assert errors(LoginSchema(), {"email": "  ", "password": ""}) == {
        "email": BLANK,
        "password": BLANK,
    }


def test_login_password_max_length():
    assert "password" in errors(LoginSchema(), {"email": "a@example.com", "password": "x" * 129})


def test_login_ignores_unknown_keys():
    data = {"email": "ann@example.com", "password": "secret", "remember": True}

    assert LoginSchema().load(data) == {"email": "ann@example.com", "password": "secret"}
