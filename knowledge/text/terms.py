"""Split text into stemmed search terms (English and German), without stop words."""

from __future__ import annotations

import re
from functools import cache

import Stemmer

_WORD = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+", re.UNICODE)
_STOP = frozenset(
    """a an the and or but of to in on at by for with from as is are was were be been being it its this that
    these those there here what which who whom whose why how when where do does did done has have had having
    will would can could should may might must shall not no nor so than then too very just about into over
    under again further once all any both each few more most other some such only own same i me my we our you
    your he him his she her they them their us also per vs
    der die das den dem des ein eine einer eines einem einen und oder aber ist sind war waren sein wird werden
    wurde wurden hat haben hatte nicht kein keine zu im in am an auf aus bei mit nach von vor für über unter
    um wie was wer wo warum wieso weshalb wann ob dass es sich ich mich mir du wir ihr sie er man auch noch
    schon nur so sehr dies diese dieser dieses jetzt""".split()
)
_CJK = re.compile(r"[\u3400-\u9fff]")


@cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer("german" if language == "de" else "english")


def terms(text: str, language: str = "en") -> list[str]:
    """Lower-cased, stemmed words of `text`; numbers are kept as they are written."""
    words = [word for word in _WORD.findall(text.lower()) if word not in _STOP]
    stemmer = _stemmer(language)
    return [word if word[0].isdigit() or _CJK.match(word) else stemmer.stemWord(word) for word in words]
