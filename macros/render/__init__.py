"""Render: model objects -> Markdown. Escaping lives in `text` and nowhere else."""
from .fragments import Fragments, Paths
from .pages import all_pages, navigation

__all__ = ["Fragments", "Paths", "all_pages", "navigation"]
