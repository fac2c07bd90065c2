"""probe.tokens=aligned, the paper's CALIGN tokens, on a tiny real BERT: the aligned views hold
exactly the filter's occurrences, the COLAP views are those of tokens=all, one forward pass per
side and language serves both, and re-clustering reads the same tokens."""

from __future__ import annotations

import numpy as np
import pytest

from xlprobe.data.corpus import ProbeCorpus
from xlprobe.probing.aligned import aligned_tokens
from xlprobe.probing.alignment import read_links
from xlprobe.probing.concepts import read_clusters
from xlprobe.probing.pipeline import recluster, run_probe
from xlprobe.probing.plan import RoundId
from xlprobe.probing.probe_dir import ProbeDir
from xlprobe.probing.report import scalar_key
from xlprobe.probing.settings import ProbeSettings

pytestmark = pytest.mark.slow


def _settings(tmp_path, tokens: str) -> ProbeSettings:
    return ProbeSettings.from_mapping(
        {
            "languages": ["de"],
            "k": 6,
            "tokens": tokens,
            "aligned": {"max_per_pair": 2},
            "keep_activations": True,
            "dictionary_cache": str(tmp_path / "dictionaries"),
            "sentence": {"enabled": False},
            "embeddings": {"enabled": False},
        }
    )


@pytest.fixture(scope="module")
def runs(tiny_model_dirs, synthetic_corpus, tmp_path_factory):
    from xlprobe.models import load_model

    tmp = tmp_path_factory.mktemp("aligned")
    model, tokenizer = load_model(tiny_model_dirs["bert"], "base")
    corpus = ProbeCorpus({lang: synthetic_corpus.sentences[lang][:40] for lang in ("de", "en")})
    out = {}
    for tokens in ("all", "aligned"):
        probe_dir = ProbeDir(tmp / tokens)
        report = run_probe(model, tokenizer, corpus, _settings(tmp, tokens), probe_dir=probe_dir)
        out[tokens] = (probe_dir, report)
    return corpus, out, tmp


def _positions(probe_dir: ProbeDir, set_name: str, lang: str) -> set[tuple[int, int]]:
    concepts = read_clusters(probe_dir.cluster_file(RoundId(), set_name, 0), lang=lang)
    return set(
        zip(concepts.tokens.sentence.tolist(), concepts.tokens.position.tolist(), strict=True)
    )


def test_aligned_views_hold_exactly_the_filters_occurrences(runs):
    corpus, out, _ = runs
    probe_dir, report = out["aligned"]
    links = read_links(probe_dir.links_file("de-en"), len(corpus))
    kept = aligned_tokens(corpus.sentences["de"], corpus.sentences["en"], links, max_per_pair=2)
    expected_de = {(i, p) for i, positions in enumerate(kept.source) for p in positions}
    expected_en = {(i, p) for i, positions in enumerate(kept.target) for p in positions}
    assert _positions(probe_dir, "encoder.de.aligned_en", "de") == expected_de
    assert _positions(probe_dir, "encoder.en.aligned_de", "en") == expected_en
    assert kept.units_capped > 0  # the cap did something on this corpus
    # the CALIGN rows say which tokens they used; COLAP's are every token's
    calign = report.select(metric="calign")
    assert calign and {r.tokens for r in calign} == {"aligned"}
    assert {r.tokens for r in report.select(metric="colap")} == {"all"}
    assert scalar_key(calign[0]).endswith("/de-en/aligned/layer_00")


def test_colap_views_are_those_of_every_token_and_one_pass_serves_both(runs):
    _, out, _ = runs
    joint = "joint.encoder.de+encoder.en"
    assert _positions(out["all"][0], joint, "de") == _positions(out["aligned"][0], joint, "de")
    record = out["aligned"][0].manifest().rounds[0]
    # one store per side and language: 2 streams for 4 views
    assert len(record.activations) == 4 and len(set(record.activations.values())) == 2
    for view, lang in (("encoder.de", "de"), ("encoder.en", "en")):
        assert _positions(out["all"][0], view, lang) == _positions(out["aligned"][0], view, lang)


def test_reclustering_an_aligned_run_reads_the_same_tokens(runs):
    _, out, tmp = runs
    source = out["aligned"][0]
    target = ProbeDir(tmp / "reclustered")
    report = recluster(source, target, {"k": 5})
    assert target.manifest().rounds[0].sets == source.manifest().rounds[0].sets
    rows = np.load(target.rows_of_view(RoundId(), source.manifest().plan.views[1]))
    assert rows.ndim == 1 and len(rows) > 0
    assert {r.tokens for r in report.select(metric="calign")} == {"aligned"}
