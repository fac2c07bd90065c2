"""`xlprobe embeddings stats|compare|neighbours` on tiny real models (in process)."""

from __future__ import annotations

import json

import pytest

from xlprobe.cli import main

STATS_KEYS = {"separability", "neighbour_categories", "neighbour_entropy", "n_tokens"}
COMPARE_KEYS = {"knn_overlap", "canonical_cosine", "random_canonical_cosine", "n_shared"}


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_stats_json_by_script_and_by_language(tiny_model_dirs, synthetic_corpus, tmp_path, capsys):
    model = str(tiny_model_dirs["xlmr"])
    stats = _json(capsys, ["embeddings", "stats", model, "--k", "5", "--min-size", "20", "--json"])
    assert set(stats) >= STATS_KEYS
    assert stats["labels"] == "script" and stats["n_tokens"] == 1000 and stats["k"] == 5
    # The synthetic world is Latin and Arabic script; special tokens are their own category.
    assert {"LATIN", "ARABIC"} <= set(stats["separability_by_category"])
    assert stats["categories"]["SPECIAL"] == 5 and "SPECIAL" in stats["skipped_categories"]
    assert 1 <= stats["neighbour_categories"] <= 5
    assert 0 <= stats["separability"] <= 100

    files = []
    for lang in ("en", "de", "ar"):
        path = tmp_path / f"{lang}.txt"
        path.write_text("\n".join(synthetic_corpus.sentences[lang]) + "\n", encoding="utf-8")
        files.append(f"{lang}={path}")
    argv = ["embeddings", "stats", model, "--lang-text", *files, "--min-size", "5", "--json"]
    by_lang = _json(capsys, [*argv, "--k", "5", "--sample", "50"])
    assert by_lang["labels"] == "language" and set(by_lang["categories"]) <= {"en", "de", "ar"}
    assert by_lang["n_queries"] == 50


def test_compare_identical_models_and_different_tokenizers(tiny_model_dirs, capsys):
    xlmr, bert = str(tiny_model_dirs["xlmr"]), str(tiny_model_dirs["bert"])
    same = _json(capsys, ["embeddings", "compare", xlmr, xlmr, "--k", "10", "--json"])
    assert set(same) >= COMPARE_KEYS
    assert same["n_shared"] == 1000 and same["knn_overlap"] == pytest.approx(100)
    assert same["canonical_cosine"] == pytest.approx(1, abs=1e-6)
    assert same["random_canonical_cosine"] < 1
    other = _json(capsys, ["embeddings", "compare", xlmr, bert, "--k", "10", "--json"])
    # Two random-initialised models with their own tokenizers share some strings and no
    # geometry beyond chance.
    assert 0 < other["n_shared"] < 1000 and other["knn_overlap"] < 50


def test_neighbours_prints_the_nearest_tokens_with_categories(tiny_model_dirs, capsys):
    model = str(tiny_model_dirs["xlmr"])
    assert main(["embeddings", "neighbours", model, "the", "--k", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("▁the (id ") and "LATIN" in lines[0]
    assert len(lines) == 4 and all(line.split()[0] == str(i) for i, line in enumerate(lines[1:], 1))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["neighbours", "{model}", "qqqqzzzz"], "TOKEN 'qqqqzzzz' is not in the vocabulary"),
        (["stats", "/nonexistent/model"], "no such model directory"),
        (["stats", "{model}", "--lang-text", "de"], "expected LANG=FILE"),
        (["stats", "{model}", "--sample", "1.5"], "expected a fraction in (0, 1)"),
        (["stats", "{model}", "--k", "0"], "expected an integer >= 1"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tiny_model_dirs, capsys, argv, message):
    model = str(tiny_model_dirs["xlmr"])
    argv = ["embeddings", *(a.format(model=model) for a in argv)]
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's own usage errors
        code = exit_.code
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and message in err[-1] and "Traceback" not in "\n".join(err)
