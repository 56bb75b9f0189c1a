"""commit_with_retry: how many times a unique-constraint clash is retried, and what then."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from myapp.database import commit_with_retry
from myapp.extensions import db
from myapp.users import services as users
from myapp.users.models import User


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
