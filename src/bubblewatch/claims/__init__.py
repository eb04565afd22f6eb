"""Claims check: every figure of the source articles recomputed from data, with a verdict."""
