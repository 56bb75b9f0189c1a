"""Search relevance on the labelled corpus (issue 12: "Relevance is measured").

The whole measurement is one test: the database is emptied after every test, and publishing the
sixty articles is the slow part. Run it with ``-s`` to see the table, or set ``RELEVANCE_REPORT``
to a file path to have the table written there too::

    RELEVANCE_REPORT=relevance.txt pytest tests/search/test_relevance.py -s
"""

import os
from collections.abc import Sequence

from flask import Flask
from flask.testing import FlaskClient

from myapp.extensions import db
from tests.factories import Factory
from tests.search.corpus import ARTICLES, QUERIES, Query
from tests.search.relevance import (
    mean,
    ndcg_at_k,
    random_ndcg_at_k,
    random_success_at_k,
    success_at_k,
)

# Floors the search must not fall below, per database dialect (the search is implemented per
# dialect, so each has its own): a little under what real runs measured (docs/search.md:
# nDCG@10 0.855 SQLite, 0.851 PostgreSQL, 0.850 MariaDB; success@3 1.00 on each), so that a
# regression fails and noise does not.
NDCG_FLOOR = {"sqlite": 0.80, "postgresql": 0.80, "mysql": 0.80}
SUCCESS_FLOOR = {"sqlite": 0.95, "postgresql": 0.95, "mysql": 0.95}

K_NDCG = 10
K_SUCCESS = 3

AUTHORS = {
    "bread": "levain_lou",
    "running": "ridge_runner",
    "network": "packet_pat",
    "plants": "fern_fiona",
    "money": "frugal_frank",
    "astro": "stargazer_sam",
}


def _publish_corpus(factory: Factory) -> dict[str, str]:
    """Publish every corpus article through the services; return ``{slug: key}``."""
    authors = {topic: factory.user(name) for topic, name in AUTHORS.items()}
    keys = {}
    for article in ARTICLES:
        slug = factory.article(
            authors[article.topic],
            title=article.title,
            description=article.description,
            body=article.body,
            tag_list=article.tags,
        )
        keys[slug] = article.key
    return keys


def _ranked(client: FlaskClient, keys: dict[str, str], params: dict[str, object]) -> list[str]:
    response = client.get("/api/articles", query_string=params)
    assert response.status_code == 200, (params, response.status_code, response.get_data(True))
    return [keys.get(item["slug"], item["slug"]) for item in response.json["articles"]]


def _params(query: Query, **extra: object) -> dict[str, object]:
    params: dict[str, object] = {"q": query.text, "limit": K_NDCG} | extra
    if query.tag:
        params["tag"] = query.tag
    return params


def _random_baseline(query: Query) -> tuple[float, float]:
    """Expected nDCG and success of a random order of the articles the query's filter allows."""
    n = sum(1 for a in ARTICLES if query.tag is None or query.tag in a.tags)
    return (
        random_ndcg_at_k(query.judgments, n, K_NDCG),
        random_success_at_k(query.judgments, n, K_SUCCESS),
    )


def _table(rows: Sequence[tuple[str, str, float, float, float, float, str]], dialect: str) -> str:
    head = (
        f"{'query':<26} {'kind':<9} {'nDCG@10':>7} {'S@3':>4} {'rnd nDCG':>8} {'rnd S@3':>7}  top 3"
    )
    lines = [f"search relevance on {dialect}: {len(ARTICLES)} articles, {len(rows)} queries", head]
    lines.append("-" * len(head))
    for text, kind, ndcg, success, rnd_ndcg, rnd_success, top in rows:
        lines.append(
            f"{text:<26.26} {kind:<9} {ndcg:>7.3f} {success:>4.0f} {rnd_ndcg:>8.3f}"
            f" {rnd_success:>7.3f}  {top}"
        )
    lines.append("-" * len(head))
    for kind in dict.fromkeys(r[1] for r in rows):
        of_kind = [r for r in rows if r[1] == kind]
        lines.append(
            f"{'mean of ' + kind:<26} {len(of_kind):>9} {mean(r[2] for r in of_kind):>7.3f}"
            f" {mean(r[3] for r in of_kind):>4.2f} {mean(r[4] for r in of_kind):>8.3f}"
            f" {mean(r[5] for r in of_kind):>7.3f}"
        )
    lines.append(
        f"{'mean':<36} {mean(r[2] for r in rows):>7.3f} {mean(r[3] for r in rows):>4.2f}"
        f" {mean(r[4] for r in rows):>8.3f} {mean(r[5] for r in rows):>7.3f}"
    )
    return "\n".join(lines)


def test_search_relevance(app: Flask, client: FlaskClient, factory: Factory) -> None:
    with app.app_context():
        dialect = db.engine.dialect.name
    keys = _publish_corpus(factory)

    # A search that ignores q answers every query with the newest articles: every metric would
    # still be computed, so say plainly that q must narrow the list.
    probe = client.get("/api/articles", query_string={"q": "sourdough", "limit": 100})
    assert probe.status_code == 200, probe.get_data(True)
    assert 0 < probe.json["articlesCount"] < len(ARTICLES), (
        "GET /api/articles?q=sourdough does not search: "
        f"{probe.json['articlesCount']} of {len(ARTICLES)} articles came back"
    )

    rows = []
    for query in QUERIES:
        ranked = _ranked(client, keys, _params(query))
        rnd_ndcg, rnd_success = _random_baseline(query)
        rows.append(
            (
                query.text,
                query.kind,
                ndcg_at_k(ranked, query.judgments, K_NDCG),
                success_at_k(ranked, query.judgments, K_SUCCESS),
                rnd_ndcg,
                rnd_success,
                " ".join(ranked[:3]) or "(nothing)",
            )
        )

    table = _table(rows, dialect)
    print("\n" + table)
    if report := os.environ.get("RELEVANCE_REPORT"):
        with open(report, "w", encoding="utf-8") as file:
            file.write(table + "\n")

    mean_ndcg = mean(r[2] for r in rows)
    mean_success = mean(r[3] for r in rows)
    assert mean_ndcg >= NDCG_FLOOR[dialect], f"mean nDCG@10 {mean_ndcg:.3f} on {dialect}"
    assert mean_success >= SUCCESS_FLOOR[dialect], f"mean success@3 {mean_success:.3f} on {dialect}"
