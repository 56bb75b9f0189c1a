"""The RealWorld envelopes: every body is wrapped in one key (``{"user": {...}}``).

Only the wrapping lives here; the fields come from the shared schemas in ``users/`` and
``articles/``, the same ones the pages use.
"""

from typing import Any

from marshmallow import Schema, fields, pre_load

from myapp.articles.schemas import (
    ArticleCreateSchema,
    ArticleListItemSchema,
    ArticleSchema,
    ArticleSearchItemSchema,
    ArticleUpdateSchema,
    CommentCreateSchema,
    CommentSchema,
)
from myapp.moderation.schemas import ReportCreateSchema, ReportSchema
from myapp.schemas import InputSchema
from myapp.serialization import dumper, source_attributes
from myapp.users.schemas import (
    AccountDeleteSchema,
    LoginSchema,
    PasswordResetRequestSchema,
    PasswordResetSchema,
    ProfileDetailSchema,
    RegisterSchema,
    UserSchema,
    UserUpdateSchema,
)

ENVELOPE_KEYS = {"user", "article", "comment", "report"}
# The keys of a user update, for a body sent without its envelope.
USER_FIELDS = {field.data_key or name for name, field in UserUpdateSchema().load_fields.items()}
MISSING = {"required": "is missing", "type": "must be an object"}


class RegisterBody(InputSchema):
    user = fields.Nested(RegisterSchema, required=True, error_messages=MISSING)


class LoginBody(InputSchema):
    user = fields.Nested(LoginSchema, required=True, error_messages=MISSING)


class PasswordResetRequestBody(InputSchema):
    user = fields.Nested(PasswordResetRequestSchema, required=True, error_messages=MISSING)


class UserUpdateBody(InputSchema):
    user = fields.Nested(UserUpdateSchema, required=True, error_messages=MISSING)

    @pre_load
    def accept_unwrapped(self, data: Any, **kwargs: Any) -> Any:
        """The Vue front end sends the settings without the envelope (its issue #282)."""
        if isinstance(data, dict) and "user" not in data and data.keys() & USER_FIELDS:
            return {"user": data}
        return data


class AccountDeleteBody(InputSchema):
    user = fields.Nested(AccountDeleteSchema, required=True, error_messages=MISSING)


PasswordResetBody = PasswordResetSchema  # {"token": ..., "password": ...}, no envelope


class ArticleCreateBody(InputSchema):
    article = fields.Nested(ArticleCreateSchema, required=True, error_messages=MISSING)


class ArticleUpdateBody(InputSchema):
    article = fields.Nested(ArticleUpdateSchema, required=True, error_messages=MISSING)


class CommentCreateBody(InputSchema):
    comment = fields.Nested(CommentCreateSchema, required=True, error_messages=MISSING)


class ReportCreateBody(InputSchema):
    report = fields.Nested(ReportCreateSchema, required=True, error_messages=MISSING)


class UserBody(Schema):
    user = fields.Nested(UserSchema)


class ProfileBody(Schema):
    profile = fields.Nested(ProfileDetailSchema)


class ArticleBody(Schema):
    article = fields.Nested(ArticleSchema)


class ArticleListBody(Schema):
    articles = fields.List(fields.Nested(ArticleListItemSchema))
    articles_count = fields.Integer(data_key="articlesCount")


class ArticleSearchListBody(Schema):
    """A list of articles; with ``q``, most relevant first and each with its ``highlight``."""

    articles = fields.List(fields.Nested(ArticleSearchItemSchema))
    articles_count = fields.Integer(data_key="articlesCount")


class CommentBody(Schema):
    comment = fields.Nested(CommentSchema)


class CommentListBody(Schema):
    comments = fields.List(fields.Nested(CommentSchema))


class ReportBody(Schema):
    report = fields.Nested(ReportSchema)


class MessageBody(Schema):
    message = fields.String()


class TagListBody(Schema):
    tags = fields.List(fields.String())


# The JSON of each response, built from the schema that documents it (myapp/serialization.py).


def articles_body(page: Any) -> dict[str, Any]:
    return dumper(ArticleListBody)({"articles": page.articles, "articles_count": page.total})


def article_items_body(page: Any) -> dict[str, Any]:
    """``articles_body`` of an ``ItemPage``, whose articles are the API's JSON already (built
    from cached fragments, articles/fragments.py): the same keys, in the same order."""
    return {"articles": page.items, "articlesCount": page.total}


def article_item_body(item: dict[str, Any]) -> dict[str, Any]:
    """``article_body`` of one article that is the API's JSON already."""
    return {"article": item}


def search_body(page: Any) -> dict[str, Any]:
    return dumper(ArticleSearchListBody)({"articles": page.articles, "articles_count": page.total})


def article_body(article: Any) -> dict[str, Any]:
    return dumper(ArticleBody)({"article": article})


def comments_body(comments: list[Any]) -> dict[str, Any]:
    return dumper(CommentListBody)({"comments": comments})


def comment_items_body(items: list[dict[str, Any]]) -> dict[str, Any]:
    """``comments_body`` of comments that are the API's JSON already."""
    return {"comments": items}


def comment_body(comment: Any) -> dict[str, Any]:
    return dumper(CommentBody)({"comment": comment})


def report_body(report: Any) -> dict[str, Any]:
    return dumper(ReportBody)({"report": report})


def profile_body(profile: Any) -> dict[str, Any]:
    return dumper(ProfileBody)({"profile": profile})


USER_COLUMNS = [name for name in source_attributes(UserSchema).values() if name != "token"]


def user_body(user: Any, token: str) -> dict[str, Any]:
    """The signed-in user with a token (which the user row does not hold)."""
    signed_in = {name: getattr(user, name) for name in USER_COLUMNS} | {"token": token}
    return dumper(UserBody)({"user": signed_in})
