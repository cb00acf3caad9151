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
    # German
    r"|\bsoll(?:te|ten)?\s+(?:ich|man|wir)\b.*\b(?:kaufen|verkaufen|halten|einsteigen|aussteigen|investieren|"
    r"nachkaufen|anlegen|stecken|setzen|zugreifen|warten|rein|raus|abstoßen|loswerden|behalten|verbilligen)"
    r"|\bkaufen\s+oder\s+verkaufen|\bhalten\s+oder\s+verkaufen|\bkursziel|\blohnt\s+sich\b"
    r"|\bgute\s+(?:investition|anlage|kaufgelegenheit|gelegenheit|wahl)|\bjetzt\s+(?:kaufen|einsteigen|verkaufen)"
    r"|\bmein(?:e|en|em)?\s+(?:erspartes|ersparnisse|depot|altersvorsorge|rente|geld|portfolio)"
    r"|\btu\s+so,?\s+als\b|\bzu\s+spät\b.*\b(?:einstieg|einsteigen|kaufen)|\bkaufgelegenheit"
    r"|\b(?:guter|richtige[rn]?|zum|der)\s+einstieg(?:szeitpunkt)?\b|\beinstiegs(?:chance|zeitpunkt|kurs)"
    r"|\b(?:unter|über)bewertet|\bist\s+\S+(?:\s+\S+)?\s+(?:günstig|billig|teuer|ein\s+schnäppchen|ein\s+kauf)\b"
    r"|\bwird\s+\S+(?:\s+\S+)?\s+(?:wieder\s+)?(?:steigen|sich\s+erholen|fallen|abstürzen|explodieren)\b"
    r"|\bwohin\s+(?:geht|steuert)|\bwas\s+würdest\s+du\b|\bwürdest\s+du\b.*\b(?:kaufen|verkaufen|halten)"
    r"|\bempfiehl\w*|\bempfehl\w*|\bgewinne\s+mitnehmen|\bnachkaufen|\ball[- ]in\b|\bins\s+depot\b"
    r"|\bwelche\s+(?:aktie|von\s+beiden)\b.*\b(?:kaufen|besser|nehmen)",
    re.IGNORECASE,
)
_BANK = Path(__file__).with_name("advice_examples.json")
NEIGHBOURS = 5
THRESHOLD = 0.62  # the advice examples' weighted share among the nearest neighbours
CLOSE_ENOUGH = 0.55  # nearer than this to no example, a question is like none of them (emoji, noise)


def is_advice_request(question: str) -> bool:
    """Does a pattern say the question asks for advice?"""
    return bool(_ADVICE.search(question))


class AdviceDetector:
    """Patterns first; else the labels of the most similar example questions decide."""

    def __init__(self, embedder: Callable[[], Embedder]) -> None:
        self._embedder = embedder

    @cached_property
    def _bank(self) -> tuple[Vectors, np.ndarray]:
        examples = json.loads(_BANK.read_text(encoding="utf-8"))
        texts = examples["advice"] + examples["benign"]
        labels = np.array([1.0] * len(examples["advice"]) + [0.0] * len(examples["benign"]))
        return self._embedder().embed(texts), labels

    def detect(self, question: str) -> bool:
        return is_advice_request(question) or self.similarity(question) >= THRESHOLD

    def similarity(self, question: str) -> float:
        """The similarity-weighted share of advice examples among the question's nearest examples."""
        vectors, labels = self._bank
        similarities = vectors @ self._embedder().embed([question])[0]
        nearest = np.argsort(-similarities)[:NEIGHBOURS]
        if similarities[nearest[0]] < CLOSE_ENOUGH:
            return 0.0
        weights = np.clip(similarities[nearest], 0.0, None) ** 4
        if not weights.sum():
            return 0.0
        return float((weights * labels[nearest]).sum() / weights.sum())
