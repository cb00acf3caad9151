"""Follow-up questions: "and JD?", "what about its margins?", "Und die Marge?" lean on what the
chat asked just before; they inherit its company, or its topic with a new company."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from knowledge.answer.understand.question import asks_for_help, new_subject
from knowledge.text.companies import Companies
from knowledge.text.terms import terms
from knowledge.text.wording import languages, table

# A follow-up's own words ("and", "what about", "und was ist mit"), stemmed both ways.
_FILLERS = " ".join(str(table("question", code).get("words", {}).get("filler", "")) for code in languages())
_FILLER = frozenset(terms(_FILLERS, "en"))
_FILLER_DE = frozenset(terms(_FILLERS, "de"))


SHORT = 8  # words: a longer question that names no company is a new question, not a follow-up


@dataclass(frozen=True)
class Context:
    """What a chat asked about last: its companies, the question, and its language."""

    tickers: tuple[str, ...]
    topic: str
    language: str
    explicit: bool = False  # a reply to the answer: a follow-up whatever its length


@dataclass(frozen=True)
class Resolved:
    """The question to answer, and the companies to answer it for (None: those it names)."""

    text: str
    tickers: tuple[str, ...] | None


def resolve(
    question: str, context: Context | None, companies: Companies, known: Callable[[str], bool] = lambda _: False
) -> Resolved:
    """A follow-up with its missing parts filled in from the context; other questions as they are.
    `known` tells a term of the indexed sources: a capitalised word they lack names a new subject."""
    if context is None or not context.tickers:
        return Resolved(question, None)
    named = companies.find_loosely(question)
    if not named and new_subject(question, context.language, known):
        return Resolved(question, None)  # "Why is Rheinmetall down?": a company the table lacks
    if not named and asks_for_help(question):
        return Resolved(question, None)
    if not named and (context.explicit or len(question.split()) <= SHORT):
        return Resolved(question, context.tickers)  # "what about its margins?": same company
    if _only_names(question, companies):
        return Resolved(_swap(context.topic, context.tickers, named, companies), named)  # "and JD?"
    return Resolved(question, None)


def _only_names(question: str, companies: Companies) -> bool:
    """Nothing but company names and words like "and", "what about"."""
    rest = companies.blank(question)
    english = [term for term in terms(rest, "en") if term not in _FILLER]
    german = [term for term in terms(rest, "de") if term not in _FILLER_DE]
    return not english or not german


def _swap(topic: str, old: tuple[str, ...], new: tuple[str, ...], companies: Companies) -> str:
    """The earlier question about the new company."""
    replacement = companies.display(new[0])
    swapped = companies.rename(topic, old, replacement)
    return swapped if swapped != topic else f"{topic} ({replacement})"
