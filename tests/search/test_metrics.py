"""The ranking metrics on tiny hand-made cases, worked out on paper."""

import itertools
import math

import pytest

from tests.search.relevance import (
    ndcg_at_k,
    precision_at_k,
    random_ndcg_at_k,
    random_success_at_k,
    related_precision_at_k,
    success_at_k,
)


def test_ndcg_is_one_for_the_ideal_order():
    assert ndcg_at_k(["a", "b", "x"], {"a": 2, "b": 1}) == pytest.approx(1.0)


def test_ndcg_of_a_swapped_pair():
    # ideal: 2/log2(2) + 1/log2(3); got: 1/log2(2) + 2/log2(3)
    ideal = 2 + 1 / math.log2(3)
    got = 1 + 2 / math.log2(3)
    assert ndcg_at_k(["b", "a"], {"a": 2, "b": 1}) == pytest.approx(got / ideal)


def test_ndcg_discounts_a_late_hit():
    # one relevant document at rank 3: (1 / log2(4)) / 1
    assert ndcg_at_k(["x", "y", "a"], {"a": 1}) == pytest.approx(0.5)


def test_ndcg_ignores_results_beyond_k():
    assert ndcg_at_k(["x", "y", "a"], {"a": 1}, k=2) == 0.0


def test_ndcg_ideal_is_cut_at_k_too():
    # three relevant, k=1: the ideal is one hit at rank 1
    assert ndcg_at_k(["a"], {"a": 1, "b": 1, "c": 1}, k=1) == pytest.approx(1.0)


def test_ndcg_of_nothing_found_is_zero():
    assert ndcg_at_k([], {"a": 2}) == 0.0
    assert ndcg_at_k(["x"], {}) == 0.0


def test_ndcg_counts_a_repeated_key_once():
    assert ndcg_at_k(["a", "a"], {"a": 1, "b": 1}) == pytest.approx(1 / (1 + 1 / math.log2(3)))


def test_success_at_k():
    assert success_at_k(["x", "y", "a"], {"a": 1}) == 1.0
    assert success_at_k(["x", "y", "z", "a"], {"a": 1}) == 0.0
    assert success_at_k(["x", "a"], {"a": 1}, k=1) == 0.0
    assert success_at_k([], {"a": 1}) == 0.0
    assert success_at_k(["x"], {"x": 0}) == 0.0


def test_precision_at_k():
    assert precision_at_k(["a", "x", "b", "y", "c"], {"a", "b", "c"}) == pytest.approx(0.6)
    assert precision_at_k(["a", "b", "c", "d", "e", "f"], {"f"}) == 0.0
    # a short list is not rewarded: k stays the denominator
    assert precision_at_k(["a"], {"a"}) == pytest.approx(0.2)
    assert precision_at_k(["a", "b"], {"a", "b"}, k=2) == 1.0


def test_related_precision_same_topic():
    topics = {"a1": "bread", "a2": "bread", "a3": "bread", "b1": "stars"}
    suggestions = {"a1": ["a1", "a2", "b1"], "a2": ["a3"], "a3": [], "b1": ["a1"]}
    scores = related_precision_at_k(lambda slug: suggestions[slug], topics, k=2)
    assert scores["a1"] == pytest.approx(0.5)  # itself skipped, then a2 (yes), b1 (no)
    assert scores["a2"] == pytest.approx(0.5)
    assert scores["a3"] == 0.0
    assert scores["b1"] == 0.0
    assert scores["__mean__"] == pytest.approx(0.25)


def test_random_baselines_match_enumeration():
    judgments = {"a": 2, "b": 1}
    orders = list(itertools.permutations(["a", "b", "x", "y"]))
    for k in (1, 2, 3, 10):
        expected_ndcg = sum(ndcg_at_k(list(o), judgments, k) for o in orders) / len(orders)
        expected_success = sum(success_at_k(list(o), judgments, k) for o in orders) / len(orders)
        assert random_ndcg_at_k(judgments, 4, k) == pytest.approx(expected_ndcg)
        assert random_success_at_k(judgments, 4, k) == pytest.approx(expected_success)


def test_random_success_is_certain_when_k_exceeds_the_irrelevant():
    assert random_success_at_k({"a": 1}, 3, k=3) == 1.0
    assert random_success_at_k({}, 3, k=3) == 0.0
