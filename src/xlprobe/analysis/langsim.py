"""Distances between languages: URIEL typology/genealogy/geography and dataset overlap.

URIEL (Littell et al., EACL 2017) ships with the ``lang2vec`` wheel as feature arrays
(``lang2vec/data/*.npz``), but not the precomputed distances, and the package's own module
imports ``pkg_resources`` (gone from current setuptools). The arrays are therefore read directly
with numpy and the distances computed here, by the rules below. Every distance lies in [0, 1];
``None`` marks an undefined one.

URIEL measures (``URIEL_MEASURES``), per unordered language pair (a, b):

* ``syntax``, ``phonology``, ``inventory``: the k-NN-imputed URIEL vectors
  (``feature_predictions.npz``, lang2vec's ``syntax_knn``/``phonology_knn``/``inventory_knn``:
  features prefixed ``S_``, ``P_``, ``INV_``; 103, 28 and 158 binary features).
* ``family``: Glottolog ancestor-membership vectors (``family_features.npz``, ``fam``: 3718
  binary features ``F_<node>``).

  For these four: ``d(a, b) = 1 - <x_a, x_b> / (|x_a| |x_b|)`` (cosine distance, URIEL's
  definition of its typological distances), computed over the features known in both languages
  (``-1`` marks a missing value; the imputed sets have none). The distance is undefined when
  fewer than ``MIN_SHARED`` (25 %) of the set's features are known in both (DistaLs' rule) or
  when either masked vector is all zero. The vectors are non-negative, so ``d`` is in [0, 1].
  For binary family vectors this is ``1 - |A ∩ B| / sqrt(|A| |B|)`` over ancestor sets A, B.
* ``geography``: URIEL's geographic distance, the great-circle (orthodromic) distance divided by
  the antipodal distance: ``d = arccos(sin φa sin φb + cos φa cos φb cos(λa - λb)) / π``.
  ``geocoord_features.npz`` stores, for 299 fixed points ``GC_<lat>_<lon>``, exactly that
  normalised distance from the language to each point; the language's (φ, λ) is recovered by
  least squares on those 299 values (:func:`locate`; residuals below 0.004 for the five project
  languages).

Dataset measures (``DATASET_MEASURES``), from sentences per language (whitespace-tokenized):

* ``word``: ``1 - |W_a ∩ W_b| / |W_a ∪ W_b|`` (Jaccard distance) over lower-cased word types.
* ``subword``: the Jaccard distance over the subword types a tokenizer produces for those
  sentences (only with a tokenizer).
* ``char3``: the Jaccard distance over character trigrams of the lower-cased words, each word
  padded with one space on both sides (``" ab "`` -> ``" ab"``, ``"ab "``).
* ``script``: 0 when the languages' dominant Unicode script (the first word of the Unicode name
  of their letters, e.g. LATIN, ARABIC) is the same, else 1.
"""

from __future__ import annotations

import itertools
import json
import math
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from xlprobe.errors import InputError

URIEL_MEASURES = ("syntax", "phonology", "inventory", "family", "geography")
DATASET_MEASURES = ("word", "subword", "char3", "script")
MIN_SHARED = 0.25
# measure -> (lang2vec data file, feature-name prefix)
FEATURE_SETS = {
    "syntax": ("feature_predictions.npz", "S_"),
    "phonology": ("feature_predictions.npz", "P_"),
    "inventory": ("feature_predictions.npz", "INV_"),
    "family": ("family_features.npz", "F_"),
}
_GEO_FILE = "geocoord_features.npz"


@dataclass(frozen=True)
class FeatureTable:
    """One URIEL feature file.

    Attributes:
        langs: ISO 639-3 codes, shape [num_langs].
        feats: Feature names, shape [num_feats].
        data: Values, shape [num_langs, num_feats] (first source only); -1 = missing.
    """

    langs: np.ndarray
    feats: np.ndarray
    data: np.ndarray

    def row(self, code: str) -> np.ndarray:
        """The feature vector of one language, shape [num_feats]."""
        return self.data[int(np.flatnonzero(self.langs == code)[0])]


def lang2vec_data_dir() -> Path:
    """The ``data`` folder of the installed ``lang2vec`` distribution (its module is not imported).

    Located through the distribution's metadata, not ``find_spec``: the wheel also installs a
    ``bin/lang2vec.py`` script, which shadows the package inside console scripts.
    """
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        data = Path(str(distribution("lang2vec").locate_file("lang2vec/data")))
    except PackageNotFoundError:
        data = None
    if data is None or not (data / "letter_codes.json").is_file():
        raise InputError("lang2vec's URIEL data is not installed: pip install lang2vec==1.1.2")
    return data


@cache
def load_table(filename: str) -> FeatureTable:
    """Read one lang2vec feature file (first source of its ``data`` array)."""
    with np.load(lang2vec_data_dir() / filename) as z:
        return FeatureTable(langs=z["langs"], feats=z["feats"], data=z["data"][:, :, 0])


@cache
def _letter_codes() -> dict[str, str]:
    return json.loads((lang2vec_data_dir() / "letter_codes.json").read_text(encoding="utf-8"))


def uriel_code(lang: str) -> str:
    """The URIEL (ISO 639-3) code of ``lang``: the registry's (any code
    :func:`xlprobe.data.languages.lookup` accepts: ``ar``, ``arb_Arab`` -> ``arb``), else
    lang2vec's mapping of an ISO 639-1 code, else ``lang`` itself as ISO 639-3.

    Raises:
        InputError: the code is not a URIEL language.
    """
    from xlprobe.data.languages import lookup

    try:
        code = lookup(lang).uriel or lang
    except InputError:
        code = _letter_codes().get(lang, lang)
    if code not in load_table(FEATURE_SETS["family"][0]).langs:
        raise InputError(
            f"unknown language {lang!r}: not in URIEL (lang2vec 1.1.2 data); give a registry "
            "code (deu_Latn), an ISO 639-1 code (de) or an ISO 639-3 code (deu)"
        )
    return code


def cosine_distance(x: np.ndarray, y: np.ndarray, *, min_shared: float = MIN_SHARED) -> float:
    """Cosine distance over the features known in both vectors (-1 = missing).

    Args:
        x: Feature vector, shape [num_feats], values >= 0 or -1.
        y: Same shape as ``x``.
        min_shared: Least share of the features that must be known in both.

    Returns:
        ``1 - <x_m, y_m> / (|x_m| |y_m|)`` over the shared mask m, clipped to [0, 1]; NaN when
        fewer than ``min_shared * num_feats`` features are shared or a masked vector is zero.
    """
    mask = (x != -1) & (y != -1)
    if mask.sum() < min_shared * x.size:
        return math.nan
    a, b = x[mask].astype(np.float64), y[mask].astype(np.float64)
    norm = np.linalg.norm(a) * np.linalg.norm(b)
    if norm == 0:
        return math.nan
    return float(np.clip(1.0 - a @ b / norm, 0.0, 1.0))


def uriel_vector(measure: str, code: str) -> np.ndarray:
    """A language's vector for one of the cosine measures, shape [num_feats of the set]."""
    filename, prefix = FEATURE_SETS[measure]
    table = load_table(filename)
    columns = np.char.startswith(table.feats.astype(str), prefix)
    return table.row(code)[columns]


def central_angle(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle angle between two points given in degrees, in units of π (0..1)."""
    p1, l1, p2, l2 = map(math.radians, (lat1, lon1, lat2, lon2))
    cos = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(l1 - l2)
    return math.acos(min(1.0, max(-1.0, cos))) / math.pi


def _points(feats: Iterable[str]) -> np.ndarray:
    """``GC_<lat>_<lon>`` names -> [num_points, 2] radians."""
    return np.radians([[float(v) for v in f.split("_")[1:]] for f in feats])


def _angles(lat: float, lon: float, points: np.ndarray) -> np.ndarray:
    cos = np.sin(lat) * np.sin(points[:, 0]) + np.cos(lat) * np.cos(points[:, 0]) * np.cos(
        lon - points[:, 1]
    )
    return np.arccos(np.clip(cos, -1.0, 1.0)) / np.pi


def locate(distances: np.ndarray, feats: Sequence[str]) -> tuple[float, float]:
    """Recover a location from its normalised great-circle distances to the URIEL points.

    Args:
        distances: Distance to each point in units of π, shape [num_points].
        feats: The points' names ``GC_<lat>_<lon>`` (degrees), length num_points.

    Returns:
        (latitude, longitude) in degrees minimising the squared error, started at the nearest
        point.
    """
    from scipy.optimize import least_squares

    points = _points(feats)
    start = points[int(np.argmin(distances))]
    fit = least_squares(lambda p: _angles(p[0], p[1], points) - distances, start, method="lm")
    lat, lon = fit.x
    lat_deg = math.degrees(math.asin(math.sin(lat)))
    lon_deg = (math.degrees(lon) + 180.0) % 360.0 - 180.0
    # a latitude past a pole folds over to the opposite meridian
    if math.cos(lat) < 0:
        lon_deg = (lon_deg + 360.0) % 360.0 - 180.0
    return lat_deg, lon_deg


@cache
def uriel_location(code: str) -> tuple[float, float]:
    """(latitude, longitude) in degrees of a URIEL language, from its geocoord features."""
    table = load_table(_GEO_FILE)
    return locate(table.row(code), [str(f) for f in table.feats])


def uriel_distance(measure: str, a: str, b: str) -> float:
    """One URIEL distance between two languages (URIEL codes); NaN when undefined."""
    if measure == "geography":
        return central_angle(*uriel_location(a), *uriel_location(b))
    return cosine_distance(uriel_vector(measure, a), uriel_vector(measure, b))


def jaccard_distance(a: set, b: set) -> float:
    """``1 - |a ∩ b| / |a ∪ b|``; NaN when both sets are empty."""
    union = a | b
    return 1.0 - len(a & b) / len(union) if union else math.nan


def word_types(sentences: Iterable[str]) -> set[str]:
    """Lower-cased whitespace-separated word types."""
    return {w for s in sentences for w in s.lower().split()}


def char_trigrams(sentences: Iterable[str]) -> set[str]:
    """Character trigrams of the lower-cased words, each padded with one space on both sides."""
    grams: set[str] = set()
    for word in word_types(sentences):
        padded = f" {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def dominant_script(sentences: Iterable[str]) -> str | None:
    """The most frequent Unicode script (first word of the letter's Unicode name) of the letters."""
    counts = Counter(
        unicodedata.name(ch, "UNKNOWN").split()[0] for s in sentences for ch in s if ch.isalpha()
    )
    return counts.most_common(1)[0][0] if counts else None


def dataset_distances(
    texts: Mapping[str, Sequence[str]],
    *,
    tokenize: Callable[[str], Sequence[str]] | None = None,
) -> dict[str, dict[str, float]]:
    """Dataset measures for every unordered pair of ``texts``' languages.

    Args:
        texts: language -> sentences.
        tokenize: Sentence -> subword strings; without it, ``subword`` is left out.

    Returns:
        ``{measure: {"a-b": distance}}`` with a, b sorted.
    """
    sets: dict[str, dict[str, set]] = {
        "word": {lang: word_types(s) for lang, s in texts.items()},
        "char3": {lang: char_trigrams(s) for lang, s in texts.items()},
    }
    if tokenize is not None:
        sets["subword"] = {
            lang: {piece for sentence in s for piece in tokenize(sentence)}
            for lang, s in texts.items()
        }
    scripts = {lang: dominant_script(s) for lang, s in texts.items()}
    out: dict[str, dict[str, float]] = {}
    for measure in DATASET_MEASURES:
        values: dict[str, float] = {}
        for a, b in itertools.combinations(sorted(texts), 2):
            if measure == "script":
                values[pair_key(a, b)] = float(scripts[a] != scripts[b])
            elif measure in sets:
                values[pair_key(a, b)] = jaccard_distance(sets[measure][a], sets[measure][b])
        if values:
            out[measure] = values
    return out


def pair_key(a: str, b: str) -> str:
    """The key of an unordered pair: the two codes sorted, joined by ``-`` (``de-en``)."""
    return "-".join(sorted((a, b)))


def uriel_distances(langs: Sequence[str]) -> dict[str, dict[str, float]]:
    """URIEL measures for every unordered pair of ``langs`` (codes as given, keys sorted).

    Raises:
        InputError: a language is not in URIEL (checked before any distance is computed).
    """
    codes = {lang: uriel_code(lang) for lang in langs}
    return {
        measure: {
            pair_key(a, b): uriel_distance(measure, codes[a], codes[b])
            for a, b in itertools.combinations(sorted(set(langs)), 2)
        }
        for measure in URIEL_MEASURES
    }


def language_distances(
    langs: Sequence[str],
    texts: Mapping[str, Sequence[str]] | None = None,
    *,
    tokenize: Callable[[str], Sequence[str]] | None = None,
) -> dict[str, dict[str, float | None]]:
    """All measures for ``langs``: URIEL ones, plus dataset ones when ``texts`` are given.

    Returns:
        ``{measure: {"a-b": distance or None}}`` (NaN mapped to None, ready for JSON).
    """
    table: dict[str, dict[str, float]] = uriel_distances(langs)
    if texts is not None:
        missing = [lang for lang in langs if lang not in texts]
        if missing:
            raise InputError(f"no text for languages {missing}: give --text LANG=FILE for each")
        table |= dataset_distances({lang: texts[lang] for lang in langs}, tokenize=tokenize)
    return {
        m: {k: (None if math.isnan(v) else v) for k, v in pairs.items()}
        for m, pairs in table.items()
    }
