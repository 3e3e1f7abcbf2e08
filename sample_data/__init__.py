"""A synthetic vendor file share, its ground truth and its generator (``python -m sample_data.generate``)."""
