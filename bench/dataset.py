"""The benchmark's dataset: fixed, seeded, and quick to build at any size.

Default: 20 users, 200 articles of about 2 KB of Markdown with 3 tags each from a pool of 20,
600 comments (20 of them on one article), 100 follows and 300 favorites. ``articles`` scales the
rest: 3 comments and 1.5 favorites per article, one user per 50 articles (at least 20).
Every user shares one real argon2 hash of PASSWORD (2,000 hashes would take minutes), and
everything is bulk-inserted with SQLAlchemy Core in a few statements. The database must be
migrated first: the full-text search triggers of the migrations then index every article (and
its tags) as it is inserted, so ``Dataset.search`` finds what a search in the app would.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from faker import Faker
from sqlalchemy import insert, select, update

from myapp.articles.markdown import render_markdown
from myapp.articles.models import Article, Comment, Tag, article_tags, favorites
from myapp.extensions import db
from myapp.models import random_key
from myapp.users.models import User, follows
from myapp.users.passwords import hash_password

PASSWORD = "bench-password"
TAGS = [f"tag{n:02d}" for n in range(20)]
HOT_COMMENTS = 20


@dataclass(frozen=True)
class Dataset:
    reader: str  # username: follows 5 authors, has favorites
    reader_email: str
    author: str  # username of a prolific author
    hot_slug: str  # the article with 20 comments
    tag: str
    worst_slug: str = "worst-accepted-body"  # the reader's, with the costliest body accepted
    # Articles the reader comments on: their authors want comment emails, or turned them off.
    notified_slug: str = "comments-notify-the-author"
    quiet_slug: str = "comments-tell-nobody"
    # The costliest body of 100,000 characters the Markdown limits accept (see
    # tests/articles/test_markdown.py): runs of code-span backticks.
    worst_body: str = "`a" * 49_000
    # A two-word full-text search (both words required) that fills a first page at any size:
    # both words are in a few of the 50 bodies and in some titles and descriptions. It matches
    # 22 of the 203 articles of the default dataset and 6,652 (6.7 %) at --articles 100000 (the
    # bodies differ with the size: Faker writes the users' bios first).
    search: str = "data analysis"


def markdown(fake: Faker, rng: random.Random) -> str:
    parts = []
    while sum(len(p) for p in parts) < 2000:
        parts.append(f"## {fake.sentence(nb_words=4).rstrip('.')}")
        parts.append(fake.paragraph(nb_sentences=rng.randint(4, 8)))
        parts.append("\n".join(f"- {fake.sentence(nb_words=6)}" for _ in range(3)))
    parts.append("```python\nprint('hello')\n```")
    return "\n\n".join(parts)


def build(articles: int = 200, seed: int = 42) -> Dataset:
    """Fill an empty, migrated database (inside an app context)."""
    rng = random.Random(seed)
    fake = Faker()
    Faker.seed(seed)
    user_count = max(20, articles // 50)
    password_hash = hash_password(PASSWORD)
    now = datetime.now(UTC)

    db.session.execute(
        insert(User),
        [
            {
                "username": f"user{n:05d}",
                "email": f"user{n:05d}@bench.example",
                "password_hash": password_hash,
                "bio": fake.sentence(nb_words=10),
                "image": None,
                "username_key": f"user{n:05d}",
                "credentials_key": random_key(),
                "session_key": random_key(),
                "created_at": now,
                "updated_at": now,
            }
            for n in range(user_count)
        ],
    )
    db.session.execute(insert(Tag), [{"name": name} for name in TAGS])
    user_ids = list(db.session.scalars(select(User.id).order_by(User.id)))
    tag_ids = list(db.session.scalars(select(Tag.id).order_by(Tag.id)))

    bodies = [markdown(fake, rng) for _ in range(50)]  # reused: Faker is the slow part
    bodies_html = [render_markdown(body) for body in bodies]
    batch = 5_000
    for start in range(0, articles, batch):
        rows = []
        for n in range(start, min(start + batch, articles)):
            created = now - timedelta(minutes=articles - n)
            rows.append(
                {
                    "slug": f"article-{n}",
                    "title": f"Article {n}: {fake.sentence(nb_words=5).rstrip('.')}",
                    "description": fake.sentence(nb_words=12),
                    "body": bodies[n % len(bodies)],
                    "body_html": bodies_html[n % len(bodies)],
                    "author_id": user_ids[n % len(user_ids)],
                    "created_at": created,
                    "publish_at": created,
                    "updated_at": created,
                }
            )
        db.session.execute(insert(Article), rows)
    article_ids = list(db.session.scalars(select(Article.id).order_by(Article.id)))

    links = [{"article_id": a, "tag_id": t} for a in article_ids for t in rng.sample(tag_ids, 3)]
    for start in range(0, len(links), batch):
        db.session.execute(insert(article_tags), links[start : start + batch])

    hot = article_ids[-1]
    comments = [
        {
            "article_id": hot,
            "author_id": rng.choice(user_ids),
            "body": fake.sentence(),
            "created_at": now,
            "updated_at": now,
        }
        for _ in range(HOT_COMMENTS)
    ] + [
        {
            "article_id": rng.choice(article_ids),
            "author_id": rng.choice(user_ids),
            "body": fake.sentence(),
            "created_at": now,
            "updated_at": now,
        }
        for _ in range(3 * articles - HOT_COMMENTS)
    ]
    for start in range(0, len(comments), batch):
        db.session.execute(insert(Comment), comments[start : start + batch])

    reader = user_ids[0]
    pairs = {(reader, user_ids[n]) for n in range(1, 6)}  # the reader follows five authors
    while len(pairs) < 100:
        a, b = rng.sample(user_ids, 2)
        pairs.add((a, b))
    db.session.execute(
        insert(follows), [{"follower_id": a, "followed_id": b, "created_at": now} for a, b in pairs]
    )

    liked = {(reader, article_ids[-n]) for n in range(1, 21)}  # the reader's favorites
    while len(liked) < int(1.5 * articles):
        liked.add((rng.choice(user_ids), rng.choice(article_ids)))
    rows = [{"user_id": u, "article_id": a, "created_at": now} for u, a in liked]
    for start in range(0, len(rows), batch):
        db.session.execute(insert(favorites), rows[start : start + batch])
    old = now - timedelta(days=1)  # far down the lists: it is measured on its own
    db.session.execute(
        insert(Article),
        [
            {
                "slug": Dataset.worst_slug,
                "title": "The worst accepted body",
                "description": "Measured by make bench",
                "body": Dataset.worst_body,
                "body_html": render_markdown(Dataset.worst_body),
                "author_id": reader,
                "created_at": old,
                "publish_at": old,
                "updated_at": old,
            },
            *(
                {
                    "slug": slug,
                    "title": "Comment here",
                    "description": "Measured by make bench",
                    "body": "Say something.",
                    "body_html": "<p>Say something.</p>",
                    "author_id": writer,
                    "created_at": old,
                    "publish_at": old,
                    "updated_at": old,
                }
                for slug, writer in (
                    (Dataset.notified_slug, user_ids[2]),
                    (Dataset.quiet_slug, user_ids[3]),
                )
            ),
        ],
    )
    db.session.execute(update(User).where(User.id == user_ids[3]).values(notify_comments=False))
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # The search triggers rewrote each article once per tag it got: reclaim those dead rows
        # and give the planner statistics, as autovacuum would soon after a bulk load.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")

    slug = db.session.scalar(select(Article.slug).where(Article.id == hot))
    return Dataset(
        reader="user00000",
        reader_email="user00000@bench.example",
        author="user00001",
        hot_slug=slug,
        tag=TAGS[0],
    )
