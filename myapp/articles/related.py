"""Related articles ("Read next"), by machine learning: TF-IDF over each article's title,
description, body and tags (scikit-learn), compared by cosine similarity.

The worker computes an article's five nearest neighbours when it is published or edited, and
stores them (``related_articles``, with the article's ``updated_at`` they were computed for in
``related_computations``); pages and the API only read that table. ``flask related rebuild``
recomputes every article. Until an article has been computed, readers get the articles that share
the most tags with it (articles.services.related_articles).

The vectors live in each worker process (``Index``), built from every listed article when first
needed and again once older than ``RELATED_INDEX_SECONDS``; one article's update changes only its
own row. A word first seen since the last build is unknown to the vocabulary until the next one.
"""

import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from flask import current_app
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.extmath import safe_sparse_dot
from sqlalchemy import delete, insert, select

from myapp.articles.models import Article, RelatedArticle, RelatedComputation
from myapp.articles.queries import COMPUTED, LISTED
from myapp.database import commit_with_retry
from myapp.extensions import db
from myapp.models import utcnow

RELATED = 5  # how many an article keeps
BATCH = 256  # rows compared at once in a rebuild: 256 x articles float32 scores in memory
# Candidates whose own lists may now want the updated article (see ``refresh``).
NEIGHBOURS = 50


def document(title: str, description: str, body: str, tags: str) -> str:
    """The text an article is known by (``tags``: its tags, space-separated). The title and
    tags say what it is about more surely than any sentence of the body, so they count twice
    (measured in docs/search.md)."""
    return "\n".join((title, title, tags, tags, description, body))


def vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        strip_accents="unicode",  # "café" is "cafe"
        stop_words="english",
        sublinear_tf=True,  # a word said ten times is not ten times the subject
        max_features=200_000,  # bounds the vocabulary's memory at any size
        dtype=np.float32,
    )


@dataclass
class Index:
    """The TF-IDF vectors of the listed articles, L2-normalised (so a dot product is the
    cosine), and the vocabulary that made them (None: no words at all)."""

    model: TfidfVectorizer | None
    # Words x articles: ``vectors @ by_word`` scores vectors against every article at once
    # (stored this way round, a product never transposes 100,000 rows first; scikit-learn's
    # sparse-to-dense product is several times scipy's here, measured).
    by_word: sparse.csr_matrix
    ids: np.ndarray
    built_at: float = field(default_factory=time.monotonic)
    # Changed since the build: a dead column scores nothing; the new vectors are in ``extra``.
    dead: set[int] = field(default_factory=set)
    extra: dict[int, sparse.csr_matrix] = field(default_factory=dict)

    @classmethod
    def fit(cls, docs: Iterable["Document"]) -> tuple["Index", sparse.csr_matrix]:
        """Fit the vocabulary to ``docs`` and vectorise them, streaming: only the vectors are
        held, never the texts. Also returns the vectors, one row per article."""
        ids: list[int] = []

        def texts() -> Iterator[str]:
            for doc in docs:
                ids.append(doc.id)
                yield doc.text

        model: TfidfVectorizer | None = vectorizer()
        try:
            rows = model.fit_transform(texts()).tocsr()
        except ValueError:  # no article, or not one word that is not a stop word
            model, rows = None, sparse.csr_matrix((len(ids), 0), dtype=np.float32)
        index = cls(model=model, by_word=rows.T.tocsr(), ids=np.array(ids, dtype=np.int64))
        return index, rows

    @classmethod
    def build(cls, docs: Iterable["Document"]) -> "Index":
        return cls.fit(docs)[0]

    def vector(self, text: str) -> sparse.csr_matrix:
        if self.model is None:
            return sparse.csr_matrix((1, 0), dtype=np.float32)
        return self.model.transform([text])

    def put(self, article_id: int, vector: sparse.csr_matrix) -> None:
        self.remove(article_id)
        self.extra[article_id] = vector

    def remove(self, article_id: int) -> None:
        self.extra.pop(article_id, None)
        self.dead.update(int(row) for row in np.flatnonzero(self.ids == article_id))

    def scores(self, vectors: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """(ids, the cosine of each vector with each article): one row per vector."""
        if self.model is None:
            return self.ids, np.zeros((vectors.shape[0], len(self.ids)), dtype=np.float32)
        scores = safe_sparse_dot(vectors, self.by_word, dense_output=True)
        if self.dead:
            scores[:, list(self.dead)] = 0.0
        if not self.extra:
            return self.ids, scores
        added = sparse.vstack(list(self.extra.values())).T.tocsr()
        extra = safe_sparse_dot(vectors, added, dense_output=True)
        ids = np.concatenate([self.ids, np.fromiter(self.extra, dtype=np.int64)])
        return ids, np.hstack([scores, extra])

    def nearest(
        self, vectors: sparse.csr_matrix, own_ids: list[int], k: int = RELATED
    ) -> list[list[tuple[int, float]]]:
        """For each vector, the ``k`` articles most like it but itself (``own_ids``), with
        their cosine, best first; articles with no word in common are left out."""
        ids, scores = self.scores(vectors)
        found = []
        for row, own in zip(scores, own_ids, strict=True):
            row[ids == own] = 0.0
            top = np.argpartition(-row, k)[:k] if len(row) > k else np.arange(len(row))
            best = sorted(((float(row[i]), int(ids[i])) for i in top if row[i] > 0), reverse=True)
            found.append([(article_id, score) for score, article_id in best])
        return found


# --- the articles, as the worker reads them ----------------------------------------------------

DOCUMENTS = select(
    Article.id,
    Article.updated_at,
    Article.title,
    Article.description,
    Article.body,
    COMPUTED["tag_list"],
).where(LISTED)


@dataclass(frozen=True)
class Document:
    id: int
    updated_at: datetime
    text: str


def documents(article_ids: list[int] | None = None) -> Iterator[Document]:
    """The listed articles (those of ``article_ids``, or all), streamed in id order: a rebuild
    never holds every body at once."""
    statement = DOCUMENTS if article_ids is None else DOCUMENTS.where(Article.id.in_(article_ids))
    rows = db.session.execute(statement.order_by(Article.id).execution_options(yield_per=1000))
    for article_id, updated_at, title, description, body, tags in rows:
        text = document(title, description, body, " ".join(tags or ()))
        yield Document(article_id, updated_at, text)


def stale(limit: int = 500) -> list[int]:
    """Listed articles never computed, or changed since they were: what a lost task left."""
    computed = RelatedComputation.article_id == Article.id
    statement = (
        select(Article.id)
        .outerjoin(RelatedComputation, computed)
        .where(
            LISTED,
            (RelatedComputation.article_id.is_(None))
            | (RelatedComputation.computed_for < Article.updated_at),
        )
        .order_by(Article.id)
        .limit(limit)
    )
    return list(db.session.scalars(statement))


# --- computing and storing ------------------------------------------------------------------

_lock = threading.Lock()  # the worker's threads share one index per app


def index() -> Index:
    """This process's index for the app, built from the database when missing or older than
    ``RELATED_INDEX_SECONDS`` (call under ``_lock``)."""
    extensions = current_app.extensions
    current = extensions.get("related_index")
    max_age = current_app.config["RELATED_INDEX_SECONDS"]
    if current is None or time.monotonic() - current.built_at > max_age:
        current = Index.build(documents())
        db.session.rollback()  # end the long read
        extensions["related_index"] = current
    return current


def _listed(article_ids: Iterable[int]) -> set[int]:
    wanted = set(article_ids)
    if not wanted:
        return set()
    return set(db.session.scalars(select(Article.id).where(LISTED, Article.id.in_(wanted))))


def _store(lists: dict[int, list[tuple[int, float]]], computed_for: dict[int, datetime]) -> None:
    """Replace the related lists of ``lists``'s articles (and, for those in ``computed_for``,
    record the version they were computed for), in one transaction. A suggestion that is no
    longer listed (deleted, unpublished meanwhile) is dropped: rows never name what is gone."""

    def write() -> None:
        listed = _listed(i for found in lists.values() for i, _ in found)
        owners = list(lists)
        db.session.execute(delete(RelatedArticle).where(RelatedArticle.article_id.in_(owners)))
        rows = [
            {"article_id": owner, "rank": rank, "related_id": related_id, "score": score}
            for owner, found in lists.items()
            for rank, (related_id, score) in enumerate(
                [pair for pair in found if pair[0] in listed][:RELATED]
            )
        ]
        if rows:
            db.session.execute(insert(RelatedArticle), rows)
        if computed_for:
            done = list(computed_for)
            db.session.execute(
                delete(RelatedComputation).where(RelatedComputation.article_id.in_(done))
            )
            now = utcnow()
            db.session.execute(
                insert(RelatedComputation),
                [
                    {"article_id": i, "computed_for": version, "computed_at": now}
                    for i, version in computed_for.items()
                ],
            )

    commit_with_retry(write)


def _forget(article_ids: Any) -> None:
    """Drop the related lists of these articles (ids, or a SELECT of them)."""

    def forget() -> None:
        for table in (RelatedArticle, RelatedComputation):
            db.session.execute(delete(table).where(table.article_id.in_(article_ids)))

    commit_with_retry(forget)


def _merged(
    current: list[tuple[int, float]], article_id: int, score: float
) -> list[tuple[int, float]] | None:
    """``current`` with ``article_id`` at ``score``, best first and cut to ``RELATED``; None
    when that changes nothing."""
    others = [pair for pair in current if pair[0] != article_id]
    merged = sorted([*others, (article_id, score)], key=lambda pair: -pair[1])[:RELATED]
    return None if merged == current else merged


def refresh(article_ids: list[int]) -> int:
    """Compute the related articles of these articles (after they were published or edited);
    how many were listed. Each one also joins the lists of the articles it now resembles more
    than their last suggestion. Idempotent: run twice, it stores the same rows."""
    docs = list(documents(article_ids))
    gone = set(article_ids) - {doc.id for doc in docs}  # unpublished or deleted since
    neighbours: dict[int, list[tuple[int, float]]] = {}
    with _lock:
        current = index()
        for article_id in gone:
            current.remove(article_id)
        if docs:
            vectors = sparse.vstack([current.vector(doc.text) for doc in docs], format="csr")
            for doc, vector in zip(docs, vectors, strict=True):
                current.put(doc.id, vector)
            found = current.nearest(vectors, [doc.id for doc in docs], k=NEIGHBOURS)
            neighbours = {doc.id: near for doc, near in zip(docs, found, strict=True)}
    if gone:
        _forget(list(gone))
    if neighbours:
        lists = {article_id: near[:RELATED] for article_id, near in neighbours.items()}
        _store(lists, {doc.id: doc.updated_at for doc in docs})
        _join_neighbours(neighbours)
    return len(docs)


def _join_neighbours(neighbours: dict[int, list[tuple[int, float]]]) -> None:
    """Put each refreshed article into the stored lists of its nearest computed articles
    where it now ranks among their best (similarity is symmetric)."""
    candidates = {other for near in neighbours.values() for other, _ in near} - set(neighbours)
    if not candidates:
        return
    computed = set(
        db.session.scalars(
            select(RelatedComputation.article_id).where(
                RelatedComputation.article_id.in_(candidates)
            )
        )
    )
    stored: dict[int, list[tuple[int, float]]] = {other: [] for other in computed}
    rows = db.session.execute(
        select(RelatedArticle.article_id, RelatedArticle.related_id, RelatedArticle.score)
        .where(RelatedArticle.article_id.in_(computed))
        .order_by(RelatedArticle.article_id, RelatedArticle.rank)
    )
    for owner, related_id, score in rows:
        stored[owner].append((related_id, score))
    changed = {}
    for article_id, near in neighbours.items():
        for other, score in near:
            if other in stored:
                merged = _merged(changed.get(other, stored[other]), article_id, score)
                if merged is not None:
                    changed[other] = merged
    db.session.rollback()  # end the reading transaction before writing
    if changed:
        _store(changed, {})


@dataclass(frozen=True)
class Rebuilt:
    articles: int
    seconds: float


def rebuild() -> Rebuilt:
    """Recompute every listed article's related articles from a new index, ``BATCH`` articles
    a transaction, and forget those of the articles no longer listed."""
    started = time.monotonic()
    versions: dict[int, datetime] = {}

    def seen(docs: Iterator[Document]) -> Iterator[Document]:
        for doc in docs:
            versions[doc.id] = doc.updated_at
            yield doc

    fresh, rows = Index.fit(seen(documents()))
    db.session.rollback()  # end the long read before writing
    for start in range(0, len(fresh.ids), BATCH):
        batch = [int(i) for i in fresh.ids[start : start + BATCH]]
        lists = fresh.nearest(rows[start : start + BATCH], batch)
        _store(dict(zip(batch, lists, strict=True)), {i: versions[i] for i in batch})

    _forget(select(Article.id).where(~LISTED))
    with _lock:
        current_app.extensions["related_index"] = fresh
    return Rebuilt(len(fresh.ids), time.monotonic() - started)
