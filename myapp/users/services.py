"""Use cases for accounts, profiles and follows. The acting user is always an argument."""

from typing import Any

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from myapp.articles.viewer_flags import viewer_flags
from myapp.caching import cached
from myapp.database import commit_with_retry
from myapp.errors import AccountSuspended, Conflict, Invalid, InvalidCredentials, NotFound
from myapp.extensions import db
from myapp.identity import email_lookup_key, normalize_email, username_key
from myapp.models import random_key
from myapp.notifications import outbox
from myapp.users.models import ADMIN, MODERATOR, NOTIFICATION_KINDS, User, follows
from myapp.users.passwords import hash_password, needs_rehash, verify_password
from myapp.users.queries import ProfileView, profile_by_username, profile_view


def _check_unique(username: str | None, email: str | None, exclude_id: int | None = None) -> None:
    for field, column, value in (
        ("username", User.username_key, username_key(username) if username else None),
        ("email", User.email, email),
    ):
        if value is None:
            continue
        query = select(User.id).where(column == value)
        if exclude_id is not None:
            query = query.where(User.id != exclude_id)
        if db.session.scalar(query) is not None:
            raise Conflict(field, "has already been taken")


def _normalized_email(email: str) -> str:
    try:
        return normalize_email(email)
    except ValueError:
        raise Invalid("email", "is invalid") from None


def register(username: str, email: str, password: str) -> User:
    email = _normalized_email(email)
    password_hash = hash_password(password)  # slow on purpose: done before the transaction

    def create() -> User:
        _check_unique(username, email)
        user = User(username=username, email=email, password_hash=password_hash)
        db.session.add(user)
        return user

    try:
        return commit_with_retry(create)
    except IntegrityError:
        # Lost every race: the re-check names the field that is taken now.
        _check_unique(username, email)
        raise


def authenticate(email: str, password: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email_lookup_key(email)))
    # Verified even when no one has this email (against a dummy hash), so that the time taken
    # does not tell which emails have accounts.
    if not verify_password(user.password_hash if user else None, password):
        raise InvalidCredentials()
    if user.is_suspended:  # said only to whoever knows the password
        raise AccountSuspended(user.suspension_reason, user.suspended_until)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def get_profile_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def _require_current_password(user: User, changes: dict[str, Any]) -> None:
    """A new email or password needs the current password: a stolen token or session alone
    must not be enough to take the account over."""
    current = changes.pop("current_password", None)
    sensitive = "password" in changes or changes.get("email", user.email) != user.email
    if not sensitive:
        return
    if not current:
        raise Invalid("currentPassword", "is needed to change the email or password")
    if not verify_password(user.password_hash, current):
        raise Invalid("currentPassword", "is wrong")


def _replace_password(
    user: User,
    password_hash: str,
    error: tuple[str, str] = (
        "currentPassword",
        "is wrong: the password was just changed elsewhere",
    ),
) -> None:
    """Write the new hash with a new credentials key (revoking every token and other session),
    only if the password is still the one the current password was checked against: of two
    simultaneous changes, the second finds it changed and fails, so no answer hands out a
    token for a password that did not stick."""
    swapped = db.session.execute(
        update(User)
        .where(User.id == user.id, User.password_hash == user.password_hash)
        .values(password_hash=password_hash, credentials_key=random_key())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not swapped:
        db.session.rollback()
        raise Invalid(*error)
    db.session.expire(user, ["password_hash", "credentials_key"])


def update_user(user: User, changes: dict[str, Any]) -> User:
    """Apply the changes the user asked for; a new password revokes their other tokens and
    sessions."""
    changes = dict(changes)
    if "email" in changes:
        changes["email"] = _normalized_email(changes["email"])
    _require_current_password(user, changes)
    password = changes.pop("password", None)
    password_hash = hash_password(password) if password else None

    try:
        _check_unique(changes.get("username"), changes.get("email"), exclude_id=user.id)
        for field in ("username", "email", "bio", "image"):
            if field in changes:
                setattr(user, field, changes[field])
        for kind, wanted in changes.get("notifications", {}).items():
            if kind in NOTIFICATION_KINDS:
                setattr(user, f"notify_{kind}", wanted)
        if password_hash is not None:
            _replace_password(user, password_hash)
        db.session.commit()
    except IntegrityError:
        # A simultaneous request took the name first: report it like the check above would.
        db.session.rollback()
        _check_unique(changes.get("username"), changes.get("email"), exclude_id=user.id)
        raise
    return user


def sign_out(user: User) -> None:
    """End every browser session of this user (API tokens stay valid)."""
    db.session.execute(update(User).where(User.id == user.id).values(session_key=random_key()))
    db.session.commit()


def sign_out_everywhere(user: User) -> None:
    """End every browser session and revoke every API token of this user."""
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(session_key=random_key(), credentials_key=random_key())
    )
    db.session.commit()


def get_profile(username: str, viewer: User | None) -> ProfileView:
    """``username``'s profile as ``viewer`` sees it, in one statement (what a follow answers
    with; a read takes ``read_profile``)."""
    params = {"viewer_id": viewer.id if viewer else 0, "username": username}
    row = db.session.execute(profile_by_username(), params).first()
    if row is None:
        raise NotFound("profile", "not found")
    return profile_view(row, row.id)


def read_profile(username: str, viewer: User | None) -> ProfileView:
    """``get_profile`` for a reader. A profile everyone may see is the same for every reader
    but for ``following``: it is cached under the content version, and whom the reader follows
    comes from their cached flags (articles/viewer_flags.py). A profile only its owner and staff
    may see (a suspended user's) is read for them."""
    flags = viewer_flags(viewer)
    if flags is not None:
        public = cached("profile", lambda: _public_profile(username), username)
        if public is not None:
            return ProfileView(**{**public.__dict__, "following": public.id in flags.following})
    return get_profile(username, viewer)


def _public_profile(username: str) -> ProfileView | None:
    try:
        return get_profile(username, None)
    except NotFound:
        return None


def follow(viewer: User, username: str) -> ProfileView:
    target = get_profile(username, viewer)
    if target.id == viewer.id:
        raise Invalid("username", "is you: you cannot follow yourself")
    if not target.following:
        try:
            db.session.execute(
                follows.insert().values(follower_id=viewer.id, followed_id=target.id)
            )
            wants = select(User.notify_followers).where(User.id == target.id)
            if db.session.scalar(wants):
                outbox.followed(viewer.id, target.id)  # in the same transaction
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # a simultaneous request followed first: same outcome
    return get_profile(username, viewer)


def unfollow(viewer: User, username: str) -> ProfileView:
    target = get_profile(username, viewer)
    db.session.execute(
        follows.delete().where(
            follows.c.follower_id == viewer.id, follows.c.followed_id == target.id
        )
    )
    db.session.commit()
    return get_profile(username, viewer)


# --- deleting an account -------------------------------------------------------------------


def other_admins_locked(user: User) -> int:
    """How many admins who can act (not suspended) there are besides ``user``.

    Every admin row is locked first, in id order, so that of two admins demoting (or deleting)
    each other at once the second waits for the first and then sees it: ``FOR UPDATE`` on
    PostgreSQL and MariaDB; on SQLite, which has no row locks, a write takes the database's
    write lock. Moderation's role changes and deletions keep an admin with it too."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(User).where(User.id == user.id).values(role=User.role))
    query = (
        select(User.id, User.suspended_at)
        .where(User.role == ADMIN)
        .order_by(User.id)
        .with_for_update()
    )
    admins = db.session.execute(query)
    return sum(1 for row in admins if row.id != user.id and row.suspended_at is None)


def remove_user(user: User) -> None:
    """Delete ``user`` in the caller's transaction. The database cascades to everything that is
    theirs: their articles with those articles' comments, favorites and reports; their own
    comments, favorites and follows (both ways); the notifications to or about them and the
    reports they filed. Counts are computed, so they stay right; the commit replaces the
    content version, so no cache shows them again."""
    db.session.execute(delete(User).where(User.id == user.id))


def delete_account(user: User, password: str) -> None:
    """Delete your own account and everything it holds, once your password confirms it. The
    last admin who can act stays: someone must be able to run the site."""
    if not verify_password(user.password_hash, password):
        raise Invalid("password", "is wrong")
    if user.role == ADMIN and other_admins_locked(user) == 0:
        db.session.rollback()
        raise Invalid(
            "account",
            "is the last admin's: make someone else an admin before you delete it",
        )
    remove_user(user)
    db.session.commit()


def list_accounts(role: str | None = None) -> list[User]:
    """Every account (or those with ``role``), staff first, then by username: the operator's
    view from the command line."""
    staff_first = case({ADMIN: 0, MODERATOR: 1}, value=User.role, else_=2)
    query = select(User).order_by(staff_first, User.username)
    if role is not None:
        query = query.where(User.role == role)
    return list(db.session.scalars(query))


def count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


# --- password reset ----------------------------------------------------------------------------


def request_password_reset(email: str) -> None:
    """Email a reset link to the account with this email, if there is one. The caller answers
    the same either way, so nobody learns which emails have accounts."""
    user_id = db.session.scalar(select(User.id).where(User.email == email_lookup_key(email)))
    if user_id is not None:
        outbox.password_reset_requested(user_id)
        db.session.commit()


def reset_password(token: str, password: str) -> User:
    """Set a new password with a link from a reset email. The link works once: the new
    password comes with a new credentials key, which also ends every older token and session."""
    from myapp.users.tokens import read_password_reset_token, reset_token_matches

    claims = read_password_reset_token(token)
    user = db.session.get(User, claims[0]) if claims else None
    if user is None or not reset_token_matches(user, claims[1]):
        raise Invalid("token", "is invalid, used already or expired: ask for a new link")
    password_hash = hash_password(password)
    _replace_password(user, password_hash, error=("token", "has been used already"))
    db.session.execute(update(User).where(User.id == user.id).values(session_key=random_key()))
    db.session.commit()
    db.session.refresh(user)
    return user
