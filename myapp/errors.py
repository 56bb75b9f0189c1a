"""Domain errors raised by services. Each surface maps them: ``api/`` to JSON, ``pages/`` to HTML.

No Flask import here: services stay usable from the CLI and tests.
"""

from datetime import UTC, datetime


class DomainError(Exception):
    """An error a user can act on, with messages keyed by the field they concern.

    ``status`` is the HTTP status both surfaces answer with.
    """

    status = 400

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field} {message}")
        self.messages: dict[str, list[str]] = {field: [message]}


class NotFound(DomainError):
    """The thing addressed does not exist."""

    status = 404


class Forbidden(DomainError):
    """The acting user may not do this to that thing."""

    status = 403


class Conflict(DomainError):
    """The input clashes with existing data (a taken username, say)."""

    status = 422


class Invalid(DomainError):
    """The input is well-formed but not acceptable (following yourself, say)."""

    status = 422


class InvalidCredentials(DomainError):
    """Sign-in failed; deliberately does not say which field was wrong."""

    status = 401

    def __init__(self) -> None:
        super().__init__("email or password", "is invalid")


class AccountSuspended(DomainError):
    """The account is suspended: it may not sign in, and its tokens and sessions do not work.
    ``reason`` and ``until`` (None: until lifted) are for the sign-in page to explain."""

    status = 403

    def __init__(self, reason: str | None = None, until: datetime | None = None) -> None:
        super().__init__("account", "is suspended")
        self.reason = reason
        self.until = until

    def explanation(self) -> str:
        """For a person: until when, and why."""
        when = "until a moderator lifts it"
        if self.until is not None:
            until = self.until.astimezone(UTC)
            when = f"until {until:%B} {until.day}, {until:%Y} at {until:%H:%M} UTC"
        why = f" The reason given: {self.reason}" if self.reason else ""
        return f"is suspended {when}.{why}"
