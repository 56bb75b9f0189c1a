"""HTML error pages for everything outside /api."""

from flask import current_app, render_template
from werkzeug.exceptions import HTTPException

from myapp.errors import DomainError


def handle_error(error: Exception) -> tuple[str, int]:
    if isinstance(error, DomainError):
        status, message = (
            error.status,
            "; ".join(f"{field} {msg}" for field, msgs in error.messages.items() for msg in msgs),
        )
    elif isinstance(error, HTTPException):
        status, message = error.code or 500, error.description
    else:  # pragma: no cover - the factory routes only these
        raise error
    if status == 429:  # the description is "try again in 42 seconds" (myapp/limits.py)
        message = f"You have done that too often. Please {error.description}."
    elif status == 503:
        message = "Conduit is briefly unavailable. Please try again in a moment."
    elif status >= 500:
        current_app.logger.error(
            "unhandled error", exc_info=getattr(error, "original_exception", None)
        )
        message = "Something went wrong on our side. Please try again in a moment."
    return render_template("errors/error.html", status=status, message=message), status
