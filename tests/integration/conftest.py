"""Session-scoped tiny real models (BERT-, XLM-R- and mT5-shaped) shared by integration tests.

Each is built once per session into a pytest temporary directory by ``tiny_model_dir``: a
tokenizer trained on the synthetic corpus (en, de, fr, es, ar) and a 2-layer, width-64 model
from a config, saved and loaded back through ``load_model`` like any real model.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

TINY_SIZES = {"n_sentences": 200, "vocab_size": 1000, "hidden_size": 64, "num_layers": 2}


@pytest.fixture(scope="session")
def synthetic_corpus():
    """A 200-sentence synthetic parallel corpus in all five languages (seed 0)."""
    from xlprobe.data.synthetic import generate_corpus

    return generate_corpus(TINY_SIZES["n_sentences"], seed=0)


@pytest.fixture(scope="session")
def tiny_texts(synthetic_corpus) -> list[str]:
    """The first four sentences of every language of the synthetic corpus."""
    return [s for lang in synthetic_corpus.languages for s in synthetic_corpus.sentences[lang][:4]]


@pytest.fixture(scope="session")
def tiny_model_dirs(tmp_path_factory) -> dict[str, Path]:
    """Directories of tiny ``bert``, ``xlmr`` and ``mt5`` models."""
    from xlprobe.models import tiny_model_dir

    root = tmp_path_factory.mktemp("tiny_models")
    return {arch: tiny_model_dir(arch, root, **TINY_SIZES) for arch in ("bert", "xlmr", "mt5")}


@pytest.fixture(scope="session")
def hub_root(tmp_path_factory) -> Iterator[Path]:
    """Local snapshots of every hub dataset the configs name, with the real schemas
    (``hub_fixtures.py``): ``data.hub_root`` / ``paths.hub_root`` for offline hub loading. The
    ``datasets`` cache goes to a temporary directory too."""
    import datasets
    from hub_fixtures import write_snapshots

    root = tmp_path_factory.mktemp("hub")
    datasets.disable_progress_bars()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(datasets.config, "HF_DATASETS_CACHE", root / "datasets_cache")
        yield write_snapshots(root / "snapshots")
    datasets.enable_progress_bars()
