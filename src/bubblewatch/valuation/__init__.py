"""Valuation multiples, CAPE, index concentration and return decomposition (pure computations)."""
