"""Self-contained HTML report built from an explicit list of sections."""
