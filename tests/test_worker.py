"""The worker, for real: ``celery --app wsgi:celery_app worker -B`` subprocesses against real
brokers (the embedded SQLite one, Redis, RabbitMQ), a real SMTP server (aiosmtpd, in this
process) and the test database, with the web side in this process, its tasks not eager.

Every email is counted by its Message-ID (the same for every attempt at one notification), so
"exactly once" means the SMTP server accepted one message with that id.
"""

import os
import re
import socket
import time
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from myapp import create_app
from myapp.config import normalize_database_url
from myapp.extensions import db
from myapp.notifications import messages
from myapp.notifications.models import Notification
from myapp.worker import broker_url
from tests.factories import Account, Factory
from tests.servers import free_port
from tests.workers import ROOT, Mailbox, Worker, delete_queue, eventually, unique_queue

REDIS = os.environ.get("TEST_REDIS_BROKER_URL", "redis://127.0.0.1:6379/13")
RABBITMQ = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")
# CI sets it: a broker that does not answer fails the run instead of skipping its tests.
REQUIRE_BROKERS = os.environ.get("REQUIRE_BROKERS", "") not in {"", "0", "false"}


def answers(url: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=2).close()
    except OSError:
        return False
    return True


def require(url: str, name: str) -> None:
    if not answers(url):
        if REQUIRE_BROKERS:
            pytest.fail(f"{name} does not answer at {url} (REQUIRE_BROKERS is set)")
        pytest.skip(f"{name} does not answer at {url}")


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mailbox():
    server = Mailbox()
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _accepting(mailbox):
    mailbox.reset()
    yield
    mailbox.reset()


def web_app(database_url: str, queue: str, broker_url: str | None, **settings) -> Flask:
    """The site as gunicorn runs it, in this process: tasks go to the broker."""
    return create_app(
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "CELERY_TASK_ALWAYS_EAGER": False,
            "CELERY_BROKER_URL": broker_url,
            "WORKER_QUEUE": queue,
        }
        | settings
    )


@pytest.fixture
def workers(tmp_path, database_url, mailbox):
    """Start workers on the test database, sending to the module's SMTP server unless told.
    One test's workers are stopped before the next test starts: every worker's sweep serves
    the whole database, so a worker left running would do another test's work."""
    started: list[Worker] = []

    def start(name: str = "worker", **settings: str) -> Worker:
        settings = {"DATABASE_URL": database_url, "SMTP_URL": mailbox.url} | settings
        worker = Worker(tmp_path, name, **settings)
        started.append(worker)
        return worker.start()

    yield start
    for worker in started:
        worker.kill()  # no warm shutdown to wait for: nothing here needs one
        if queue := worker.settings.get("WORKER_QUEUE"):
            url = worker.settings.get("CELERY_BROKER_URL")
            delete_queue(url or broker_url({}, str(ROOT / "instance")), queue)


@pytest.fixture
def embedded(workers, database_url) -> tuple[Worker, Flask]:
    """A worker on the default broker (no CELERY_BROKER_URL, no REDIS_URL: the SQLite file in
    the instance folder), and the site sending to it."""
    queue = unique_queue()
    worker = workers("embedded", CELERY_BROKER_URL="", REDIS_URL="", WORKER_QUEUE=queue)
    web = web_app(database_url, queue, None, REDIS_URL=None)
    return worker, web


# --- helpers --------------------------------------------------------------------------------


def post_comment(web: Flask, author: Account, slug: str, body: str = "Nice!", **headers):
    """POST a comment; the response is closed, as a server closes it (which queues the task).
    Returns the response and the seconds it took, close included."""
    client = web.test_client()
    started = time.perf_counter()
    response = client.post(
        f"/api/articles/{slug}/comments",
        json={"comment": {"body": body}},
        headers=author.headers | headers,
    )
    response.close()
    return response, time.perf_counter() - started


def notifications(web: Flask, **where) -> list[Notification]:
    with web.app_context():
        query = select(Notification).filter_by(**where).order_by(Notification.id)
        rows = list(db.session.scalars(query))
        db.session.remove()
        return rows


def message_id(web: Flask, notification: Notification) -> str:
    with web.app_context():
        return messages.message_id([notification.id])


def commented(web: Flask, **headers) -> tuple[Notification, str]:
    """An article, a comment on it from someone else: the author's notification and the
    Message-ID its email must carry."""
    factory = Factory(web)
    author, reader = factory.user(), factory.user()
    response, _ = post_comment(web, reader, factory.article(author), **headers)
    assert response.status_code == 200  # RealWorld's answer to a new comment
    [notification] = notifications(web, recipient_id=author.id)
    return notification, message_id(web, notification)


def delivered_once(mailbox: Mailbox, message_id: str, seconds: float = 20) -> None:
    """The message arrives, and no second copy follows over a few more beat ticks."""
    eventually(lambda: mailbox.count(message_id) >= 1, seconds, f"{message_id} received")
    time.sleep(2.5)  # sweeps run every second: a duplicate would show by now
    assert mailbox.count(message_id) == 1


# --- 1. the embedded broker ------------------------------------------------------------------


def test_the_embedded_broker_carries_a_task_to_another_process(embedded, mailbox):
    worker, web = embedded
    celery = web.extensions["celery"]
    assert celery.conf.broker_url == (
        f"sqla+sqlite:///{os.path.join(web.instance_path, 'broker.sqlite')}"
    )
    notification, mid = commented(web)
    delivered_once(mailbox, mid)
    assert "email sent" in worker.text()
    [row] = notifications(web, id=notification.id)
    assert (row.status, row.attempts, row.message_id) == ("sent", 1, mid)
    # The sweep also deletes what the embedded broker handed out: its file does not grow.
    from myapp.worker import forget_consumed_messages

    eventually(lambda: forget_consumed_messages(celery) == 0 and consumed(celery) == 0, 10)


def consumed(celery) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(celery.conf.broker_url.removeprefix("sqla+"))
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM kombu_message WHERE NOT visible"))
        result = count.scalar()
    engine.dispose()
    return result


# --- 2. Redis and RabbitMQ -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "url"), [("Redis", REDIS), ("RabbitMQ", RABBITMQ)], ids=["redis", "rabbitmq"]
)
def test_a_server_broker_delivers_a_comment_notification_once(
    name, url, database_url, workers, mailbox
):
    require(url, name)
    queue = unique_queue()
    try:
        workers(CELERY_BROKER_URL=url, WORKER_QUEUE=queue)
        web = web_app(database_url, queue, url)
        notification, mid = commented(web)
        delivered_once(mailbox, mid)
        [row] = notifications(web, id=notification.id)
        assert (row.status, row.attempts) == ("sent", 1)
    finally:
        delete_queue(url, queue)


# --- 3. the broker down when a comment is posted ---------------------------------------------


def test_a_comment_posted_while_the_broker_is_down_is_sent_once_it_is_back(
    own_redis, database_url, workers, mailbox
):
    queue = unique_queue()
    # Beat sends only the outbox sweep here (what brings the comment's email back), every 2 s.
    worker = workers(
        CELERY_BROKER_URL=own_redis.url,
        WORKER_QUEUE=queue,
        PUBLISH_INTERVAL_SECONDS="3600",
        OUTBOX_SWEEP_SECONDS="2",
    )
    web = web_app(database_url, queue, own_redis.url)
    factory = Factory(web)
    author, reader = factory.user(), factory.user()
    slug = factory.article(author)

    own_redis.stop()
    response, seconds = post_comment(web, reader, slug, **{"X-Request-ID": "broker-was-down"})
    assert response.status_code == 200
    assert seconds < 1, f"the POST took {seconds:.2f} s with the broker down"
    [notification] = notifications(web, recipient_id=author.id)
    mid = message_id(web, notification)
    time.sleep(2.5)  # a beat tick passes; nothing can be queued
    [row] = notifications(web, id=notification.id)
    assert (row.status, row.attempts) == ("pending", 0)
    assert mailbox.count(mid) == 0

    own_redis.start()  # empty: the task sent at commit is gone for good; the sweep finds the row
    delivered_once(mailbox, mid, seconds=40)
    [row] = notifications(web, id=notification.id)
    assert (row.status, row.attempts) == ("sent", 1)
    # The delivery's log line names the request that caused it, though the sweep queued it.
    assert any(
        "email sent" in line and "request_id=broker-was-down" in line
        for line in worker.text().splitlines()
    )


def test_a_broker_lost_in_the_middle_of_a_task_leaves_the_worker_consuming(
    own_redis, database_url, workers, mailbox
):
    # Celery 5.7.0's consumer died here: closing the lost connection raised AttributeError
    # ("Unrecoverable error"), and the worker sent nothing more until it was restarted.
    queue = unique_queue()
    worker = workers(CELERY_BROKER_URL=own_redis.url, WORKER_QUEUE=queue)
    web = web_app(database_url, queue, own_redis.url)
    mailbox.handler.delay = 3  # the server takes the message, and waits before answering
    first, first_mid = commented(web)
    eventually(lambda: mailbox.arrived(first_mid), what="the worker is sending")

    own_redis.stop()  # mid-DATA: the task cannot be acknowledged
    own_redis.start()  # empty: what was queued or unacknowledged is gone
    mailbox.handler.delay = 0
    delivered_once(mailbox, first_mid)  # the task the broker lost finishes, once
    assert [row.status for row in notifications(web, id=first.id)] == ["sent"]

    _, second_mid = commented(web)
    delivered_once(mailbox, second_mid, seconds=30)
    assert worker.process.poll() is None and "Unrecoverable error" not in worker.text()


# --- 4. a worker killed in the middle of a delivery ------------------------------------------


def test_a_worker_killed_mid_delivery_leaves_the_email_to_be_sent_once(
    database_url, workers, mailbox
):
    queue = unique_queue()
    worker = workers(WORKER_QUEUE=queue, CELERY_BROKER_URL="", REDIS_URL="",
                     NOTIFICATION_LEASE_SECONDS="3")  # fmt: skip
    web = web_app(database_url, queue, None, REDIS_URL=None)
    mailbox.handler.delay = 60  # the server takes the message, and waits before answering
    notification, mid = commented(web)
    eventually(lambda: mailbox.arrived(mid), what="the worker is sending")
    worker.kill()  # worker and beat, mid-DATA
    [row] = notifications(web, id=notification.id)
    assert (row.status, row.attempts) == ("sending", 1)
    assert mailbox.count(mid) == 0  # never answered: not received

    mailbox.reset()
    worker.start()
    delivered_once(mailbox, mid, seconds=30)  # once the lease has run out, the sweep sends it
    [row] = notifications(web, id=notification.id)
    assert (row.status, row.attempts) == ("sent", 2)


# --- 5. SMTP refusing or unreachable ----------------------------------------------------------


def refuse_rcpt(mailbox: Mailbox) -> Mailbox:
    mailbox.handler.refuse_rcpt = "451 4.3.0 Try again later"
    return mailbox


def refuse_data(mailbox: Mailbox) -> Mailbox:
    mailbox.handler.refuse_data = "421 4.3.2 Service shutting down"
    return mailbox


def unreachable(mailbox: Mailbox) -> Mailbox:
    return Mailbox()  # a free port nobody listens on; started when the test accepts again


@pytest.mark.parametrize("refusing", [refuse_rcpt, refuse_data, unreachable])
def test_a_refused_email_is_retried_then_failed_then_sent_by_the_operator(
    refusing, database_url, workers, mailbox
):
    server = refusing(mailbox)
    queue = unique_queue()
    worker = workers(
        WORKER_QUEUE=queue, CELERY_BROKER_URL="", REDIS_URL="", SMTP_URL=server.url,
        WORKER_METRICS_PORT=str(free_port()),
    )  # fmt: skip
    web = web_app(database_url, queue, None, REDIS_URL=None, SMTP_URL=server.url)
    notification, mid = commented(web)

    states = []  # (attempts, next attempt) as the row goes

    def failed() -> bool:
        [row] = notifications(web, id=notification.id)
        new = (row.attempts, row.next_attempt_at) not in states
        if row.status == "pending" and row.attempts and new:
            states.append((row.attempts, row.next_attempt_at))
        return row.status == "failed"

    eventually(failed, 20, "the notification failed")
    [row] = notifications(web, id=notification.id)
    assert row.attempts == 3 and row.last_error
    # Each failure puts the next attempt later (the doubling itself: tests/notifications).
    assert [attempts for attempts, _ in states] == [1, 2]
    assert states[1][1] > states[0][1]
    assert mailbox.count(mid) == 0

    # The worker counts the failure just after it commits the row: wait for the count too.
    eventually(
        lambda: worker.metric("conduit_notifications_total", kind="comment", outcome="failed") == 1,
        10,
        "the failure counted",
    )
    assert worker.metric("conduit_notifications_total", kind="comment", outcome="retry") == 2
    retries = worker.metric(
        "conduit_tasks_total", task="myapp.tasks.deliver_notification", outcome="retry"
    )
    assert retries == 2

    cli = web.test_cli_runner()
    listed = cli.invoke(args=["notifications", "failed"])
    assert listed.exit_code == 0
    assert listed.output.startswith(f"{notification.id}\tcomment\tto user {row.recipient_id}\t3")

    if server is mailbox:
        mailbox.reset()
    else:
        server.start()
    try:
        retried = cli.invoke(args=["notifications", "retry", "--all"])
        assert retried.exit_code == 0 and "Queued 1 notification(s) again." in retried.output
        delivered_once(server, mid)
    finally:
        if server is not mailbox:
            server.stop()
    [row] = notifications(web, id=notification.id)
    assert (row.status, row.attempts) == ("sent", 1)
    assert "No failed notifications." in cli.invoke(args=["notifications", "failed"]).output


# --- 6. a slow SMTP server holds no request ----------------------------------------------------


def test_a_slow_smtp_server_does_not_slow_requests(database_url, workers, mailbox):
    queue = unique_queue()
    workers(WORKER_QUEUE=queue, CELERY_BROKER_URL="", REDIS_URL="")
    web = web_app(database_url, queue, None, REDIS_URL=None)
    mailbox.handler.delay = 5
    first, first_mid = commented(web)
    eventually(lambda: mailbox.arrived(first_mid), what="the worker is stuck sending")

    factory = Factory(web)
    author, reader = factory.user(), factory.user()
    response, seconds = post_comment(web, reader, factory.article(author))
    assert response.status_code == 200
    assert seconds < 1, f"a comment took {seconds:.2f} s while the SMTP server was slow"
    # Both are sent, by the worker, once the server answers.
    [second] = notifications(web, recipient_id=author.id)
    eventually(lambda: mailbox.count(first_mid) == 1, 15)
    eventually(lambda: mailbox.count(message_id(web, second)) == 1, 15)


# --- 7. the database down during a beat tick --------------------------------------------------


def schedule(web: Flask, author: Account, seconds: float) -> str:
    """An article to be published ``seconds`` from now, through the API; its slug."""
    when = (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()
    article = {"title": f"Later {time.monotonic_ns()}", "description": "d", "body": "b",
               "tagList": [], "publishAt": when}  # fmt: skip
    response = web.test_client().post(
        "/api/articles", json={"article": article}, headers=author.headers
    )
    assert response.status_code == 201, response.json
    assert response.json["article"]["status"] == "scheduled"
    return response.json["article"]["slug"]


def listed(web: Flask, slug: str) -> bool:
    articles = web.test_client().get("/api/articles").json["articles"]
    return slug in [article["slug"] for article in articles]


def test_the_database_down_at_a_beat_tick_loses_nothing(own_postgres, workers, mailbox):
    import flask_migrate

    url = normalize_database_url(own_postgres.url)
    queue = unique_queue()
    web = web_app(url, queue, None, REDIS_URL=None)
    with web.app_context():
        flask_migrate.upgrade()
    factory = Factory(web)
    author, follower = factory.user(), factory.user()
    factory.follow(follower, author)
    worker = workers(DATABASE_URL=url, WORKER_QUEUE=queue, CELERY_BROKER_URL="", REDIS_URL="")
    slug = schedule(web, author, seconds=2)
    due_at = time.time() + 2

    own_postgres.stop()
    failed = "publish_due_articles[{}] raised unexpected: OperationalError"
    ticks = re.compile(re.escape(failed).replace(r"\{\}", "[-0-9a-f]+"))
    eventually(
        lambda: time.time() > due_at + 1 and ticks.search(worker.text()),
        20, "a beat tick failed on the database",
    )  # fmt: skip
    own_postgres.start()

    eventually(lambda: listed(web, slug), 20, "published after the database came back")
    digest = eventually(lambda: mailbox.to(follower.email), 20, "the follower's digest")
    time.sleep(2.5)
    assert len(mailbox.to(follower.email)) == 1 and slug in digest[0].get_body().get_content()
    assert web.test_client().get(f"/api/articles/{slug}").json["article"]["status"] == "published"
    assert len(notifications(web, recipient_id=follower.id, kind="article")) == 1


# --- 8. scheduled publishing through beat -----------------------------------------------------


def test_beat_publishes_a_scheduled_article_once(embedded, mailbox):
    _, embedded_web = embedded
    factory = Factory(embedded_web)
    author, follower, other = factory.user(), factory.user(), factory.user()
    factory.follow(follower, author)
    factory.follow(other, author)
    slug = schedule(embedded_web, author, seconds=2)
    assert not listed(embedded_web, slug)

    eventually(lambda: listed(embedded_web, slug), 10, "published by beat")
    client = embedded_web.test_client()
    assert client.get(f"/api/articles/{slug}").json["article"]["status"] == "published"
    for reader in (follower, other):
        eventually(lambda r=reader: mailbox.to(r.email), 10, "the follower's digest")
    time.sleep(2.5)  # more ticks: no second publication, no second email
    for reader in (follower, other):
        [digest] = mailbox.to(reader.email)
        assert slug in digest.get_body(("plain",)).get_content()
        assert len(notifications(embedded_web, recipient_id=reader.id, kind="article")) == 1


# --- 9. request ids in the worker's logs ------------------------------------------------------


def test_the_workers_log_lines_carry_the_request_id(embedded, mailbox):
    worker, embedded_web = embedded
    request_id = f"trace-{time.monotonic_ns()}"
    notification, mid = commented(embedded_web, **{"X-Request-ID": request_id})
    eventually(lambda: mailbox.count(mid) == 1)
    assert notification.request_id == request_id

    def logged() -> bool:
        lines = [line for line in worker.text().splitlines() if request_id in line]
        return any("email sent" in line for line in lines)

    eventually(logged, 10, "the delivery logged with the request id")
