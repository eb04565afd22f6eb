"""Bubble detection: PSY explosive-root tests and LPPLS fits (pure computations)."""
