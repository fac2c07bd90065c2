"""LightningModules for the fine-tuning tasks: translation, tagging, classification."""
