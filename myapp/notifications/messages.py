"""The emails: each notification kind as a multipart text + HTML message.

Everything a user wrote reaches the message through a template (HTML autoescaped) or a header
that the email library encodes; headers are one line, so a title or a comment can inject neither
HTML nor a header. Links point to ``PUBLIC_URL``, never to a request's Host.
"""

import email.policy
import hashlib
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, render_template
from itsdangerous import BadSignature, URLSafeSerializer

from myapp.models import utcnow
from myapp.notifications.models import (
    ARTICLE,
    COMMENT,
    FOLLOWER,
    PASSWORD_RESET,
    PREFERENCE,
    REPORTS,
)
from myapp.urls import DEVELOPMENT_URL, build_url

# Headers are not folded below RFC 5322's hard limit: folded, a long List-Unsubscribe link
# would be turned into encoded words, which mail programs do not read as a link.
POLICY = email.policy.SMTP.clone(max_line_length=998)
SUBJECTS = {
    COMMENT: "{actor} commented on \u201c{title}\u201d",
    FOLLOWER: "{actor} is now following you on Conduit",
    ARTICLE: "New on Conduit from people you follow",
    PASSWORD_RESET: "Reset your Conduit password",
    REPORTS: "Reports to review on Conduit",
}


def public_url() -> str:
    """``PUBLIC_URL``: an email is read away from any request, so never the request's Host."""
    return (current_app.config.get("PUBLIC_URL") or DEVELOPMENT_URL).rstrip("/")


def link(endpoint: str, _anchor: str | None = None, **values: Any) -> str:
    """An absolute link to a page, on ``PUBLIC_URL`` (``url_for``'s arguments)."""
    return build_url(public_url(), endpoint, _anchor, **values)


# --- one-click unsubscribe (RFC 8058) --------------------------------------------------------


def _unsubscribe_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="unsubscribe")


def unsubscribe_token(user_id: int, preference: str) -> str:
    return _unsubscribe_signer().dumps([user_id, preference])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, preference) from a link we signed; None for anything else."""
    try:
        user_id, preference = _unsubscribe_signer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or preference not in PREFERENCE.values():
        return None
    return user_id, preference


# --- building a message ----------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(text.split())


def message_id(notification_ids: list[int]) -> str:
    """The same for every attempt at the same notifications, so a receiving server can tell a
    retried message from a new one."""
    digest = hashlib.sha256(
        f"{current_app.config['SECRET_KEY']}:{notification_ids}".encode()
    ).hexdigest()[:24]
    domain = urlsplit(public_url()).hostname or "localhost"
    return f"<conduit.{notification_ids[0]}.{digest}@{domain}>"


def build(kind: str, recipient: Any, notification_ids: list[int], **context: Any) -> EmailMessage:
    """The email for ``kind`` to ``recipient``; ``context`` is what its templates show."""
    message = EmailMessage(policy=POLICY)
    actor = context.get("actor")
    title = context["article"].title if context.get("article") is not None else ""
    message["Subject"] = _one_line(
        SUBJECTS[kind].format(actor=actor.username if actor else "", title=title)
    )
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = formataddr((_one_line(recipient.username), recipient.email))
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id(notification_ids) if notification_ids else make_msgid()
    preference = PREFERENCE.get(kind)
    unsubscribe = None
    if preference is not None:
        unsubscribe = link("pages.unsubscribe", token=unsubscribe_token(recipient.id, preference))
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    context |= {"recipient": recipient, "unsubscribe": unsubscribe, "link": link}
    message.set_content(render_template(f"email/{kind}.txt", **context))
    message.add_alternative(render_template(f"email/{kind}.html", **context), subtype="html")
    return message
