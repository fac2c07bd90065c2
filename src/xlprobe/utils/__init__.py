"""Run plumbing shared by the entry points: config-driven instantiation, the multirun-safe task
wrapper, config logging."""
