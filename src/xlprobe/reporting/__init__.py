"""Reports from a ProbeReport: CSV/JSON, curves (PNG), W&B payloads. Knows no model."""
