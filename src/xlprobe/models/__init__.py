"""Model and tokenizer factory: hub names, local paths, and tiny models built from a config."""

from xlprobe.models.factory import ARCHS, HEADS, build_tiny_model, load_model, tiny_model_dir

__all__ = ["ARCHS", "HEADS", "build_tiny_model", "load_model", "tiny_model_dir"]
