"""A question's abbreviations of line items spelled out by the company's own row labels.

"Quillstone FY23 S&M spend?": no word list knows every company's "S&M"; the rows of its filings
do ("Sales and marketing"). The question is read again with the label in the abbreviation's place,
and asks for that row's figure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge.answer.understand.question import Question, understand
from knowledge.text.abbreviations import abbreviations, spell_out
from knowledge.text.companies import Companies


def asks_abbreviated(question: Question) -> bool:
    """Does the question about a company use an abbreviation the concept table does not know?"""
    return bool(question.tickers or question.subjects) and bool(abbreviations(question.core))


def spelled_out(question: Question, labels: Sequence[str], companies: Companies) -> Question | None:
    """The question read with its abbreviations replaced by the labels that spell them, or None."""
    text = question.core
    for abbreviation in abbreviations(text):
        label = spell_out(abbreviation, labels)
        if label:
            text = re.sub(rf"(?<![\w&/]){re.escape(abbreviation)}(?![\w&/])", label, text)
    if text == question.core:
        return None
    return understand(text, question.language, companies, question.tickers or None, names_row=True)
