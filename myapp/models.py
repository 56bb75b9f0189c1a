"""Column types and helpers shared by every model, the same on SQLite, PostgreSQL and MariaDB."""

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, String, Text
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

MYSQL = ("mysql", "mariadb")
# Every table in utf8mb4 on MariaDB/MySQL, whatever the server's default.
MYSQL_TABLE_ARGS = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}
# Tables whose ids name things from outside (tokens, sessions, URLs): SQLite must never hand a
# deleted row's id to a new one, as PostgreSQL's and MariaDB's sequences never do.
IDENTITY_TABLE_ARGS = {**MYSQL_TABLE_ARGS, "sqlite_autoincrement": True}


def utcnow() -> datetime:
    return datetime.now(UTC)


def random_key() -> str:
    """A fresh random value, 22 URL-safe characters (128 bits)."""
    return secrets.token_urlsafe(16)


class UTCDateTime(TypeDecorator[datetime]):
    """A moment in UTC with microseconds; always read back as an aware datetime.

    PostgreSQL keeps the zone; SQLite and MariaDB store naive UTC (MariaDB's DATETIME needs
    ``fsp=6`` to keep fractions of a second).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name in MYSQL:
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and dialect.name != "postgresql":
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def CaseSensitiveString(length: int) -> String:  # named like the types it stands for
    """A string compared case-sensitively everywhere (MariaDB's default collation is not)."""
    return String(length).with_variant(mysql.VARCHAR(length, collation="utf8mb4_bin"), *MYSQL)


LongText = Text().with_variant(mysql.MEDIUMTEXT(), *MYSQL)  # over MariaDB's 64 KiB TEXT


class Timestamps:
    """``created_at`` and ``updated_at`` in UTC, computed per row (never once at import)."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
