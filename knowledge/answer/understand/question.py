"""What a question asks for, apart from how it is phrased.

The kind of answer (a figure, a date, a cause, a move of the share price, a comparison, a list of
names, a forecast, an overview) decides which sentences can answer it; the focus terms are what
an answering sentence must be about (the company's names do not count: every passage has them).

The words and phrases it goes by, per language, are in `knowledge/text/language/<code>.toml`
(`[question]`): move words, greetings, question kinds, the words that only frame a question.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from knowledge.answer.understand.query import strip_instructions, years
from knowledge.index.statements import hints, line_items
from knowledge.market.when import asked, month_numbers
from knowledge.text import compounds
from knowledge.text.companies import Companies
from knowledge.text.concepts import concept_words, concepts, inputs_of, plain_names
from knowledge.text.lexicon import equivalents
from knowledge.text.terms import terms
from knowledge.text.wording import cues, everywhere, languages, table, words


def _kinds(key: str) -> tuple[str, ...]:
    """One kind's patterns from every language file."""
    return tuple(pattern for code in languages() for pattern in table("question", code).get("kinds", {}).get(key, []))


def _patterns(key: str) -> re.Pattern[str]:
    """One of the phrase patterns of every language file ([question.patterns]), in any case."""
    found = [pattern for code in languages() for pattern in table("question", code).get("patterns", {}).get(key, [])]
    return re.compile("|".join(found) or r"(?!)", re.IGNORECASE)


def _stems(key: str) -> frozenset[str]:
    """A word list of every language file, stemmed in its language and, since a question's words
    are also looked up as English ("States" in a German question), in English."""
    stems: set[str] = set()
    for code in languages():
        listed = str(table("question", code).get("words", {}).get(key, ""))
        stems.update(terms(listed, code) + terms(listed, "en"))
    return frozenset(stems)


# The move words of every language, from the language files ("fall*": every word it begins).
_WHY = cues(everywhere("question", "why"))
_DOWN = cues(everywhere("question", "down"))
_UP = cues(everywhere("question", "up"))
_MOVED = cues(everywhere("question", "moved"))
_MOVE_WORDS = rf"(?:{_DOWN.pattern}|{_UP.pattern}|{_MOVED.pattern})"
# Other ways to ask about a move ("how did X trade"): what they match says nothing of the subject.
_MOVE_ASKED = re.compile("|".join(everywhere("question", "move_patterns")), re.IGNORECASE)
# A why-word and a move word, in either order ("Alibaba down again - why?").
_MOVE = re.compile(
    rf"(?:{_WHY.pattern}).*{_MOVE_WORDS}|{_MOVE_WORDS}.*(?:{_WHY.pattern})|{_MOVE_ASKED.pattern}", re.IGNORECASE
)
# The kinds in the order they are tried: a leading "why" first, a "why" anywhere after figures.
_KIND_ORDER = (
    ("cause", "cause_leading"),
    ("forecast", "forecast"),
    ("date", "date"),
    ("figure", "figure"),
    ("cause", "cause"),
    ("comparison", "comparison"),
    ("list", "list"),
)
MONTHS = month_numbers()
MONTH_NAMES = tuple(name for name in MONTHS if len(name) > 3)
# Greetings and questions about the bot, with their courtesies: answered with the help text.
_HELP = cues(
    everywhere("question", "greetings") + everywhere("question", "help_requests") + everywhere("question", "courtesy")
)
_KIND_PATTERNS = tuple(
    (kind, re.compile("|".join(_kinds(key)), re.IGNORECASE)) for kind, key in _KIND_ORDER if _kinds(key)
)
# Words that say how to ask, not what about: no sentence needs to contain them. The months too.
_ASKING = _stems("asking") | frozenset(terms(" ".join(MONTH_NAMES), "en") + terms(" ".join(MONTH_NAMES), "de"))
_STATEMENT_NAME = _patterns("statement_names")
_ACRONYM = re.compile(r"[A-Z]{2,}s?")  # "EBIT", "EBITDAR", "ROAs"
# A run of capitalised words inside a sentence (after a word or a comma, not after a full stop).
_CAPITALISED_RUN = re.compile(r"(?<=[\w,;)'’]\s)([A-Z][a-z][\w&-]*(?:\s+(?:[A-Z][\w&-]*|of|and|&))*)")
QUARTER = _patterns("quarter")
_MONTHS = _patterns("spans")
_AS_A_RESULT = _patterns("connectives")
# "Kenvue (formerly Consumer Health business segment)", "Block (formerly known as Square)": an aside
# that helps find the source, but no answering sentence need repeat it.
_PARENTHESES = re.compile(r"\([^()]*\)")
# "Quillstone Holdings Inc.": the words of a legal form run on from a name; "Quillstone Cloud" names a part.
_LEGAL_FORMS = "|".join(re.escape(form) for form in everywhere("question", "legal_forms"))
_TERSE_WORDS = 6  # "Quillstone FY2023 capex?": a company, a period and a line item ask for its figure
# With a line item named, these say what to compute from its figures ("Has the company reduced its
# long-term debt?": the row's two years answer which way it went); the rows answer without them.
_COMPUTING = _stems("computing")
# With a line item named, these only link the company to it ("How much did Nike pay in dividends?").
_LINKING = _stems("linking")
# The country, not the pronoun "us", nor the currency ("US-Dollar", "US dollars": a unit, never a topic).
_US = re.compile(r"\bU\.?S\.?(?=[\s'-]|$)(?![\s-]*[Dd]ollars?\b)")
_STOCK = _patterns("stock")
_COUNT = _patterns("count")
_VALUE = _patterns("value")
_LARGEST = _patterns("largest")
_SMALLEST = _patterns("smallest")
_RATES = _patterns("rates")
_ENUMERATION = _patterns("enumeration")
_PRONOUN_ONLY = _patterns("pronoun_only")


@dataclass(frozen=True)
class Question:
    """A question understood: its language, companies, kind, direction and focus."""

    text: str
    core: str
    language: str
    tickers: tuple[str, ...]
    kind: str  # move, figure, date, cause, comparison, list, forecast, overview, help, other
    direction: int = 0  # asked "down" (-1), "up" (1), or neither (0)
    focus: tuple[frozenset[str], ...] = field(default_factory=tuple)  # each: equivalent stems, one needed
    years: tuple[int, ...] = ()
    subjects: frozenset[str] = frozenset()
    months: frozenset[int] = frozenset()  # months the question names: an answer about them comes first
    inputs: frozenset[str] = frozenset()  # line items the asked metric is computed from (concept tokens)
    extreme: int = 0  # asks for the largest (1) or smallest (-1) entry of a table
    # Names besides the company's that the question asks about ("in India", "the Orbit Rewards plan"):
    # each a group of stems, one of which an answer must mention, or it answers another question.
    specifics: tuple[frozenset[str], ...] = ()
    # Names of a measure among them ("Adjusted EBIT", "Highest EBITDAR Contribution": title-cased
    # around an acronym): a page may word the measure otherwise, so they are looked for loosely.
    measures: tuple[frozenset[str], ...] = ()

    @property
    def needs_figure(self) -> bool:
        return self.kind in ("figure", "forecast")

    @property
    def line_item_names(self) -> list[str]:
        """The plain names of the line items asked for ("SG&A": "selling general and administrative"),
        for searches and comparisons by meaning that an abbreviation or a company's wording would miss."""
        named = sorted(token for group in self.focus for token in group if token.endswith("concept"))
        return list(dict.fromkeys(phrase for token in named for phrase in plain_names(token) if phrase))

    def specifics_in(self, text: str, *, whole: bool = False) -> bool:
        """Does the text mention every name the question asks about besides the company's (with
        `whole`, each in all its words: "Net Promoter Score" is not named by "net revenues")?"""
        if not self.specifics:
            return True
        said = set(terms(text, "en"))
        return all(group <= said if whole else group & said for group in self.specifics)

    def measures_in(self, text: str) -> bool:
        """Does the text mention a word of every measure the question names?"""
        if not self.measures:
            return True
        said = set(terms(text, "en"))
        return all(group & said for group in self.measures)


def understand(
    text: str, language: str, companies: Companies, tickers: tuple[str, ...] | None = None, names_row: bool = False
) -> Question:
    """Read a question; `tickers` overrides the companies it names (a follow-up inherits them);
    `names_row`: the text names a row of the company's tables (an abbreviation spelled out by one)."""
    core = strip_instructions(text)
    if language == "de":
        core = compounds.split(core)  # "Umsatzwachstum": the revenue's growth, asked in one word
    named = tickers if tickers is not None else companies.find_loosely(core)
    if not named and asks_for_help(core):
        return Question(text, core, _greeted_in(core, language), (), "help")
    kind = _kind(core, bool(named))
    if kind == "overview" and bare_move(core, companies):
        kind = "move"
    # Only the names as written leave the focus: "Alibaba Cloud" is an alias, but in "Alibaba's
    # cloud business" the cloud is what is asked about. A name with a typo is a name too.
    names = frozenset(stem for name in companies.mentions_loosely(core) for stem in terms(name, "en"))
    direction, asking = 0, core
    if kind == "move":
        # The move's words and its date ("fiel", "on 16 Dec", "seit den Zahlen") say how it moved
        # and when, not what about: what is left is the move's subject, if it is not the share.
        asking = _blank(core, [_MOVE_ASKED, _WHY, _DOWN, _UP, _MOVED], asked(core, date.today()).said)
        if _focus(asking, language, names) and not _STOCK.search(core):
            kind, asking = "cause", core  # "why are Alibaba's margins under pressure?": about the margins
    if kind == "move":
        direction = -1 if _DOWN.search(core) else 1 if _UP.search(core) else 0
    subjects = frozenset() if named else _unknown_names(core, language)
    focus = _focus(asking, language, names | subjects)
    months = frozenset(number for name, number in MONTHS.items() if re.search(rf"\b{name}\b", core, re.IGNORECASE))
    inputs = inputs_of(frozenset(token for group in focus for token in group))
    terse = len(core.split()) <= _TERSE_WORDS
    # "What did Quillstone report as acquisitions in its cash flow statement?": a statement's row.
    from_statement = bool(hints(core).named)
    if kind in ("overview", "other") and (
        inputs or from_statement or names_row or (_names_line_item(focus) and (_VALUE.search(core) or terse))
    ):
        # "Does Quillstone have an improving operating margin?": its inputs' figures answer; "What was
        # Quillstone's SG&A in 2023?" and "Quillstone Q2 2023 D&A?": the statement's row does.
        kind = "figure"
    asked_for = (kind, direction, focus, years(core), subjects, months, inputs, _extreme(core))
    specifics, measures = _specifics(core, companies) if language == "en" else ((), ())
    if not named:
        # The company is a name no table knows (its words are the subjects, looked for apart): only
        # the names a lexicon knows ("China") are parts asked.
        specifics = tuple(known for group in specifics if (known := group - subjects))
        measures = tuple(known for group in measures if (known := group - subjects))
    return Question(text, core, language, tuple(named), *asked_for, specifics, measures)


def _specifics(core: str, companies: Companies) -> tuple[tuple[frozenset[str], ...], tuple[frozenset[str], ...]]:
    """Runs of capitalised words inside an English question that do not name the company (with a
    legal form run on from its name: "Quillstone Holdings Inc."): "India", "Orbit Rewards",
    "Quillstone Cloud Services"; apart from them, those that name a measure (an acronym among the
    words, "Adjusted EBIT"). German capitalises every noun, so only English questions are read so."""
    measured = [run for run in _CAPITALISED_RUN.findall(core) if any(map(_ACRONYM.fullmatch, run.split()))]
    # An aside ("formerly Consumer Health") and a statement's name ("its Balance Sheet") are no part asked.
    text = _STATEMENT_NAME.sub(" ", _PARENTHESES.sub(" ", concepts(core)[0]))
    for name in companies.mentions_loosely(text):
        named = rf"{re.escape(name)}(?:['’]s)?(?:,?\s+(?:{_LEGAL_FORMS}))*(?![\w&])"
        text = re.sub(named, " ", text, flags=re.IGNORECASE)
    text = " ".join(text.split())  # a name taken out leaves no gap that would hide the words after it
    # A name the lexicon knows ("China", "Europe") is as much a part asked as one it does not.
    runs = [(run, stems) for run in _CAPITALISED_RUN.findall(text) if (stems := _named_part(run))]
    measure = {run for run, _ in runs if any(run in whole for whole in measured)}
    return (
        tuple(stems for run, stems in runs if run not in measure),
        tuple(stems for run, stems in runs if run in measure),
    )


def _named_part(run: str) -> frozenset[str]:
    """The run's words no lexicon knows ("Epic" of "Epic Games"), else its known ones ("China")."""
    worded = " ".join(word for word in run.split() if not any(char.isdigit() for char in word))  # not "FY24"
    return _unknown(worded, "en") or frozenset(stem for stem in terms(worded, "en") if stem not in _ASKING)


def asks_count(core: str) -> bool:
    """Does the question ask how many things ("How many iPhones …", "Stückzahl"), not how much money?"""
    return bool(_COUNT.search(core))


def speaks_of_share(core: str) -> bool:
    """Does the question speak of a share ("stock", "shares", "Aktie")?"""
    return bool(_STOCK.search(core))


def asks_for_help(core: str) -> bool:
    """ "hi", "Hallo!", "what can you do?": a greeting or a question about the bot, nothing else."""
    rest = _HELP.sub(" ", core)
    return rest != core and not re.search(r"[^\W_]", rest)


def _greeted_in(core: str, language: str) -> str:
    """The language a greeting is in ("hallo"), when only one language's words say it ("hi": any)."""
    spoken = [
        code
        for code in languages()
        if cues(words("question", "greetings", code) + words("question", "help_requests", code)).search(core)
    ]
    return spoken[0] if len(spoken) == 1 else language


def new_subject(core: str, language: str, known: Callable[[str], bool]) -> bool:
    """Names something neither the company table nor the sources know ("Why is Rheinmetall stock
    down?"): a question of its own, never a follow-up to the last company. A capitalised word the
    sources know ("Und die Marge?": German nouns are capitalised) is no new subject."""
    return any(not known(stem) for stem in _unknown_names(core, language))


def _blank(core: str, patterns: list[re.Pattern[str]], *phrases: str) -> str:
    for pattern in patterns:
        core = pattern.sub(" ", core)
    for phrase in phrases:
        core = core.replace(phrase, " ") if phrase else core
    return core


def bare_move(core: str, companies: Companies) -> bool:
    """ "Alibaba down?", "BABA Aktie fällt heute": a company and a move word, and nothing else asked
    (the share and the day may be named); no why-word is needed when nothing else is there."""
    if not re.search(_MOVE_WORDS, core, re.IGNORECASE):
        return False
    rest = _blank(core, [_STOCK, _DOWN, _UP, _MOVED], asked(core, date.today()).said, *companies.mentions_loosely(core))
    return not re.search(r"[^\W\d_]", rest)


def _extreme(core: str) -> int:
    """Largest (1), smallest (-1), or neither (0): whichever superlative comes first."""
    if _RATES.search(core) or _ENUMERATION.search(core):
        return 0
    largest, smallest = _LARGEST.search(core), _SMALLEST.search(core)
    if largest and (not smallest or largest.start() < smallest.start()):
        return 1
    return -1 if smallest else 0


def _unknown_names(core: str, language: str) -> frozenset[str]:
    """Capitalised words inside a question that no lexicon knows: probably a company we have no
    alias for. A source that answers must name it; it need not be in the answering sentence."""
    words = re.findall(r"(?<=\s)([A-Z][a-z][\w&-]*)", concepts(core)[0])
    return _unknown(" ".join(words), language)


def _unknown(text: str, language: str) -> frozenset[str]:
    """The text's stems that neither ask nor are known to the lexicon."""
    stems = terms(text, language)
    return frozenset(stem for stem in stems if stem not in _ASKING and len(equivalents(stem, language)) == 1)


def _kind(core: str, names_company: bool) -> str:
    if names_company and _MOVE.search(core):
        return "move"
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(core):
            return kind
    return "overview" if names_company else "other"


def _names_line_item(focus: tuple[frozenset[str], ...]) -> bool:
    """Does the question ask about one line item a primary statement lists, and nothing besides?"""
    return len(focus) == 1 and bool(focus[0] & line_items())


def _focus(core: str, language: str, names: frozenset[str]) -> tuple[frozenset[str], ...]:
    """The question's concepts and content terms, each term with its equivalents in either language."""
    plain = _AS_A_RESULT.sub(" ", _STATEMENT_NAME.sub(" ", _US.sub("United States", _PARENTHESES.sub(" ", core))))
    plain = _MONTHS.sub(" ", QUARTER.sub(" ", plain))
    text, named_concepts = concepts(plain)
    # A concept's own words left over ("cash flow from operating activities" matched as "cash flow
    # from operati…") are the concept, not another thing to find.
    spelled = concept_words(named_concepts) | (_COMPUTING | _LINKING if named_concepts else frozenset())
    # The same words stemmed as English too: a German question's "States" or "Robotaxi" must meet
    # the English sources' stems ("state", not the German "stat").
    english = terms(text, "en") if language != "en" else terms(text, language)
    pairs = [
        (stem, also)
        for stem, also in zip(terms(text, language), english, strict=True)
        if stem not in _ASKING
        and also not in _ASKING
        and not {stem, also} & names
        and not {stem, also} & spelled
        and not stem.isdigit()
        and len(stem) > 1
    ]  # years are checked on their own
    if all({stem, also} & _LINKING for stem, also in pairs):
        pairs = []  # "What did Apple report?": the verb links the company to whatever it reported
    groups = [frozenset({concept}) for concept in sorted(named_concepts)]
    stemmed = {stem: equivalents(stem, language) | {also} for stem, also in pairs}
    return tuple(dict.fromkeys([*groups, *stemmed.values()]))


def is_bare_follow_up(question: str) -> bool:
    """ "and JD?", "what about its margins?", "Und die Marge?": short, leaning on what was asked before."""
    return len(question.split()) <= 6 and bool(_PRONOUN_ONLY.search(question) or len(question.split()) <= 3)
