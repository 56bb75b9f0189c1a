"""Transaction helpers shared by the services."""

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from myapp.extensions import db

T = TypeVar("T")


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
