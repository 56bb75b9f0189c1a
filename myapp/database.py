"""Transaction helpers shared by the services, how pooled connections are checked, and how a
process's writers to SQLite take turns."""

import select
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError, IntegrityError

from myapp.extensions import db

T = TypeVar("T")

# A connection idle for longer than this is pinged before use; one in steady use is not.
PING_AFTER_IDLE_SECONDS = 1.0


def commit_with_retry(work: Callable[[], T], attempts: int = 3) -> T:
    """Run ``work`` and commit; on a unique-constraint clash roll back and run it again.

    Two requests can pass the same "does it exist yet?" check at once; the database's
    constraints decide, and the loser simply re-reads the world and tries again. The last
    ``IntegrityError`` propagates for the caller to turn into a domain error.
    """
    for attempt in range(attempts):
        try:
            result = work()
            db.session.commit()
            return result
        except IntegrityError:
            db.session.rollback()
            if attempt == attempts - 1:
                raise
        except Exception:
            db.session.rollback()  # a domain error half-way: nothing of the work stays pending
            raise
    raise AssertionError("unreachable")


def check_connections_on_checkout(engine: Engine) -> None:
    """Check each PostgreSQL connection as the pool hands it out, without a round trip while
    it is in steady use.

    SQLAlchemy's ``pool_pre_ping`` sends a statement at every checkout: on a signed-in read, one
    round trip of two. As pgx's pool and go-sql-driver/mysql do, a connection returned within
    the last second is checked by polling its socket instead: an idle connection has nothing to
    read unless the server closed it (a restart, ``pg_terminate_backend``, an idle timeout: a
    FATAL message, then the end of the stream). One idle for longer is pinged as before, which
    also catches a server that vanished without a word. On a failed check the pool discards
    the connection and takes another (``DisconnectionError``); if none can be made, the request
    gets its 503."""

    @event.listens_for(engine, "checkin")
    def returned(dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def check(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned_at = record.info.pop("returned_at", None)
        if returned_at is None:
            return  # made just now (``info`` is emptied when a connection is replaced)
        if dbapi_connection.closed or _readable(dbapi_connection.fileno()):
            raise DisconnectionError("the database closed this connection")
        if time.monotonic() - returned_at > PING_AFTER_IDLE_SECONDS:
            try:
                engine.dialect.do_ping(dbapi_connection)
            except engine.dialect.loaded_dbapi.Error as error:
                raise DisconnectionError("the database did not answer a ping") from error


def _readable(fd: int) -> bool:
    """Whether an idle connection's socket has anything to read (or has hung up)."""
    poller = select.poll()  # not select.select: it fails on descriptors over 1023
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


# Statements that take SQLite's write lock; others (reads, DDL) go as they are.
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def queue_writers_on_sqlite(engine: Engine, wait_seconds: float = 5.0) -> None:
    """Make a process's writers to a SQLite file wait for each other in turn.

    SQLite lets one connection write at a time. A writer that finds the lock taken sleeps in
    SQLite's busy handler for 1, 2, 5, 10, 15, 20, 25... ms before each new try, and between
    its tries others take the lock: under four threads writing comments, 2 % of the requests
    waited 33, 53, 78 or 103 ms more than the rest, SQLite's totals after 5 to 8 tries (p99 9
    times the median). Here the threads of a process queue on a lock from their first write
    until their connection goes back to the pool (after the commit or the rollback), so each
    wakes as soon as the writer before it is done. Writers in other processes (a second
    gunicorn worker, the Celery worker) still meet SQLite's busy handler. A writer that waits
    ``wait_seconds``, SQLite's own busy timeout, goes on to SQLite's lock without its turn."""
    turn = threading.Lock()
    holder: int | None = None  # the thread whose connection has the turn

    @event.listens_for(engine, "before_cursor_execute")
    def take_turn(connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        nonlocal holder
        if "writing" in connection.info or not statement.lstrip()[:7].upper().startswith(WRITES):
            return
        if holder == threading.get_ident():
            # This thread's other connection has the turn: waiting for it would wait for
            # ourselves. A write made once that one committed (in an ``after_commit`` hook)
            # goes through; one made while it is still open meets SQLite, as before.
            connection.info["writing"] = False
            return
        connection.info["writing"] = turn.acquire(timeout=wait_seconds)
        if connection.info["writing"]:
            holder = threading.get_ident()

    @event.listens_for(engine, "checkin")
    def end_turn(_dbapi_connection: Any, record: Any) -> None:
        nonlocal holder
        if record.info.pop("writing", False):
            holder = None
            turn.release()
