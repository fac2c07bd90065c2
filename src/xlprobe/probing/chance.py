"""Chance levels for CALIGN and COLAP: the same tokens, concepts or translations made random.

A CALIGN or COLAP value means little without the value that structure-free concepts reach on
the same tokens with the same thresholds. Two controls, each seeded and computed once per
K-means seed:

* **size-matched random partition** (CALIGN and COLAP): the cluster labels of the real
  concepts permuted over the tokens, so every random concept has the size of a real one (the
  same size distribution, the same K) but random members. For CALIGN this is a floor; for COLAP
  it is the fully mixed reference (every random concept holds both languages in their corpus
  proportions, so almost all overlap), which a model that keeps languages apart stays below;
* **shuffled dictionary** (CALIGN): the real concepts scored with a dictionary whose translation
  lists are permuted among the source word types, so every source word keeps an N-best list of
  the same structure (length, probabilities, target vocabulary) that belongs to another word.

Pure numpy; the random streams depend only on the seed and a stable name (no global state).
"""

from __future__ import annotations

import zlib

import numpy as np

from xlprobe.probing.concepts import ConceptSet
from xlprobe.probing.dictionary import Dictionary


def chance_rng(seed: int, *names: str | int) -> np.random.Generator:
    """A generator determined by ``seed`` and ``names`` (e.g. a view name and a layer): the same
    arguments give the same stream in every process (crc32 of the names, not ``hash``)."""
    key = zlib.crc32("\0".join(map(str, names)).encode("utf-8"))
    return np.random.default_rng([int(seed), key])


def random_partition(concepts: ConceptSet, rng: np.random.Generator) -> ConceptSet:
    """The same tokens in random concepts of the real concepts' sizes: the labels permuted.

    Args:
        concepts: Real concepts over N tokens.
        rng: Source of the permutation.

    Returns:
        A ConceptSet over the same token table whose label counts equal those of ``concepts``.
    """
    return ConceptSet(concepts.tokens, rng.permutation(np.asarray(concepts.labels)))


def shuffled_dictionary(dictionary: Dictionary, rng: np.random.Generator) -> Dictionary:
    """The dictionary with its translation lists permuted among its source words.

    Every source word receives the ranked list (targets and probabilities) of another source
    word, so the N-best structure is kept while the correspondence is random. The source words
    are permuted in sorted order: a dictionary read back from its file (in another order) gives
    the same shuffle.
    """
    sources = sorted(dictionary.translations)
    lists = [dictionary.translations[w] for w in sources]
    order = rng.permutation(len(lists))
    return Dictionary(translations={w: lists[i] for w, i in zip(sources, order, strict=True)})
