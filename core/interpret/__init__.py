"""Interpretation: layers and receptive fields, embeddings, occlusion, saliency, sanity."""
