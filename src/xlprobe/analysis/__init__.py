"""Analyses over many runs: sweep summaries, language similarity, transfer vs similarity."""
