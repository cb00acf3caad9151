"""Inline articles: what a bare name, a question and an advice request show and send."""

from __future__ import annotations

from datetime import date

import pytest

from bot.inline import article, named_only
from knowledge.answer.record import Answer, Citation
from knowledge.market.move import Move
from knowledge.text.companies import Companies

MOVE = Move("BABA", date(2025, 12, 18), 147.91, -0.9, -6.5, 1.1, None, "KWEB", -0.4, "csv: BABA.csv")
CITATIONS = (
    Citation(1, "Alibaba slips", "Example News", "https://example.com/a?x=1&y=2", "2025-12-17", None, "d1", "q"),
    Citation(2, "Retail data", "Beispiel", "https://example.com/b", "2025-12-16", None, "d2", "q"),
)
TEXT = "\n".join(
    [
        "Alibaba (BABA) −0.9 % on 18 Dec 2025 to 147.91 [P]",
        "What the sources say about those days:",
        "• 17 Dec — Alibaba fell after retail sales grew by only 1.3% <sic>. [1][2]",
        "• 17 Dec — The pullback comes after a strong run. [1]",
        "• 16 Dec — Consumer stocks came under pressure. [2]",
    ]
)


def _answer(**changes: object) -> Answer:
    values: dict[str, object] = {
        "question": "q", "text": TEXT, "citations": CITATIONS, "disclaimer": "", "language": "en",
        "advice_request": False, "grounded": True, "move": MOVE,
    }  # fmt: skip
    values.update(changes)
    return Answer(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "bare"),
    [
        ("BABA", True),
        ("alibaba", True),
        ("$BABA ", True),
        ("BABA JD", True),
        ("why is BABA down", False),
        ("hello", False),
    ],
)
def test_a_bare_name_is_a_query_naming_companies_and_nothing_else(query: str, bare: bool) -> None:
    assert named_only(query, Companies.default().blank(query)) is bare


def test_a_bare_name_gets_the_move_line_and_the_top_catalyst_with_its_link() -> None:
    shown = article(_answer(), "BABA", bare=True)

    assert shown.title == "Alibaba (BABA) −0.9 % on 18 Dec 2025 to 147.91"
    assert shown.description.startswith("• 17 Dec — Alibaba fell") and "[1]" not in shown.description
    body, sources, disclaimer = shown.html.split("\n\n")
    assert body.split("\n")[1].endswith(
        '<a href="https://example.com/a?x=1&amp;y=2">[1]</a><a href="https://example.com/b">[2]</a>'
    )
    assert "&lt;sic&gt;" in body and "pullback" not in body
    assert sources.split("\n") == [
        '[1] <a href="https://example.com/a?x=1&amp;y=2">Alibaba slips</a> — Example News, 2025-12-17',
        '[2] <a href="https://example.com/b">Retail data</a> — Beispiel, 2025-12-16',
        "[P] Prices: csv: BABA.csv",
    ]
    assert disclaimer == "<i>General information from the cited sources, not investment advice.</i>"


def test_a_question_gets_its_first_lines_and_says_there_is_more() -> None:
    shown = article(_answer(), "why is alibaba down", bare=False)

    lines = shown.html.split("\n\n")[0].split("\n")
    assert shown.title == "why is alibaba down"
    assert len(lines) == 5 and lines[-1] == "…" and "pullback" in lines[3]


def test_an_advice_request_gets_the_refusal_line_alone() -> None:
    shown = article(_answer(advice_request=True, language="de"), "soll ich BABA kaufen", bare=False)

    assert shown.html.startswith("Ich kann Ihnen nicht sagen, ob Sie kaufen") and "\n" not in shown.html
