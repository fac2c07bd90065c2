"""task=pos, task=deps and task=topic end to end on the synthetic world with tiny models: every
language scored, the parser's predictions written as CoNLL-U and scored as the logged UAS/LAS."""

from __future__ import annotations

from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, open_dict

from xlprobe.analysis.ud_score import score_files
from xlprobe.data.conllu import read_conllu

CONF = Path(__file__).resolve().parents[2] / "conf"
SHRINK = (
    "logger=csv",
    "probe=off",
    "data.synthetic.n_train=64",
    "data.synthetic.n_val=8",
    "data.synthetic.n_test=8",
    "data.synthetic.n_probe=8",
    "data.max_eval_examples=8",
    "data.batch_size=16",
    "trainer.max_epochs=1",
    "trainer.log_every_n_steps=1",
    "+trainer.enable_model_summary=false",
    "++model.tiny.n_sentences=200",
)
METRICS = {"demo_pos": ("acc",), "demo_deps": ("uas", "las"), "demo_topic": ("acc", "macro_f1")}


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


@pytest.mark.slow
@pytest.mark.parametrize("experiment", sorted(METRICS))
def test_demo_scores_every_language(experiment, tmp_path, cache_dir):
    from xlprobe.training import train

    cfg = demo_config(experiment, tmp_path, cache_dir)
    metrics = train(cfg)
    for split in ("val", "test"):
        for lang in [*cfg.lang.train, *cfg.lang.zero_shot]:
            for name in METRICS[experiment]:
                assert 0.0 <= metrics[f"{split}/{name}/{lang}"] <= 100.0, (split, name, lang)
    assert (tmp_path / "checkpoints" / "last.ckpt").is_file()


@pytest.mark.slow
def test_parser_predictions_are_trees_scored_as_the_logged_uas_and_las(tmp_path, cache_dir):
    from xlprobe.training import train

    cfg = demo_config("demo_deps", tmp_path, cache_dir, "trainer.max_epochs=2")
    metrics = train(cfg)
    data = Path(cfg.data.local_dir)
    for lang in [*cfg.lang.train, *cfg.lang.zero_shot]:
        predicted = tmp_path / "predictions" / f"test.{lang}.conllu"
        gold = data / f"test.{lang}.conllu"
        # read_conllu checks that each predicted sentence is a tree with one root
        assert len(read_conllu(predicted)) == cfg.data.max_eval_examples
        scores = score_files(gold, predicted)
        assert scores.words.f1 == 1.0  # the same words: multiword tokens (Arabic و) kept
        assert metrics[f"test/uas/{lang}"] == pytest.approx(100 * scores.uas.f1)
        assert metrics[f"test/las/{lang}"] == pytest.approx(100 * scores.las.f1)
        assert scores.las.correct <= scores.uas.correct
    assert (tmp_path / "predictions" / "validation.en.conllu").is_file()


def test_parsing_data_marks_words_cut_off_by_truncation(tiny_model_dirs, tmp_path):
    from xlprobe.data.synthetic import WorldSpec, write_synthetic_dataset
    from xlprobe.data.ud import UD_RELATIONS, DependencyDataModule
    from xlprobe.models.loading import load_model

    _, tokenizer = load_model(tiny_model_dirs["xlmr"], "base")
    data = write_synthetic_dataset(
        tmp_path / "w", WorldSpec(n_train=6, n_val=1, n_test=1, n_probe=1)
    )
    dm = DependencyDataModule(
        tokenizer,
        labels=UD_RELATIONS,
        max_length=10,
        source="local",
        train_langs=["de"],
        local_dir=data,
    )
    sentences = dm.read_local("train", "de")
    for sentence, feature in zip(sentences, dm.encode(sentences), strict=True):
        kept = len(feature["word_index"])
        assert 0 < kept <= len(sentence.words) and len(feature["heads"]) == kept
        assert max(feature["word_index"]) < 10
        for word, head, rel in zip(
            sentence.words, feature["heads"], feature["relations"], strict=False
        ):
            if word.head <= kept:  # an arc inside the kept words is trained on
                assert head == word.head and UD_RELATIONS[rel] == word.deprel
            else:  # an arc to a word cut off is not
                assert head == rel == -100
    assert any(
        len(f["word_index"]) < len(s.words)
        for s, f in zip(sentences, dm.encode(sentences), strict=True)
    )
