"""Make text safe to store and match: no control bytes, no invisible format characters.

PostgreSQL text cannot hold NUL, and other C0 controls only corrupt what they touch. In questions,
zero-width and other format characters (Unicode category Cf) can split a company name so that
it is no longer recognised, and compatibility forms (full-width letters, ligatures) are folded
by NFKC. Document text keeps its own forms (NFKC would turn a footnote mark "²" into a "2"),
losing only control characters.
"""

from __future__ import annotations

import re
import unicodedata

_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]")


def strip_controls(text: str) -> str:
    """The text without C0/C1 control characters; newlines, carriage returns and tabs stay."""
    return _CONTROLS.sub("", text)


def normalize_question(text: str) -> str:
    """NFKC, without format or control characters, whitespace collapsed."""
    folded = unicodedata.normalize("NFKC", text)
    visible = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")
    return " ".join(strip_controls(visible).split())
