"""Market shocks and contagion (pure computations)."""
