"""Model and tokenizer factory: hub names, local paths, and tiny models built from a config."""
