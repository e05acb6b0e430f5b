"""Render: model objects -> Markdown. Escaping lives in `text` and nowhere else."""
from .fragments import Fragments
from .incremental import Rendered, all_pages, render_pages
from .site_map import navigation
from .paths import Paths

__all__ = ["Fragments", "Paths", "Rendered", "all_pages", "navigation", "render_pages"]
