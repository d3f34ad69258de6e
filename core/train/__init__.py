"""Training: the resumable trainer, evaluation, the optimiser playground and the CLI."""
