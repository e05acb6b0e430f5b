"""Render: model objects -> Markdown. Escaping lives in `text` and nowhere else."""
from .fragments import Fragments
from .paths import Paths
from .pages import all_pages, navigation

__all__ = ["Fragments", "Paths", "all_pages", "navigation"]
