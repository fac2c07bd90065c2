"""A decoder-only LM fine-tuned for translation with LoRA, end to end: `train.py
experiment=demo_llm model.lora={r:4}` (a tiny Llama, shrunk) trains its adapters, scores BLEU
per language by generation and probes the decoder; `probe.py ckpt=...` re-probes the LoRA
checkpoint, and refuses it without `model.lora`."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from omegaconf import OmegaConf

from xlprobe.models import model_spec

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

PAIRS = ("fr-en", "de-en", "es-en")
SHRINK = (
    "experiment=demo_llm",
    "logger=csv",
    "data.synthetic.n_train=64",
    "data.synthetic.n_val=8",
    "data.synthetic.n_test=8",
    "data.synthetic.n_probe=120",
    "data.max_eval_examples=8",
    "data.batch_size=16",
    "trainer.max_epochs=1",
    "+trainer.limit_train_batches=2",
    "trainer.log_every_n_steps=1",
    "task.module.max_new_tokens=8",
    "probe.every_n_epochs=1",
    "probe.corpus.max_sentences=120",
    "test=false",
    "+model.tiny.n_sentences=200",
    "model.lora={r:4}",
)


def run_script(script: str, cwd: Path, *overrides: str) -> subprocess.CompletedProcess:
    """``train.py``/``probe.py`` as a user runs it; its result, whatever the exit code."""
    return subprocess.run(
        [sys.executable, str(ROOT / script), *overrides],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd,
        env=os.environ.copy(),
    )


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def lora_run(tmp_path_factory, cache_dir) -> Path:
    """Two LoRA steps of the shrunk demo_llm with a probe round before and after; its
    directory."""
    run = tmp_path_factory.mktemp("llm") / "run"
    result = run_script(
        "train.py", run.parent, *SHRINK, f"paths.cache_dir={cache_dir}", f"hydra.run.dir={run}"
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return run


def test_lora_trains_the_adapters_only(lora_run):
    cfg = OmegaConf.load(lora_run / ".hydra" / "config.yaml")
    base, _ = model_spec(cfg.model).load(cfg.task.head, cache_dir=cfg.paths.cache_dir)
    loaded = base.state_dict()
    saved = torch.load(lora_run / "checkpoints" / "last.ckpt", weights_only=False)["state_dict"]
    saved = {k.removeprefix("model."): v for k, v in saved.items()}
    assert saved.keys() == loaded.keys()
    adapters = [k for k in saved if ".lora_A." in k or ".lora_B." in k]
    assert {k.rsplit(".lora_", 1)[0].rsplit(".", 1)[-1] for k in adapters} == {
        "q_proj",
        "k_proj",
        "v_proj",
        "o_proj",
        "gate_proj",
        "up_proj",
        "down_proj",
    }
    frozen = [k for k in saved if k not in adapters]
    assert [k for k in frozen if not torch.equal(saved[k], loaded[k])] == []
    # B starts at zero: two steps moved every one
    assert all(saved[k].abs().sum() > 0 for k in adapters if ".lora_B." in k)


def test_bleu_is_scored_by_generation_for_every_language(lora_run):
    rows = read_rows(lora_run / "csv" / "metrics.csv")
    for pair in PAIRS:
        values = [float(r[f"val/bleu/{pair}"]) for r in rows if r.get(f"val/bleu/{pair}")]
        assert len(values) == 1 and 0.0 <= values[0] <= 100.0, pair


def test_the_decoder_is_probed_before_and_after_training(lora_run):
    rows = read_rows(lora_run / "probe_report.csv")
    assert {r["side_s"] for r in rows} | {r["side_t"] for r in rows} <= {"decoder", ""}
    calign = [r for r in rows if r["metric"] == "calign"]
    assert {(r["epoch"], r["side_s"], r["side_t"]) for r in calign} == {
        ("-1", "decoder", "decoder"),
        ("0", "decoder", "decoder"),
    }
    assert {r["lang_s"] for r in calign} == {"fr", "de", "es"}
    assert {r["model_state"] for r in calign if r["epoch"] == "0"} == {"finetuned"}


def test_probe_py_reprobes_the_lora_checkpoint(lora_run, cache_dir, tmp_path):
    common = (*SHRINK, f"paths.cache_dir={cache_dir}", f"ckpt={lora_run / 'checkpoints/last.ckpt'}")
    result = run_script("probe.py", tmp_path, *common, f"hydra.run.dir={tmp_path / 'probe'}")
    assert result.returncode == 0, result.stderr[-4000:]
    key = ("epoch", "metric", "side_s", "side_t", "lang_s", "lang_t", "layer")
    drift = ("emb_knn_overlap", "emb_canon_cos", "emb_canon_cos_random")

    def values(path: Path) -> dict[tuple[str, ...], float]:
        return {
            tuple(r[k] for k in key): float(r["value"] or "nan")
            for r in read_rows(path)
            if r["epoch"] == "0" and r["metric"] not in drift
        }

    # the run's last round again, up to float32 summation order (the logit lens's values)
    probed = values(tmp_path / "probe" / "probe_report.csv")
    assert probed and probed == pytest.approx(values(lora_run / "probe_report.csv"), rel=1e-6)

    refused = run_script(
        "probe.py", tmp_path, *common, "model.lora=null", f"hydra.run.dir={tmp_path / 'no'}"
    )
    assert refused.returncode == 2
    last = refused.stderr.strip().splitlines()[-1]
    assert "LoRA adapters of rank 4" in last and "model.lora={r:4}" in last
    assert "Traceback" not in refused.stderr
