"""Input and output schemas for articles and comments, shared by the pages and the API."""

from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate

from myapp.articles.models import STATUSES
from myapp.schemas import InputSchema, Name, OptionalText, Text, Timestamp
from myapp.users.schemas import ProfileSchema

MAX_TAGS = 10
MAX_LIMIT = 100


class TagListField(fields.List):
    """A list of tag names: trimmed, NFKC-normalised, blanks and look-alikes rejected,
    duplicates dropped, sorted."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            Name(
                max_length=40,
                validate=validate.Regexp(
                    r"^[^\x00-\x1f\x7f]*$", error="may not contain control characters"
                ),
            ),
            validate=validate.Length(max=MAX_TAGS, error=f"may hold at most {MAX_TAGS} tags"),
            **kwargs,
        )

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[str]:
        return sorted(set(super()._deserialize(value, attr, data, **kwargs)))


class PublishAt(fields.AwareDateTime):
    """When to publish: ISO 8601 with a UTC offset. Whether it may be set, and whether it is in
    the future, depends on the article (articles.services.set_publication)."""

    default_error_messages = {
        "invalid": "must be an ISO 8601 date and time, like 2026-12-01T09:00:00Z",
        "invalid_awareness": "must have a UTC offset, like 2026-12-01T09:00:00+01:00 or ...Z",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", data_key="publishAt", allow_none=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            return moment.astimezone(UTC)  # 9999-12-31T23:59-10:00 has no UTC time
        except OverflowError:
            raise ValidationError("is out of range") from None


class Publication:
    """``status`` and ``publishAt``: a future ``publishAt`` schedules the article, ``"draft"``
    keeps it to its author, ``"published"`` publishes it now."""

    status = fields.String(
        validate=validate.OneOf(STATUSES, error=f"must be one of: {', '.join(STATUSES)}")
    )
    publish_at = PublishAt()


class ArticleCreateSchema(Publication, InputSchema):
    title = Text(required=True, max_length=200)
    description = Text(required=True, max_length=500)
    body = Text(required=True, max_length=100_000)
    tag_list = TagListField(data_key="tagList", load_default=list)


class ArticleUpdateSchema(Publication, InputSchema):
    title = Text(max_length=200)
    description = Text(max_length=500)
    body = Text(max_length=100_000)
    tag_list = TagListField(data_key="tagList")


class CommentCreateSchema(InputSchema):
    body = Text(required=True, max_length=10_000)


class PageQuerySchema(InputSchema):
    limit = fields.Integer(
        load_default=20,
        strict=False,
        validate=validate.Range(min=1, error="must be at least 1"),
    )
    offset = fields.Integer(
        load_default=0,
        strict=False,
        validate=validate.Range(min=0, error="must not be negative"),
    )

    @post_load
    def cap_limit(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data["limit"] = min(data["limit"], MAX_LIMIT)
        return data


class OwnArticlesQuerySchema(PageQuerySchema):
    status = fields.String(
        load_default=None,
        validate=validate.OneOf(STATUSES, error=f"must be one of: {', '.join(STATUSES)}"),
    )


class ArticleQuerySchema(PageQuerySchema):
    # Blank filters mean "no filter"; unknown values simply match nothing.
    tag = OptionalText(max_length=255, load_default=None)
    author = OptionalText(max_length=255, load_default=None)
    favorited = OptionalText(max_length=255, load_default=None)
    # Full-text search (myapp/articles/search.py): words, "phrases", -excluded; results by
    # relevance, each with a highlight. Absent: the newest articles, as before.
    q = Text(
        max_length=200,
        metadata={"description": 'Search: words, "exact phrases", -excluded words'},
    )


# The output schemas document the API, define its JSON (myapp/serialization.py builds it fast
# from them) and name the columns the reads select (myapp/articles/queries.py).


class ArticleListItemSchema(Schema):
    slug = fields.String()
    title = fields.String()
    description = fields.String()
    tag_list = fields.List(fields.String(), data_key="tagList")
    created_at = Timestamp(data_key="createdAt")
    updated_at = Timestamp(data_key="updatedAt")
    favorited = fields.Boolean()
    favorites_count = fields.Integer(data_key="favoritesCount")
    author = fields.Nested(ProfileSchema)
    # Beyond RealWorld: drafts and scheduling.
    status = fields.String()
    publish_at = Timestamp(data_key="publishAt", allow_none=True)
    # Beyond RealWorld: minutes to read the body (the pages show it on every preview).
    reading_minutes = fields.Integer(data_key="readingMinutes")


class HighlightSchema(Schema):
    """Short snippets of a search result: HTML, escaped, with matches in ``<mark>``."""

    title = fields.String()
    description = fields.String()
    body = fields.String()


class ArticleSearchItemSchema(ArticleListItemSchema):
    """An article found by a search (``q``): a list item with its highlighted snippets."""

    highlight = fields.Nested(HighlightSchema)


class ArticleSchema(ArticleListItemSchema):
    body = fields.String()
    # Beyond RealWorld: set when a moderator hid it (only its author and staff see it then).
    hidden_at = Timestamp(data_key="hiddenAt", allow_none=True)
    hidden_reason = fields.String(data_key="hiddenReason", allow_none=True)


class CommentSchema(Schema):
    id = fields.Integer()
    created_at = Timestamp(data_key="createdAt")
    updated_at = Timestamp(data_key="updatedAt")
    body = fields.String()
    author = fields.Nested(ProfileSchema)
    # Beyond RealWorld: set when a moderator hid it (only its author and staff see it then).
    hidden_at = Timestamp(data_key="hiddenAt", allow_none=True)
    hidden_reason = fields.String(data_key="hiddenReason", allow_none=True)
