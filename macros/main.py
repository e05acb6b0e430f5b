"""The mkdocs-macros module at its documented places (`module_name: macros/main`, loaded by path,
and the pluglet `rollout-handbook:macros.main`). The code is macros/publishing/page_macros.py.
"""
from __future__ import annotations

from macros.publishing.page_macros import (  # noqa: F401 (what mkdocs-macros and callers read)
    define_env, on_pre_page_macros, page_fragments, render_page)
