"""The language registry: every FLORES-200 code resolves, one entry per language, 1-line errors."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest

from xlprobe.data.languages import (
    all_languages,
    flores_languages,
    lookup,
    sib200_languages,
    with_ud,
)
from xlprobe.errors import InputError

SCRIPT = Path(__file__).parents[2] / "scripts" / "build_languages.py"


def build_script():
    spec = importlib.util.spec_from_file_location("build_languages", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_flores_200_code_of_the_build_script_resolves_to_its_row():
    listed = [line.split(" ", 1) for line in build_script().FLORES_200.strip().splitlines()]
    assert len(listed) == 204
    assert sorted(lang.code for lang in flores_languages()) == sorted(c for c, _ in listed)
    for code, name in listed:
        language = lookup(code)
        assert (language.code, language.flores, language.name) == (code, code, name)
        assert re.fullmatch(r"[a-z]{3}_[A-Z][a-z]{3}", code)
        assert f"{language.iso639_3}_{language.script}" == code
    assert {lang.code for lang in sib200_languages()} == {c for c, _ in listed} | {"nqo_Nkoo"}


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (["de", "deu", "deu_Latn", "DEU-latn", " ger "], "deu_Latn"),
        (["ar", "ara", "arb", "arb_Arab"], "arb_Arab"),
        (["zh", "zho", "cmn", "chi", "zho_Hans"], "zho_Hans"),
        (["no", "nor", "nb", "nob"], "nob_Latn"),
        (["fa", "fas", "per", "pes"], "pes_Arab"),
    ],
)
def test_all_codes_of_a_language_give_the_same_entry(codes, expected):
    assert {lookup(c).code for c in codes} == {expected}


def test_every_key_names_exactly_its_language():
    for language in all_languages():
        for key in language.codes():
            assert lookup(key) is language


def test_one_primary_row_per_iso_639_3_code():
    primaries: dict[str, list[str]] = {}
    for language in all_languages():
        primaries.setdefault(language.iso639_3, []).append(language.code)
        if not language.primary:
            assert lookup(language.iso639_3) is not language
    assert all(sum(lookup(code).primary for code in codes) == 1 for codes in primaries.values())
    assert lookup("arb_Latn").code == "arb_Latn"
    assert lookup("zho_Hant").iso639_1 == "zh"


def test_ud_uriel_and_family_columns():
    german = lookup("de")
    assert german.has_ud and "UD_German-GSD" in german.ud_treebanks
    assert "de_gsd" in german.ud_treebank_ids
    assert (german.uriel, german.family, german.family_source) == ("deu", "Indo-European", "uriel")
    assert lookup("eu").family_source == "ud"  # an isolate: no Glottolog ancestor in URIEL
    assert "no_nynorsk" in lookup("nn").ud_treebank_ids
    assert lookup("nb").ud_treebank_ids == ("no_bokmaal",)
    ancient_greek = lookup("grc")
    assert (ancient_greek.flores, ancient_greek.sib200, ancient_greek.has_ud) == (None, False, True)
    assert ancient_greek in with_ud()
    assert lookup("nqo_Nkoo") not in with_ud()
    assert all(lang.has_ud for lang in with_ud())


@pytest.mark.parametrize(("code", "close"), [("deu_Latm", "deu_Latn"), ("German", "deu_Latn")])
def test_unknown_code_is_one_line_with_close_matches(code, close):
    with pytest.raises(InputError) as err:
        lookup(code)
    message = str(err.value)
    assert message.startswith(f"unknown language {code!r}; close: ")
    assert close in message.split("(")[0]
    assert "\n" not in message


UD_FILES = os.environ.get("XLPROBE_UD_DOCS_AUTOMATION")


@pytest.mark.skipif(
    not UD_FILES,
    reason="set XLPROBE_UD_DOCS_AUTOMATION to a folder with UD docs-automation's "
    "codes_and_flags.yaml and releases.json to rebuild the registry",
)
def test_build_script_regenerates_the_shipped_registry(tmp_path):
    shipped = files("xlprobe.data").joinpath("languages.tsv").read_text(encoding="utf-8")
    release = re.search(r"Universal Dependencies release (\S+)", shipped).group(1)
    out = tmp_path / "languages.tsv"
    subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--ud-codes",
            f"{UD_FILES}/codes_and_flags.yaml",
            "--ud-releases",
            f"{UD_FILES}/releases.json",
            "--ud-release",
            release,
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )

    def rows(text: str) -> list[str]:
        return [line for line in text.splitlines() if not line.startswith("#")]

    assert rows(out.read_text(encoding="utf-8")) == rows(shipped)
