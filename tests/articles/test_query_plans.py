"""SQLite's plans for the article lists. It keeps no statistics, so its choice of index follows
from the schema and the statements alone: the same on an empty database as at 100,000 articles,
where a wrong one costs a count or a feed a read of every article's body (seconds under load).
Checked on a SQLite database of their own, built by the migrations, whatever the suite runs on."""

import sqlite3
from collections.abc import Iterator
from typing import Any

import flask_migrate
import pytest
from sqlalchemy import Select
from sqlalchemy.dialects import sqlite

from myapp import create_app
from myapp.articles import queries
from myapp.extensions import db

PARAMS = {"viewer_id": 1, "limit": 20, "offset": 0, "tag": "t", "author": "a", "favorited": "f"}
LIST_FILTERS = [(), ("feed",), ("author",), ("tag",), ("favorited",), ("author", "tag")]


@pytest.fixture(scope="module")
def connection(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    folder = tmp_path_factory.mktemp("plans")
    path = folder / "plans.db"
    app = create_app(
        {
            "APP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "MAIL_FOLDER": str(folder),
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    connection = sqlite3.connect(path)
    yield connection
    connection.close()


def articles_plan(connection: sqlite3.Connection, statement: Select[Any], params: dict) -> str:
    """How SQLite reaches the ``articles`` table of the statement's outer query."""
    state = statement.compile(dialect=sqlite.dialect()).construct_expanded_state(params)
    args = [state.parameters[name] for name in state.positiontup]
    plan = connection.execute(f"EXPLAIN QUERY PLAN {state.statement}", args).fetchall()
    return next(detail for _, parent, _, detail in plan if parent == 0 and " articles " in detail)


@pytest.mark.parametrize("filters", LIST_FILTERS, ids=lambda names: "+".join(names) or "all")
def test_a_lists_total_and_its_page_of_ids_read_an_index_never_the_articles(connection, filters):
    """What makes an article listed (status, hidden_at, author_id) is in the index the list
    walks, so counting a feed or paging through it never reads a row."""
    total, _ = queries.page_statements(filters)
    index = "ix_articles_author_listing" if "author" in filters else "ix_articles_status_listing"
    for statement in (total, queries.flag_page_statement(filters)):
        assert articles_plan(connection, statement, PARAMS).startswith(
            f"SEARCH articles USING COVERING INDEX {index} "
        )


@pytest.mark.parametrize("statement", ["LIST_ITEMS_BY_IDS", "ARTICLES_BY_IDS"])
def test_a_page_of_ids_is_looked_up_by_id_not_through_the_status_index(connection, statement):
    """A page is 20 ids: SQLite would otherwise take the status equality for the narrower."""
    plan = articles_plan(
        connection, getattr(queries, statement), {"viewer_id": 0, "ids": list(range(1, 21))}
    )
    assert plan == "SEARCH articles USING INTEGER PRIMARY KEY (rowid=?)"
