"""Token-embedding geometry: language separability, neighbour diversity, geometry similarity.

Why one long module: it holds the paper's measures, each an independent pure function with its
formula.

The measures of Wen-Yi & Mimno, "Hyperpolyglot LLMs: Cross-Lingual Interpretability in Token
Embeddings" (EMNLP 2023; code github.com/andreawwenyi/hyperpolyglot), as pure functions on
arrays (no model, no Lightning):

* **Token categories** (Sec. 3, ``vocab_categories.py``): the Unicode script of a token's
  letters (:func:`script_category`), and, for languages that share a script, a language label
  from how often each language's text uses the token (:func:`language_labels`).
* **Separability** (Sec. 4.1): one-vs-rest logistic regression per category on balanced,
  undersampled data, k-fold cross-validated accuracy (:func:`separability`; XLM-R-XL 99.24 %,
  mT5-XL 93.32 % averaged over the Unicode categories).
* **Neighbour diversity** (Sec. 4.2): distinct categories and category entropy among a token's
  k nearest neighbours by cosine, self excluded, over a seeded sample of tokens
  (:func:`neighbour_diversity`; k = 50: mT5-XL 7.61 categories, XLM-R-XL 1.64).
* **Translation hit-rate**: the share of dictionary words whose k nearest neighbours hold a gold
  translation (:func:`translation_hit_rate`; the paper shows this only by example).
* **Geometry similarity** (Sec. 4.3) of two embedding matrices on their shared token strings:
  nearest-neighbour overlap and the largest canonical-angle cosine, each beside a random matrix
  of the same shape (:func:`geometry_similarity`; XLM-R pairs overlap ~60 of 100 and cosine
  0.99, mT5 pairs 20-30 and 0.95-0.97, random 0.14-0.27).

Rows are always L2-normalised before a neighbour search (cosine = inner product); the search is
exact (``faiss.IndexFlatIP``).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from xlprobe.errors import InputError

SUBWORD_MARKERS: tuple[str, ...] = ("\u2581", "##", "\u0120")
"""Word-boundary / continuation markers stripped before a token is categorised: SentencePiece
``▁`` (U+2581), WordPiece ``##``, byte-level BPE ``Ġ``."""

UNLABELLED = ""
"""The label of a token without a category (ignored by every measure)."""

Progress = Callable[[int], None]
"""Called with the number of items just finished (for a progress bar)."""


def script_category(token: str, markers: Sequence[str] = SUBWORD_MARKERS) -> str:
    """The paper's Unicode category of one token string.

    Every character gets a category: letters (Unicode general category ``L*``) the first word
    of their Unicode name (``LATIN``, ``CYRILLIC``, ``CJK``, ``ARABIC``, ``HIRAGANA``, ...), any
    other character its major general category (``P`` punctuation, ``N`` number, ``S``
    symbol, ``M`` mark, ...). The token's category is the most frequent one (ties: the first to
    occur). Subword markers are stripped first; a token that is only a marker is categorised
    as written (``▁`` -> ``S``).

    Args:
        token: A vocabulary piece, e.g. ``"▁Haus"``.
        markers: Prefixes / characters removed before categorising.

    Returns:
        The category name; ``UNLABELLED`` for the empty string.
    """
    text = token
    for marker in markers:
        text = text.replace(marker, "")
    text = text or token
    if not text:
        return UNLABELLED
    counts: Counter[str] = Counter()
    for char in text:
        major = unicodedata.category(char)
        if major.startswith("L"):
            name = unicodedata.name(char, "")
            counts[name.split(" ", 1)[0] if name else "L"] += 1
        else:
            counts[major[0]] += 1
    return counts.most_common(1)[0][0]


def script_categories(tokens: Sequence[str], special: Sequence[int] = ()) -> np.ndarray:
    """:func:`script_category` of every token; the ids in ``special`` get ``"SPECIAL"``.

    Args:
        tokens: ``[V]`` vocabulary pieces in id order.
        special: Ids of special tokens (``<s>``, ``<pad>``, ...).

    Returns:
        ``[V]`` array of category names (``dtype=object``).
    """
    labels = np.array([script_category(t) for t in tokens], dtype=object)
    labels[np.asarray(list(special), dtype=np.int64)] = "SPECIAL"
    return labels


def language_labels(
    counts: Mapping[str, np.ndarray], *, min_share: float = 0.9, min_count: int = 3
) -> np.ndarray:
    """A language label per token from how often each language's text uses it.

    For languages that share a script (en, de, fr, es are all LATIN) the script says nothing;
    the label is the language that uses the token most, if
    ``count_l(t) / sum_l' count_l'(t) >= min_share`` and ``sum_l' count_l'(t) >= min_count``,
    else :data:`UNLABELLED` (a token shared by several languages, or too rare to tell).

    Args:
        counts: Language -> ``[V]`` occurrence counts of each token id in that language's text
            (e.g. ``np.bincount`` of its tokenized sentences).
        min_share: Smallest share of the token's occurrences in its language, in (0.5, 1].
        min_count: Fewest occurrences over all languages.

    Returns:
        ``[V]`` array of language codes or ``UNLABELLED`` (``dtype=object``).
    """
    if not counts:
        raise InputError("language_labels needs the token counts of at least one language")
    if not 0.5 < min_share <= 1:
        raise InputError(f"min_share={min_share}: expected a share in (0.5, 1]")
    langs = list(counts)
    matrix = np.stack([np.asarray(counts[lang], dtype=np.float64) for lang in langs])
    total = matrix.sum(axis=0)
    best = matrix.argmax(axis=0)
    share = np.divide(matrix.max(axis=0), total, out=np.zeros_like(total), where=total > 0)
    labels = np.array(langs, dtype=object)[best]
    labels[(share < min_share) | (total < min_count)] = UNLABELLED
    return labels


def normalize_rows(x: np.ndarray) -> np.ndarray:
    """``x / ||x||_2`` per row as C-contiguous float32 (zero rows stay zero). ``[N, D]``."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)


def nearest_neighbours(
    x: np.ndarray,
    query_ids: np.ndarray,
    k: int,
    *,
    batch_size: int = 2048,
    progress: Progress | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact cosine k nearest neighbours of some rows of ``x`` among all rows, self excluded.

    Searches ``k + 1`` neighbours with ``faiss.IndexFlatIP`` on L2-normalised rows and drops the
    query row itself (or, where a duplicate row outranks it, the last neighbour).

    Args:
        x: ``[N, D]`` embeddings (any scale; normalised here).
        query_ids: ``[Q]`` row indices of the queries.
        k: Neighbours per query, ``1 <= k < N``.
        batch_size: Queries per faiss search.
        progress: Called with the number of queries done after each batch.

    Returns:
        ``(ids, cosines)``: ``[Q, k]`` neighbour row indices, most similar first, and their
        cosine similarities.
    """
    import faiss

    n = len(x)
    if not 1 <= k < n:
        raise InputError(f"k={k}: expected 1 <= k < number of tokens ({n})")
    xn = normalize_rows(x)
    index = faiss.IndexFlatIP(xn.shape[1])
    index.add(xn)
    query_ids = np.asarray(query_ids, dtype=np.int64)
    ids = np.empty((len(query_ids), k), dtype=np.int64)
    sims = np.empty((len(query_ids), k), dtype=np.float32)
    for start in range(0, len(query_ids), batch_size):
        batch = query_ids[start : start + batch_size]
        found_sims, found = index.search(xn[batch], k + 1)
        is_self = found == batch[:, None]
        # Drop the query itself; rows where it is missing (duplicates outrank it) drop the last.
        is_self[~is_self.any(axis=1), -1] = True
        keep = ~is_self
        keep[np.cumsum(keep, axis=1) > k] = False
        ids[start : start + len(batch)] = found[keep].reshape(len(batch), k)
        sims[start : start + len(batch)] = found_sims[keep].reshape(len(batch), k)
        if progress is not None:
            progress(len(batch))
    return ids, sims


def sample_ids(candidates: np.ndarray, size: int | float, seed: int) -> np.ndarray:
    """A seeded sample of ``candidates`` without replacement, sorted.

    Args:
        candidates: ``[M]`` row indices to draw from.
        size: A count (int) or a fraction of ``M`` (float in (0, 1]); at least 1, at most M.
        seed: Seed of ``numpy.random.default_rng``.
    """
    candidates = np.asarray(candidates, dtype=np.int64)
    n = round(size * len(candidates)) if isinstance(size, float) else int(size)
    n = min(max(n, 1), len(candidates))
    return np.sort(np.random.default_rng(seed).choice(candidates, n, replace=False))


@dataclass(frozen=True)
class Separability:
    """One-vs-rest separability of token categories (Wen-Yi & Mimno, 2023, Sec. 4.1).

    Attributes:
        accuracy: Category -> cross-validated accuracy in [0, 1] of telling its tokens from
            the others' on balanced data (0.5 = chance).
        correct: Category -> correctly classified held-out tokens.
        tested: Category -> held-out tokens (twice the balanced class size).
        skipped: Categories with fewer than ``min_size`` tokens -> their size; they stay in
            the "rest" of the other categories.
    """

    accuracy: dict[str, float]
    correct: dict[str, int]
    tested: dict[str, int]
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def mean(self) -> float:
        """Unweighted mean accuracy over the tested categories (the paper's average); NaN if
        none was tested."""
        return float(np.mean(list(self.accuracy.values()))) if self.accuracy else float("nan")


def separability(
    x: np.ndarray,
    labels: np.ndarray,
    *,
    min_size: int = 500,
    n_folds: int = 10,
    max_per_class: int | None = None,
    seed: int = 0,
    progress: Progress | None = None,
) -> Separability:
    """Balanced one-vs-rest logistic-regression accuracy per category.

    For each category c with at least ``min_size`` tokens: y = [label == c]; the larger class is
    undersampled to the smaller one's size m (and both to ``max_per_class`` if given), the rows
    L2-normalised, and ``LogisticRegression`` (sklearn defaults, lbfgs, C = 1) is scored by
    stratified ``min(n_folds, m)``-fold cross-validation:
    ``accuracy_c = #{held-out tokens predicted right} / 2m``.

    Args:
        x: ``[N, D]`` embeddings.
        labels: ``[N]`` category per row; :data:`UNLABELLED` rows are left out entirely.
        min_size: Fewest tokens a category needs to be tested (the paper: 500).
        n_folds: Cross-validation folds (the paper: 10).
        max_per_class: Cap on the balanced class size (speed on 250k-token vocabularies).
        seed: Seed of the undersampling and the fold split.
        progress: Called with 1 after each category (tested or skipped).

    Returns:
        A :class:`Separability`; categories are tested in sorted order.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from threadpoolctl import threadpool_limits

    labels = np.asarray(labels, dtype=object)
    if len(labels) != len(x):
        raise InputError(f"{len(labels)} labels for {len(x)} embedding rows")
    keep = labels != UNLABELLED
    xn, labels = normalize_rows(np.asarray(x)[keep]), labels[keep]
    names, sizes = np.unique(labels.astype(str), return_counts=True)
    rng = np.random.default_rng(seed)
    accuracy, correct, tested, skipped = {}, {}, {}, {}
    for name, size in zip(names.tolist(), sizes.tolist(), strict=True):
        inside = np.flatnonzero(labels == name)
        outside = np.flatnonzero(labels != name)
        m = min(len(inside), len(outside), max_per_class or len(labels))
        if size < min_size or m < 2:
            skipped[name] = size
        else:
            rows = np.concatenate(
                [rng.choice(inside, m, replace=False), rng.choice(outside, m, replace=False)]
            )
            y = np.repeat([1, 0], m)
            folds = StratifiedKFold(n_splits=min(n_folds, m), shuffle=True, random_state=seed)
            # One BLAS thread: on these small problems threads only contend (15x slower
            # measured on a loaded 2-core machine).
            with threadpool_limits(1):
                model = LogisticRegression(max_iter=1000)
                predicted = cross_val_predict(model, xn[rows], y, cv=folds)
            correct[name] = int((predicted == y).sum())
            tested[name] = 2 * m
            accuracy[name] = correct[name] / tested[name]
        if progress is not None:
            progress(1)
    return Separability(accuracy=accuracy, correct=correct, tested=tested, skipped=skipped)


@dataclass(frozen=True)
class NeighbourDiversity:
    """How many categories a token's nearest neighbours span (Wen-Yi & Mimno, 2023, Sec. 4.2).

    Attributes:
        query_ids: ``[Q]`` rows whose neighbours were examined.
        n_categories: ``[Q]`` distinct categories among each query's k neighbours (1..k).
        entropy: ``[Q]`` entropy in nats of each query's neighbour-category counts,
            ``H = -sum_c p_c ln p_c`` with ``p_c`` = share of the k neighbours in category c.
        other: ``[Q]`` neighbours whose category differs from the query's (0..k).
        k: Neighbours per query.
        n_labels: Distinct categories among all labelled rows (``ln n_labels`` bounds H).
    """

    query_ids: np.ndarray
    n_categories: np.ndarray
    entropy: np.ndarray
    other: np.ndarray
    k: int
    n_labels: int

    def by_category(self, labels: np.ndarray) -> dict[str, dict[str, float]]:
        """Per query category: ``{"n": queries, "categories": mean distinct categories,
        "entropy": mean H, "other": mean share of other-category neighbours in [0, 1]}``."""
        query_labels = np.asarray(labels, dtype=object)[self.query_ids].astype(str)
        table = {}
        for name in np.unique(query_labels).tolist():
            rows = query_labels == name
            table[name] = {
                "n": int(rows.sum()),
                "categories": float(self.n_categories[rows].mean()),
                "entropy": float(self.entropy[rows].mean()),
                "other": float(self.other[rows].mean() / self.k),
            }
        return table


def category_counts(labels: np.ndarray, neighbour_ids: np.ndarray) -> np.ndarray:
    """``[Q, C]`` count of each category among each query's neighbours.

    Args:
        labels: ``[N]`` category per row (:data:`UNLABELLED` neighbours are not counted).
        neighbour_ids: ``[Q, k]`` neighbour rows.

    Returns:
        Counts whose columns follow ``np.unique`` of the labelled categories.
    """
    labels = np.asarray(labels, dtype=object).astype(str)
    names, codes = np.unique(labels, return_inverse=True)
    unlabelled = np.flatnonzero(names == UNLABELLED)
    neighbour_codes = codes[neighbour_ids]
    counts = np.zeros((len(neighbour_ids), len(names)), dtype=np.int64)
    np.add.at(counts, (np.arange(len(neighbour_ids))[:, None], neighbour_codes), 1)
    return np.delete(counts, unlabelled, axis=1)


def neighbour_diversity(
    x: np.ndarray,
    labels: np.ndarray,
    *,
    k: int = 50,
    sample: int | float = 0.01,
    seed: int = 0,
    among: np.ndarray | None = None,
    progress: Progress | None = None,
) -> NeighbourDiversity:
    """Category diversity of the k nearest neighbours of a seeded sample of labelled tokens.

    Neighbours are searched among all rows of ``x`` (cosine, self excluded, see
    :func:`nearest_neighbours`); unlabelled neighbours count towards k but to no category.

    Args:
        x: ``[N, D]`` embeddings.
        labels: ``[N]`` category per row.
        k: Neighbours per token (the paper: 50).
        sample: Queries, a count or a fraction of the labelled rows (the paper: 1 %).
        seed: Seed of the sample.
        among: ``[N]`` bool mask of the rows queries are drawn from (default: every labelled
            row).
        progress: Called with the number of queries done after each search batch.
    """
    labels = np.asarray(labels, dtype=object)
    pool = labels != UNLABELLED if among is None else np.asarray(among) & (labels != UNLABELLED)
    if not pool.any():
        raise InputError("no labelled token to draw neighbour queries from")
    query_ids = sample_ids(np.flatnonzero(pool), sample, seed)
    neighbours, _ = nearest_neighbours(x, query_ids, k, progress=progress)
    counts = category_counts(labels, neighbours)
    p = counts / k
    entropy = -np.sum(p * np.log(p, out=np.zeros_like(p), where=p > 0), axis=1)
    same = labels[neighbours] == labels[query_ids][:, None]
    return NeighbourDiversity(
        query_ids=query_ids,
        n_categories=(counts > 0).sum(axis=1),
        entropy=entropy,
        other=k - same.sum(axis=1),
        k=k,
        n_labels=counts.shape[1],
    )


@dataclass(frozen=True)
class HitRate:
    """Share of dictionary words with a gold translation among their k nearest tokens.

    Attributes:
        hits: Words with a hit.
        total: Words tested (the source word and one of its translations are single tokens).
        k: Neighbours searched per word.
    """

    hits: int
    total: int
    k: int

    @property
    def rate(self) -> float:
        """``hits / total`` in [0, 1]; NaN when nothing was tested."""
        return self.hits / self.total if self.total else float("nan")


def translation_hit_rate(
    x: np.ndarray, gold: Mapping[int, Sequence[int]], *, k: int = 10
) -> HitRate:
    """``#{w : kNN_k(w) ∩ T(w) != ∅} / #{w}`` over the dictionary words w.

    Args:
        x: ``[N, D]`` embeddings; neighbours are searched among all rows, self excluded.
        gold: Row of a source word -> rows of its gold translations (words whose translations
            have no row are not tested; pass only those that have one).
        k: Neighbours per word.
    """
    sources = np.array(sorted(s for s, targets in gold.items() if len(targets)), dtype=np.int64)
    if not len(sources):
        return HitRate(hits=0, total=0, k=k)
    neighbours, _ = nearest_neighbours(x, sources, k)
    hits = sum(
        bool(set(row.tolist()) & set(gold[int(s)]))
        for s, row in zip(sources, neighbours, strict=True)
    )
    return HitRate(hits=hits, total=len(sources), k=k)


def shared_tokens(
    vocab_a: Sequence[str], vocab_b: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Rows of the token strings both vocabularies hold (the paper's vocabulary intersection).

    Args:
        vocab_a: ``[Va]`` token strings in id order.
        vocab_b: ``[Vb]`` token strings in id order.

    Returns:
        ``(rows_a, rows_b, tokens)`` with ``vocab_a[rows_a[i]] == vocab_b[rows_b[i]] ==
        tokens[i]``, in ``vocab_a`` order (first id of a string that occurs twice).
    """
    index_b: dict[str, int] = {}
    for i, token in enumerate(vocab_b):
        index_b.setdefault(token, i)
    rows_a, rows_b, tokens, seen = [], [], [], set()
    for i, token in enumerate(vocab_a):
        if token in index_b and token not in seen:
            seen.add(token)
            rows_a.append(i)
            rows_b.append(index_b[token])
            tokens.append(token)
    return np.array(rows_a, dtype=np.int64), np.array(rows_b, dtype=np.int64), tokens


def knn_overlap(
    a: np.ndarray,
    b: np.ndarray,
    query_ids: np.ndarray,
    k: int,
    *,
    progress: Progress | None = None,
) -> np.ndarray:
    """``|NN_k^A(t) ∩ NN_k^B(t)|`` per query token t (0..k), rows of ``a`` and ``b`` aligned.

    Args:
        a: ``[N, Da]`` embeddings of the shared tokens in model A.
        b: ``[N, Db]`` the same tokens in model B (row i = the same token string).
        query_ids: ``[Q]`` rows to compare.
        k: Neighbours per token (the paper: 100).
        progress: Called with the number of queries done per search batch (of both searches).
    """
    if len(a) != len(b):
        raise InputError(f"kNN overlap needs aligned rows, got {len(a)} and {len(b)}")
    ids_a, _ = nearest_neighbours(a, query_ids, k, progress=progress)
    ids_b, _ = nearest_neighbours(b, query_ids, k, progress=progress)
    shared = np.sort(ids_a, axis=1)[:, :, None] == np.sort(ids_b, axis=1)[:, None, :]
    return shared.any(axis=2).sum(axis=1)


def canonical_cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosines of the principal (canonical) angles between the column spaces of ``a`` and ``b``.

    ``Q_A R_A = A``, ``Q_B R_B = B`` (reduced QR, float64); the cosines are the singular values
    of ``Q_A^T Q_B``, largest first (as ``scipy.linalg.subspace_angles``, which returns the
    angles). The paper reports the largest, ``cos θ_1``.

    Args:
        a: ``[N, Da]``, rows = shared tokens.
        b: ``[N, Db]``, the same tokens.

    Returns:
        ``[min(Da, Db)]`` cosines in [0, 1], descending.
    """
    if len(a) != len(b):
        raise InputError(f"canonical angles need aligned rows, got {len(a)} and {len(b)}")
    q_a, _ = np.linalg.qr(np.asarray(a, dtype=np.float64))
    q_b, _ = np.linalg.qr(np.asarray(b, dtype=np.float64))
    return np.clip(np.linalg.svd(q_a.T @ q_b, compute_uv=False), 0.0, 1.0)


def expected_random_canonical_cosine(n: int, d_a: int, d_b: int) -> float:
    """Asymptotic largest canonical cosine between two independent random subspaces.

    For column spaces of dimensions ``d_a`` and ``d_b`` in R^n, the squared canonical
    correlations follow the Wachter (MANOVA) law; its upper edge with ``p = d_a / n``,
    ``q = d_b / n`` is ``λ+ = (sqrt(p (1 - q)) + sqrt(q (1 - p)))^2`` (1 when ``p + q >= 1``),
    so ``cos θ_1 -> sqrt(λ+)``. It grows with ``d / n``: compare a measured cosine with the one
    of a random matrix of the same shape, not with a fixed number.
    """
    p, q = d_a / n, d_b / n
    if p + q >= 1:
        return 1.0
    return float(np.sqrt(p * (1 - q)) + np.sqrt(q * (1 - p)))


@dataclass(frozen=True)
class GeometrySimilarity:
    """How alike two embedding matrices are on their shared tokens (Sec. 4.3).

    Attributes:
        n_shared: Shared tokens (rows compared).
        k: Neighbours per token of the overlap.
        knn_overlap: Mean ``|NN_k^A ∩ NN_k^B|`` in percent of k (the paper's "of 100").
        random_knn_overlap: The same for A against a random Gaussian matrix of B's shape.
        canonical_cosine: Largest canonical-angle cosine of A and B.
        random_canonical_cosine: The same for A against the random matrix.
        n_queries: Tokens whose neighbour sets were compared.
    """

    n_shared: int
    k: int
    knn_overlap: float
    random_knn_overlap: float
    canonical_cosine: float
    random_canonical_cosine: float
    n_queries: int


def geometry_similarity(
    a: np.ndarray,
    b: np.ndarray,
    *,
    k: int = 100,
    sample: int | float = 0.01,
    seed: int = 0,
    progress: Progress | None = None,
) -> GeometrySimilarity:
    """kNN overlap and largest canonical cosine of two row-aligned matrices, with baselines.

    The random baseline is a standard-normal matrix of ``b``'s shape drawn from ``seed``, so
    ``random_canonical_cosine`` is what the same n and d give by chance (about
    :func:`expected_random_canonical_cosine`) and ``random_knn_overlap`` about ``100 k / n``.

    Args:
        a: ``[N, Da]`` embeddings of the shared tokens in model A.
        b: ``[N, Db]`` the same tokens in model B.
        k: Neighbours per token (the paper: 100); at most N - 1.
        sample: Queries of the overlap, a count or a fraction of N.
        seed: Seed of the query sample and of the random matrix.
        progress: Called with the number of queries done per search batch.
    """
    n = len(a)
    if n != len(b):
        raise InputError(f"geometry similarity needs aligned rows, got {len(a)} and {len(b)}")
    if n < 2:
        raise InputError(f"geometry similarity needs at least 2 shared tokens, got {n}")
    k = min(k, n - 1)
    # A stream of its own: a caller's data drawn with default_rng(seed) must not be the noise.
    noise = np.random.default_rng((seed, 1)).standard_normal(np.shape(b)).astype(np.float32)
    queries = sample_ids(np.arange(n), sample, seed)
    return GeometrySimilarity(
        n_shared=n,
        k=k,
        knn_overlap=100.0 * float(knn_overlap(a, b, queries, k, progress=progress).mean()) / k,
        random_knn_overlap=100.0
        * float(knn_overlap(a, noise, queries, k, progress=progress).mean())
        / k,
        canonical_cosine=float(canonical_cosines(a, b)[0]),
        random_canonical_cosine=float(canonical_cosines(a, noise)[0]),
        n_queries=len(queries),
    )
