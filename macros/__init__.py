"""The rollout handbook: plans/*.yaml -> load -> validate -> model -> render -> publish (MkDocs).

The core (load, validate, rules, model, render) imports nothing from MkDocs; `publish` is the thin
MkDocs adapter and `main` the mkdocs-macros module.
"""
