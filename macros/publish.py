"""The MkDocs hook at its documented place (`hooks: [macros/publish.py]` in mkdocs.yml, and in
repositories copied from this one). MkDocs loads this file by path, not as part of the package,
so its imports are absolute. The code is macros/publishing/hook.py.
"""
from __future__ import annotations

from macros.publishing.hook import (  # noqa: F401 (the hook events MkDocs looks up here)
    on_config, on_env, on_files, on_page_content, on_page_context, on_page_markdown,
    on_post_build, on_post_page, on_post_template, on_serve, on_startup)
