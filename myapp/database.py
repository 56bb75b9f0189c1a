"""Transaction helpers shared by the services, and how pooled connections are checked."""

import select
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
