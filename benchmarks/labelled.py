"""The labelled sets of benchmarks/data (`label<TAB>language<TAB>text` lines, `#` comments), read
the same way by benchmarks/advice.py, policy.py and learned.py."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
Row = tuple[bool, str, str]  # (of the positive label, language, text)


def read(name: str, positive: str) -> list[Row]:
    """The rows of one labelled set, each marked whether its label is `positive`."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line and not line.startswith("#")]
    return [(label == positive, language, text) for label, language, text in rows]
