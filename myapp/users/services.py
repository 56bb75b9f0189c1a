"""Use cases for accounts, profiles and follows. The acting user is always an argument."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError

from myapp.caching import content_changed
from myapp.database import commit_with_retry
from myapp.errors import Conflict, Invalid, InvalidCredentials, NotFound
from myapp.extensions import db
from myapp.users.models import User, follows
from myapp.users.passwords import hash_password, needs_rehash, verify_password


@dataclass(slots=True)
class ProfileView:
    """A user as one viewer sees them: public fields, and whether the viewer follows them."""

    id: int
    username: str
    bio: str | None
    image: str | None
    following: bool


def normalize_email(email: str) -> str:
    """Emails compare case-insensitively: they are stored and looked up lower-cased."""
    return email.strip().lower()


def _check_unique(username: str | None, email: str | None, exclude_id: int | None = None) -> None:
    email = normalize_email(email) if email is not None else None
    for field, column, value in (
        ("username", User.username, username),
        ("email", User.email, email),
    ):
        if value is None:
            continue
        query = select(User.id).where(column == value)
        if exclude_id is not None:
            query = query.where(User.id != exclude_id)
        if db.session.scalar(query) is not None:
            raise Conflict(field, "has already been taken")


def register(username: str, email: str, password: str) -> User:
    email = normalize_email(email)
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
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None or not verify_password(user.password_hash, password):
        raise InvalidCredentials()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def update_user(user: User, changes: dict[str, Any]) -> User:
    """Apply the changes the user asked for; a new password revokes their older tokens."""
    changes = dict(changes)
    if changes.get("email"):
        changes["email"] = normalize_email(changes["email"])
    password = changes.get("password")
    password_hash = hash_password(password) if password else None

    try:
        _check_unique(changes.get("username"), changes.get("email"), exclude_id=user.id)
        for field in ("username", "email", "bio", "image"):
            if field in changes:
                setattr(user, field, changes[field])
        if password_hash is not None:
            user.password_hash = password_hash
            user.credentials_version += 1
        db.session.commit()
        if changes.keys() & {"username", "bio", "image"}:
            content_changed()  # articles and comments show their author's profile
    except IntegrityError:
        # A simultaneous request took the name first: report it like the check above would.
        db.session.rollback()
        _check_unique(changes.get("username"), changes.get("email"), exclude_id=user.id)
        raise
    return user


def get_profile(username: str, viewer: User | None) -> ProfileView:
    following = exists().where(
        follows.c.follower_id == (viewer.id if viewer else 0), follows.c.followed_id == User.id
    )
    query = select(User.id, User.username, User.bio, User.image, following.label("following"))
    row = db.session.execute(query.where(User.username == username)).first()
    if row is None:
        raise NotFound("profile", "not found")
    return ProfileView(row.id, row.username, row.bio, row.image, bool(row.following))


def follow(viewer: User, username: str) -> ProfileView:
    target = get_profile(username, viewer)
    if target.id == viewer.id:
        raise Invalid("username", "is you: you cannot follow yourself")
    if not target.following:
        try:
            db.session.execute(
                follows.insert().values(follower_id=viewer.id, followed_id=target.id)
            )
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


def count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0
