"""Token-embedding geometry (Wen-Yi & Mimno, 2023) on constructed matrices with known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from xlprobe.errors import InputError
from xlprobe.probing.token_geometry import (
    UNLABELLED,
    canonical_cosines,
    category_counts,
    expected_random_canonical_cosine,
    geometry_similarity,
    knn_overlap,
    language_labels,
    nearest_neighbours,
    neighbour_diversity,
    script_categories,
    script_category,
    separability,
    shared_tokens,
    translation_hit_rate,
)


def clusters(n_clusters: int, size: int | list[int], dim: int, *, spread=0.01, seed=0):
    """Points around orthogonal centres, cluster by cluster (``size`` points each, or
    ``size[c]`` in cluster c), tight enough that a point's nearest neighbours are the rest of
    its cluster. ``[sum of sizes, dim]``."""
    rng = np.random.default_rng(seed)
    sizes = [size] * n_clusters if isinstance(size, int) else size
    points = np.repeat(np.eye(dim)[:n_clusters] * 10, sizes, axis=0)
    return points + spread * rng.standard_normal(points.shape)


@pytest.mark.parametrize(
    ("token", "category"),
    [
        ("▁Haus", "LATIN"),
        ("##ing", "LATIN"),
        ("▁дом", "CYRILLIC"),
        ("日本", "CJK"),
        ("ある", "HIRAGANA"),
        ("カタ", "KATAKANA"),
        ("▁مرحبا", "ARABIC"),
        ("▁123", "N"),
        ("▁,", "P"),
        ("▁", "S"),
        ("ab12", "LATIN"),  # tie between LATIN and N: the first to occur
        ("1ab2", "N"),
        ("aбб", "CYRILLIC"),  # the most frequent character category
    ],
)
def test_script_category_follows_the_papers_rule(token, category):
    assert script_category(token) == category


def test_script_categories_mark_special_tokens():
    labels = script_categories(["<s>", "▁Haus", "</s>"], special=[0, 2])
    assert labels.tolist() == ["SPECIAL", "LATIN", "SPECIAL"]


def test_language_labels_need_a_clear_majority_and_enough_occurrences():
    counts = {
        "en": np.array([10, 5, 0, 1, 9]),
        "de": np.array([0, 5, 4, 1, 1]),
    }
    labels = language_labels(counts, min_share=0.9, min_count=3)
    # 10/10 en; 5/10 shared; 4/4 de; 2 occurrences only; 9/10 en at the bound.
    assert labels.tolist() == ["en", UNLABELLED, "de", UNLABELLED, "en"]
    with pytest.raises(InputError, match="min_share"):
        language_labels(counts, min_share=0.5)


def test_nearest_neighbours_exclude_the_query_even_behind_duplicates():
    x = np.array([[1.0, 0.0], [1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])
    ids, sims = nearest_neighbours(x, np.array([0, 1, 3]), 2)
    assert 0 not in ids[0] and 1 not in ids[1] and 3 not in ids[2]
    assert set(ids[0]) == {1, 2} and set(ids[1]) == {0, 2}
    assert np.all(np.diff(sims, axis=1) <= 1e-6)  # most similar first
    assert sims[0, 0] == pytest.approx(1.0)
    with pytest.raises(InputError, match="k=4"):
        nearest_neighbours(x, np.array([0]), 4)


def test_separable_clusters_score_100_and_small_categories_are_skipped_and_counted():
    x = clusters(4, [40, 40, 10, 30], 8, spread=0.5)
    labels = np.array(["a"] * 40 + ["b"] * 40 + ["c"] * 10 + ["tiny"] * 30, dtype=object)
    result = separability(x, labels, min_size=20, n_folds=5)
    assert result.accuracy == {"a": 1.0, "b": 1.0, "tiny": 1.0}
    assert result.skipped == {"c": 10}
    # balanced: 2 * min(size, rest) held-out predictions per category
    assert result.tested == {"a": 80, "b": 80, "tiny": 60}
    assert result.correct == result.tested
    assert result.mean == 1.0


def test_random_labels_are_not_separable():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((400, 4))
    labels = rng.choice(np.array(["a", "b"], dtype=object), 400)
    result = separability(x, labels, min_size=10, n_folds=5)
    assert 0.35 < result.mean < 0.65


def test_unlabelled_rows_are_left_out_of_separability():
    x = clusters(2, 30, 4)
    labels = np.array(["a"] * 30 + [UNLABELLED] * 30, dtype=object)
    result = separability(x, labels, min_size=5)
    # 'a' has no "rest" once the unlabelled rows are gone.
    assert result.accuracy == {} and result.skipped == {"a": 30}
    assert math.isnan(result.mean)


def test_neighbour_diversity_counts_categories_and_entropy():
    # Two clusters of 5; in cluster 0 the labels alternate a/b, cluster 1 is all c.
    x = clusters(2, 5, 4)
    labels = np.array(["a", "b", "a", "b", "a", "c", "c", "c", "c", "c"], dtype=object)
    result = neighbour_diversity(x, labels, k=4, sample=10)
    assert result.query_ids.tolist() == list(range(10))
    # Query 0 (a) sees b, a, b, a: 2 categories, entropy ln 2, 2 of another category;
    # query 1 (b) sees a, a, b, a: entropy of (3/4, 1/4), 3 of another category.
    assert result.n_categories.tolist() == [2] * 5 + [1] * 5
    skewed = -(0.75 * math.log(0.75) + 0.25 * math.log(0.25))
    assert result.entropy[:5] == pytest.approx([math.log(2), skewed] * 2 + [math.log(2)])
    assert result.entropy[5:] == pytest.approx([0.0] * 5)
    assert result.other.tolist() == [2, 3, 2, 3, 2, 0, 0, 0, 0, 0]
    table = result.by_category(labels)
    assert table["c"] == {"n": 5, "categories": 1.0, "entropy": 0.0, "other": 0.0}
    assert table["b"]["other"] == 0.75


def test_neighbour_sample_is_seeded_and_drawn_from_labelled_rows():
    x = clusters(2, 50, 4)
    labels = np.array(["a"] * 50 + [UNLABELLED] * 50, dtype=object)
    first = neighbour_diversity(x, labels, k=3, sample=0.2, seed=3)
    again = neighbour_diversity(x, labels, k=3, sample=0.2, seed=3)
    assert len(first.query_ids) == 10 and np.all(first.query_ids < 50)
    assert first.query_ids.tolist() == again.query_ids.tolist()


def test_category_counts_skip_unlabelled_neighbours():
    labels = np.array(["a", "b", UNLABELLED], dtype=object)
    counts = category_counts(labels, np.array([[0, 1, 2], [2, 2, 1]]))
    assert counts.tolist() == [[1, 1], [0, 1]]


def test_translation_hit_rate():
    # Word 0 sits beside its translation 5; word 1's translation 9 is in another cluster.
    x = clusters(2, 5, 4)
    x[5] = x[0] + 0.001
    result = translation_hit_rate(x, {0: [5], 1: [9], 2: []}, k=4)
    assert (result.hits, result.total, result.rate) == (1, 2, 0.5)
    assert math.isnan(translation_hit_rate(x, {}, k=2).rate)


def test_shared_tokens_intersect_strings_in_the_first_vocabulary_order():
    rows_a, rows_b, tokens = shared_tokens(["x", "▁a", "b", "b"], ["b", "▁a", "z"])
    assert tokens == ["▁a", "b"]
    assert rows_a.tolist() == [1, 2] and rows_b.tolist() == [1, 0]


def test_identical_and_rotated_matrices_have_overlap_100_and_cosine_1():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((500, 16))
    rotation, _ = np.linalg.qr(rng.standard_normal((16, 16)))
    for b in (a.copy(), a @ rotation):
        result = geometry_similarity(a, b, k=10, sample=100, seed=1)
        assert result.knn_overlap == pytest.approx(100.0)
        assert result.canonical_cosine == pytest.approx(1.0)
        assert result.n_shared == 500 and result.n_queries == 100 and result.k == 10


def test_random_matrix_gives_the_expected_low_cosine_and_chance_overlap():
    rng = np.random.default_rng(2)
    n, d = 4000, 32
    a = rng.standard_normal((n, d))
    expected = expected_random_canonical_cosine(n, d, d)
    assert expected == pytest.approx(2 * math.sqrt(d / n * (1 - d / n)))
    assert canonical_cosines(a, rng.standard_normal((n, d)))[0] == pytest.approx(expected, abs=0.04)
    result = geometry_similarity(a, a.copy(), k=20, sample=200, seed=5)
    # The baseline: a random matrix of the same shape.
    assert result.random_canonical_cosine == pytest.approx(expected, abs=0.04)
    assert result.random_knn_overlap < 5 * 100 * 20 / n
    assert expected_random_canonical_cosine(100, 60, 50) == 1.0


def test_knn_overlap_of_unrelated_clusterings_is_partial():
    # The same 10 points in two clusterings that keep half of each cluster together.
    a = clusters(2, 5, 4)
    b = a[[0, 1, 2, 5, 6, 3, 4, 7, 8, 9]]
    overlap = knn_overlap(a, b, np.arange(10), 4)
    assert overlap.min() >= 1 and overlap.max() < 4
    with pytest.raises(InputError, match="aligned rows"):
        knn_overlap(a, b[:5], np.arange(3), 2)
