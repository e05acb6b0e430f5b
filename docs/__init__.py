"""Package data: theme overrides, assets and the hand-written pages the tool provides."""
