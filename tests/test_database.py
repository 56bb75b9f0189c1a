"""Transactions: commit_with_retry (how many times a unique-constraint clash is retried, and what
then), the autocommit of requests that only read, how pooled connections are checked, and how
a process's writers to SQLite take turns."""

import contextlib
import threading
import time

import flask_migrate
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from myapp import create_app, database
from myapp.database import commit_with_retry
from myapp.extensions import db
from myapp.users import services as users
from myapp.users.models import User
from tests.factories import Factory


def new_user(username: str) -> User:
    user = User(
        username=username,
        username_key=username,
        email=f"{username}@example.com",
        password_hash="not-a-real-hash",
    )
    db.session.add(user)
    return user


def usernames() -> list[str]:
    return list(db.session.scalars(select(User.username).order_by(User.username)))


@pytest.mark.parametrize(("given", "attempts"), [(1, 1), (3, 3), (5, 5), (None, 3)])
def test_gives_up_after_the_given_attempts_and_reraises(ctx, given, attempts):
    """``attempts`` is 3 unless given."""
    users.register("ann", "ann@example.com", "correct-horse")
    calls = 0

    def work() -> User:
        nonlocal calls
        calls += 1
        return new_user("ann")  # always clashes with the existing "ann"

    with pytest.raises(IntegrityError):
        commit_with_retry(work, **({"attempts": given} if given else {}))

    assert calls == attempts
    # Every failed attempt was rolled back: the session is usable and nothing was added.
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_a_clash_then_success_returns_the_second_result(ctx):
    users.register("ann", "ann@example.com", "correct-horse")
    calls = 0

    def work() -> User:
        nonlocal calls
        calls += 1
        return new_user("ann" if calls == 1 else "bob")

    user = commit_with_retry(work)

    assert calls == 2
    assert user.username == "bob"
    db.session.remove()  # read what was committed
    assert usernames() == ["ann", "bob"]


def test_success_at_once_runs_work_once(ctx):
    calls = 0

    def work() -> User:
        nonlocal calls
        calls += 1
        return new_user("ann")

    assert commit_with_retry(work).username == "ann"
    assert calls == 1
    db.session.remove()
    assert usernames() == ["ann"]


def isolation_levels(app, send) -> set[str | None]:
    """The isolation level every statement of ``send()`` ran under (None: the engine's own)."""
    with app.app_context():
        engine = db.engine
    seen: set[str | None] = set()

    def record(conn, *args) -> None:
        seen.add(conn.get_execution_options().get("isolation_level"))

    event.listen(engine, "before_cursor_execute", record)
    try:
        send()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_a_request_that_only_reads_runs_in_autocommit_and_a_write_in_a_transaction(
    app, client, factory
):
    author = factory.user()
    slug = factory.article(author)

    def read() -> None:
        for path in ("/api/articles", f"/api/articles/{slug}", f"/article/{slug}", "/"):
            assert client.get(path, headers=author.headers).status_code == 200

    def write() -> None:
        comment = {"comment": {"body": "Written in one transaction."}}
        response = client.post(
            f"/api/articles/{slug}/comments", json=comment, headers=author.headers
        )
        assert response.status_code == 200

    # On PostgreSQL no BEGIN and no ROLLBACK round trips around a read. SQLite's and PyMySQL's
    # drivers send no BEGIN: there the engine is left as it is.
    postgresql = app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    assert isolation_levels(app, read) == ({"AUTOCOMMIT"} if postgresql else {None})
    # A write keeps its transaction: its statements commit together or not at all.
    assert "AUTOCOMMIT" not in isolation_levels(app, write)


def test_a_connection_in_steady_use_is_not_pinged_and_an_idle_one_is(own_postgres, monkeypatch):
    """PostgreSQL: no ping round trip at each checkout, as ``pool_pre_ping`` sent; a poll of the
    socket instead, and a ping only after a second of idleness (myapp/database.py)."""
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": own_postgres.url})
    with app.app_context():
        flask_migrate.upgrade()
        dialect = db.engine.dialect
    factory = Factory(app)
    reader = factory.user()
    factory.article(reader)
    own = "/api/user/articles"  # the reader's own, never cached: statements each time
    pings = []
    ping = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda conn: pings.append(conn) or ping(conn))
    client = app.test_client()

    for _ in range(5):
        assert client.get(own, headers=reader.headers).status_code == 200
    assert pings == []

    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.05)
    time.sleep(0.1)
    assert client.get(own, headers=reader.headers).status_code == 200
    assert len(pings) == 1


@pytest.mark.parametrize("first_ends_by", ["commit", "rollback"])
def test_a_second_writer_waits_its_turn_not_in_sqlites_busy_handler(tmp_path, first_ends_by):
    """With SQLite's busy timeout at 0, a writer that met the lock taken would fail at once
    ("database is locked"): the second writer here succeeds because it waited in the process's
    queue (myapp/database.py) until the first one's connection went back to the pool."""
    app = create_app(
        {"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/q.db"}
    )
    with app.app_context():
        engine = db.engine
    event.listen(engine, "connect", lambda conn, _: conn.execute("PRAGMA busy_timeout = 0"))
    engine.dispose()
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE notes (body TEXT)")
    first_wrote, first_may_end, second_starts = (threading.Event() for _ in range(3))
    errors: list[Exception] = []

    def first() -> None:
        with contextlib.suppress(RuntimeError), engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO notes VALUES ('first')")
            first_wrote.set()
            first_may_end.wait(10)
            if first_ends_by == "rollback":
                raise RuntimeError("the first writer gives up")

    def second() -> None:
        first_wrote.wait(10)
        second_starts.set()
        try:
            with engine.begin() as connection:
                connection.exec_driver_sql("INSERT INTO notes VALUES ('second')")
        except Exception as error:  # what SQLite says when nobody waits: database is locked
            errors.append(error)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    second_starts.wait(10)
    time.sleep(0.2)  # time for the second writer to reach the lock (and, unqueued, to fail)
    first_may_end.set()
    for thread in threads:
        thread.join(10)

    assert errors == []
    with engine.connect() as connection:
        bodies = [row[0] for row in connection.exec_driver_sql("SELECT body FROM notes")]
    assert sorted(bodies) == (["first", "second"] if first_ends_by == "commit" else ["second"])
