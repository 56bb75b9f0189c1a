"""Template filters for the pages."""

from datetime import UTC, datetime

from myapp.pages import bp
from myapp.schemas import format_timestamp


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@bp.app_template_filter("longdate")
def longdate(value: datetime) -> str:
    value = _utc(value)
    return f"{value:%B} {value.day}, {value:%Y}"


@bp.app_template_filter("isodate")
def isodate(value: datetime) -> str:
    return format_timestamp(value)
