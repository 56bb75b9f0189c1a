"""An app whose emails go to an SMTP server in this process (aiosmtpd), and whose tasks go to
an in-memory broker nobody reads: a test delivers by calling the services itself."""

import pytest
from flask import Flask

from myapp import create_app
from myapp.extensions import db
from tests.workers import Mailbox, unique_queue


@pytest.fixture(scope="package")
def mailbox():
    server = Mailbox()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(app: Flask, database_url: str, mailbox: Mailbox) -> Flask:
    mailbox.reset()
    return create_app(
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "CELERY_TASK_ALWAYS_EAGER": False,
            "CELERY_BROKER_URL": "memory://",
            "WORKER_QUEUE": unique_queue(),
            "SMTP_URL": mailbox.url,
            "NOTIFICATION_RETRY_SECONDS": 10.0,
            "NOTIFICATION_MAX_ATTEMPTS": 3,
            "NOTIFICATION_LEASE_SECONDS": 60.0,
        }
    )


@pytest.fixture
def mail_ctx(mail_app: Flask):
    with mail_app.app_context():
        yield
        db.session.remove()
