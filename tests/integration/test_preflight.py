"""Preflight: one bad setting each, caught before any model or dataset loads.

Every config here names a model directory that does not exist (``model.name_or_path``): had the
run got as far as loading the model, it would fail with a different error, so an InputError
naming the bad option shows that preflight stopped it first.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from omegaconf import DictConfig, open_dict

from xlprobe.errors import InputError
from xlprobe.preflight import preflight

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "conf"
LANGS = ("fr", "de", "es", "ar", "en")
SPLIT_LANGS = {"train": ("fr", "en"), "validation": LANGS, "test": LANGS}


@pytest.fixture
def task_dir(tmp_path: Path) -> Path:
    """Local translation files for fr-en (train) and de/es/ar-en (zero-shot); no probe files."""
    data = tmp_path / "mt"
    data.mkdir()
    for split, langs in SPLIT_LANGS.items():
        for lang in langs:
            lines = [f"{lang} sentence number {i} ." for i in range(3)]
            (data / f"{split}.{lang}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return data


@pytest.fixture(autouse=True)
def _reset_hydra():
    yield
    GlobalHydra.instance().clear()


def config(tmp_path: Path, task_dir: Path, *overrides: str, name: str = "train") -> DictConfig:
    GlobalHydra.instance().clear()
    with initialize_config_dir(version_base="1.3", config_dir=str(CONF)):
        cfg = compose(
            name,
            overrides=[
                "model=tiny_mt5",
                "task=mt",
                "lang=fr-en",
                "logger=csv",
                "data.source=local",
                f"data.local_dir={task_dir}",
                f"model.name_or_path={tmp_path / 'no-such-model'}",
                f"paths.cache_dir={tmp_path / 'cache'}",
                *overrides,
            ],
        )
    with open_dict(cfg):
        cfg.paths.output_dir = str(tmp_path / "run")
    return cfg


def fails(cfg: DictConfig, option: str, *, for_training: bool = True) -> str:
    with pytest.raises(InputError) as caught:
        preflight(cfg, for_training=for_training)
    message = str(caught.value)
    assert option in message, message
    assert "\n" not in message
    return message


def test_good_config_passes(tmp_path, task_dir):
    preflight(config(tmp_path, task_dir), for_training=True)
    preflight(config(tmp_path, task_dir, name="probe_run"), for_training=False)


def test_probe_corpus_missing_and_not_buildable(tmp_path, task_dir):
    fails(config(tmp_path, task_dir, "probe.corpus.source=null"), "probe.corpus.dir=")


def test_probe_corpus_not_line_aligned(tmp_path, task_dir):
    for lang in LANGS:
        (task_dir / f"probe.{lang}.txt").write_text("a b\nc d\n", encoding="utf-8")
    (task_dir / "probe.de.txt").write_text("a b\n", encoding="utf-8")
    message = fails(config(tmp_path, task_dir), "probe.corpus.dir=")
    assert "not line-aligned" in message


def test_probe_corpus_source_file_missing(tmp_path, task_dir):
    cfg = config(tmp_path, task_dir, "data.source=hub")  # data from the hub, corpus from D
    with open_dict(cfg):
        cfg.probe.corpus.source = [{"files": {"fr": str(tmp_path / "x.fr"), "en": "x.en"}}]
    fails(cfg, "probe.corpus.source")


def test_probe_language_not_covered(tmp_path, task_dir):
    fails(config(tmp_path, task_dir, "lang.probe=[fr,de,es,ar,it]"), "lang.probe")


def test_zero_shot_language_without_data(tmp_path, task_dir):
    (task_dir / "test.de.txt").unlink()
    fails(config(tmp_path, task_dir), "lang.zero_shot")
    hub = config(tmp_path, task_dir, "data.source=hub", "lang.zero_shot=[de-en,it-en]")
    fails(hub, "lang.zero_shot")
    fails(config(tmp_path, task_dir, "lang.zero_shot=[german]"), "lang.zero_shot")


def test_layers_beyond_the_model(tmp_path, task_dir):
    model = tmp_path / "local-model"
    model.mkdir()
    (model / "config.json").write_text(json.dumps({"num_layers": 4}), encoding="utf-8")
    message = fails(
        config(tmp_path, task_dir, f"model.name_or_path={model}", "probe.layers=[0,4,6]"),
        "probe.layers",
    )
    assert "has 4 layers" in message
    # a tiny model's layers come from model.tiny (name_or_path null: not built here)
    tiny = config(tmp_path, task_dir, "model.name_or_path=null", "probe.layers=[3]")
    fails(tiny, "probe.layers")
    fails(config(tmp_path, task_dir, "probe.layers=[-1]"), "probe.layers")


def test_k_above_the_corpus_words(tmp_path, task_dir):
    for lang in LANGS:
        (task_dir / f"probe.{lang}.txt").write_text("a b c\nd e\n", encoding="utf-8")
    preflight(config(tmp_path, task_dir, "probe.k=5"), for_training=True)
    message = fails(config(tmp_path, task_dir, "probe.k=6"), "probe.k=6")
    assert "5 words" in message
    fails(config(tmp_path, task_dir, "probe.k=4", "probe.corpus.max_sentences=1"), "probe.k=4")


def test_backend_not_installed(tmp_path, task_dir):
    pytest.importorskip("faiss")
    if __import__("importlib").util.find_spec("cuml") is not None:
        pytest.skip("cuML is installed here")
    fails(config(tmp_path, task_dir, "cluster=cuml"), "cluster=cuml: RAPIDS cuML")
    fails(config(tmp_path, task_dir, "probe.backend=kmeans"), "backend")


def test_thresholds_out_of_range(tmp_path, task_dir):
    fails(config(tmp_path, task_dir, "probe.calign.theta=1.5"), "probe.calign.theta")
    fails(config(tmp_path, task_dir, "probe.colap.theta=0"), "probe.colap.theta")


def test_checkpoint_missing(tmp_path, task_dir):
    fails(config(tmp_path, task_dir, f"ckpt_path={tmp_path / 'x.ckpt'}"), "ckpt_path")
    cfg = config(tmp_path, task_dir, f"ckpt={tmp_path / 'x.ckpt'}", name="probe_run")
    fails(cfg, "ckpt=", for_training=False)


def test_output_dir_not_writable(tmp_path, task_dir):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    cfg = config(tmp_path, task_dir)
    with open_dict(cfg):
        cfg.paths.output_dir = str(blocker / "run")
    fails(cfg, "paths.output_dir")
    fails(config(tmp_path, task_dir, f"paths.cache_dir={blocker / 'cache'}"), "paths.cache_dir")


def test_probe_off_skips_probe_checks(tmp_path, task_dir):
    preflight(config(tmp_path, task_dir, "probe=off", "probe.layers=[9]"), for_training=True)


@pytest.mark.slow
def test_train_py_exits_2_with_one_line(tmp_path, task_dir):
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "train.py"),
            "model=tiny_mt5",
            "lang=fr-en",
            "logger=csv",
            "data.source=local",
            f"data.local_dir={task_dir}",
            f"model.name_or_path={tmp_path / 'no-such-model'}",
            f"paths.log_dir={tmp_path / 'outputs'}",
            f"paths.cache_dir={tmp_path / 'cache'}",
            "probe.calign.theta=2",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "WANDB_MODE": "offline"},
    )
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if "error" in line.lower()]
    assert len(errors) == 1 and "probe.calign.theta" in errors[0]


def test_corpus_build_settings_out_of_range(tmp_path, task_dir):
    fails(
        config(tmp_path, task_dir, "probe.corpus.build.min_tokens=0"),
        "probe.corpus.build.min_tokens",
    )
    fails(config(tmp_path, task_dir, "+probe.corpus.build.lowercase=true"), "probe.corpus.build")


def test_text_generation_with_an_encoder_only_model(tmp_path, task_dir):
    fails(config(tmp_path, task_dir, "model=tiny_bert"), "task=mt")


def test_data_options_the_task_does_not_take(tmp_path, task_dir):
    message = fails(config(tmp_path, task_dir, "+data.max_length=48"), "data:")
    assert "max_length" in message
