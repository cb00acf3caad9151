"""A metric the question defines itself, in words: "defined as: cash from operations / total
current liabilities", "(payments for dividends divided by net income)", "net debt, defined as
short-term plus long-term debt minus cash". Each term is then found by meaning, like any line item.
"""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge.answer.compute.catalogue import Metric, catalogue, cue_at
from knowledge.answer.compute.formula import FormulaError, parse
from knowledge.answer.understand.question import Question
from knowledge.text.compounds import split
from knowledge.text.concepts import concept_phrases, concepts
from knowledge.text.lexicon import expand

# "A divided by B", "A geteilt durch B".
_DIVIDED = r"(?:divided\s+by|over|geteilt\s+durch|dividiert\s+durch)"
# Where a question begins to define what it asks: "… defined as", "calculated as".
_INTRO = r"(?:defined\s+as|calculated\s+as|computed\s+as)"
# "… ratio is defined as: cash from operations / total current liabilities", "A divided by B"
_DEFINED = re.compile(
    r"(?:" + _INTRO + r"|define\s+[^.?]{0,60}?\s+as)\s*:?\s*(?:the\s+)?"
    r"(?P<top>[^.?;/]{3,160}?)\s*(?:/|\b" + _DIVIDED + r"\b)\s*(?:the\s+)?(?P<bottom>[^.?;/]{3,80})",
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
    r"\(\s*(?:i\.\s?e\.,?\s*|that\s+is,?\s*|d\.\s?h\.\s*)?(?:the\s+|der\s+|die\s+|das\s+)?(?P<top>[^()/;]{3,80}?)\s+"
    + _DIVIDED
    + r"\s+"
    r"(?:the\s+)?(?P<bottom>[^()/;]{3,80}?)\s*\)",
    re.IGNORECASE,
)
# "capital expenditures as a percentage of total operating revenues in 2022", "Investitionsausgaben
# im Verhältnis zum Umsatz": a ratio named by its two inputs. ("Operating income relative to revenue"
# is left to the metric nearest by meaning: operating margin, named as such.)
_SHARE_OF = re.compile(
    r"(?P<top>[^.?;/]{3,120}?)\s+(?:as\s+(?:a\s+)?(?:percent(?:age)?|share|proportion|fraction|multiple)\s+of"
    r"|as\s+(?:a\s+)?%\s+of|im\s+verhältnis\s+zu[mr]?|in\s+prozent\s+(?:des|der|vom|von))"
    r"\s+(?:the\s+|its\s+|their\s+|des\s+|der\s+|dem\s+)?(?P<bottom>[^.?;/()]{3,80}?)"
    r"(?=\s+(?:in|for|during|at|as\s+of|over|from|between|im|in|für|von|zum|am)\s|\s*[.?;,(]|\s*$)",
    re.IGNORECASE,
)
# "What share of Widget Works' total gross merchandise volume came from international markets?", "What
# percentage of revenue did services account for?", "… of its orders was international?": the same
# ratio, asked from its whole.
_SHARE_OF_WHOLE = re.compile(
    r"\b(?:what|which)\s+(?:share|percentage|percent|proportion|portion|fraction)\s+of\s+(?:the\s+)?"
    r"(?:[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*['’]s?\s+)?(?P<bottom>[^.?;,()]{3,80}?)"
    r"(?:\s+(?:in|for|during)\s+(?:[^.?;,]|,\s*(?=\d{4}))"
    r"{2,40}?)?\s+(?:came\s+from|come\s+from|was\s+from|were\s+from"
    r"|(?:was|were)\s+(?:generated|earned|derived)\s+(?:by|from|in)|(?:was|were|is|are)(?:\s+(?:from|spent\s+on|attributable\s+to))?(?=\s+[^.?;,()]{3,})"
    r"|did\s+(?P<subject>[^.?;,]{3,80}?)\s+"
    r"(?:account\s+for|make\s+up|represent))\s*(?P<top>[^.?;,()]{0,80}?)(?=\s+(?:in|for|during)\s|\s*[.?;,(]|\s*$)",
    re.IGNORECASE,
)
# Where the question's asking ends and the first input begins: "What were X's capital expenditures",
# "Wie hoch waren die Investitionsausgaben".
_ASKING = re.compile(
    r"['’]s?\s+|\b(?:was|were|is|are|did|does|do|compute|calculate|what|the|war|waren|ist|sind|betrug|betrugen"
    r"|die|der|das|den)\s+",
    re.IGNORECASE,
)
# …and where it goes on to whose and when: "… von Quillstone im Geschäftsjahr 2023", "… in fiscal 2022".
_QUALIFIED = re.compile(r"\s+(?:in|for|during|at|von|im|für|des)\s+.*$", re.IGNORECASE)
_GLOSS = re.compile(r"\(([A-Za-z][A-Za-z ,&-]{2,60})\)")
_EXPENSE = re.compile(r"\b(?:expenses?|costs?)\b", re.IGNORECASE)
_PLUS = re.compile(r"\s*\+\s*|\s+plus\s+", re.IGNORECASE)
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


# The calculator asks twice per question (does it want tables, which metric): read the question once.
@lru_cache(maxsize=256)
def definition(question: Question) -> Metric | None:
    """A ratio the question defines itself: "… defined as: cash from operations / total current
    liabilities" is computed from those two items, found by meaning; or a sum or difference."""
    summed = _sum_definition(question)
    if summed is not None:
        return summed
    match = _DEFINED.search(question.core)
    aside = _ASIDE_RATIO.search(question.text) if match is None else None
    if match is None and aside is None:
        return _share_of(question)
    found = match or aside
    assert found is not None
    top, bottom = (_side(found.group(side)) for side in ("top", "bottom"))
    if top is None or bottom is None or top[0] == bottom[0]:
        return None
    if match is not None:
        title = _title(question.core[: match.start()])
    else:  # the aside names the inputs, not the ratio: they are its name
        title = f"{found.group('top').strip()} / {found.group('bottom').strip()}"
    name = re.sub(r"\s+(?:is|are)$|^(?:the|a)\s+", "", title, flags=re.IGNORECASE).strip() or "Ratio"
    try:
        formula = parse(f"{top[0]} / {bottom[0]}")
    except FormulaError:
        return None
    shown = "percent" if _AS_PERCENT.search(question.text) else "ratio"
    terms = (*top[1], *bottom[1])
    return Metric("defined", {"en": name[:1].upper() + name[1:]}, formula, shown, {}, generic=False, terms=terms)


def _title(before: str) -> str:
    """The metric's name from the words before its definition: "What was X's quick ratio at April 1,
    2023, computed as …" and "… for X? Operating cash flow ratio is defined as …" name it."""
    title = re.split(r"[?.]\s", before.strip(" ,:"))[-1]
    title = re.sub(r"\s+(?:is|are)$", "", title.strip(" ,:"), flags=re.IGNORECASE)
    title = re.sub(r"\s+(?:at|as\s+of|in|for|on)\s+.*$", "", title)
    return _ASKING_HEAD.sub("", title).strip(" ,:") or "Ratio"


def _side(words: str) -> tuple[str, tuple[tuple[str, str], ...]] | None:
    """One side of a defined ratio as a formula, with the question's words for each input: an item
    ("net income"), or a sum in brackets ("(cash and cash equivalents + short-term investments +
    accounts receivable, net)"). A cash outflow named as an amount ("payments for dividends") is
    printed in parentheses on the cash flow statement: the ratio asked is of its size."""
    inner = words.strip()
    if inner.startswith("(") and inner.endswith(")"):
        inner = inner[1:-1]
    parts = _PLUS.split(inner)
    terms = [term.strip() for term in parts] if len(parts) > 1 else [words]
    names = [_item_name(term) for term in terms]
    if not all(names) or len(set(names)) < len(names):
        return None
    sized = [f"abs({name})" if _sized(term) else name for term, name in zip(terms, names, strict=True)]
    if len(sized) == 1:
        return sized[0], ()
    return "(" + " + ".join(sized) + ")", tuple(zip(names, terms, strict=True))


def _share_of(question: Question) -> Metric | None:
    """ "A as a percentage of B" (or "as a share of", "im Verhältnis zum"): A / B, shown as a percent
    where a share is asked, each input found by meaning like any line item."""
    whole = _SHARE_OF_WHOLE.search(question.core)
    found = _SHARE_OF.search(question.core) if whole is None else whole
    if found is None:
        return None
    top = _ASKING.split(found.group("top"))[-1] if whole is None else whole.group("subject") or whole.group("top")
    if any(cue_at(metric, top) for metric in catalogue().metrics if metric.generic):
        return None  # "the three-year average of cost of goods sold as a % of revenue": not one year's ratio
    gloss = _GLOSS.search(top)  # "Investitionsausgaben (capital expenditures)": the English words
    words = [gloss.group(1) if gloss else _QUALIFIED.sub("", top), found.group("bottom")]
    top_name, bottom_name = (_item_name(side) for side in words)
    if not top_name or not bottom_name or top_name == bottom_name:
        return None
    sized = f"abs({top_name})" if _sized(words[0]) else top_name
    try:
        formula = parse(f"{sized} / {bottom_name}")
    except FormulaError:
        return None
    words = [side.strip() for side in words]
    name = f"{words[0]} / {words[1]}"
    if question.language != "en":
        # The inputs are looked up in English words: a side without any is no formula to compute
        # (the question is then answered by its rows). A compound of known words is split for them.
        words = [split(side) for side in words]
        if not all(expand(side).english or concepts(side)[1] for side in words):
            return None
    shown = "percent" if _AS_PERCENT.search(question.text) or "%" in found.group(0) else "ratio"
    terms = ((top_name, words[0]), (bottom_name, words[1]))
    return Metric("defined", {"en": name[:1].upper() + name[1:]}, formula, shown, {}, generic=False, terms=terms)


def _sized(term: str) -> bool:
    """Is the input an outflow or an expense, which statements often print in parentheses ("Interest
    expense (694)", "Purchases of property and equipment (1,577)")? A ratio of it is of its size."""
    named = " ".join(phrase for token in concepts(term)[1] for phrase in concept_phrases(token))
    return bool(_OUTFLOW.match(term) or _EXPENSE.search(f"{term} {expand(term).english} {named}"))


def _item_name(words: str) -> str:
    """ "total current liabilities" -> "total_current_liabilities" (a name the formula can hold)."""
    cleaned = re.sub(r"\([^)]*\)|[^A-Za-z ]+", " ", words).strip().lower()
    return "_".join(cleaned.split()[:8])
