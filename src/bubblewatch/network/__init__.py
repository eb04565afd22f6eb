"""The capital loop: deals ledger analytics and stress tests (pure computations)."""
