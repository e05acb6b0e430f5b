"""history: git, the policy diff and the change log; its results reach render as model data."""
