"""`train()` end to end on the demo experiments, shrunk: tiny models, a few synthetic sentences."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, open_dict

from xlprobe.errors import InputError

CONF = Path(__file__).resolve().parents[2] / "conf"
pytestmark = pytest.mark.slow

SHRINK = (
    "logger=csv",
    "probe=off",
    "data.synthetic.n_train=48",
    "data.synthetic.n_val=8",
    "data.synthetic.n_test=8",
    "data.synthetic.n_probe=8",
    "data.max_eval_examples=8",
    "data.batch_size=16",
    "trainer.max_epochs=1",
    "trainer.log_every_n_steps=1",
    "+trainer.enable_model_summary=false",
    # a small tokenizer corpus (and pretraining corpus for the demo's pretrained tiny mT5)
    "++model.tiny.n_sentences=200",
)
METRIC = {"demo": "bleu", "demo_ner": "f1", "demo_sst2": "acc"}


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    """Tiny models and the synthetic corpus, built once for the module."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _reset_hydra():
    yield
    GlobalHydra.instance().clear()
    HydraConfig.instance().cfg = None


def demo_config(experiment: str, output_dir: Path, cache_dir: Path, *overrides: str) -> DictConfig:
    """Compose the real config like `train.py` does, shrunk, writing into ``output_dir``."""
    GlobalHydra.instance().clear()
    with initialize_config_dir(version_base="1.3", config_dir=str(CONF)):
        cfg = compose(
            "train",
            overrides=[
                f"experiment={experiment}",
                *SHRINK,
                f"paths.cache_dir={cache_dir}",
                *overrides,
            ],
            return_hydra_config=True,
        )
    HydraConfig().set_config(cfg)
    with open_dict(cfg):
        cfg.paths.output_dir = str(output_dir)
    return cfg


def read_metrics_csv(output_dir: Path) -> list[dict[str, str]]:
    with (output_dir / "csv" / "metrics.csv").open() as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("experiment", sorted(METRIC))
def test_demo_experiment_logs_every_language(experiment, tmp_path, cache_dir):
    from xlprobe.training import train

    cfg = demo_config(experiment, tmp_path, cache_dir)
    metrics = train(cfg)

    langs = [*cfg.lang.train, *cfg.lang.zero_shot]
    for split in ("val", "test"):
        for lang in langs:
            key = f"{split}/{METRIC[experiment]}/{lang}"
            assert key in metrics, sorted(metrics)
            assert 0.0 <= metrics[key] <= 100.0
    assert "train/loss" in metrics
    # the whole resolved config went to the logger; metrics.csv holds the per-language keys
    hparams = (tmp_path / "csv" / "hparams.yaml").read_text()
    assert "zero_shot:" in hparams and "${" not in hparams
    columns = set(read_metrics_csv(tmp_path)[0])
    assert f"test/{METRIC[experiment]}/{langs[-1]}" in columns
    assert (tmp_path / "checkpoints" / "last.ckpt").is_file()


def test_resume_from_checkpoint(tmp_path, cache_dir):
    from xlprobe.training import train

    first = tmp_path / "first"
    train(demo_config("demo_sst2", first, cache_dir, "test=false"))
    resumed = tmp_path / "resumed"
    ckpt = first / "checkpoints" / "last.ckpt"
    train(
        demo_config(
            "demo_sst2",
            resumed,
            cache_dir,
            f"ckpt_path={ckpt}",
            "trainer.max_epochs=2",
            "test=false",
        )
    )
    # the resumed run trains only the second epoch
    epochs = {row["epoch"] for row in read_metrics_csv(resumed) if row["epoch"]}
    assert epochs == {"1"}


def test_malformed_local_file_names_file_and_line(tmp_path, cache_dir):
    from xlprobe.training import train

    data = tmp_path / "data"
    data.mkdir()
    for split in ("train", "validation", "test"):
        (data / f"{split}.en.conll").write_text("Anna\tB-PER\nsleeps\tO\n", encoding="utf-8")
    (data / "validation.en.conll").write_text("Anna\tB-PER\n\nParis\tB-TOWN\n", encoding="utf-8")
    cfg = demo_config(
        "demo_ner",
        tmp_path / "run",
        cache_dir,
        "data.source=local",
        f"data.local_dir={data}",
        "lang.zero_shot=[]",
    )
    with pytest.raises(InputError, match="unknown tag 'B-TOWN'") as err:
        train(cfg)
    assert (err.value.path, err.value.line) == (str(data / "validation.en.conll"), 3)
    assert not (tmp_path / "run" / "checkpoints").exists()


def test_language_without_data_fails_before_training(tmp_path, cache_dir):
    from xlprobe.training import train

    data = tmp_path / "data"
    data.mkdir()
    for split in ("train", "validation", "test"):
        (data / f"{split}.en.tsv").write_text("good\t1\nbad\t0\n", encoding="utf-8")
    (data / "train.de.tsv").write_text("gut\t1\n", encoding="utf-8")
    cfg = demo_config(
        "demo_sst2",
        tmp_path / "run",
        cache_dir,
        "data.source=local",
        f"data.local_dir={data}",
        "lang.zero_shot=[de]",
    )
    with pytest.raises(InputError, match="no validation data for language 'de'"):
        train(cfg)
    assert not (tmp_path / "run" / "checkpoints").exists()


def test_translation_with_an_encoder_only_model_is_explained(tmp_path, cache_dir):
    from xlprobe.training import train

    cfg = demo_config("demo_sst2", tmp_path, cache_dir, "task=mt", "lang=demo")
    with pytest.raises(InputError, match="needs an encoder-decoder model"):
        train(cfg)
