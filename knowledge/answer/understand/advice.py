"""Does a question ask for advice (a buy, sell or hold call, a price target, a view on whether a
stock is cheap, a pick between two, what to do with one's money)?

Two ways to recognise it, either is enough: patterns for the many ways people ask directly and
indirectly, in English and German; and nearness (in the embedding space) to a bank of example
questions, labelled advice or not, which catches phrasings no pattern foresaw.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

import numpy as np

from knowledge.index.embedder import Embedder, Vectors
from knowledge.text.companies import Companies

_BUY = (
    r"(?:buy\w*|sell\w*|hold\w*|invest\w*|short\w*|dump\w*|keep|add|trim|exit|enter|own|pick|get\s+(?:in|out)"
    r"|jump\s+in)"
)
_ADVICE = re.compile(
    rf"\bshould\s+(?:i|we|one|you)\b.*\b(?:{_BUY}|put|wait|load|average|take\s+profits?|cash\s+out|stay)\b"
    r"|\b(?:is|are)\s+\S+(?:\s+\S+)?\s+(?:a\s+)?(?:good|bad|smart|safe|wise|great|solid)\s+(?:buy|investment|time|"
    r"stock|bet|pick|entry|play|long-?term\s+hold)"
    r"|\b(?:is|are)\s+(?:it\s+)?\S+(?:\s+\S+)?\s+a\s+(?:buy|sell|hold|bargain|steal|value\s+trap)\b"
    r"|\bbuy\s+or\s+sell|\bsell\s+or\s+hold|\bhold\s+or\s+sell|\bbuy,\s*sell\s+or\s+hold|\b(?:buy|sell)\s+now\b"
    r"|\bprice\s+target|\btarget\s+price|\bworth\s+(?:buying|investing|owning|holding|it|the\s+risk)"
    r"|\b(?:good|right|best)\s+(?:time|moment|entry|point)\s+to\s+(?:buy|sell|invest|get\s+in|enter|exit)"
    r"|\btoo\s+late\s+to\s+(?:buy|get\s+in|invest|jump|enter|pile)|\btoo\s+early\s+to\s+(?:sell|buy)"
    r"|\ball[- ]in\b|\bmy\s+(?:savings|portfolio|retirement|pension|money|401k|ira|nest\s+egg|bonus|inheritance)"
    r"|\bwhat\s+would\s+you\s+(?:buy|do|pick|choose)|\bwould\s+you\s+(?:buy|sell|hold|own|invest|short)"
    r"|\b(?:pretend|act|imagine)\b.*\b(?:broker|adviser|advisor|analyst|fund\s+manager)"
    r"|\b(?:advis[eo]r|berater\w*|broker|analyst)\b.*\b(?:buy|sell|hold|kaufen|verkaufen|halten|agree|recht)"
    r"|\b(?:do\s+you\s+)?(?:agree|recommend\w*)\b.*\b(?:buy|sell|hold|stock|shares)"
    r"|\bwill\s+\S+(?:\s+\S+)?\s+(?:stock\s+|shares\s+)?(?:go\s+up|rise|recover|rebound|bounce|double|triple|"
    r"crash|moon|go\s+higher|go\s+lower)\b"
    r"|\bhow\s+(?:high|low|far)\s+(?:can|will|could)\b|\bwhere\s+(?:is|will)\s+\S+(?:\s+\S+)?\s+(?:going|headed|trade)"
    r"|\b(?:upside|downside)\s+(?:target|potential)|\bprice\s+prediction|\bpredict\s+the\s+(?:price|stock)"
    r"|\b(?:under|over)valued\b|\b(?:is|are)\s+\S+(?:\s+\S+)?\s+(?:cheap|expensive|overpriced|underpriced)\b"
    r"|\bload\s+up\b|\bpile\s+(?:in|into)\b|\bback\s+up\s+the\s+truck|\bgo\s+(?:long|short)\b"
    r"|\bbuy\s+the\s+dip|\bstrong\s+(?:buy|sell)|\brate\b.*\b(?:buy|sell|hold)\b"
    r"|\b(?:entry|exit)\s+point|\bstop[- ]loss|\btake\s+profits?\b|\baverage\s+down\b"
    r"|\b(?:which|what)\s+(?:stock|one|share|company)\s+(?:should|would|to)\b|\bbetter\s+(?:buy|investment|bet|pick)"
    r"|\b\d+\s*[k€$]\b.*\bor\b|\bor\b.*\b(?:for\s+my|long[- ]term|into\s+my)\b"
    r"|\btell\s+me\s+(?:to|what|which)\b.*\b(?:buy|sell|invest)|\bshould\s+(?:i|we)\s+put\b"
    r"|\bshould\s+(?:a|an|my|our|the\s+average)\b.*\b(?:own|buy|hold|invest|put|go|sell)\b"
    r"|\bwhere\s+(?:is|are|will)\b.*\b(?:head\w*|going|go|end\s+up|trade|be\s+in)\b"
    r"|\b(?:is|are)\s+\S+(?:\s+\S+)?\s+going\s+to\s+(?:crash|rise|recover|rebound|fall|drop|tank|go\s+up|go\s+down|double|"
    r"bounce|climb|soar|collapse)\b|\bcan\s+\S+(?:\s+\S+)?\s+(?:reach|hit|get\s+to|double|triple)\b"
    r"|\ballocation\b|\bposition\s+size|\bportfolio\s+weight|\bwould\s+you\s+(?:suggest|recommend|advise|pick|choose)"
    r"|\bbetter\s+to\s+(?:buy|sell|invest|own|hold)|\bbullish\s+or\s+bearish|\bbearish\s+or\s+bullish"
    r"|\byour\s+(?:call|view|opinion|verdict|pick)\s+on\b|\bdo\s+you\s+like\b.*\b(?:stock|shares?|investment)\b"
    r"|\bbest\s+(?:\S+\s+){0,2}(?:stock|share|investment|pick|buy)s?\b|\bif\s+you\s+had\b|\bdo\s+i\s+(?:buy|sell|hold)\b"
    r"|\bworth\s+it\b|\brather\b.*\bor\b.*\?|\bfair\s+(?:price|value)\b|\bgood\s+deal\b|\bbargain\b"
    # German
    r"|\bsoll(?:te|ten)?\s+(?:ich|man|wir)\b.*\b(?:kaufen|verkaufen|halten|einsteigen|aussteigen|investieren|"
    r"nachkaufen|anlegen|stecken|setzen|zugreifen|warten|rein|raus|abstoßen|loswerden|behalten|verbilligen|umschichten|"
    r"wechseln|tauschen|shorten|realisieren)"
    r"|\bwird\s+sich\s+\S+(?:\s+\S+)?\s+(?:bald\s+|wieder\s+)?erholen|\bein(?:en)?\s+(?:kauf|verkauf)\b"
    r"|\bmagst\s+du\b|\bstürzt\b.*\b(?:weiter|noch)\b|\bweiter\s+(?:fallen|steigen|abstürzen)\b"
    r"|\bbeste[nr]?\s+(?:\S+-)?aktie|\bkann\s+\S+(?:\s+\S+)?\s+\d[\d.,]*\s*(?:dollar|euro|\$|€)"
    r"|\bwürdest\s+du\s+(?:\S+\s+){0,4}(?:vorschlagen|nehmen|kaufen|empfehlen|wählen|verkaufen|halten)"
    r"|\bwenn\s+du\b.*\bhättest|\b(?:kaufe|verkaufe)\s+ich\b|\bes\s+wert\b|\blieber\b.*\boder\b"
    r"|\b(?:jetzt|noch|sofort)\b[^?]*\b(?:kaufen|investieren|einsteigen)\s*\?|\bkaufenswert|\bbullish\b|\bbearish\b"
    r"|\bgute[rn]?\s+(?:kauf|deal|zeitpunkt|wert)\b|\bfaire[rn]?\s+(?:preis|wert)\b"
    r"|\b(?:meiste|größte|most|biggest|highest)\s+(?:potenzial|potential|upside|aufwärtspotenzial)"
    r"|\bbessere?\s+(?:anlage|investition|aktie|wahl|kauf)\b|\b(?:kaufen|verkaufen|halten)\s+sollte\b"
    r"|\bsollte\s+man\b.*\b(?:kaufen|verkaufen|halten|einsteigen)\b|\bgeld\s+zu\s+(?:holen|verdienen|machen)\b"
    r"|\bmoney\s+to\s+be\s+made\b|\bmake\s+money\s+(?:with|on|buying|trading|from)\b"
    r"|\bkaufen\s+oder\s+verkaufen|\bhalten\s+oder\s+verkaufen|\bkursziel|\blohnt\s+sich\b"
    r"|\b(?:macht\s+es\s+sinn|ist\s+es\s+(?:klug|sinnvoll|ratsam|vernünftig|zu\s+spät|zu\s+früh))\b.*"
    r"\b(?:einzusteigen|auszusteigen|nachzukaufen|zu\s+(?:kaufen|verkaufen|investieren|halten))\b"
    r"|\b(?:does\s+it\s+make\s+sense|is\s+it\s+(?:wise|smart|sensible|prudent))\s+to\s+"
    r"(?:buy|sell|invest|get\s+in|add|hold|trim|exit)\b"
    r"|\bgute\s+(?:investition|anlage|kaufgelegenheit|gelegenheit|wahl)|\bjetzt\s+(?:kaufen|einsteigen|verkaufen)"
    r"|\bmein(?:e|en|em)?\s+(?:erspartes|ersparnisse|depot|altersvorsorge|rente|geld|portfolio)"
    r"|\btu\s+so,?\s+als\b|\bzu\s+spät\b.*\b(?:einstieg|einsteigen|einzusteigen|kaufen|zu\s+kaufen)|\bkaufgelegenheit"
    r"|\bwie\s+(?:hoch|weit|tief)\s+(?:kann|könnte|wird)\b.*\b(?:steigen|fallen|sinken|klettern|gehen)\b"
    r"|\bhow\s+(?:high|far|low)\s+(?:can|could|will)\b.*\b(?:go|rise|fall|climb|drop|run)\b"
    r"|\b(?:guter|richtige[rn]?|zum|der)\s+einstieg(?:szeitpunkt)?\b|\beinstiegs(?:chance|zeitpunkt|kurs)"
    r"|\b(?:unter|über)bewertet|\bist\s+\S+(?:\s+\S+)?\s+(?:günstig|billig|teuer|ein\s+schnäppchen|ein\s+kauf)\b"
    r"|\bwird\s+\S+(?:\s+\S+)?\s+(?:wieder\s+)?(?:steigen|sich\s+erholen|fallen|abstürzen|explodieren)\b"
    r"|\bwohin\s+(?:geht|steuert)|\bwas\s+würdest\s+du\b|\bwürdest\s+du\b.*\b(?:kaufen|verkaufen|halten)"
    r"|\bempfiehl\w*|\bempfehl\w*|\bgewinne\s+mitnehmen|\bnachkaufen|\ball[- ]in\b|\bins\s+depot\b"
    r"|\bwelche\s+(?:aktie|von\s+beiden)\b.*\b(?:kaufen|besser|nehmen)"
    # Forecasts of the price asked as yes/no or "where": "Do you think X will go up?", "Steigt X bald wieder?"
    r"|\b(?:think|believe|expect|reckon|guess)\b.*\b(?:will|going\s+to|gonna)\s+(?:go\s+up|go\s+down|rise|fall|drop|"
    r"recover|rebound|bounce|climb|crash|tank|double|moon)\b"
    r"|^\s*(?:steigt|fällt|sinkt|klettert|erholt\s+sich)\b.*\b(?:nächste[nr]?|morgen|bald|wieder|jahr|monat)"
    r"|\bwo\s+(?:steht|stehen)\b.*\b(?:in\s+einem\s+jahr|ende|nächste[nr]?|in\s+\d+|\d{4})\b|\bwo\s+wird\b.*\bstehen\b"
    r"|\bwürdest\s+du\b.*\b(?:stecken|investieren|anlegen|setzen)\b",
    re.IGNORECASE,
)
_BANK = Path(__file__).with_name("advice_examples.json")
NEIGHBOURS = 5
# The advice examples' weighted share among the nearest neighbours. At 0.62, benign questions
# ("Wie viele monatlich aktive Nutzer hat die Qwen-App?" 0.63) crossed it on a CPU whose int8
# kernels differ; the advice phrasings that scored below 0.66 got patterns of their own.
THRESHOLD = 0.66
CLOSE_ENOUGH = 0.55  # nearer than this to no example, a question is like none of them (emoji, noise)


# "What is a price target?", "Was bedeutet unterbewertet?": a term explained, nobody advised.
_DEFINITION = re.compile(
    r"^\s*(?:what\s+(?:is|are)\s+(?:an?\s+)?[\w\s/&-]{2,30}\?|what\s+does\s+[\w\s/&'\"‘’“”„-]{2,30}\s+mean\??|"
    r"how\s+is\s+(?:an?\s+|the\s+)?[\w\s/&-]{2,30}\s+calculated\??|was\s+(?:ist|sind)\s+(?:ein|eine|der|die|das)?\s*"
    r"[\w\s/&-]{2,30}\?|was\s+bedeutet\s+[\w\s/&'\"‘’“”„-]{2,30}\??|wie\s+berechnet\s+man\s+[\w\s/&-]{2,30}\??)\s*$",
    re.IGNORECASE,
)


def is_advice_request(question: str) -> bool:
    """Does a pattern say the question asks for advice?"""
    return bool(_ADVICE.search(question)) and not is_definition(question)


def is_definition(question: str) -> bool:
    """A question asking what a term means, about no one in particular."""
    personal = re.search(r"\b(?:i|my|me|you|ich|mein\w*|du)\b", question, re.IGNORECASE)
    return bool(_DEFINITION.match(question)) and not personal and not Companies.default().find(question)


class AdviceDetector:
    """Patterns first; else the labels of the most similar example questions decide."""

    def __init__(self, embedder: Callable[[], Embedder], companies: Companies | None = None) -> None:
        self._embedder = embedder
        self._companies = companies or Companies.default()

    @cached_property
    def _bank(self) -> tuple[Vectors, np.ndarray]:
        examples = json.loads(_BANK.read_text(encoding="utf-8"))
        texts = [self._anonymous(text) for text in examples["advice"] + examples["benign"]]
        labels = np.array([1.0] * len(examples["advice"]) + [0.0] * len(examples["benign"]))
        return self._embedder().embed(texts), labels

    def _anonymous(self, text: str) -> str:
        """Company names out: the bank should be compared by how a question asks, not whom about."""
        return " ".join(self._companies.rename(text, tuple(self._companies.aliases), "the company").split())

    def detect(self, question: str) -> bool:
        if is_definition(question):
            return False
        return is_advice_request(question) or self.similarity(question) >= THRESHOLD

    def similarity(self, question: str) -> float:
        """The similarity-weighted share of advice examples among the question's nearest examples."""
        vectors, labels = self._bank
        similarities = vectors @ self._embedder().embed([self._anonymous(question)])[0]
        nearest = np.argsort(-similarities)[:NEIGHBOURS]
        if similarities[nearest[0]] < CLOSE_ENOUGH:
            return 0.0
        weights = np.clip(similarities[nearest], 0.0, None) ** 4
        if not weights.sum():
            return 0.0
        return float((weights * labels[nearest]).sum() / weights.sum())
