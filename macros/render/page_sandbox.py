"""The template environment hand-written pages are rendered in: a Jinja sandbox that knows the
handbook's macros and nothing else.

mkdocs-macros renders a page that opts in (`render_macros: true`) with a plain Jinja
environment and passes it `config`, `page`, `plugin`, `environment` and more, so a page can
reach Python (`cycler.__init__.__globals__.os`) and run a command on the build machine.
`macros/main.py` swaps that environment for this one before each page is rendered: an
ImmutableSandboxedEnvironment (no attribute that starts with `_`, no changing a list or a
mapping) whose only globals are the handbook's macros, with no template loader (no include,
import or extends), and whose templates drop whatever variables mkdocs-macros hands them. Jinja's
own filters and tests stay: they run inside the sandbox.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

import jinja2
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

# The settings of the environment mkdocs-macros built that a page's syntax depends on
# (`j2_*` options in mkdocs.yml) and what an undefined name does (`on_undefined`).
_KEPT = ("block_start_string", "block_end_string", "variable_start_string",
         "variable_end_string", "comment_start_string", "comment_end_string", "undefined")


class MacrosOnlyTemplate(jinja2.Template):
    """A template that sees the environment's globals (the macros) and the names it sets
    itself, never the variables the caller passes (mkdocs-macros passes its whole context)."""

    def new_context(self, vars: dict[str, Any] | None = None, shared: bool = False,
                    locals: Mapping[str, Any] | None = None) -> Context:
        return super().new_context(None, shared, locals)


class PageSandbox(ImmutableSandboxedEnvironment):
    template_class = MacrosOnlyTemplate


def page_environment(macros: Mapping[str, Callable[..., Any]],
                     like: jinja2.Environment | None = None) -> PageSandbox:
    """The sandbox with exactly `macros` as globals (Jinja's `range`, `cycler`, `lipsum`, … are
    gone too), keeping the delimiters and undefined behaviour of `like`."""
    settings = {name: getattr(like, name) for name in _KEPT} if like is not None else {}
    sandbox = PageSandbox(loader=None, autoescape=False, **settings)
    sandbox.globals.clear()
    sandbox.globals.update(macros)
    return sandbox
