"""The rollout handbook: plans/*.yaml -> core (read and check) -> model -> render -> publishing.

Sub-packages are the pipeline's steps (README "Where things are"; tests/test_layers.py keeps
their layers): core, model, render and history import nothing from MkDocs; `publishing` holds the
MkDocs hook and plugin and the mkdocs-macros module, `cli` the commands. main.py, publish.py and
plugin.py stay here as the documented paths.
"""
