"""The `investorbot` command run as a user runs it: a real subprocess on a data folder of the test's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import SEEDS

COMMAND = [sys.executable, "-m", "apps"]
"""`investorbot` as this checkout runs it."""


def environment(data: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATA_DIR": str(data),
        "SEEDS_DIR": str(SEEDS),
        "HF_HUB_OFFLINE": "1",
        "SOURCES_FILE": str(data / "none.toml"),
        **extra,
    }


def run_cli(
    data: Path,
    *args: str,
    prefix: list[str] | None = None,
    stdin: str | None = None,
    settings: dict[str, str] | None = None,
    **extra: str,
) -> subprocess.CompletedProcess[str]:
    """`investorbot ARGS` with DATA_DIR=data (plus `settings` and `extra`); `prefix` wraps the command."""
    extra = {**(settings or {}), **extra}
    return subprocess.run(
        [*(prefix or []), *COMMAND, *args],
        cwd=data.parent,
        env=environment(data, **extra),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
