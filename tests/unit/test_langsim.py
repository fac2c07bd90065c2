"""Language distances: URIEL (lang2vec data read directly) and dataset overlap, against the
documented formulas computed by hand here."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from xlprobe.analysis.langsim import (
    central_angle,
    cosine_distance,
    dataset_distances,
    lang2vec_data_dir,
    locate,
    uriel_code,
)
from xlprobe.cli import main


def langsim_json(capsys, *args: str) -> dict:
    assert main(["langsim", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_en_de_closer_than_en_ar(capsys) -> None:
    table = langsim_json(capsys, "en", "de", "ar")
    assert set(table) == {"syntax", "phonology", "inventory", "family", "geography"}
    assert set(table["syntax"]) == {"de-en", "ar-en", "ar-de"}
    for measure in ("family", "syntax", "geography"):
        assert table[measure]["de-en"] < table[measure]["ar-en"], measure
    assert all(0 <= v <= 1 for pairs in table.values() for v in pairs.values())


def _row(filename: str, code: str, prefix: str) -> list[float]:
    with np.load(lang2vec_data_dir() / filename) as z:
        i = list(z["langs"]).index(code)
        return [
            float(v)
            for f, v in zip(z["feats"], z["data"][i, :, 0], strict=True)
            if str(f).startswith(prefix)
        ]


def test_uriel_numbers_follow_the_documented_formula(capsys) -> None:
    table = langsim_json(capsys, "en", "ar")
    # syntax: 1 - cos over the k-NN syntax features (none missing), Standard Arabic = arb
    x, y = (
        _row("feature_predictions.npz", "eng", "S_"),
        _row("feature_predictions.npz", "arb", "S_"),
    )
    assert len(x) == 103
    dot = sum(a * b for a, b in zip(x, y, strict=True))
    expected = 1 - dot / math.sqrt(sum(a * a for a in x) * sum(b * b for b in y))
    assert table["syntax"]["ar-en"] == pytest.approx(expected, abs=1e-12)
    # family: 1 - |A ∩ B| / sqrt(|A| |B|) over the sets of Glottolog ancestors
    de = {i for i, v in enumerate(_row("family_features.npz", "deu", "F_")) if v == 1}
    en = {i for i, v in enumerate(_row("family_features.npz", "eng", "F_")) if v == 1}
    table = langsim_json(capsys, "en", "de")
    assert table["family"]["de-en"] == pytest.approx(
        1 - len(de & en) / math.sqrt(len(de) * len(en))
    )
    assert len(de & en) > 0


def test_cosine_missing_feature_rule() -> None:
    # -1 = missing: only features 0 and 1 are known in both -> vectors [1, 0] and [1, 1]
    x = np.array([1.0, 0.0, 1.0, -1.0])
    y = np.array([1.0, 1.0, -1.0, 0.0])
    assert cosine_distance(x, y) == pytest.approx(1 - 1 / math.sqrt(2))
    # fewer than 25 % shared -> undefined
    assert math.isnan(cosine_distance(x, y, min_shared=0.75))
    assert math.isnan(cosine_distance(np.zeros(4), np.ones(4)))


def haversine_over_pi(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, l1, p2, l2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin((l2 - l1) / 2) ** 2
    return 2 * math.asin(math.sqrt(h)) / math.pi


def test_geography_is_great_circle_over_antipodal() -> None:
    assert central_angle(0, 0, 0, 90) == pytest.approx(0.5)
    assert central_angle(90, 0, -90, 0) == pytest.approx(1.0)
    # a location is recovered from its normalised distances to the URIEL reference points
    with np.load(lang2vec_data_dir() / "geocoord_features.npz") as z:
        feats = [str(f) for f in z["feats"]]
    points = [tuple(float(v) for v in f.split("_")[1:]) for f in feats]
    distances = np.array([haversine_over_pi(48.0, 12.0, lat, lon) for lat, lon in points])
    lat, lon = locate(distances, feats)
    assert (lat, lon) == (pytest.approx(48.0, abs=1e-4), pytest.approx(12.0, abs=1e-4))


def test_codes_and_unknown_language(capsys) -> None:
    assert uriel_code("ar") == "arb"
    assert uriel_code("de") == "deu"
    assert uriel_code("deu") == "deu"
    assert main(["langsim", "en", "qq", "--json"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown language 'qq'" in err[0]


def test_dataset_measures_by_hand() -> None:
    texts = {"a": ["Ab ab"], "b": ["ab cd"], "c": ["كتب"]}
    table = dataset_distances(texts, tokenize=lambda s: list(s.replace(" ", "")))
    # word types {ab} vs {ab, cd}
    assert table["word"]["a-b"] == pytest.approx(0.5)
    # trigrams of " ab " = {" ab", "ab "}; of " cd " = {" cd", "cd "}
    assert table["char3"]["a-b"] == pytest.approx(0.5)
    # characters {A, b, a} vs {a, b, c, d}: 2 shared of 5
    assert table["subword"]["a-b"] == pytest.approx(1 - 2 / 5)
    assert table["script"] == {"a-b": 0.0, "a-c": 1.0, "b-c": 1.0}
    assert table["word"]["a-c"] == 1.0


def test_langsim_with_synthetic_text(capsys) -> None:
    table = langsim_json(capsys, "en", "de", "ar", "--synthetic", "50")
    assert {"word", "char3", "script"} <= set(table)
    assert "subword" not in table
    assert table["script"]["de-en"] == 0.0 and table["script"]["ar-en"] == 1.0
    assert table["char3"]["de-en"] < table["char3"]["ar-en"]
