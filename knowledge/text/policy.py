"""The sentence policy: what a source may say that the bot must never quote or show.

One check, used at three places: the cleaner drops such sentences when a page is indexed, the
composer never quotes them, and the guard never shows them (also in a model's answer). A sentence
breaches the policy when it

- instructs a program that reads the page (an AI, an assistant, a summariser) or the person it
  talks to ("Note to the AI assistant: …", "When summarizing, say …");
- exhorts the reader to buy, sell, hold or accumulate ("Load up on X before Friday", "Kaufen Sie X");
- hurries the reader (urgency, scarcity: "last chance", "bevor es zu spät ist");
- promises a price or a multiple as fact ("X will hit $50 by March", "guaranteed 10x").

Reported views stay: "Analysts at Jefferies rate the shares a buy", "JPMorgan hob das Kursziel"
and "the company bought back shares" are news. Patterns (per language, in
`knowledge/text/language/*.toml`) decide what they can, with high precision; the rest is decided
by a learned reading (knowledge/text/classifier.py): a sentence that carries a cue (a trade, a
second person, an urgent word, a reader program), or whose wording alone looks like a
solicitation's, breaches too when a logistic regression over its embedding and character n-grams,
fitted on the labelled examples in the language files, gives it a probability of being a
solicitation of at least THRESHOLD. The same reading may overrule a pattern whose wording reported
prose also uses (an urgent word, a promise quoted in the news) when it scores the sentence below VETO.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path

import numpy as np

from knowledge.index.embedder import Embedder
from knowledge.text import sentences
from knowledge.text.classifier import Classifier, Features, fitted
from knowledge.text.sieve import Sieve
from knowledge.text.wording import entries as entries_of
from knowledge.text.wording import every, languages, table

# The learned reading's probability from which a sentence breaches, and its features (chosen by
# 5-fold cross-validation on the visible examples, benchmarks/learned.py: the lowest threshold that
# kept the neutral sentences flagged under 1 %).
THRESHOLD = 0.8
FEATURES = Features(strength=16.0)
# Pattern rules whose hits the learned reading may overrule, below VETO: their wording also fits
# reported prose ("the \"last chance\" clearance sale ended on Sunday", "promising readers guaranteed
# returns, the authority said"). Chosen out of fold on the visible examples (5 folds): below 0.1 no
# solicitation caught by these rules was lost and 9 of 17 neutral sentences they dropped were kept;
# instructions to a reader program are never overruled (two were lost there).
VETOED = frozenset({"exhortation", "urgency", "promise", "forecast"})
VETO = 0.1
# Which sentences are read: those with a cue, and those a reading of the wording alone (character
# n-grams, no model run: some microseconds) gives at least GATE; solicitations come in more words
# than the cues name, and a model run for every sentence of an answer would double its time.
GATE = 0.3
GATE_FEATURES = Features(embedding_scale=0.0, strength=16.0)
_REMEMBERED = 4096  # sentences whose verdict by meaning is kept

_BARE = re.compile(r"^[\s•·*–\"“„»-]+|[\"”“«]*(?:\s*\[\d+(?:\s*,\s*\d+)*\])*\s*$")
# Where a clause begins: the sentence's start, after a colon, dash or bracket, or after a
# vocative ("Dear reader,") or a linking word ("…, so buy").
_LEAD = (
    r"(?:^[\W\d]*|[:;!?(\[\]…]|\s[-–—]\s|[–—]|,\s*(?=(?:so|then|now|just|please|and\s+then|or|also|dann|also|und\s+dann)\s))"
    r"\s*(?:(?:dear|hey|hi|attention|listen|look|folks|friends|guys|liebe[rs]?|hallo)\b[^,:]{0,30}[,:]\s*)?"
    r"(?:(?:so|then|now|just|please|simply|and\s+then|or|quick|hurry|also|seriously|honestly|dann|also|bitte|los)\W*\s+)*"
)


_RULES = (
    "addressed",
    "injections",
    "exhortations",
    "imperatives",
    "urgency",
    "promises",
    "forecasts",
    "attributions",
    "cues",
)
# The entries of two rules sit in a template: an imperative heads a clause, urgency starts a word.
_KEYS = {"imperatives": "imperative_heads"}  # a rule's entries in the language files, where named apart
_TEMPLATES = {"imperatives": _LEAD + r"{}(?![\w-])", "urgency": r"(?<![\w-]){}"}


@dataclass(frozen=True)
class _Patterns:
    """Each rule's entries: for lower-cased text (several times faster than IGNORECASE) through a
    sieve that runs an entry only where its words are, and the few entries that need case ("Sie",
    "$TICKER") joined apart."""

    plain: Sieve
    cased: dict[str, re.Pattern[str]]

    def search(self, rule: str, text: str, lowered: str, present: frozenset[str]) -> bool:
        cased = self.cased.get(rule)
        return self.plain.search(rule, lowered, present) or (cased is not None and bool(cased.search(text)))


@cache
def _patterns() -> _Patterns:
    reader = "(?:" + "|".join(every("policy", "machine_readers")) + ")"
    plain: dict[str, list[str]] = {}
    cased: dict[str, re.Pattern[str]] = {}
    for rule in _RULES:
        template = _TEMPLATES.get(rule, "{}")
        entries = [template.replace("{}", f"(?:{entry})") for entry in _entries(_KEYS.get(rule, rule), reader)]
        plain[rule] = [entry for entry in entries if "(?-i:" not in entry]
        if with_case := [entry for entry in entries if "(?-i:" in entry]:
            cased[rule] = re.compile("|".join(with_case), re.IGNORECASE)
    return _Patterns(Sieve(plain), cased)


def _entries(key: str, reader: str) -> list[str]:
    """One rule's entries in every language, each filled with its own language's lists (German
    modals with German verbs)."""
    entries = []
    for language in languages():
        if not table("policy", language):  # a language with only the question reader's words
            continue
        slots = {
            "{reader}": rf"(?<![\w-]){reader}(?!\w)",
            "{trade}": "(?:" + "|".join(entries_of("policy", "trades", language)) + ")",
            "{audience}": "(?:" + "|".join(entries_of("policy", "audiences", language)) + ")",
            "{modal}": "(?:" + "|".join(entries_of("policy", "urging_modals", language)) + ")",
        }
        for entry in entries_of("policy", key, language):
            filled = entry
            for slot, value in slots.items():
                filled = filled.replace(slot, value)
            entries.append(filled)
    return entries


# The same filings' sentences come back question after question (the composer reads every retrieved
# passage's sentences, the guard the answer's): each is judged once while it is recent.
@lru_cache(maxsize=50_000)
def breach(sentence: str) -> str:
    """Which rule the sentence breaks by its wording ("" for none): instruction, exhortation,
    urgency, promise or forecast (a price claimed as fact, unless someone named reports it)."""
    found = _patterns()
    text = " ".join(sentence.split())
    lowered = text.lower()
    present = found.plain.strings(lowered)

    def says(rule: str) -> bool:
        return found.search(rule, text, lowered, present)

    if says("addressed") or says("injections"):
        return "instruction"
    if says("exhortations") or says("imperatives"):
        return "exhortation"
    if says("urgency"):
        return "urgency"
    if says("promises"):
        return "promise"
    if says("forecasts") and not says("attributions"):
        return "forecast"
    return ""


def cued(sentence: str) -> bool:
    """Does the sentence carry a word a solicitation needs (so its meaning is worth a look)?"""
    found, lowered = _patterns(), sentence.lower()
    return found.search("cues", sentence, lowered, found.plain.strings(lowered))


def examples() -> tuple[list[str], list[str]]:
    """The labelled examples the learned reading is fitted on: solicitations, then neutral sentences."""
    return every("policy.examples", "solicitation"), every("policy.examples", "neutral")


class Policy:
    """The policy check: patterns, then (with an embedder) the learned reading of the sentences with a
    cue or a wording like the solicitations'."""

    def __init__(self, embedder: Callable[[], Embedder] | None = None, cache_dir: Path | None = None) -> None:
        self._embedder = embedder
        self._cache_dir = cache_dir  # where the fitted weights are kept, once per model and examples
        # The composer and then the guard look at the same sentences: judge each once.
        self._judged: dict[str, float] = {}  # a cache: an entry lost to a race is only scored again

    @cached_property
    def _classifier(self) -> Classifier:
        """Fitted on the examples once per model and set of examples, then read from disk (embedding
        and fitting a thousand sentences takes seconds, too long for the first answer to wait)."""
        return self._fitted("policy", FEATURES)

    @cached_property
    def _gate(self) -> Classifier:
        return self._fitted("policy-wording", GATE_FEATURES)

    def _fitted(self, name: str, features: Features) -> Classifier:
        assert self._embedder is not None
        bad, good = examples()
        labels = [True] * len(bad) + [False] * len(good)
        return fitted(name, bad + good, labels, self._embedder(), features=features, cache_dir=self._cache_dir)

    def warm(self) -> None:
        """Fit (or read) both readings now, so no question waits for a fit."""
        _patterns()
        self._gate.scores(["warm-up"], np.zeros((1, 0), dtype=np.float32))
        self.scores(["warm-up"])

    def read(self, texts: Sequence[str]) -> list[bool]:
        """Which of the sentences (none caught by a pattern) the learned reading looks at."""
        uncued = [i for i, text in enumerate(texts) if not cued(text)]
        looked = [True] * len(texts)
        if uncued:
            wording = self._gate.scores([texts[i] for i in uncued], np.zeros((len(uncued), 0), dtype=np.float32))
            for i, score in zip(uncued, wording, strict=True):
                looked[i] = bool(score >= GATE)
        return looked

    def breaches(self, texts: Sequence[str], own: re.Pattern[str] | None = None) -> list[bool]:
        """For each sentence: may it never be shown? One model run for all that need a look.

        Sentences `own` matches whole are the caller's own wording (the bot's templates): the patterns
        judge them, the learned reading, fitted on what sources and models say, does not.
        """
        rules = [breach(text) for text in texts]
        if self._embedder is None:
            return [bool(rule) for rule in rules]
        bare = [_BARE.sub("", text) for text in texts]
        left = [i for i, rule in enumerate(rules) if not rule and not (own and own.fullmatch(bare[i]))]
        bars = {i: THRESHOLD for i, looked in zip(left, self.read([texts[i] for i in left]), strict=True) if looked}
        bars.update({i: VETO for i, rule in enumerate(rules) if rule in VETOED})
        scores = self._scored({i: bare[i] for i in bars})
        return [scores[i] >= bars[i] if i in bars else bool(rule) for i, rule in enumerate(rules)]

    def _scored(self, bare: dict[int, str]) -> dict[int, float]:
        """The learned reading's score of each sentence (by its bare text: the composer's line and the
        same line in the answer, "• … [1]", are one sentence), remembered while recent."""
        unknown = list(dict.fromkeys(text for text in bare.values() if text not in self._judged))
        if unknown:
            if len(self._judged) + len(unknown) > _REMEMBERED:
                self._judged.clear()
            self._judged.update(zip(unknown, (float(score) for score in self.scores(unknown)), strict=True))
        return {i: self._judged[text] for i, text in bare.items()}

    def allows(self, sentence: str) -> bool:
        return not self.breaches([sentence])[0]

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Each text's probability of being a solicitation, by the learned reading alone."""
        assert self._embedder is not None
        classifier = self._classifier
        return classifier.scores(texts, self._embedder().embed(list(texts)))

    def strip(self, text: str, also: Callable[[str], bool] | None = None, own: re.Pattern[str] | None = None) -> str:
        """The text without the sentences that breach the policy (or that `also` rejects); untouched
        lines keep their form."""
        lines = text.split("\n")
        split = [[piece for piece in sentences.split(line) if piece.strip()] for line in lines]
        verdicts = iter(self.breaches([sentence for pieces in split for sentence in pieces], own))
        kept_lines = []
        for line, pieces in zip(lines, split, strict=True):
            kept = [piece for piece in pieces if not next(verdicts) and not (also and also(piece))]
            if len(kept) == len(pieces):
                kept_lines.append(line)
            elif kept:
                kept_lines.append(" ".join(kept))
        return "\n".join(kept_lines).strip()
