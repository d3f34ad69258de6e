"""numpy-only maths for the explainers: kernels, filters, matrices, pooling."""
