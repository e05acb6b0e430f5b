"""What a plans folder may hold: data the tool reads, nothing else.

plans/ is the one folder a governance editor changes, so nothing in it may become a page, a
script or a template: the tool reads `_org.yaml`, the organisation's questions (`_faq.yaml`),
the plans (`<plan-id>.yaml`) and their measurements (`<plan-id>.measurements.csv`) and nothing
more. Every other file there (a page,
an .html file, a script, a file in a subfolder, a `_notes.yaml`) is a check error at its path
(`plans-file`), and the site never publishes a file from plans/ (publish.py). Names starting
with a dot (.gitkeep, .DS_Store) are left alone: MkDocs skips them and they are no one's page.
A `.yml` or `.YAML` file is not listed here: the check already warns that it is ignored
(`file-name`) and says how to rename it.
"""
from __future__ import annotations

import os
from pathlib import Path

from .measurements import SUFFIX as MEASUREMENTS

ORG_FILE = "_org.yaml"
FAQ_FILE = "_faq.yaml"  # questions for everyone (macros/model/faq.py)


def is_read(name: str) -> bool:
    """Whether the check reads a file of this name at the top of a plans folder."""
    return name in (ORG_FILE, FAQ_FILE) or name.endswith(MEASUREMENTS) or (
        name.endswith(".yaml") and not name.startswith("_"))


def _misnamed_yaml(name: str) -> bool:
    return Path(name).suffix.lower() in (".yaml", ".yml") and not name.endswith(".yaml")


def unread_files(folder: Path) -> list[Path]:
    """Every file in `folder` and its subfolders that the check does not read; a subfolder that
    is a link counts as one file (it is not followed). Dot names are skipped."""
    found = []
    for top, folders, files in os.walk(folder):
        here = Path(top)
        at_top = here == folder
        for name in list(folders):
            if name.startswith(".") or (here / name).is_symlink():
                folders.remove(name)
                if not name.startswith("."):
                    found.append(here / name)
        for name in files:
            if name.startswith(".") or (at_top and (is_read(name) or _misnamed_yaml(name))):
                continue
            found.append(here / name)
    return sorted(found)
