"""Models: architectures as data and their builder, cards, safe checkpoints, ImageNet models."""
