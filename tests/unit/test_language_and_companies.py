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
        ("the jd of it", ()),
        ("Nothing here", ()),
    ],
)
def test_companies_are_found_by_any_alias(text: str, tickers: tuple[str, ...]) -> None:
    assert Companies.default().find(text) == tickers
