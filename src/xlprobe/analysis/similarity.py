"""Language similarity as matrices over (source, target), for the transfer study at scale.

Every measure is a similarity in [0, 1] (higher = closer), NaN where undefined, so that a
positive Spearman ρ with transfer always reads "more similar transfers better":

* URIEL (``URIEL_MEASURES``): ``1 - d`` for the distances of :mod:`xlprobe.analysis.langsim`
  (cosine over the features known in both languages for syntax, phonology, inventory and
  family, with its 25 % shared-feature rule; great-circle over antipodal distance for
  geography), computed for all pairs at once: with ``M`` the known-feature masks and ``Z`` the
  vectors zeroed where unknown, ``<x_m, y_m> = Z_s Z_tᵀ``, ``|x_m|² = Z_s² M_tᵀ``,
  ``|y_m|² = M_s Z_t²ᵀ`` and the shared count ``M_s M_tᵀ``.
* Overlap (``OVERLAP_MEASURES``) between the source's training text and the target's test text
  (Blaschke et al.'s dataset-dependent measures): Jaccard similarity ``|A ∩ B| / |A ∪ B|`` of
  their word types (lower-cased), subword types (a tokenizer's) and character trigrams (of
  each word padded with one space on both sides), from sparse type-incidence matrices
  (``|A ∩ B|`` = one sparse product for all pairs).
* ``script``: 1 when source and target are written in the same script (ISO 15924, the
  registry's; for a language the registry lacks, the dominant Unicode script of both texts),
  else 0.

Languages are named by any code the registry knows (:func:`xlprobe.data.languages.lookup`); a
code it does not know keeps its text-based measures and gets NaN for URIEL.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from xlprobe.analysis.langsim import (
    FEATURE_SETS,
    MIN_SHARED,
    URIEL_MEASURES,
    char_trigrams,
    dominant_script,
    load_table,
    uriel_code,
    uriel_location,
    word_types,
)
from xlprobe.errors import InputError

log = logging.getLogger(__name__)

OVERLAP_MEASURES = ("word", "subword", "char3")
SCRIPT_MEASURE = "script"


def uriel_codes(langs: Sequence[str]) -> list[str | None]:
    """The URIEL code of each language (None when URIEL lacks it)."""
    codes: list[str | None] = []
    for lang in langs:
        try:
            codes.append(uriel_code(lang))
        except InputError:
            codes.append(None)
    return codes


def _feature_rows(measure: str, codes: Sequence[str | None]) -> np.ndarray:
    """[len(codes), num_feats] float64 rows of one feature set; all -1 for a None code."""
    filename, prefix = FEATURE_SETS[measure]
    table = load_table(filename)
    columns = np.char.startswith(table.feats.astype(str), prefix)
    index = {code: i for i, code in enumerate(table.langs.astype(str))}
    rows = np.full((len(codes), int(columns.sum())), -1.0)
    for i, code in enumerate(codes):
        if code is not None:
            rows[i] = table.data[index[code], columns]
    return rows


def masked_cosine(x: np.ndarray, y: np.ndarray, *, min_shared: float = MIN_SHARED) -> np.ndarray:
    """Cosine similarity of every row pair over the features known in both (-1 = unknown).

    Args:
        x: [n_x, num_feats], values >= 0 or -1.
        y: [n_y, num_feats].
        min_shared: Least share of the features known in both.

    Returns:
        [n_x, n_y] cosine clipped to [0, 1] (``1 - cosine_distance`` of
        :func:`xlprobe.analysis.langsim.cosine_distance`); NaN where fewer than
        ``min_shared * num_feats`` features are shared or a masked vector is zero.
    """
    mx, my = (x != -1).astype(np.float64), (y != -1).astype(np.float64)
    zx, zy = np.where(mx > 0, x, 0.0), np.where(my > 0, y, 0.0)
    dot = zx @ zy.T
    norm = np.sqrt((zx**2 @ my.T) * (mx @ (zy**2).T))
    shared = mx @ my.T
    with np.errstate(divide="ignore", invalid="ignore"):
        cos = np.clip(dot / norm, 0.0, 1.0)
    cos[(shared < min_shared * x.shape[1]) | (norm == 0)] = np.nan
    return cos


def great_circle(lat_lon_a: np.ndarray, lat_lon_b: np.ndarray) -> np.ndarray:
    """Great-circle angle in units of π between every pair of points.

    Args:
        lat_lon_a: [n_a, 2] latitude, longitude in degrees (NaN rows give NaN).
        lat_lon_b: [n_b, 2].

    Returns:
        [n_a, n_b] angle / π in [0, 1].
    """
    a, b = np.radians(lat_lon_a), np.radians(lat_lon_b)
    cos = np.sin(a[:, :1]) * np.sin(b[:, 0]) + np.cos(a[:, :1]) * np.cos(b[:, 0]) * np.cos(
        a[:, 1:] - b[:, 1]
    )
    return np.arccos(np.clip(cos, -1.0, 1.0)) / np.pi


def _locations(codes: Sequence[str | None]) -> np.ndarray:
    return np.array(
        [uriel_location(c) if c is not None else (math.nan, math.nan) for c in codes]
    ).reshape(len(codes), 2)


def uriel_similarities(sources: Sequence[str], targets: Sequence[str]) -> dict[str, np.ndarray]:
    """Every URIEL measure as a [n_sources, n_targets] similarity (module docstring)."""
    src, tgt = uriel_codes(sources), uriel_codes(targets)
    out = {}
    for measure in URIEL_MEASURES:
        if measure == "geography":
            out[measure] = 1.0 - great_circle(_locations(src), _locations(tgt))
        else:
            out[measure] = masked_cosine(_feature_rows(measure, src), _feature_rows(measure, tgt))
    return out


def incidence(type_sets: Sequence[set[str]], vocabulary: Mapping[str, int]):
    """A sparse [len(type_sets), len(vocabulary)] 0/1 CSR matrix: row i marks the types of
    ``type_sets[i]`` (each must be in ``vocabulary``: type -> column)."""
    from scipy.sparse import csr_matrix

    indptr, indices = [0], []
    for types in type_sets:
        indices.extend(vocabulary[t] for t in types)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float64)
    return csr_matrix((data, indices, indptr), shape=(len(type_sets), len(vocabulary)))


def jaccard_matrix(a: Sequence[set[str]], b: Sequence[set[str]]) -> np.ndarray:
    """``|A_i ∩ B_j| / |A_i ∪ B_j|`` for every pair of sets, [len(a), len(b)]; NaN when both
    sets are empty."""
    vocabulary = {t: i for i, t in enumerate(set().union(*a, *b))}
    inter = (incidence(a, vocabulary) @ incidence(b, vocabulary).T).toarray()
    size_a = np.array([len(s) for s in a], dtype=np.float64)[:, None]
    size_b = np.array([len(s) for s in b], dtype=np.float64)[None, :]
    union = size_a + size_b - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, inter / union, np.nan)


def overlap_similarities(
    train_texts: Mapping[str, Sequence[str]],
    test_texts: Mapping[str, Sequence[str]],
    sources: Sequence[str],
    targets: Sequence[str],
    *,
    tokenize: Callable[[str], Sequence[str]] | None = None,
) -> dict[str, np.ndarray]:
    """Word, subword (with ``tokenize``) and character-trigram overlap of each source's training
    text with each target's test text, [n_sources, n_targets]; NaN for a language without text.

    Args:
        train_texts: language -> training sentences (sources).
        test_texts: language -> test sentences (targets).
        sources, targets: The matrix's languages.
        tokenize: Sentence -> subword strings; without it ``subword`` is left out.
    """
    extractors: dict[str, Callable[[Sequence[str]], set[str]]] = {
        "word": word_types,
        "char3": char_trigrams,
    }
    if tokenize is not None:
        extractors["subword"] = lambda sentences: {p for s in sentences for p in tokenize(s)}
    out = {}
    for measure in OVERLAP_MEASURES:
        if measure not in extractors:
            continue
        extract = extractors[measure]
        a = [extract(train_texts.get(lang, ())) for lang in sources]
        b = [extract(test_texts.get(lang, ())) for lang in targets]
        out[measure] = jaccard_matrix(a, b)
    return out


def registry_script(lang: str) -> str | None:
    """The ISO 15924 script of a registry language (``Latn``), or None for an unknown code."""
    from xlprobe.data.languages import lookup

    try:
        return lookup(lang).script
    except InputError:
        return None


def script_similarity(
    sources: Sequence[str],
    targets: Sequence[str],
    texts: Mapping[str, Sequence[str]] | None = None,
) -> np.ndarray:
    """1 where source and target share a script, 0 where not; [n_sources, n_targets].

    Both scripts come from the registry when it knows both languages, else both from the
    dominant Unicode script of their texts; NaN where neither is available for both.
    """
    texts = texts or {}
    langs = list(dict.fromkeys([*sources, *targets]))
    iso = {lang: registry_script(lang) for lang in langs}
    written = {lang: dominant_script(texts.get(lang, ())) for lang in langs}

    def same(a: str, b: str) -> float:
        for scripts in (iso, written):
            if scripts[a] is not None and scripts[b] is not None:
                return float(scripts[a] == scripts[b])
        return math.nan

    return np.array([[same(a, b) for b in targets] for a in sources]).reshape(
        len(sources), len(targets)
    )


def similarity_matrices(
    sources: Sequence[str],
    targets: Sequence[str],
    *,
    train_texts: Mapping[str, Sequence[str]] | None = None,
    test_texts: Mapping[str, Sequence[str]] | None = None,
    tokenize: Callable[[str], Sequence[str]] | None = None,
) -> dict[str, np.ndarray]:
    """URIEL, overlap (when texts are given) and script similarity, each [S, T].

    Returns:
        measure -> similarity matrix, in the order URIEL, overlap, script.
    """
    out = uriel_similarities(sources, targets)
    if train_texts is not None and test_texts is not None:
        out |= overlap_similarities(train_texts, test_texts, sources, targets, tokenize=tokenize)
    texts = {**(test_texts or {}), **(train_texts or {})}
    out[SCRIPT_MEASURE] = script_similarity(sources, targets, texts)
    return out


def synthetic_texts(synthetic: Mapping[str, object], split: str) -> dict[str, list[str]]:
    """The sentences of one split of the synthetic dataset a job trained on, regenerated from
    its ``data.synthetic`` sizes exactly as :func:`~xlprobe.data.synthetic.write_synthetic_dataset`
    writes them (each split with its own seed).

    Args:
        synthetic: The job's ``data.synthetic`` node (n_train, n_val, n_test, seed, languages).
        split: ``train``, ``validation`` or ``test``.
    """
    import dataclasses

    from xlprobe.data.synthetic import WorldSpec, generate_corpus

    known = {f.name for f in dataclasses.fields(WorldSpec)}
    spec = WorldSpec(**{k: v for k, v in synthetic.items() if k in known})
    corpus = generate_corpus(
        spec.sizes[split], seed=spec.split_seed(split), languages=spec.languages
    )
    return corpus.sentences


def text_dir_texts(directory: str | Path, split: str) -> dict[str, list[str]]:
    """``<split>.<lang>.txt`` files of a directory (one sentence a line): lang -> sentences.

    Raises:
        InputError: the directory has no such file.
    """
    from xlprobe.io import read_text_lines

    folder = Path(directory)
    files = sorted(folder.glob(f"{split}.*.txt"))
    if not files:
        raise InputError(
            f"--text-dir: no {split}.<lang>.txt file (one sentence a line) for the overlap "
            "measures",
            path=folder,
        )
    return {p.name.split(".")[1]: read_text_lines(p, expected="one sentence a line") for p in files}


def example_text(example: object) -> str:
    """The sentence of a task example: a classification example's ``text``, else its words
    (strings, or CoNLL-U words' forms) joined by spaces."""
    text = getattr(example, "text", None)
    if isinstance(text, str):
        return text
    words = getattr(example, "words", ())
    return " ".join(w if isinstance(w, str) else str(getattr(w, "form", w)) for w in words)


def datamodule_texts(
    data: Mapping[str, object], langs: Sequence[str], split: str
) -> dict[str, list[str]]:
    """The sentences a job's DataModule reads for ``split`` of each language (capped like the
    job: ``data.max_train_examples`` / ``max_eval_examples``), from the hub or local files.

    Args:
        data: The job's resolved ``data`` node (``_target_`` and its options).
        langs: Languages as the data names them (``lang.train``, the test metric keys).
        split: ``train`` or ``test``.
    """
    from xlprobe.utils.instantiate import instantiate

    if data.get("source") == "synthetic":
        texts = synthetic_texts(data["synthetic"], split)  # type: ignore[arg-type]
        return {lang: texts[lang] for lang in langs if lang in texts}
    module = instantiate(dict(data), tokenizer=None, _convert_="all")
    out = {}
    for lang in langs:
        if module.source == "hub":
            examples = module.read_hub(module.hub_split(split, lang), lang)
        else:
            examples = module.read_local(module.splits[split], lang)
        out[lang] = [example_text(e) for e in examples[: module.max_examples[split]]]
    return out
