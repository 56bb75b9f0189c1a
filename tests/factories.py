"""Test data, made through the services so it obeys the same rules as real data."""

import itertools
from dataclasses import dataclass
from typing import Any

from flask import Flask

from myapp import caching
from myapp.articles import services as articles
from myapp.extensions import cache
from myapp.users import services as users
from myapp.users.tokens import issue_token

_sequence = itertools.count(1)


def forget_everything_cached(app: Flask) -> None:
    """A cold cache: the cache emptied, and what this process keeps of it (its copies of
    Redis's entries, the objects its requests share), which outlive a clear elsewhere."""
    with app.app_context():
        cache.clear()
    if (nearby := app.extensions.get("nearby_copies")) is not None:
        nearby.clear()
    caching.kept_objects(app).clear()


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    email: str
    password: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.token}"}


class Factory:
    def __init__(self, app: Flask) -> None:
        self.app = app

    def user(self, username: str | None = None, **changes: Any) -> Account:
        n = next(_sequence)
        username = username or f"user{n}"
        email = changes.pop("email", f"{username}@example.com").lower()
        password = changes.pop("password", f"password-{n}")
        with self.app.app_context():
            user = users.register(username, email, password)
            if changes:
                user = users.update_user(user, changes)
            return Account(user.id, user.username, user.email, password, issue_token(user))

    def article(self, author: Account, **fields: Any) -> str:
        """Publish an article and return its slug."""
        n = next(_sequence)
        data = {
            "title": f"Article {n}",
            "description": f"About article {n}",
            "body": f"# Article {n}\n\nSome *Markdown*.",
            "tag_list": [],
        } | fields
        with self.app.app_context():
            writer = users.get_user(author.id)
            return articles.create_article(writer, data).slug

    def comment(self, author: Account, slug: str, body: str = "Nice one.") -> int:
        with self.app.app_context():
            return articles.add_comment(users.get_user(author.id), slug, body).id

    def follow(self, follower: Account, followed: Account) -> None:
        with self.app.app_context():
            users.follow(users.get_user(follower.id), followed.username)

    def favorite(self, fan: Account, slug: str) -> None:
        with self.app.app_context():
            articles.favorite(users.get_user(fan.id), slug)

    # --- links from emails (drafts, notifications and password reset pages) -----------------

    def unsubscribe_token(self, account: Account, preference: str) -> str:
        """The signed token of the unsubscribe link an email about ``preference`` carries."""
        from myapp.notifications.messages import unsubscribe_token

        with self.app.app_context():
            return unsubscribe_token(account.id, preference)

    def password_reset_token(self, account: Account) -> str:
        """The token of the link a password reset email would carry now."""
        from myapp.users.tokens import password_reset_token

        with self.app.app_context():
            return password_reset_token(users.get_user(account.id))

    def notifications(self, account: Account) -> dict[str, bool]:
        """The account's email preferences, as the database has them."""
        with self.app.app_context():
            return users.get_user(account.id).notifications
