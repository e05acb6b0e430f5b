"""publishing: the engines' side (the MkDocs hook and plugin, the mkdocs-macros module, the
pipeline they run, `handbook render`'s engine-neutral project, build and serve)."""
