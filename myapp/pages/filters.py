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


@bp.app_template_filter("longdatetime")
def longdatetime(value: datetime) -> str:
    """``December 1, 2026 at 08:00``, in UTC (the page says so beside it)."""
    value = _utc(value)
    return f"{longdate(value)} at {value:%H:%M}"
