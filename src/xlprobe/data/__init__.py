"""Corpora (parallel text, CoNLL NER, classification), the synthetic multilingual corpus, and the
Lightning DataModules per task."""
