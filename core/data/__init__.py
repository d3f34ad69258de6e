"""Data: datasets as in-memory tensors, image folders and archives, safe image decoding, samples."""
