"""Related articles on the labelled corpus (issue 12: "Measured"): precision@5, a suggestion
counting when it is on the article's topic, for the model (TF-IDF and cosine, as the worker
computes it), for the shared-tag fallback, and for random choice.

Run it with ``-s`` to see the table, or set ``RELEVANCE_REPORT`` to a file to have it appended
there (docs/search.md has the tables of real runs).
"""

import os

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete

from myapp.articles import related
from myapp.articles.models import RelatedComputation
from myapp.extensions import db
from tests.factories import Factory
from tests.search.corpus import ARTICLES
from tests.search.relevance import related_precision_at_k
from tests.search.test_relevance import _publish_corpus

K = 5
# A little under what real runs measured (docs/search.md), so that a regression fails.
MODEL_FLOOR = 0.92


def _suggestions(client: FlaskClient, slug: str) -> list[str]:
    response = client.get(f"/api/articles/{slug}/related")
    assert response.status_code == 200, response.get_data(True)
    return [article["slug"] for article in response.json["articles"]]


def test_the_model_beats_shared_tags_and_chance(app: Flask, client: FlaskClient, factory: Factory):
    with app.app_context():
        dialect = db.engine.dialect.name
    keys = _publish_corpus(factory)  # the worker computes each one as it is published
    topics = {slug: key.split("-")[0] for slug, key in keys.items()}
    # Each computed when published, against the articles before it, and joined to their
    # lists as later ones came: what a live site has between rebuilds.
    live = related_precision_at_k(lambda slug: _suggestions(client, slug), topics, K)
    with app.app_context():
        assert related.rebuild().articles == len(ARTICLES)
    model = related_precision_at_k(lambda slug: _suggestions(client, slug), topics, K)
    with app.app_context():  # until the worker computes them: shared tags
        db.session.execute(delete(RelatedComputation))
        db.session.commit()
    fallback = related_precision_at_k(lambda slug: _suggestions(client, slug), topics, K)
    # Five articles drawn at random from the 59 others: the expected share on the same topic.
    same = {slug: sum(t == topic for t in topics.values()) - 1 for slug, topic in topics.items()}
    chance = sum(n / (len(topics) - 1) for n in same.values()) / len(same)

    table = "\n".join(
        [
            f"related articles on {dialect}: {len(ARTICLES)} articles, precision@{K} (same topic)",
            f"model (TF-IDF, cosine)  {model['__mean__']:.3f}",
            f"  as published, live    {live['__mean__']:.3f}",
            f"fallback (shared tags)  {fallback['__mean__']:.3f}",
            f"random choice           {chance:.3f}",
        ]
    )
    print("\n" + table)
    if report := os.environ.get("RELEVANCE_REPORT"):
        with open(report, "a", encoding="utf-8") as file:
            file.write(table + "\n")

    assert model["__mean__"] > fallback["__mean__"] > chance
    assert live["__mean__"] > fallback["__mean__"]
    assert model["__mean__"] >= MODEL_FLOOR, f"precision@{K} {model['__mean__']:.3f}"
