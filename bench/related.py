"""``make bench-related``: what related articles cost the worker at scale.

    python -m bench.related [--articles 100000] [--database-url URL]

Fills a fresh database with ``--articles`` published articles of distinct text (about 300 words
each, drawn from a Zipf-distributed vocabulary of 50,000 words after English's 318 stop words, as
real prose is; bench/dataset.py reuses 50 bodies, which would flatter the vocabulary), then
measures:

- ``flask related rebuild`` in its own process: seconds, and its peak memory (RSS);
- a worker's first update, which builds the index: seconds;
- one article's update with the index built (what publishing or editing costs): the median and
  the worst of 20, in milliseconds;
- the beat sweep's look for articles left stale, in milliseconds.
"""

import argparse
import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.run import ROOT, fresh_database, server_env

WORDS = 50_000
WORDS_PER_ARTICLE = 300


def fill(count: int, seed: int = 7) -> None:
    """``count`` published articles by one author, with three tags each (in an app context)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
    from sqlalchemy import insert, select

    from myapp.articles.models import Article, Tag, article_tags
    from myapp.extensions import db
    from myapp.models import random_key
    from myapp.users.models import User

    rng = random.Random(seed)
    # Prose's most common words are its function words, which the vectorizer drops.
    vocabulary = sorted(ENGLISH_STOP_WORDS) + [f"w{n}" for n in range(WORDS)]
    # Zipf: the n-th word is 1/n as common as the first.
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocabulary))))
    now = datetime.now(UTC)
    db.session.execute(
        insert(User),
        [
            {
                "username": "writer",
                "email": "writer@bench.example",
                "password_hash": "-",
                "username_key": "writer",
                "credentials_key": random_key(),
                "session_key": random_key(),
                "created_at": now,
                "updated_at": now,
            }
        ],
    )
    author = db.session.scalar(select(User.id))
    db.session.execute(insert(Tag), [{"name": f"tag{n:02d}"} for n in range(20)])
    tags = list(db.session.scalars(select(Tag.id)))
    for start in range(0, count, 2000):
        rows = []
        for n in range(start, min(start + 2000, count)):
            words = rng.choices(vocabulary, cum_weights=cumulative, k=WORDS_PER_ARTICLE)
            moment = now - timedelta(minutes=count - n)
            rows.append(
                {
                    "slug": f"article-{n}",
                    "title": " ".join(words[:6]),
                    "description": " ".join(words[6:18]),
                    "body": " ".join(words[18:]),
                    "body_html": "",
                    "author_id": author,
                    "created_at": moment,
                    "publish_at": moment,
                    "updated_at": moment,
                }
            )
        db.session.execute(insert(Article), rows)
        new = db.session.scalars(select(Article.id).order_by(Article.id).offset(start)).all()
        links = [{"article_id": a, "tag_id": t} for a in new for t in rng.sample(tags, 3)]
        db.session.execute(insert(article_tags), links)
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="conduit-related-"))
    database_url = fresh_database(args.database_url, workdir)
    env = server_env(database_url, None, 0, workdir) | {"LOG_LEVEL": "WARNING"}
    os.environ.update(env)

    import flask_migrate
    from sqlalchemy import select

    from myapp import bind_migrations, create_app
    from myapp.articles import related
    from myapp.articles.models import Article
    from myapp.extensions import db

    app = create_app({"RELATED_INDEX_SECONDS": 1e9})
    bind_migrations(app)
    started = time.monotonic()
    with app.app_context():
        flask_migrate.upgrade()
        fill(args.articles)
    print(f"{args.articles} articles written in {time.monotonic() - started:.0f} s")

    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "related", "rebuild"]
    rebuilt = subprocess.run(flask, cwd=ROOT, env=os.environ, capture_output=True, text=True)
    print("flask related rebuild:", (rebuilt.stdout or rebuilt.stderr).strip())

    with app.app_context():
        ids = list(db.session.scalars(select(Article.id)))
        sample = random.Random(1).sample(ids, 21)
        started = time.monotonic()
        related.refresh(sample[:1])
        print(f"first update, building the index: {time.monotonic() - started:.1f} s")
        times = []
        for article_id in sample[1:]:
            started = time.perf_counter()
            related.refresh([article_id])
            times.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        related.stale()
        sweep_ms = (time.perf_counter() - started) * 1000
    print(f"the sweep's look for stale articles (every minute): {sweep_ms:.0f} ms")
    print(
        f"one article's update, index built: median {statistics.median(times):.0f} ms, "
        f"worst {max(times):.0f} ms (of {len(times)})"
    )


if __name__ == "__main__":
    main()
