"""A metric the question defines itself, in words: "defined as: cash from operations / total
current liabilities", "(payments for dividends divided by net income)", "net debt, defined as
short-term plus long-term debt minus cash". Each term is then found by meaning, like any line item.
"""

from __future__ import annotations

import re

from knowledge.answer.compute.catalogue import Metric
from knowledge.answer.compute.formula import FormulaError, parse
from knowledge.answer.understand.question import Question

# Where a question begins to define what it asks: "… defined as", "calculated as".
_INTRO = r"(?:defined\s+as|calculated\s+as|computed\s+as)"
# "… ratio is defined as: cash from operations / total current liabilities", "A divided by B"
_DEFINED = re.compile(
    r"(?:" + _INTRO + r"|define\s+[^.?]{0,60}?\s+as)\s*:?\s*(?:the\s+)?"
    r"(?P<top>[^.?;/]{3,80}?)\s*(?:/|\bdivided\s+by\b|\bover\b)\s*(?:the\s+)?(?P<bottom>[^.?;/]{3,80})",
    re.IGNORECASE,
)
# "… net debt, defined as short-term plus long-term debt minus cash": a sum and difference spelled out.
_DEFINED_SUM = re.compile(
    _INTRO + r"\s*:?\s*(?P<terms>[^?;/]{5,200}?\b(?:plus|minus|less)\b[^?;/]{3,200}?)"
    r"\s*(?:[?;]|\.(?:\s|$)|$|,\s*(?:in|answer|expressed)\b)",
    re.IGNORECASE,
)
_ASKING_HEAD = re.compile(
    r"^.*?\b(?:was|were|is|are|compute|calculate)\s+(?:the\s+)?(?:(?:[A-Z][\w&.-]*\s+)*[A-Z][\w&.-]*['’]s?\s+)?",
    re.IGNORECASE,
)
_OPERATORS = re.compile(r"\s+(plus|minus|less)\s+", re.IGNORECASE)
_SIGNS = {"plus": "+", "minus": "-", "less": "-"}
# "(payments for dividends divided by net income)": a ratio spelled out in an aside.
_ASIDE_RATIO = re.compile(
    r"\(\s*(?:i\.\s?e\.,?\s*|that\s+is,?\s*)?(?:the\s+)?(?P<top>[^()/;]{3,80}?)\s+(?:divided\s+by|over)\s+"
    r"(?:the\s+)?(?P<bottom>[^()/;]{3,80}?)\s*\)",
    re.IGNORECASE,
)
_OUTFLOW = re.compile(
    r"\s*(?:the\s+)?(?:payments?|purchases?|repurchases?|additions?|acquisitions?|capital\s+expenditures?|dividends?\s+paid)\b",
    re.IGNORECASE,
)
# A ratio asked as a share or a percentage is shown as one.
_AS_PERCENT = re.compile(r"\b(?:percent\w*|share|proportion|prozent\w*|anteil\w*)\b|%", re.IGNORECASE)


def _sum_definition(question: Question) -> Metric | None:
    """A sum or difference the question defines itself ("defined as short-term plus long-term debt
    minus cash and cash equivalents"), each term found by meaning. A term of one word shares the
    next term's noun ("short-term" plus "long-term debt": short-term debt)."""
    match = _DEFINED_SUM.search(question.core)
    if match is None:
        return None
    parts = _OPERATORS.split(match.group("terms"))
    words, signs = parts[::2], ["+", *(_SIGNS[sign.lower()] for sign in parts[1::2])]
    words = [
        f"{term} {words[at + 1].split()[-1]}" if len(term.split()) == 1 and at + 1 < len(words) else term
        for at, term in enumerate(words)
    ]
    names = [_item_name(term) for term in words]
    if len(names) < 2 or not all(names) or len(set(names)) < len(names):
        return None
    text = " ".join(f"{sign} {name}" for sign, name in zip(signs, names, strict=True)).removeprefix("+ ")
    title = re.sub(r"\s+(?:at|as\s+of|in|for|on)\s+.*$", "", question.core[: match.start()].strip(" ,:"))
    title = _ASKING_HEAD.sub("", title)  # "What was Quillstone's net debt": "net debt"
    try:
        formula = parse(text)
    except FormulaError:
        return None
    name = title.strip(" ,") or "Result"
    return Metric("defined", {"en": name[:1].upper() + name[1:]}, formula, "amount", {}, generic=False)


def definition(question: Question) -> Metric | None:
    """A ratio the question defines itself: "… defined as: cash from operations / total current
    liabilities" is computed from those two items, found by meaning; or a sum or difference."""
    summed = _sum_definition(question)
    if summed is not None:
        return summed
    match = _DEFINED.search(question.core)
    aside = _ASIDE_RATIO.search(question.text) if match is None else None
    if match is None and aside is None:
        return None
    found = match or aside
    assert found is not None
    top, bottom = (_item_name(found.group(side)) for side in ("top", "bottom"))
    if not top or not bottom or top == bottom:
        return None
    if match is not None:
        title = question.core[: match.start()].rsplit(" ", 8)[-1].strip(" ,:") or "Ratio"
    else:  # the aside names the inputs, not the ratio: they are its name
        title = f"{found.group('top').strip()} / {found.group('bottom').strip()}"
    name = re.sub(r"\s+(?:is|are)$|^(?:the|a)\s+", "", title, flags=re.IGNORECASE).strip() or "Ratio"
    # A cash outflow named as an amount ("payments for dividends") is printed in parentheses on the
    # cash flow statement: the ratio asked is of its size.
    sized = [
        f"abs({name})" if _OUTFLOW.match(found.group(side)) else name
        for side, name in (("top", top), ("bottom", bottom))
    ]
    try:
        formula = parse(f"{sized[0]} / {sized[1]}")
    except FormulaError:
        return None
    shown = "percent" if _AS_PERCENT.search(question.text) else "ratio"
    return Metric("defined", {"en": name[:1].upper() + name[1:]}, formula, shown, {}, generic=False)


def _item_name(words: str) -> str:
    """ "total current liabilities" -> "total_current_liabilities" (a name the formula can hold)."""
    cleaned = re.sub(r"\([^)]*\)|[^A-Za-z ]+", " ", words).strip().lower()
    return "_".join(cleaned.split()[:8])
