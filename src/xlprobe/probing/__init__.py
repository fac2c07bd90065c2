"""Latent-concept probing: extraction, activation store, clustering, concepts, dictionaries,
CALIGN/COLAP metrics and the probe pipeline. Imports neither lightning nor wandb."""
