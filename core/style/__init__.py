"""Neural style transfer: VGG19 features, losses, the runner and its explainers."""
