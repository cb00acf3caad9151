import pytest

from knowledge.text.companies import Companies
from knowledge.text.language import detect


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Why is Alibaba down?", "en"),
        ("Warum fällt die Alibaba-Aktie?", "de"),
        ("Soll ich Alibaba jetzt kaufen?", "de"),
        ("What drove 3M's operating margin in 2022?", "en"),
        ("Wie stark wächst das Cloud-Geschäft?", "de"),
        ("", "en"),
        ("🚀🚀", "en"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect(text) == language


@pytest.mark.parametrize(
    ("text", "tickers"),
    [
        ("Why is Alibaba down?", ("BABA",)),
        ("BABA vs 9988.HK", ("BABA",)),
        ("阿里巴巴股价", ("BABA",)),
        ("Alibaba-Aktie", ("BABA",)),
        ("pressure on JD.com and Baidu", ("JD", "BIDU")),
        ("What drove 3M's margin?", ("MMM",)),
        ("why are baba, jd, bidu and pdd down?", ("BABA", "JD", "BIDU", "PDD")),
        ("Alibabas Umsatz und Baidus Werbung", ("BABA", "BIDU")),
        ("Apple’s iPhone", ("AAPL",)),
        ("the cat sat, and sie sagen ups", ()),
        ("CAT and SIE results", ("CAT", "SIE")),
        ("blocks of text", ()),
        ("Nothing here", ()),
    ],
)
def test_companies_are_found_by_any_alias(text: str, tickers: tuple[str, ...]) -> None:
    assert Companies.default().find(text) == tickers


@pytest.mark.parametrize(
    ("text", "tickers"),
    [("alibabba news", ("BABA",)), ("Tencnet games", ("TCEHY",)), ("Applied materials", ()), ("the company", ())],
)
def test_questions_find_companies_despite_typos(text: str, tickers: tuple[str, ...]) -> None:
    assert Companies.default().find_loosely(text) == tickers


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Why is JD.com under pressure?", "en"),
        ("Wie viel investiert Alibaba in KI?", "de"),
        ("Und die Marge?", "de"),
        ("and JD?", "en"),
        ("Alibabas Umsatz?", "de"),
        ("Qwen downloads?", "en"),
        ("Temu tariffs", "en"),
        ("KGV von Alibaba?", "de"),
        ("Baidu Werbung", "de"),
    ],
)
def test_short_questions_are_told_apart(text: str, language: str) -> None:
    assert detect(text) == language
