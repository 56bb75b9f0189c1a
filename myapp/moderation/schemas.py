"""Input schemas for reports and staff actions, shared by the API, the pages and the admin area."""

from datetime import UTC, date, datetime, time
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from myapp.moderation.models import REASONS
from myapp.schemas import InputSchema, Name, OptionalText, Text, Timestamp
from myapp.users.models import ROLES

REASON_MAX = 500


class ReportCreateSchema(InputSchema):
    reason = fields.String(
        required=True,
        validate=validate.OneOf(REASONS, error=f"must be one of: {', '.join(REASONS)}"),
        error_messages={"required": "can't be blank", "null": "can't be blank"},
    )
    note = OptionalText(max_length=1000, load_default=None)


class ReportSchema(Schema):
    """A report as its reporter sees it."""

    id = fields.Integer()
    reason = fields.String()
    note = fields.String(allow_none=True)
    status = fields.String()
    created_at = Timestamp(data_key="createdAt")
    updated_at = Timestamp(data_key="updatedAt")


class ActionReasonSchema(InputSchema):
    """Why a moderator hides something: the author is shown it."""

    reason = Text(required=True, max_length=REASON_MAX)


class Until(fields.Field):
    """The end of a suspension: a date (the suspension ends as that day begins, in UTC) or an
    ISO 8601 moment with a UTC offset; blank for none."""

    default_error_messages = {
        "invalid": "must be a date like 2026-12-01, or a date and time with a UTC offset"
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str):
            raise self.make_error("invalid")
        text = value.strip()
        try:
            if len(text) == 10:
                return datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC)
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise self.make_error("invalid") from None
        if moment.tzinfo is None:
            raise self.make_error("invalid")
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            raise ValidationError("is out of range") from None


class SuspendSchema(ActionReasonSchema):
    until = Until(load_default=None, allow_none=True)


class RoleSchema(InputSchema):
    role = fields.String(
        required=True,
        validate=validate.OneOf(ROLES, error=f"must be one of: {', '.join(ROLES)}"),
        error_messages={"required": "can't be blank", "null": "can't be blank"},
    )


class DeleteUserSchema(InputSchema):
    """Deleting someone is typed out: ``confirm`` must be their username."""

    confirm = Text(required=True, max_length=40)


class TagNameSchema(InputSchema):
    """A tag's new name (rename), or the tag to merge into (merge)."""

    name = Name(required=True, max_length=40)
