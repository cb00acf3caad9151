import re

import pytest

from bot.render import render_html, render_text, split_html
from knowledge.answer.record import Answer, Citation


def _answer(text: str, title: str = "Retail <sales> & more", url: str = "https://example.com/a?x=1&y=2") -> Answer:
    citation = Citation(1, title, "Desk", url, "2025-12-17", 4, "d1", "quote")
    return Answer("q", text, (citation,), "Not advice.", "en", False, True)


def test_html_escapes_answer_and_source_text_and_links_the_title() -> None:
    rendered = render_html(_answer("Sales <b>fell</b> & margins too. [1]"))

    assert "Sales &lt;b&gt;fell&lt;/b&gt; &amp; margins too." in rendered
    assert 'margins too. <a href="https://example.com/a?x=1&amp;y=2">[1]</a>' in rendered
    assert '<a href="https://example.com/a?x=1&amp;y=2">Retail &lt;sales&gt; &amp; more</a>' in rendered
    assert "Desk, 2025-12-17, p. 4" in rendered and "<i>quote</i>" in rendered
    assert "<blockquote expandable>" in rendered and "</blockquote>" in rendered
    assert rendered.endswith("<i>General information from the cited sources, not investment advice.</i>")


def test_a_long_sources_block_is_split_into_whole_blockquotes() -> None:
    citations = tuple(
        Citation(n, f"Title {n}", "Desk", f"https://example.com/{n}", "2025-12-17", None, f"d{n}", "word " * 300)
        for n in range(1, 40)
    )
    answer = Answer(
        "q", " ".join(f"Fact {n}. [{n}]" for n in range(1, 40)), citations, "Not advice.", "en", False, True
    )

    parts = split_html(render_html(answer))

    assert len(parts) >= 2
    assert all(len(part) <= 4096 and _balanced(part) for part in parts)
    assert sum(part.count("<blockquote expandable>") for part in parts) >= 2


def test_file_sources_are_not_links() -> None:
    rendered = render_html(_answer("x [1]", url="/data/report.pdf"))

    assert "<a " not in rendered


def test_plain_text_lists_sources_and_ends_with_the_disclaimer() -> None:
    rendered = render_text(_answer("Sales fell. [1]"))

    assert "Sources:\n[1] Retail <sales> & more — Desk, 2025-12-17, p. 4 — https://example.com/a?x=1&y=2" in rendered
    assert rendered.endswith("Not advice.")


def _balanced(part: str) -> bool:
    tags = re.findall(r"<(/?)(\w+)[^>]*>", part)
    stack: list[str] = []
    for closing, name in tags:
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


@pytest.mark.parametrize(
    ("text", "limit", "parts"),
    [
        ("short", 4096, 1),
        ("para one.\n\npara two.", 12, 2),
        ("\n".join(f"<b>line {i}</b> with words" for i in range(400)), 4096, 3),
        ("Sentence number one. " * 600, 4096, 4),
        ("&amp;" * 2000, 4096, 3),
    ],
)
def test_split_keeps_parts_under_the_limit_and_tags_whole(text: str, limit: int, parts: int) -> None:
    split = split_html(text, limit)

    assert len(split) == parts
    assert all(len(part) <= limit for part in split)
    assert all(_balanced(part) for part in split)
    assert all(not re.search(r"&\w*$", part) or part.endswith(";") for part in split)
    assert "".join(split).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")
