"""Fixtures: one app and database per test session, emptied after every test.

The suite runs on SQLite by default and on PostgreSQL when ``TEST_DATABASE_URL`` is set.
HTTP tests hold no app context of their own, so each request gets a fresh database session,
exactly as under gunicorn.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text

from myapp import create_app
from myapp.config import normalize_database_url
from myapp.extensions import db
from tests.factories import Factory, forget_everything_cached
from tests.servers import PostgresServer, RedisServer


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return normalize_database_url(url)
    # A file, not :memory:, so that concurrent requests in the race tests share it.
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    mail = tmp_path_factory.mktemp("mail")  # where the emails go: no SMTP_URL in tests
    app = create_app(
        {"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url, "MAIL_FOLDER": str(mail)}
    )
    with app.app_context():
        # Start from nothing and build the schema with the real migrations.
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _empty_database(app: Flask) -> Iterator[None]:
    yield
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
    forget_everything_cached(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An app context, for service tests that call the services directly."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def factory(app: Flask) -> Factory:
    return Factory(app)


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask):
    """``with count_queries() as q: ...`` then ``q.count`` is the SQL statements it ran."""
    with app.app_context():
        engine = db.engine

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def record(conn, cursor, statement, *args) -> None:
            counter.statements.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting


# A server of the test's own, started and closed around it: fault tests stop it at will.


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.close()


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    server.start()
    yield server
    server.close()
