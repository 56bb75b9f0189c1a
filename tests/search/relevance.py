"""Ranking metrics for the search relevance measurement (issue 12).

``ranked`` is always a list of corpus keys, best first, as a search returned them. Judgments map a
key to a graded gain (2 = highly relevant, 1 = relevant); a key not in them counts as 0.
"""

import math
from collections.abc import Callable, Iterable, Mapping, Sequence


def dcg_at_k(gains: Iterable[float], k: int) -> float:
    """Discounted cumulative gain of the first ``k`` gains: ``sum(g_i / log2(i + 1))``, i from 1."""
    return sum(gain / math.log2(rank + 1) for rank, gain in enumerate(list(gains)[:k], start=1))


def ndcg_at_k(ranked: Sequence[str], judgments: Mapping[str, float], k: int = 10) -> float:
    """nDCG@k: the ranking's DCG over the DCG of the ideal ordering of the judged keys.

    Gains are the judgment grades used linearly. A key repeated in ``ranked`` gains only once.
    With no relevant key at all the query cannot be ranked well or badly: 0.0 by convention.
    """
    ideal = dcg_at_k(sorted((g for g in judgments.values() if g > 0), reverse=True), k)
    if ideal == 0:
        return 0.0
    seen: set[str] = set()
    gains = []
    for key in ranked[:k]:
        gains.append(0.0 if key in seen else judgments.get(key, 0.0))
        seen.add(key)
    return dcg_at_k(gains, k) / ideal


def success_at_k(ranked: Sequence[str], judgments: Mapping[str, float], k: int = 3) -> float:
    """1.0 if any of the first ``k`` results is relevant (gain > 0), else 0.0."""
    return 1.0 if any(judgments.get(key, 0) > 0 for key in ranked[:k]) else 0.0


def precision_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int = 5) -> float:
    """The share of the first ``k`` positions that hold a relevant key.

    The denominator is ``k`` even when fewer results came back: a short list is not rewarded.
    """
    wanted = set(relevant)
    return sum(1 for key in dict.fromkeys(ranked[:k]) if key in wanted) / k


def random_ndcg_at_k(judgments: Mapping[str, float], n: int, k: int = 10) -> float:
    """The expected nDCG@k of a uniformly random order of ``n`` documents, the judged among them.

    Each position holds any given document with probability ``1/n``, so the expected DCG is the
    mean gain times the sum of the discounts of the first ``min(k, n)`` positions.
    """
    gains = [g for g in judgments.values() if g > 0]
    ideal = dcg_at_k(sorted(gains, reverse=True), k)
    if ideal == 0 or n == 0:
        return 0.0
    discounts = sum(1 / math.log2(rank + 1) for rank in range(1, min(k, n) + 1))
    return sum(gains) / n * discounts / ideal


def random_success_at_k(judgments: Mapping[str, float], n: int, k: int = 3) -> float:
    """The probability that a uniformly random order of ``n`` documents has a relevant one in its
    first ``k``: one minus the chance that all ``k`` are drawn from the irrelevant ones."""
    relevant = sum(1 for g in judgments.values() if g > 0)
    miss = 1.0
    for i in range(min(k, n)):
        miss *= max(n - relevant - i, 0) / (n - i)
    return 1.0 - miss


def mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def related_precision_at_k(
    related: Callable[[str], Sequence[str]],
    topics: Mapping[str, str],
    k: int = 5,
) -> dict[str, float]:
    """Precision@k "same topic" of a related-articles function, per article and on average.

    ``related(slug)`` is the feature under test: the slugs it suggests for the article ``slug``,
    best first. ``topics`` maps the slug of every corpus article to its topic label (build it from
    the slugs the corpus was published under). For each article, a suggestion counts as relevant
    when it is another article of the same topic; the article itself never counts, and a slug
    unknown to ``topics`` counts as off-topic. The denominator is ``k`` (see
    :func:`precision_at_k`), so suggesting fewer than ``k`` articles costs precision.

    Returns ``{slug: precision}`` for every article plus ``"__mean__"``, the mean over them.
    """
    scores: dict[str, float] = {}
    for slug, topic in topics.items():
        same_topic = {other for other, t in topics.items() if t == topic and other != slug}
        suggested = [s for s in related(slug) if s != slug]
        scores[slug] = precision_at_k(suggested, same_topic, k)
    scores["__mean__"] = mean(v for v in scores.values())
    return scores
