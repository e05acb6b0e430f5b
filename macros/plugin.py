"""The `handbook` MkDocs plugin at its documented entry point (`macros.plugin:HandbookPlugin`).
The code is macros/publishing/plugin.py.
"""
from __future__ import annotations

from macros.publishing.plugin import HandbookPlugin  # noqa: F401 (the entry point's target)
