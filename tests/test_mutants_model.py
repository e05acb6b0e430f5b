"""What the model derives, where mutmut found it untested (tests/MUTANTS.md)."""
from __future__ import annotations
