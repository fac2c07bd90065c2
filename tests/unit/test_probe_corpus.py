"""`xlprobe corpus build` and the pure probe-corpus functions: pivot join, tokenization,
deduplication, length filters, sampling, manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xlprobe.cli import main
from xlprobe.data.probe_corpus import (
    BuildSettings,
    ParallelSource,
    WordTokenizer,
    build_probe_corpus,
    corpus_digest,
)
from xlprobe.data.probe_sources import hub_error
from xlprobe.errors import InputError

# English sentence -> its translations; the bilingual fixtures below use overlapping subsets.
TRANSLATIONS = {
    "The cat sleeps on the sofa.": {
        "fr": "Le chat dort sur le canapé.",
        "de": "Die Katze schläft auf dem Sofa.",
        "es": "El gato duerme en el sofá.",
        "ar": "القط ينام على الأريكة.",
    },
    "I don't like coffee, but I drink tea.": {
        "fr": "Je n'aime pas le café, mais je bois du thé.",
        "de": "Ich mag keinen Kaffee, aber ich trinke Tee.",
        "es": "No me gusta el café, pero bebo té.",
        "ar": "لا أحب القهوة، لكني أشرب الشاي.",
    },
    "Where is the station?": {
        "fr": "Où est la gare ?",
        "de": "Wo ist der Bahnhof?",
        "es": "¿Dónde está la estación?",
        "ar": "أين المحطة؟",
    },
    "We bought 3.5 kilos of apples.": {
        "fr": "Nous avons acheté 3,5 kilos de pommes.",
        "de": "Wir haben 3,5 Kilo Äpfel gekauft.",
        "es": "Compramos 3,5 kilos de manzanas.",
        "ar": "اشترينا ٣٫٥ كيلو من التفاح.",
    },
    "The children play in the garden.": {
        "fr": "Les enfants jouent dans le jardin.",
        "de": "Die Kinder spielen im Garten.",
        "es": "Los niños juegan en el jardín.",
        "ar": "يلعب الأطفال في الحديقة.",
    },
    "She reads a book every evening.": {
        "fr": "Elle lit un livre chaque soir.",
        "de": "Sie liest jeden Abend ein Buch.",
        "es": "Ella lee un libro cada noche.",
        "ar": "تقرأ كتابا كل مساء.",
    },
}
EN = list(TRANSLATIONS)
# Which English sentences (indices into EN) each pair's file holds, in file order.
COVERAGE = {
    "fr": [3, 0, 1, 2, 4],
    "de": [0, 1, 2, 3, 5],
    "es": [0, 1, 3, 4, 5],
    "ar": [5, 4, 3, 2, 1, 0],
}
COMMON = [3, 0, 1]  # in all four, in the order of the first source (fr)


def write_pair(directory: Path, lang: str, rows: list[tuple[str, str]]) -> tuple[Path, Path]:
    src, en = directory / f"dev.{lang}-en.{lang}", directory / f"dev.{lang}-en.en"
    src.write_text("".join(f"{x}\n" for x, _ in rows), encoding="utf-8")
    en.write_text("".join(f"{e}\n" for _, e in rows), encoding="utf-8")
    return src, en


@pytest.fixture
def bilingual(tmp_path: Path) -> dict[str, tuple[Path, Path]]:
    """fr-en, de-en, es-en, ar-en files whose English sides overlap only partly; fr-en has a
    second translation of an English sentence and an empty row, es-en a whitespace variant."""
    files = {}
    for lang, indices in COVERAGE.items():
        rows = [(TRANSLATIONS[EN[i]][lang], EN[i]) for i in indices]
        if lang == "fr":
            rows += [("Le chat dort sur le sofa.", EN[0]), ("", "An untranslated line.")]
        if lang == "es":
            rows.append(
                ("No me gusta el café, pero tomo té.", "  I don't  like coffee, but I drink tea. ")
            )
        files[lang] = write_pair(tmp_path, lang, rows)
    return files


def test_tokenizer_per_language():
    assert WordTokenizer("en")("I don't like coffee, but I drink tea.") == (
        "I don 't like coffee , but I drink tea ."
    )
    assert WordTokenizer("fr")("Je n'aime pas le café.") == "Je n' aime pas le café ."
    assert WordTokenizer("es")("¿Dónde está?") == "¿ Dónde está ?"
    assert WordTokenizer("de")("Das ist z.B. gut.") == "Das ist z.B. gut ."
    # Arabic: comma and question mark split, the decimal number stays one token, tatweel gone.
    assert WordTokenizer("ar")("لا أحب القهوة، لكني") == "لا أحب القهوة ، لكني"
    assert WordTokenizer("ar")("اشترينا ٣٫٥ كيلو.") == "اشترينا ٣٫٥ كيلو ."
    assert WordTokenizer("ar")("جميـــل؟") == "جميل ؟"
    # Moses would keep "A." whole with the English prefixes sacremoses falls back to for Arabic.
    assert WordTokenizer("ar")("فيتامين A.") == "فيتامين A ."


def test_cli_build_joins_on_the_pivot(bilingual, tmp_path: Path, capsys):
    out = tmp_path / "probe"
    args = ["corpus", "build", "--out", str(out), "--langs", "fr", "de", "es", "ar"]
    for lang, (src, en) in bilingual.items():
        args += ["--files", f"{lang}={src}", f"en={en}"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "join: 3 kept" in printed

    lines = {
        lang: (out / f"probe.{lang}.txt").read_text(encoding="utf-8").splitlines()
        for lang in ("en", "fr", "de", "es", "ar")
    }
    english = [WordTokenizer("en")(EN[i]) for i in COMMON]
    assert lines["en"] == english
    assert lines["en"][1] == "The cat sleeps on the sofa ."
    for lang in ("fr", "de", "es", "ar"):
        # aligned: line i is the translation of English line i (the first one for fr)
        assert lines[lang] == [WordTokenizer(lang)(TRANSLATIONS[EN[i]][lang]) for i in COMMON]

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sentences"] == 3
    assert manifest["languages"] == ["en", "fr", "de", "es", "ar"]
    assert manifest["dropped"] == {
        "missing_language": 0,
        "empty": 1,
        "duplicate_pivot": 2,
        "no_match:fr": 2,
        "no_match:de": 2,
        "no_match:es": 2,
        "no_match:ar": 3,
        "too_short": 0,
        "too_long": 0,
    }
    assert manifest["digest"] == corpus_digest(lines)
    assert [s["stage"] for s in manifest["stages"]][-2:] == ["join", "length"]
    assert len(manifest["sources"]) == 4


def test_cli_build_errors_are_one_line(bilingual, tmp_path: Path, capsys):
    src, en = bilingual["fr"]
    args = ["corpus", "build", "--out", str(tmp_path / "o"), "--files", f"fr={src}", f"en={en}"]
    assert main([*args, "--langs", "fr", "de"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("xlprobe: error: no source covers language(s) ['de']")
    assert "\n" not in err
    short = tmp_path / "short.en"
    short.write_text("one\n", encoding="utf-8")
    assert (
        main(
            ["corpus", "build", "--out", str(tmp_path / "o"), "--files", f"fr={src}", f"en={short}"]
        )
        == 2
    )
    assert "not line-aligned" in capsys.readouterr().err
    assert main(["corpus", "build", "--out", str(tmp_path / "o")]) == 2
    assert "no source" in capsys.readouterr().err


def _source(n: int, words: int = 4) -> ParallelSource:
    rows = [
        {"en": " ".join(f"e{i}w{j}" for j in range(words + i % 3)), "de": f"d{i} x y"}
        for i in range(n)
    ]
    return ParallelSource("toy", ("en", "de"), rows)


def test_sampling_is_reproducible_and_keeps_corpus_order():
    source = _source(50)
    first = build_probe_corpus([source], BuildSettings(max_sentences=10, seed=3))
    again = build_probe_corpus([source], BuildSettings(max_sentences=10, seed=3))
    other = build_probe_corpus([source], BuildSettings(max_sentences=10, seed=4))
    assert first.sentences == again.sentences
    assert first.sentences["de"] != other.sentences["de"]
    ids = [int(s.split()[0][1:]) for s in first.sentences["de"]]
    assert ids == sorted(ids) and len(ids) == 10
    assert first.stages[-1].dropped == {"sampled_out": 40}


def test_length_filters_apply_to_every_language():
    built = build_probe_corpus([_source(9)], BuildSettings(min_tokens=4, max_tokens=5))
    # en has 4, 5 or 6 words (i % 3), de always 3: every row is too short in German
    assert len(built) == 0
    assert built.stages[-1].dropped == {"too_short": 9, "too_long": 0}
    built = build_probe_corpus([_source(9)], BuildSettings(min_tokens=3, max_tokens=5))
    assert len(built) == 6
    assert built.stages[-1].dropped == {"too_short": 0, "too_long": 3}


def test_source_without_pivot_and_language_from_two_kinds_of_source():
    with pytest.raises(InputError, match="not the pivot 'en'"):
        build_probe_corpus([ParallelSource("x", ("fr", "de"), [{"fr": "a", "de": "b"}])])
    multi = ParallelSource("m", ("en", "fr", "de"), [{"en": "a", "fr": "b", "de": "c"}])
    pair = ParallelSource("p", ("en", "fr"), [{"en": "a", "fr": "b"}])
    with pytest.raises(InputError, match="language 'fr' comes from sources"):
        build_probe_corpus([multi, pair])


def test_gated_hub_error_names_dataset_and_token():
    from datasets.exceptions import DatasetNotFoundError

    # what datasets.load_dataset raises for a gated dataset without a token
    gated = DatasetNotFoundError(
        "Dataset 'openlanguagedata/flores_plus' is a gated dataset on the Hub. You must be "
        "authenticated to access it."
    )
    err = hub_error("openlanguagedata/flores_plus", gated)
    assert err is not None
    message = str(err)
    assert "openlanguagedata/flores_plus" in message and "HF_TOKEN" in message
    assert "huggingface-cli login" in message and "\n" not in message
    assert hub_error("x/y", ConnectionError("offline")) is None


def write_flores_snapshot(root: Path, translations: dict[str, dict[str, str]]) -> Path:
    """A local FLORES+ repository (openlanguagedata/flores_plus layout): one config per
    language (``fra_Latn``), ``dev/<config>.parquet``, the dataset's columns."""
    import yaml
    from datasets import Dataset, Features, Value

    codes = {"en": "eng_Latn", "fr": "fra_Latn", "de": "deu_Latn", "es": "spa_Latn"}
    features = Features(
        {
            "id": Value("int64"),
            "iso_639_3": Value("string"),
            "iso_15924": Value("string"),
            "glottocode": Value("string"),
            "text": Value("string"),
            "url": Value("string"),
            "domain": Value("string"),
            "topic": Value("string"),
            "has_image": Value("string"),
            "has_hyperlink": Value("string"),
            "last_updated": Value("string"),
        }
    )
    configs = []
    for lang, code in codes.items():
        ids = [i for i, en in enumerate(EN) if lang == "en" or lang in translations[en]]
        # German lacks sentence 2: rows are joined on id, not on position
        ids = [i for i in ids if not (lang == "de" and i == 2)]
        texts = [EN[i] if lang == "en" else translations[EN[i]][lang] for i in ids]
        n = len(ids)
        columns = {
            "id": ids,
            "iso_639_3": [code[:3]] * n,
            "iso_15924": [code[4:]] * n,
            "glottocode": ["x"] * n,
            "text": texts,
            "url": ["https://example.org"] * n,
            "domain": ["wikinews"] * n,
            "topic": ["t"] * n,
            "has_image": ["no"] * n,
            "has_hyperlink": ["no"] * n,
            "last_updated": ["1.0"] * n,
        }
        (root / "dev").mkdir(parents=True, exist_ok=True)
        Dataset.from_dict(columns, features=features).to_parquet(root / "dev" / f"{code}.parquet")
        configs.append(
            {"config_name": code, "data_files": [{"split": "dev", "path": f"dev/{code}.parquet"}]}
        )
    (root / "README.md").write_text(
        "---\n" + yaml.safe_dump({"configs": configs}) + "---\n", encoding="utf-8"
    )
    return root


def test_cli_build_from_flores_joins_languages_on_id(tmp_path: Path, capsys, monkeypatch):
    import datasets

    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path / "datasets_cache")
    flores = write_flores_snapshot(tmp_path / "flores_plus", TRANSLATIONS)
    out = tmp_path / "probe"
    args = ["corpus", "build", "--out", str(out), "--langs", "fr", "de", "es"]
    assert main([*args, "--flores", "dev", "--flores-path", str(flores)]) == 0
    en = (out / "probe.en.txt").read_text(encoding="utf-8").splitlines()
    de = (out / "probe.de.txt").read_text(encoding="utf-8").splitlines()
    assert en == [WordTokenizer("en")(s) for i, s in enumerate(EN) if i != 2]
    assert de == [WordTokenizer("de")(TRANSLATIONS[s]["de"]) for i, s in enumerate(EN) if i != 2]
    assert main([*args[:4], "--flores", "dev"]) == 2
    assert "--flores needs --langs" in capsys.readouterr().err
