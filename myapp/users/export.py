"""Export your data: everything an account holds, as one JSON document its owner downloads.

The pages (``/settings/export``) and the API (``GET /api/user/export``) both answer
``export_data``'s document, named by ``export_filename``. It costs five statements whatever the
account holds (the user is the one already loaded): the articles with their tags aggregated,
the comments with their article's slug, the favorites, who the user follows, who follows them.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, bindparam, select

from myapp.articles.models import Article, Comment, favorites
from myapp.articles.queries import COMPUTED
from myapp.extensions import db
from myapp.models import utcnow
from myapp.serialization import dumper, source_attributes
from myapp.users.models import User, follows
from myapp.users.schemas import ExportArticleSchema, ExportProfileSchema, ExportSchema

OWNER = bindparam("user_id", type_=Integer)

# Every article in every state (drafts, scheduled, hidden ones too): they are the owner's.
ARTICLES = (
    select(
        *(
            COMPUTED[name].label(name) if name in COMPUTED else getattr(Article, name)
            for name in source_attributes(ExportArticleSchema).values()
        )
    )
    .where(Article.author_id == OWNER)
    .order_by(Article.created_at, Article.id)
)
COMMENTS = (
    select(
        Comment.id,
        Article.slug.label("article"),
        Comment.body,
        Comment.created_at,
        Comment.updated_at,
    )
    .join(Article, Article.id == Comment.article_id)
    .where(Comment.author_id == OWNER)
    .order_by(Comment.created_at, Comment.id)
)
FAVORITES = (
    select(Article.slug)
    .join(favorites, favorites.c.article_id == Article.id)
    .where(favorites.c.user_id == OWNER)
    .order_by(favorites.c.created_at, Article.id)
)
FOLLOWING = (
    select(User.username)
    .join(follows, follows.c.followed_id == User.id)
    .where(follows.c.follower_id == OWNER)
    .order_by(User.username)
)
FOLLOWERS = (
    select(User.username)
    .join(follows, follows.c.follower_id == User.id)
    .where(follows.c.followed_id == OWNER)
    .order_by(User.username)
)
PROFILE_FIELDS = list(source_attributes(ExportProfileSchema).values())


def export_data(user: User) -> dict[str, Any]:
    """The JSON document of everything ``user``'s account holds (``ExportSchema``): no
    password hash, no token, no key."""
    params = {"user_id": user.id}
    articles = [row._asdict() for row in db.session.execute(ARTICLES, params)]
    for article in articles:
        article["tag_list"] = sorted(article["tag_list"] or ())  # PostgreSQL: NULL for none
    data = {
        "exported_at": utcnow(),
        "profile": {name: getattr(user, name) for name in PROFILE_FIELDS},
        "articles": articles,
        "comments": [row._asdict() for row in db.session.execute(COMMENTS, params)],
        "favorites": list(db.session.scalars(FAVORITES, params)),
        "following": list(db.session.scalars(FOLLOWING, params)),
        "followers": list(db.session.scalars(FOLLOWERS, params)),
    }
    return dumper(ExportSchema)(data)


def export_filename(user: User, now: datetime | None = None) -> str:
    """``conduit-<username>-<YYYY-MM-DD>.json`` (UTC). Usernames are ASCII letters, digits,
    ``_``, ``-`` and ``.``, so the name is safe in a Content-Disposition header."""
    return f"conduit-{user.username}-{(now or utcnow()):%Y-%m-%d}.json"
