"""A writable folder for matplotlib before it is imported.

matplotlib keeps its font cache and config in MPLCONFIGDIR, by default ~/.config/matplotlib, else
a fresh folder in the temp directory; under a hardened service (a read-only home and /tmp) neither
is writable and its import fails. The deploy units set MPLCONFIGDIR; without it, and without a
writable default, a folder in DATA_DIR (which the bot must be able to write anyway) is used.
"""

from __future__ import annotations

import os
from pathlib import Path


def ensure_config_dir(fallback: Path) -> None:
    """Set MPLCONFIGDIR to `fallback` when it is unset and matplotlib's default is not writable."""
    if os.environ.get("MPLCONFIGDIR"):
        return
    try:
        config_home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    except RuntimeError:  # no home directory at all
        config_home = None
    if config_home is not None and _writable(config_home / "matplotlib"):
        return
    if _writable(fallback):
        os.environ["MPLCONFIGDIR"] = str(fallback)


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)
