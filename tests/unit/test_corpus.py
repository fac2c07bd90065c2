"""ProbeCorpus: line-aligned files, checked before truncation; digest; synthetic marker."""

from __future__ import annotations

import pytest

from xlprobe.data.corpus import ProbeCorpus
from xlprobe.errors import InputError


def test_corpus_files_are_checked(tmp_path):
    (tmp_path / "probe.de.txt").write_text("a b\nc d\n", encoding="utf-8")
    (tmp_path / "probe.en.txt").write_text("x y\n", encoding="utf-8")
    with pytest.raises(
        InputError,
        match=r"not line-aligned: lines per file \{'probe.de.txt': 2, 'probe.en.txt': 1\}",
    ):
        ProbeCorpus.from_dir(tmp_path, ["de", "en"])
    with pytest.raises(InputError, match=r"probe\.fr\.txt") as err:
        ProbeCorpus.from_dir(tmp_path, ["fr"])
    assert "probe.corpus.dir" in str(err.value)
    (tmp_path / "probe.ar.txt").write_bytes("سلام\n".encode() + b"\xff\n")
    with pytest.raises(InputError, match=r"probe.ar.txt:2: "):
        ProbeCorpus.from_dir(tmp_path, ["ar"])
    corpus = ProbeCorpus.from_dir(tmp_path, ["de"], max_sentences=1)
    assert corpus.sentences == {"de": ["a b"]} and len(corpus) == 1
    assert corpus.directory == tmp_path.resolve() and not corpus.synthetic


def test_digest_identifies_the_sentences_and_their_order():
    a = ProbeCorpus({"de": ["a b", "c"], "en": ["x", "y"]})
    assert a.digest() == ProbeCorpus({"en": ["x", "y"], "de": ["a b", "c"]}).digest()
    assert a.digest() != ProbeCorpus({"de": ["c", "a b"], "en": ["y", "x"]}).digest()
    assert a.digest(["de", "en"]) != a.digest(["en", "de"])
    # a line break moved between lines changes it
    assert ProbeCorpus({"de": ["a", "b c"]}).digest() != ProbeCorpus({"de": ["a b", "c"]}).digest()


def test_a_synthetic_world_directory_is_marked(tmp_path):
    from xlprobe.data.synthetic import WorldSpec, write_synthetic_dataset

    spec = WorldSpec(n_train=2, n_val=2, n_test=2, n_probe=5, languages=("en", "de"))
    write_synthetic_dataset(tmp_path / "world", spec)
    corpus = ProbeCorpus.from_dir(tmp_path / "world", ["de", "en"])
    assert corpus.synthetic and len(corpus) == 5
