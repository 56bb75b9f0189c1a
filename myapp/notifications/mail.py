"""Sending one email: through SMTP (``SMTP_URL``), or, in development without it, into a file
under ``instance/mail/`` that any mail program opens."""

import logging
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app

log = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    """The server could not take the message now (4xx, unreachable, timed out): try again."""


class PermanentFailure(Exception):
    """The server refused the message for good (5xx): trying again would not help."""


def send(message: EmailMessage) -> None:
    url = current_app.config.get("SMTP_URL")
    if url:
        _send_smtp(url, message)
    else:
        _write_file(message)


def _send_smtp(url: str, message: EmailMessage) -> None:
    parts = urlsplit(url)
    timeout = current_app.config["SMTP_TIMEOUT_SECONDS"]
    implicit_tls = parts.scheme == "smtps"
    port = parts.port or (465 if implicit_tls else 587)
    try:
        if implicit_tls:
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                parts.hostname or "localhost",
                port,
                timeout=timeout,
                context=ssl.create_default_context(),
            )
        else:
            server = smtplib.SMTP(parts.hostname or "localhost", port, timeout=timeout)
        with server:
            server.ehlo()
            if not implicit_tls and server.has_extn("starttls"):
                server.starttls(context=ssl.create_default_context())
                server.ehlo()
            if parts.username:
                server.login(unquote(parts.username), unquote(parts.password or ""))
            server.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        failure = TemporaryFailure if all(400 <= c < 500 for c in codes) else PermanentFailure
        raise failure(f"recipient refused: {codes}") from error
    except smtplib.SMTPResponseException as error:
        failure = TemporaryFailure if 400 <= error.smtp_code < 500 else PermanentFailure
        raise failure(f"{error.smtp_code} {error.smtp_error!r}") from error
    except (smtplib.SMTPException, OSError) as error:  # disconnected, refused, timed out
        raise TemporaryFailure(f"{type(error).__name__}: {error}") from error


def _write_file(message: EmailMessage) -> None:
    folder = Path(current_app.config["MAIL_FOLDER"] or Path(current_app.instance_path) / "mail")
    folder.mkdir(exist_ok=True)
    name = message["Message-ID"].strip("<>").replace("/", "_")
    path = folder / f"{name}.eml"
    path.write_bytes(bytes(message))
    log.info("email written to %s: %s (to %s)", path, message["Subject"], message["To"])
