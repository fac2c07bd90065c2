"""The estimate against a real round, and ``dry_run=true`` stopping after it.

The estimate's kept tokens per view and per clustered set must equal the rows a probe round
writes (tiny BERT- and mT5-shaped models on the synthetic world), its model shape from the
configuration alone must equal the loaded model's, and ``probe.py dry_run=true`` logs the
estimate and stops before the model, the dataset or any probe output.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from xlprobe.data.corpus import ProbeCorpus
from xlprobe.estimate import (
    Calibration,
    count_language,
    estimate_round,
    forward_rate,
    model_shape,
    spec_shape,
    subwords_per_sentence,
)
from xlprobe.models import ModelSpec, load_model
from xlprobe.models.families import family_of
from xlprobe.probing.pipeline import run_probe
from xlprobe.probing.plan import plan_views
from xlprobe.probing.probe_dir import ProbeDir
from xlprobe.probing.settings import ProbeSettings
from xlprobe.probing.store import ActivationStore

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("de", "ar", "en")
RATES = Calibration(
    "sklearn", "cpu", 1e10, lloyd_latency=0.0, lloyd_flops=1e10, seed_latency=0.0, seed_rate=1e9
)


@pytest.mark.parametrize("arch", ["bert", "mt5"])
def test_estimated_tokens_are_the_rows_a_round_writes(
    arch, tiny_model_dirs, synthetic_corpus, tmp_path
):
    model, tokenizer = load_model(tiny_model_dirs[arch], "base")
    corpus = ProbeCorpus({lang: synthetic_corpus.sentences[lang][:80] for lang in LANGS})
    settings = ProbeSettings.from_mapping(
        {
            "languages": ["de", "ar"],
            "pivot": "en",
            "backend": "sklearn",
            "layers": [0, 2],
            "extraction": {"max_per_type": 3},
            "keep_activations": True,
            "sentence": {"enabled": False},
            "embeddings": {"enabled": False},
        }
    )
    run_probe(model, tokenizer, corpus, settings, probe_dir=tmp_path)

    adapter = family_of(model)
    counts = {lang: count_language(lines, 3) for lang, lines in corpus.sentences.items()}
    subwords = {
        lang: subwords_per_sentence(tokenizer, adapter, list(lines))
        for lang, lines in corpus.sentences.items()
    }
    estimate = estimate_round(
        counts,
        plan_views(settings, adapter),
        settings,
        model_shape(model),
        subwords=subwords,
        backend="sklearn",
        kmeans_device="cpu",
        forward_rate=RATES.gemm_flops,
        kmeans=RATES,
    )
    (record,) = ProbeDir(tmp_path).manifest().rounds
    rows = {
        view: len(ActivationStore.open(path).tokens) for view, path in record.activations.items()
    }
    assert estimate.views == rows
    assert {name: n for name, (n, _) in estimate.sets.items()} == dict(record.sets)
    written = sum(
        path.stat().st_size
        for store in record.activations.values()
        for path in Path(store).glob("layer_*.npy")
    )
    # the layer files are the float16 arrays plus a .npy header each
    assert 0 <= written - estimate.store_bytes <= 2 * 256 * len(rows)


@pytest.mark.parametrize(("arch", "head"), [("bert", "token_classification"), ("mt5", "seq2seq")])
def test_the_shape_from_the_config_is_the_loaded_models(arch, head, tiny_model_dirs, tmp_path):
    spec = ModelSpec(family=arch, name_or_path=str(tiny_model_dirs[arch]))
    from_config, tokenizer = spec_shape(spec, tmp_path, head)
    loaded = model_shape(load_model(tiny_model_dirs[arch], head)[0], name=from_config.name)
    assert from_config == loaded
    assert len(tokenizer) > 0
    # the forward calibration builds the architecture cut to 2 layers and runs it
    assert forward_rate(from_config, 8, seconds=0.01) > 0


def test_probe_py_dry_run_logs_the_estimate_and_stops(tmp_path):
    run_dir, cache = tmp_path / "run", tmp_path / "cache"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "probe.py"),
            "experiment=demo_ner",
            "logger=csv",
            "dry_run=true",
            "data.synthetic.n_probe=60",
            "++model.tiny.n_sentences=200",
            f"paths.cache_dir={cache}",
            f"hydra.run.dir={run_dir}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Estimate of one probe round" in output
    assert "kept tokens per view: encoder.ar" in output
    assert "dry_run=true: stopping" in output
    # nothing probed: no probe directory, report or activations; the synthetic data unwritten
    assert not (run_dir / "probe").exists()
    assert not list(run_dir.glob("*.csv"))
    assert not (cache / "synthetic").exists()
