"""xlprobe: fine-tune multilingual models and probe cross-lingual concept alignment per epoch."""

__version__ = "0.1.0"
