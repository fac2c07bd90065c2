"""`xlprobe metrics calign|colap` on files: output, pairs file, and one-line input errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xlprobe.cli import main
from xlprobe.probing.concepts import ConceptSet, read_clusters, write_clusters
from xlprobe.probing.dictionary import Dictionary, read_ranked, write_dictionary
from xlprobe.probing.metrics import CALIGN_RULES, calign

ARABIC = ["بيت", "شجرة", "كتاب", "قلم", "باب", "نافذة"]
ENGLISH = ["house", "tree", "book", "pen", "door", "window"]


@pytest.fixture
def calign_files(tmp_path):
    """Source concepts 1 (Arabic, 5 of 6 types translated), 2 (untranslated), 3 (3 types);
    target concept 9 holds the English words: CALIGN = 1 of 3 = 33.33%."""
    src = ConceptSet.from_mapping(
        {1: [*ARABIC, "بيت"], 2: [f"x{i}" for i in range(6)], 3: ["a|b", "c", "d"]}, lang="ar"
    )
    tgt = ConceptSet.from_mapping({9: ENGLISH, 4: [f"y{i}" for i in range(6)]}, lang="en")
    d = Dictionary(
        {a: [(e, 0.9), ("other", 0.1)] for a, e in zip(ARABIC[:5], ENGLISH[:5], strict=True)}
    )
    paths = tmp_path / "src.txt", tmp_path / "tgt.txt", tmp_path / "ar-en.tsv"
    write_clusters(src, paths[0])
    write_clusters(tgt, paths[1])
    write_dictionary(d, paths[2])
    return [str(p) for p in paths]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_calign_json(capsys, calign_files):
    code, out, err = run(capsys, "metrics", "calign", *calign_files, "--json")
    assert code == 0
    assert json.loads(out) == {
        "calign": pytest.approx(100 / 3),
        "aligned": 1,
        "total": 3,
        "eligible": 2,
        # 5 of the 15 Arabic, x and a|b/c/d types have a translation among the target words
        "dict_coverage": pytest.approx(100 / 3),
        "covered_types": 5,
        "source_types": 15,
        "params": {
            "n_best": 10,
            "theta": 0.8,
            "min_types": 5,
            "max_size_diff": 0.4,
            "rule": "symmetric",
        },
    }
    assert err == (
        f"xlprobe: warning: {calign_files[2]}: covers only 33.3% of the source word types; "
        "is it reversed or for another language pair?\n"
    )


def test_calign_with_a_covering_dictionary_does_not_warn(capsys, calign_files, tmp_path):
    src = ConceptSet.from_mapping({1: ARABIC}, lang="ar")
    write_clusters(src, tmp_path / "covered.txt")
    code, out, err = run(
        capsys, "metrics", "calign", str(tmp_path / "covered.txt"), *calign_files[1:]
    )
    assert (code, err) == (0, "")
    assert "dictionary coverage 83.33%: 5 of 6 source word types" in out


def test_calign_options_and_pairs_file(capsys, calign_files, tmp_path):
    pairs = tmp_path / "out" / "pairs.tsv"
    argv = ["metrics", "calign", *calign_files, "--json", "--pairs-out", str(pairs)]
    code, out, _ = run(capsys, *argv, "--n-best", "1", "--theta", "0.5", "--min-types", "2")
    assert code == 0
    assert json.loads(out)["params"] == {
        "n_best": 1,
        "theta": 0.5,
        "min_types": 2,
        "max_size_diff": 0.4,
        "rule": "symmetric",
    }
    # Concept 3 has 3 types: comparable with neither 6-type target (3/6 < 0.6).
    assert json.loads(out)["eligible"] == 3
    assert pairs.read_text(encoding="utf-8") == f"1\t9\t5/6\t{' '.join(sorted(ARABIC[:5]))}\n"


@pytest.mark.parametrize("rule", CALIGN_RULES)
def test_calign_rule_option(capsys, calign_files, rule):
    """Concept 1 matches 5 of its 6 types in the 6-type concept 9: aligned at theta 5/6 under
    the symmetric rule (>=), not under the released one (>)."""
    argv = ["metrics", "calign", *calign_files, "--json", "--theta", str(5 / 6), "--rule", rule]
    code, out, _ = run(capsys, *argv)
    assert code == 0
    printed = json.loads(out)
    assert printed["aligned"] == (1 if rule == "symmetric" else 0)
    assert printed["params"]["rule"] == rule
    src, tgt, dictionary = calign_files
    expected = calign(
        read_clusters(src), read_clusters(tgt), read_ranked(dictionary), theta=5 / 6, rule=rule
    )
    assert printed["calign"] == expected.percent


def test_calign_summary(capsys, calign_files):
    code, out, _ = run(capsys, "metrics", "calign", *calign_files, "--theta", "0.9")
    assert code == 0
    assert out.startswith("CALIGN 0.00%: 0 of 3 source concepts aligned")
    assert "theta=0.9" in out


@pytest.fixture
def colap_files(tmp_path):
    """Concept 0: en 3 / de 7 tokens (overlaps at 0.3); concept 1: en 1 / de 9 (does not)."""
    lines = [f"w{i}|||0|||{i}|||0|||0" for i in range(10)]
    lines += [f"v{i}|||0|||{10 + i}|||0|||1" for i in range(10)]
    clusters = tmp_path / "joint.txt"
    clusters.write_text("\n".join(lines) + "\n")
    langs = tmp_path / "langs.txt"
    langs.write_text("\n".join(["en"] * 3 + ["de"] * 7 + ["en"] + ["de"] * 9) + "\n")
    return str(clusters), str(langs)


def test_colap_json_and_summary(capsys, colap_files):
    clusters, langs = colap_files
    code, out, _ = run(capsys, "metrics", "colap", clusters, "--sentence-langs", langs, "--json")
    assert code == 0
    assert json.loads(out) == {
        "colap": 50.0,
        "overlapping": 1,
        "total": 2,
        "params": {"theta": 0.3},
    }
    code, out, _ = run(
        capsys, "metrics", "colap", clusters, "--sentence-langs", langs, "--theta", "0.1"
    )
    assert code == 0
    assert out.startswith("COLAP 100.00%: 2 of 2 concepts overlap (2 languages)")


def test_malformed_cluster_line(capsys, calign_files, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("a|||0|||0|||0|||1\nb|||0|||0|||1\n")
    code, out, err = run(capsys, "metrics", "calign", str(bad), *calign_files[1:])
    assert (code, out) == (2, "")
    assert err.startswith(f"xlprobe: error: {bad}:2: expected 'word|||occurrence|||")
    assert err.count("\n") == 1


def test_non_numeric_probability(capsys, calign_files, tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("a\tb\t0.5\nc\td\tlikely\n")
    code, _, err = run(capsys, "metrics", "calign", *calign_files[:2], str(bad))
    assert code == 2
    assert err == (
        f"xlprobe: error: {bad}:2: expected a non-negative number as probability "
        "(third field), got 'likely'\n"
    )


def test_sentence_missing_from_languages_file(capsys, colap_files, tmp_path):
    clusters, _ = colap_files
    short = tmp_path / "short.txt"
    short.write_text("en\nde\n")
    code, _, err = run(capsys, "metrics", "colap", clusters, "--sentence-langs", str(short))
    assert code == 2
    assert err.startswith(f"xlprobe: error: {clusters}:3: sentence 2 has no language")
    assert err.count("\n") == 1


@pytest.mark.parametrize("which", [0, 1, 2])
def test_empty_file(capsys, calign_files, tmp_path, which):
    empty = tmp_path / "empty"
    empty.write_text("")
    argv = list(calign_files)
    argv[which] = str(empty)
    code, _, err = run(capsys, "metrics", "calign", *argv)
    assert code == 2
    assert err.startswith(f"xlprobe: error: {empty}: empty file, expected ")
    assert err.count("\n") == 1


def test_out_of_range_option_is_a_usage_error(capsys, calign_files):
    with pytest.raises(SystemExit) as exit_info:
        main(["metrics", "calign", *calign_files, "--theta", "1.5"])
    assert exit_info.value.code == 2
    assert "expected a number in [0, 1], got '1.5'" in capsys.readouterr().err


def test_console_script_reports_one_line_without_traceback(tmp_path, calign_files):
    bad = tmp_path / "bad.txt"
    bad.write_text("a|||0|||zero|||0|||1\n")
    script = shutil.which("xlprobe", path=str(Path(sys.executable).parent))
    assert script is not None, "the xlprobe console script is not installed next to python"
    proc = subprocess.run(
        [script, "metrics", "calign", str(bad), *calign_files[1:]],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith(f"xlprobe: error: {bad}:1: expected ")
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1
