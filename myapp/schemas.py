"""Marshmallow pieces shared by the users and articles schemas."""

from datetime import UTC, datetime
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields

from myapp.identity import (
    invisible_characters,
    looks_like_another_script,
    normalize_email,
    normalize_text,
)


class InputSchema(Schema):
    """Base for request input: unknown keys are ignored, as RealWorld clients send extras."""

    class Meta:
        unknown = EXCLUDE


INVALID_TEXT = "contains characters that are not valid text"


def is_valid_text(text: str) -> bool:
    """False for strings no UTF-8 store can hold, such as lone surrogates from ``"\\ud800"``."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def require_valid_text(text: str) -> None:
    """A marshmallow validator for fields that are not ``Text`` (passwords)."""
    if not is_valid_text(text):
        raise ValidationError(INVALID_TEXT)


class Text(fields.String):
    """A string with surrounding white space removed; a required one may not be blank."""

    default_error_messages = {
        "required": "can't be blank",
        "null": "can't be blank",
        "invalid": "must be a string",
        "blank": "can't be blank",
        "nul": "may not contain NUL characters",
        "unencodable": INVALID_TEXT,
        "too_long": "is too long (maximum is {max} characters)",
    }

    def __init__(self, *, max_length: int, allow_blank: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_length = max_length
        self.allow_blank = allow_blank

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if "\x00" in text:  # no database stores it in text (PostgreSQL refuses it)
            raise self.make_error("nul")
        if not is_valid_text(text):
            raise self.make_error("unencodable")
        if not text and not self.allow_blank:
            raise self.make_error("blank")
        if len(text) > self.max_length:
            raise self.make_error("too_long", max=self.max_length)
        return text


class Name(Text):
    """Text that names something people compare (a username, a tag): NFKC-normalised, with no
    invisible characters and no look-alike mix of scripts (see myapp/identity.py)."""

    default_error_messages = {
        "invisible": "may not contain invisible characters such as zero-width spaces",
        "confusable": "mixes scripts in a way that imitates another name",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, str):
            value = normalize_text(value)
        text = super()._deserialize(value, attr, data, **kwargs)
        if invisible_characters(text):
            raise self.make_error("invisible")
        if looks_like_another_script(text):
            raise self.make_error("confusable")
        return text


class Email(Text):
    """An email address, stored lower-cased with an IDNA domain (see myapp/identity.py)."""

    default_error_messages = {"email": "is invalid"}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=254, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        try:
            return normalize_email(super()._deserialize(value, attr, data, **kwargs))
        except ValueError:
            raise self.make_error("email") from None


class OptionalText(Text):
    """Optional text where blank or null means "none": stored as NULL."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_blank=True, allow_none=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | None:
        return super()._deserialize(value, attr, data, **kwargs) or None

    def _validate(self, value: Any) -> None:
        if value is not None:
            super()._validate(value)


class Timestamp(fields.Field):
    """UTC with milliseconds and ``Z``, as RealWorld clients expect: 2016-02-18T03:22:56.637Z."""

    def _serialize(
        self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any
    ) -> str | None:
        if value is None:
            return None
        return format_timestamp(value)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        raise ValidationError("is read-only")


def format_timestamp(value: datetime) -> str:
    # Everything is stored in UTC; a naive value (from elsewhere) is taken to be UTC too.
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
