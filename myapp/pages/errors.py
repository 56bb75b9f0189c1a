"""HTML error pages for everything outside /api, in words meant for people.

The API says "article not found"; a reader is told "We couldn't find that article", with what to
do next. The domain errors' field names the thing (article, comment, profile ...).
"""

from flask import current_app, render_template
from werkzeug.exceptions import HTTPException

from myapp.errors import DomainError

# What the domain's field names are called on a page.
THINGS = {"profile": "profile", "user": "person", "audit entry": "audit log entry"}

GENERIC = {
    400: "Your browser sent something we couldn't read. Go back, reload the page and try again.",
    401: "Please sign in to do that.",
    403: "You're not allowed to do that.",
    404: "We couldn't find that page. The link may be mistyped, or the page may have moved.",
    405: "This address can't be opened that way. Go back and use the page's buttons or links.",
    413: "That is more than we can take in one go. Please send something smaller.",
    422: "We couldn't do that. Go back and check what you entered.",
}


def human_message(error: Exception, status: int) -> str:
    if isinstance(error, DomainError):
        field = next(iter(error.messages), "")
        thing = THINGS.get(field, field)
        if status == 404:
            return (
                f"We couldn't find that {thing}. It may have been deleted, or the link may be "
                "mistyped."
            )
        if status == 403 and field == "role":
            return "Only the site's staff can do that."
        if status == 403:
            return f"That {thing} isn't yours, so you can't change or delete it."
        return (
            "; ".join(
                f"{field} {message}"
                for field, messages in error.messages.items()
                for message in messages
            ).capitalize()
            + "."
        )
    if status == 400 and "CSRF" in str(getattr(error, "description", "")):
        return (
            "This form has expired, or was sent from another site. Go back, reload the page "
            "and try again."
        )
    if status == 429:  # the description is "try again in 42 seconds" (myapp/limits.py)
        return f"You have done that too often. Please {getattr(error, 'description', 'wait')}."
    if status == 503:
        return "Conduit is briefly unavailable. Please try again in a moment."
    if status >= 500:
        current_app.logger.error(
            "unhandled error", exc_info=getattr(error, "original_exception", None)
        )
        return "Something went wrong on our side. Please try again in a moment."
    description = getattr(error, "description", None)
    if description and description != type(error).description:
        return description  # written for this case by the view that raised it
    return GENERIC.get(status, description or "That didn't work.")


def handle_error(error: Exception) -> tuple[str, int]:
    if isinstance(error, DomainError):
        status = error.status
    elif isinstance(error, HTTPException):
        status = error.code or 500
    else:  # pragma: no cover - the factory routes only these
        raise error
    message = human_message(error, status)
    link = getattr(error, "link", None)  # (url, label): where to go instead, if we know
    return render_template("errors/error.html", status=status, message=message, link=link), status
