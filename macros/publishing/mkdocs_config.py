"""What the check needs from mkdocs.yml (its docs_dir), read as YAML without MkDocs.

mkdocs.yml may hold tags for MkDocs and other plugins (`!ENV`, `!relative`,
`!!python/name:…`): they are read as data here, never run. `!ENV` is resolved as MkDocs does
(the first variable that is set, else the last item of a list as the default).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

DEFAULT_DOCS_DIR = "docs"


class _TolerantLoader(yaml.SafeLoader):
    """SafeLoader that reads any tag it does not know as nothing instead of failing."""


def _env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    elif isinstance(node, yaml.SequenceNode):
        items = [str(loader.construct_scalar(n)) for n in node.value
                 if isinstance(n, yaml.ScalarNode)]
        names, default = (items[:-1], items[-1]) if len(items) > 1 else (items, None)
    else:
        return None
    return next((os.environ[n] for n in names if n in os.environ), default)


_TolerantLoader.add_constructor("!ENV", _env)
_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def docs_dir(config: Path) -> Path:
    """The folder of hand-written pages that `config` (an mkdocs.yml) names, as MkDocs reads
    it: relative to the file's folder, `docs` when not given. OSError when it cannot be read."""
    text = config.read_text(encoding="utf-8")
    try:
        data = yaml.load(text, Loader=_TolerantLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError:
        data = None  # MkDocs itself will refuse the file; the check keeps its default
    value = data.get("docs_dir") if isinstance(data, dict) else None
    folder = value if isinstance(value, str) and value.strip() else DEFAULT_DOCS_DIR
    return config.parent / folder
