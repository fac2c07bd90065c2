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
            # in range; that each value is that language's own: the test after this one
            assert 0.0 <= metrics[key] <= 100.0
    assert "train/loss" in metrics
    # the whole resolved config went to the logger; metrics.csv holds the per-language keys
    hparams = (tmp_path / "csv" / "hparams.yaml").read_text()
    assert "zero_shot:" in hparams and "${" not in hparams
    columns = set(read_metrics_csv(tmp_path)[0])
    assert f"test/{METRIC[experiment]}/{langs[-1]}" in columns
    assert (tmp_path / "checkpoints" / "last.ckpt").is_file()


def _test_predictions(cfg: DictConfig, ckpt: Path, lang: str) -> list:
    """What the checkpoint's model predicts on the test split of ``lang``, batch by batch like
    the test loop: translations (MT), word tags (NER, first subwords), class ids (SST-2)."""
    import torch

    from xlprobe.training import load_task_model
    from xlprobe.utils.instantiate import instantiate

    model, tokenizer = load_task_model(cfg)
    task = instantiate(cfg.task.module, model=model, tokenizer=tokenizer)
    task.load_state_dict(torch.load(ckpt, map_location="cpu", weights_only=False)["state_dict"])
    task.eval()
    datamodule = instantiate(cfg.data, tokenizer=tokenizer, _convert_="all")
    datamodule.setup("test")
    loader = datamodule.test_dataloader()[datamodule.eval_langs.index(lang)]
    predictions = []
    with torch.no_grad():
        for batch in loader:
            if cfg.task.head == "seq2seq":
                hypotheses = task.translate(batch["input_ids"], batch["attention_mask"])
                predictions += [h.strip() for h in hypotheses]
                continue
            ids = task.model(**task.model_inputs(batch)).logits.argmax(-1)
            if cfg.task.head == "sequence_classification":
                predictions += ids.tolist()
                continue
            id2label = task.model.config.id2label
            for row, gold in zip(ids.tolist(), batch["labels"].tolist(), strict=True):
                predictions.append([id2label[i] for i, g in zip(row, gold, strict=True) if g >= 0])
    return predictions


def _read_conll_words(path: Path) -> list[list[str]]:
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    return [[line.split("\t")[0] for line in b.splitlines()] for b in blocks if b.strip()]


def _write_conll(path: Path, words: list[list[str]], tags: list[list[str]]) -> None:
    blocks = [
        "".join(f"{w}\t{t}\n" for w, t in zip(ws, ts, strict=True))
        for ws, ts in zip(words, tags, strict=True)
    ]
    path.write_text("\n".join(blocks), encoding="utf-8")


def _write_gold(
    experiment: str, data: Path, split: str, lang: str, predicted: list, *, match: bool
) -> None:
    """Rewrite the gold of ``lang`` in the file of ``split`` (the one the test loop reads) in
    ``data``: the model's predictions (``match``: its metric must be 100), or gold it cannot
    match (metric 0: NER without entities, SST-2 with every predicted class flipped)."""
    if experiment == "demo":  # lang is fr-de: the references are the German side
        assert match
        path = data / f"{split}.de.txt"
        path.write_text("".join(f"{h}\n" for h in predicted), encoding="utf-8")
    elif experiment == "demo_ner":
        path = data / f"{split}.{lang}.conll"
        words = _read_conll_words(path)[: len(predicted)]
        assert [len(w) for w in words] == [len(t) for t in predicted]
        tags = predicted if match else [["O"] * len(w) for w in words]
        _write_conll(path, words, tags)
    else:
        path = data / f"{split}.{lang}.tsv"
        texts = [line.split("\t")[0] for line in path.read_text(encoding="utf-8").splitlines()]
        labels = [y if match else 1 - y for y in predicted]
        rows = zip(texts[: len(labels)], labels, strict=True)
        path.write_text("".join(f"{t}\t{y}\n" for t, y in rows), encoding="utf-8")


# Per task: the language scored against the model's own predictions, the language scored against
# gold the model cannot match (MT: fr-en, its real references), and the lang overrides that give
# them separate test files (MT pairs into English share test.en.txt, so fr-de is the matched pair).
SCORED = {
    "demo": ("fr-de", "fr-en", ("lang.zero_shot=[fr-de]",)),
    "demo_ner": ("de", "en", ()),
    "demo_sst2": ("de", "en", ()),
}


@pytest.mark.parametrize("experiment", sorted(METRIC))
def test_each_language_is_scored_against_its_own_test_data(experiment, tmp_path, cache_dir):
    """The model's own test predictions for one language become that language's gold, so its
    metric is 100 while another language's is not: each value is computed per language from
    that language's data (lr=0 keeps the base model, whose random NER head predicts entities)."""
    import shutil

    from xlprobe.training import train

    matched, other, lang_overrides = SCORED[experiment]
    common = ("task.module.optimizer.lr=0", *lang_overrides)
    cfg = demo_config(experiment, tmp_path / "run", cache_dir, *common, "test=false")
    train(cfg)
    ckpt = tmp_path / "run" / "checkpoints" / "last.ckpt"
    data = tmp_path / "data"
    shutil.copytree(cfg.data.local_dir, data)
    local = (*common, "data.source=local", f"data.local_dir={data}")
    local_cfg = demo_config(experiment, tmp_path / "predict", cache_dir, *local)
    for lang, match in ((matched, True), (other, False)):
        if match or experiment != "demo":
            predicted = _test_predictions(local_cfg, ckpt, lang)
            split = local_cfg.data.splits.test
            _write_gold(experiment, data, split, lang, predicted, match=match)
    metrics = train(
        demo_config(
            experiment, tmp_path / "scored", cache_dir, *local, "train=false", f"ckpt_path={ckpt}"
        )
    )
    metric = METRIC[experiment]
    assert metrics[f"test/{metric}/{matched}"] == pytest.approx(100.0)
    assert metrics[f"test/{metric}/{other}"] < 100.0


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
        "lang.probe=[de,fr,es,ar]",  # lang.probe follows lang.zero_shot otherwise
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
    with pytest.raises(
        InputError, match=r"no validation file validation\.de\.tsv for 'de' \(lang\.zero_shot\)"
    ):
        train(cfg)
    assert not (tmp_path / "run" / "checkpoints").exists()


def test_translation_with_an_encoder_only_model_is_explained(tmp_path, cache_dir):
    from xlprobe.training import train

    cfg = demo_config("demo_sst2", tmp_path, cache_dir, "task=mt", "lang=demo")
    expected = (
        r"needs an encoder-decoder or decoder-only model .*; model\.family=xlmr is encoder-only"
    )
    with pytest.raises(InputError, match=expected):
        train(cfg)
