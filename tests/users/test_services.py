"""Account, profile and follow use cases, called directly (no HTTP)."""

import argon2
import flask
import pytest
from sqlalchemy import select, update
from werkzeug.exceptions import Unauthorized

from myapp.authentication import load_token_user
from myapp.errors import Conflict, Invalid, InvalidCredentials, NotFound
from myapp.extensions import db
from myapp.users import services as users
from myapp.users.models import User, follows
from myapp.users.passwords import needs_rehash, verify_password
from myapp.users.tokens import issue_token


def stored(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def token_user(app, token: str) -> User | None:
    """The user the API would authenticate for this token (raises ``Unauthorized`` if none)."""
    headers = {"Authorization": f"Token {token}"}
    with app.test_request_context("/api/user", headers=headers):
        return load_token_user(flask.request)


def lose_the_uniqueness_check(monkeypatch, times: int) -> list[tuple]:
    """Make the first ``times`` calls of ``_check_unique`` pass without looking, as when a
    simultaneous request inserts the same name just after the check; later calls are real.
    Returns the list of calls made."""
    real_check = users._check_unique
    calls: list[tuple] = []

    def check(*args, **kwargs) -> None:
        calls.append(args)
        if len(calls) > times:
            real_check(*args, **kwargs)

    monkeypatch.setattr(users, "_check_unique", check)
    return calls


# --- register --------------------------------------------------------------------------------


def test_register_creates_user_with_lower_cased_email(ctx):
    user = users.register("ann", "Ann@Example.COM", "correct-horse")

    assert user.id is not None
    assert stored("ann").email == "ann@example.com"


def test_register_stores_argon2id_hash_not_the_password(ctx):
    users.register("ann", "ann@example.com", "correct-horse")

    password_hash = stored("ann").password_hash
    assert password_hash.startswith("$argon2id$")
    assert "correct-horse" not in password_hash


def test_register_rejects_taken_username(ctx):
    users.register("ann", "ann@example.com", "correct-horse")

    with pytest.raises(Conflict) as error:
        users.register("ann", "other@example.com", "correct-horse")

    assert error.value.messages == {"username": ["has already been taken"]}


def test_register_rejects_taken_email(ctx):
    users.register("ann", "ann@example.com", "correct-horse")

    with pytest.raises(Conflict) as error:
        users.register("bob", "ann@example.com", "correct-horse")

    assert error.value.messages == {"email": ["has already been taken"]}


def test_register_compares_emails_case_insensitively(ctx):
    users.register("ann", "ann@example.com", "correct-horse")

    with pytest.raises(Conflict) as error:
        users.register("bob", "ANN@Example.com", "correct-horse")

    assert error.value.messages == {"email": ["has already been taken"]}


@pytest.mark.parametrize(
    ("lost", "checks"),
    [
        (1, 2),  # the INSERT failed once; the retry's own check found the name taken
        (3, 4),  # commit_with_retry's 3 attempts all lost; register re-checked after them
    ],
)
def test_register_losing_races_reports_the_taken_username(ctx, monkeypatch, lost, checks):
    users.register("ann", "ann@example.com", "correct-horse")
    calls = lose_the_uniqueness_check(monkeypatch, times=lost)

    with pytest.raises(Conflict) as error:
        users.register("ann", "other@example.com", "correct-horse")

    assert error.value.messages == {"username": ["has already been taken"]}
    assert len(calls) == checks
    assert users.count_users() == 1


# --- authenticate ----------------------------------------------------------------------------


def test_authenticate_with_right_password(ctx):
    ann = users.register("ann", "ann@example.com", "correct-horse")

    assert users.authenticate("ann@example.com", "correct-horse").id == ann.id


def test_authenticate_ignores_email_case(ctx):
    ann = users.register("ann", "ann@example.com", "correct-horse")

    assert users.authenticate("ANN@example.com", "correct-horse").id == ann.id


def test_authenticate_wrong_password_and_unknown_email_fail_alike(ctx):
    users.register("ann", "ann@example.com", "correct-horse")

    with pytest.raises(InvalidCredentials) as wrong_password:
        users.authenticate("ann@example.com", "battery-staple")
    with pytest.raises(InvalidCredentials) as unknown_email:
        users.authenticate("nobody@example.com", "correct-horse")

    assert wrong_password.value.messages == unknown_email.value.messages
    assert wrong_password.value.messages == {"email or password": ["is invalid"]}


def test_authenticate_upgrades_a_hash_made_with_other_parameters(ctx):
    ann = users.register("ann", "ann@example.com", "correct-horse")
    old_hash = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(
        "correct-horse"
    )
    db.session.execute(update(User).where(User.id == ann.id).values(password_hash=old_hash))
    db.session.commit()
    assert needs_rehash(old_hash)

    assert users.authenticate("ann@example.com", "correct-horse").id == ann.id

    db.session.remove()  # read what was committed, not what the session holds
    new_hash = stored("ann").password_hash
    assert new_hash != old_hash
    assert not needs_rehash(new_hash)
    assert verify_password(new_hash, "correct-horse")
    assert users.authenticate("ann@example.com", "correct-horse").id == ann.id


# --- update_user -----------------------------------------------------------------------------


def test_update_user_may_keep_own_username_and_email(ctx, factory):
    ann = factory.user("ann")
    user = users.get_user(ann.id)

    updated = users.update_user(user, {"username": "ann", "email": ann.email, "bio": "Hi"})

    assert (updated.username, updated.email, updated.bio) == ("ann", ann.email, "Hi")


def test_update_user_rejects_another_users_username(ctx, factory):
    ann, bob = factory.user("ann"), factory.user("bob")

    with pytest.raises(Conflict) as error:
        users.update_user(users.get_user(ann.id), {"username": bob.username})

    assert error.value.messages == {"username": ["has already been taken"]}


def test_update_user_rejects_another_users_email(ctx, factory):
    ann, bob = factory.user("ann"), factory.user("bob")

    with pytest.raises(Conflict) as error:
        users.update_user(
            users.get_user(ann.id), {"email": bob.email, "current_password": ann.password}
        )

    assert error.value.messages == {"email": ["has already been taken"]}


def test_update_user_compares_emails_case_insensitively(ctx, factory):
    ann, bob = factory.user("ann"), factory.user("bob")

    with pytest.raises(Conflict) as error:
        users.update_user(
            users.get_user(ann.id), {"email": bob.email.upper(), "current_password": ann.password}
        )

    assert error.value.messages == {"email": ["has already been taken"]}


def test_update_user_password_revokes_older_tokens(app, ctx, factory):
    ann = factory.user("ann")
    user = users.get_user(ann.id)
    assert token_user(app, ann.token).id == ann.id

    users.update_user(user, {"password": "brand-new-password", "current_password": ann.password})

    with pytest.raises(Unauthorized):
        token_user(app, ann.token)
    assert token_user(app, issue_token(user)).id == ann.id
    assert users.authenticate(ann.email, "brand-new-password").id == ann.id
    with pytest.raises(InvalidCredentials):
        users.authenticate(ann.email, ann.password)


def test_update_user_without_password_keeps_tokens_valid(app, ctx, factory):
    ann = factory.user("ann")
    factory.user("bob")  # another account, so "some user" is not enough to pass

    users.update_user(users.get_user(ann.id), {"bio": "Still me"})

    assert token_user(app, ann.token).id == ann.id


def test_update_user_losing_a_race_for_a_username_reports_it(ctx, factory, monkeypatch):
    ann, bob = factory.user("ann"), factory.user("bob")
    calls = lose_the_uniqueness_check(monkeypatch, times=1)

    with pytest.raises(Conflict) as error:
        users.update_user(users.get_user(ann.id), {"username": bob.username, "bio": "New"})

    assert error.value.messages == {"username": ["has already been taken"]}
    assert len(calls) == 2  # the UPDATE failed, then the re-check named the field
    db.session.remove()
    assert (stored("ann").id, stored("ann").bio) == (ann.id, None)


@pytest.mark.parametrize(
    "changes",
    [{"password": "brand-new-password"}, {"email": "new@example.com"}],
    ids=["password", "email"],
)
def test_sensitive_changes_need_the_current_password(ctx, factory, changes):
    ann = factory.user("ann")
    user = users.get_user(ann.id)

    with pytest.raises(Invalid) as missing:
        users.update_user(user, changes)
    with pytest.raises(Invalid) as wrong:
        users.update_user(user, changes | {"current_password": "not-my-password"})

    assert missing.value.messages == {
        "currentPassword": ["is needed to change the email or password"]
    }
    assert wrong.value.messages == {"currentPassword": ["is wrong"]}
    users.update_user(user, changes | {"current_password": ann.password})


def test_unchanged_email_needs_no_password(ctx, factory):
    ann = factory.user("ann")
    user = users.get_user(ann.id)
    users.update_user(user, {"email": ann.email.upper(), "bio": "Same me"})
    assert user.bio == "Same me"


def test_update_user_sets_and_clears_bio_and_image(ctx, factory):
    ann = factory.user("ann")

    users.update_user(
        users.get_user(ann.id), {"bio": "I write", "image": "https://example.com/ann.png"}
    )
    db.session.expire_all()
    assert (stored("ann").bio, stored("ann").image) == ("I write", "https://example.com/ann.png")

    users.update_user(users.get_user(ann.id), {"bio": None, "image": None})
    db.session.expire_all()
    assert (stored("ann").bio, stored("ann").image) == (None, None)


# --- profiles and follows --------------------------------------------------------------------


def test_get_profile_unknown_username_is_not_found(ctx):
    with pytest.raises(NotFound):
        users.get_profile("nobody", None)


def test_get_profile_following_flag_for_viewer(ctx, factory):
    ann, bob, cid = factory.user("ann"), factory.user("bob"), factory.user("cid")
    factory.follow(ann, bob)

    assert users.get_profile("bob", users.get_user(ann.id)).following is True
    assert users.get_profile("bob", users.get_user(cid.id)).following is False


def test_get_profile_anonymously_is_not_following(ctx, factory):
    ann, bob = factory.user("ann"), factory.user("bob")
    factory.follow(ann, bob)

    assert users.get_profile("bob", None).following is False


def follow_rows() -> int:
    return len(db.session.execute(select(follows)).all())


def test_follow_is_idempotent(ctx, factory):
    ann, bob = factory.user("ann"), factory.user("bob")
    viewer = users.get_user(ann.id)

    assert users.follow(viewer, bob.username).following is True
    assert users.follow(viewer, bob.username).following is True
    assert follow_rows() == 1


def test_unfollow_is_idempotent(ctx, factory):
    ann, bob = factory.user("ann"), factory.user("bob")
    factory.follow(ann, bob)
    viewer = users.get_user(ann.id)

    assert users.unfollow(viewer, bob.username).following is False
    assert users.unfollow(viewer, bob.username).following is False
    assert follow_rows() == 0


def test_follow_unknown_username_is_not_found(ctx, factory):
    viewer = users.get_user(factory.user("ann").id)

    with pytest.raises(NotFound):
        users.follow(viewer, "nobody")


def test_follow_yourself_is_invalid(ctx, factory):
    ann = factory.user("ann")

    with pytest.raises(Invalid) as error:
        users.follow(users.get_user(ann.id), ann.username)

    assert "username" in error.value.messages
    assert follow_rows() == 0
