"""Package data describing episodes (the AI 2025-26 deals ledger and the articles' claims)."""
