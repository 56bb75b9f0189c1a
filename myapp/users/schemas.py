"""Input and output schemas for users, shared by the pages and the API."""

from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate

from myapp.schemas import (
    Email,
    InputSchema,
    Name,
    OptionalText,
    Text,
    Timestamp,
    require_valid_text,
)

USERNAME_RE = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
USERNAME_MESSAGE = (
    "may contain only letters, digits, '_', '-' and '.', and must start with a letter or digit"
)
PASSWORD_MIN, PASSWORD_MAX = 8, 128


def username_field(**kwargs: Any) -> Name:
    return Name(
        max_length=40,
        validate=validate.Regexp(USERNAME_RE, error=USERNAME_MESSAGE),
        **kwargs,
    )


def check_password_length(password: str) -> None:
    if not password:
        raise ValidationError("can't be blank")
    require_valid_text(password)
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise ValidationError(f"must be between {PASSWORD_MIN} and {PASSWORD_MAX} characters")


def password_field(**kwargs: Any) -> fields.String:
    # Not stripped: white space in a password is the user's choice.
    return fields.String(
        error_messages={
            "required": "can't be blank",
            "null": "can't be blank",
            "invalid": "must be a string",
        },
        validate=check_password_length,
        **kwargs,
    )


class RegisterSchema(InputSchema):
    username = username_field(required=True)
    email = Email(required=True)
    password = password_field(required=True)


class LoginSchema(InputSchema):
    email = Text(required=True, max_length=254)
    password = fields.String(
        required=True,
        error_messages={"required": "can't be blank"},
        validate=[
            validate.Length(min=1, error="can't be blank"),
            validate.Length(max=PASSWORD_MAX, error=f"is too long (maximum is {PASSWORD_MAX})"),
            require_valid_text,
        ],
    )


KEPT_WHEN_BLANK = ("username", "email", "password", "currentPassword")


class NotificationsInputSchema(InputSchema):
    """Which emails to get; the kinds left out keep their setting."""

    error_messages = {"type": "must be an object"}

    comments = fields.Boolean(error_messages={"invalid": "must be true or false"})
    followers = fields.Boolean(error_messages={"invalid": "must be true or false"})
    articles = fields.Boolean(error_messages={"invalid": "must be true or false"})


class UserUpdateSchema(InputSchema):
    username = username_field()
    email = Email()
    password = password_field()
    # Needed to change the email or the password (see users.services.update_user).
    current_password = fields.String(data_key="currentPassword", validate=require_valid_text)
    bio = OptionalText(max_length=2000)
    image = OptionalText(
        max_length=500,
        validate=validate.URL(schemes={"http", "https"}, error="must be an http(s) URL"),
    )
    notifications = fields.Nested(NotificationsInputSchema)

    @pre_load
    def blank_means_unchanged(self, data: Any, **kwargs: Any) -> Any:
        """Settings forms (ours and every RealWorld front end's) send all their fields: an empty
        username, email or password means "keep it", while an empty bio or image clears it."""
        if not isinstance(data, dict):
            return data
        return {
            key: value
            for key, value in data.items()
            if not (key in KEPT_WHEN_BLANK and (value is None or value == ""))
        }


# The output schemas below document the API (OpenAPI), define its JSON (myapp/serialization.py
# builds it fast from them) and name the columns the reads select.


class NotificationsSchema(Schema):
    """The emails the user gets (all on by default)."""

    comments = fields.Boolean()
    followers = fields.Boolean()
    articles = fields.Boolean()


class UserSchema(Schema):
    """The signed-in user as the API returns it, with a fresh token."""

    email = fields.String()
    token = fields.String()
    username = fields.String()
    bio = fields.String(allow_none=True)
    image = fields.String(allow_none=True)
    notifications = fields.Nested(NotificationsSchema)  # beyond RealWorld


class ProfileSchema(Schema):
    username = fields.String()
    bio = fields.String(allow_none=True)
    image = fields.String(allow_none=True)
    following = fields.Boolean()


class ProfileDetailSchema(ProfileSchema):
    """A profile on its own (``GET /api/profiles/<username>``, follow, unfollow, the profile
    page): RealWorld's fields, then counts and the join date. Profiles embedded as an article's
    or a comment's author stay ``ProfileSchema``, so lists pay nothing for the counts. Suspended
    people and what is not listed (drafts, hidden articles) are not counted."""

    followers_count = fields.Integer(data_key="followersCount")
    following_count = fields.Integer(data_key="followingCount")
    articles_count = fields.Integer(data_key="articlesCount")
    created_at = Timestamp(data_key="createdAt")


class ExportProfileSchema(Schema):
    username = fields.String()
    email = fields.String()
    bio = fields.String(allow_none=True)
    image = fields.String(allow_none=True)
    created_at = Timestamp(data_key="createdAt")
    notifications = fields.Nested(NotificationsSchema)


class ExportArticleSchema(Schema):
    slug = fields.String()
    title = fields.String()
    description = fields.String()
    body = fields.String()
    tag_list = fields.List(fields.String(), data_key="tagList")
    status = fields.String()
    created_at = Timestamp(data_key="createdAt")
    updated_at = Timestamp(data_key="updatedAt")
    publish_at = Timestamp(data_key="publishAt", allow_none=True)
    hidden_at = Timestamp(data_key="hiddenAt", allow_none=True)


class ExportCommentSchema(Schema):
    id = fields.Integer()
    article = fields.String()  # the slug of the article it is on
    body = fields.String()
    created_at = Timestamp(data_key="createdAt")
    updated_at = Timestamp(data_key="updatedAt")


class ExportSchema(Schema):
    """Everything an account holds, for its owner to take away (``GET /api/user/export``):
    the profile with its email settings, every article in every state with its body and tags,
    every comment with its article's slug, the slugs of the articles favorited, and the
    usernames followed and following. Never the password hash, nor any token or key."""

    exported_at = Timestamp(data_key="exportedAt")
    profile = fields.Nested(ExportProfileSchema)
    articles = fields.List(fields.Nested(ExportArticleSchema))
    comments = fields.List(fields.Nested(ExportCommentSchema))
    favorites = fields.List(fields.String())
    following = fields.List(fields.String())
    followers = fields.List(fields.String())


class AccountDeleteSchema(InputSchema):
    """Deleting your own account: your password confirms it (the pages' form and the API)."""

    password = fields.String(
        required=True,
        error_messages={
            "required": "can't be blank",
            "null": "can't be blank",
            "invalid": "must be a string",
        },
        validate=[
            validate.Length(min=1, error="can't be blank"),
            validate.Length(max=PASSWORD_MAX, error=f"is too long (maximum is {PASSWORD_MAX})"),
            require_valid_text,
        ],
    )


class PasswordResetRequestSchema(InputSchema):
    email = Text(required=True, max_length=254)


class PasswordResetSchema(InputSchema):
    token = Text(required=True, max_length=500)
    password = password_field(required=True)
