import pytest

from knowledge.text.sentences import abbreviated, split, stops


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        ("Sales rose. Margins fell! Why? Costs.", {}, ["Sales rose.", "Margins fell!", "Why?", "Costs."]),
        (
            "Apple Inc. said sales rose. U.S. sales, e.g. here.",
            {},
            ["Apple Inc. said sales rose.", "U.S. sales, e.g. here."],
        ),
        ("Umsatz 3 Mrd. Euro, z.B. Cloud. Danach Nr. 2.", {}, ["Umsatz 3 Mrd. Euro, z.B. Cloud.", "Danach Nr. 2."]),
        ('He said "it grew." Then it fell.', {}, ['He said "it grew."', "Then it fell."]),
        ("Orders waited… Then they came.", {}, ["Orders waited…", "Then they came."]),
        ("Revenue was $1.5 billion, up 3.2 %.", {}, ["Revenue was $1.5 billion, up 3.2 %."]),
        ("no end here", {}, ["no end here"]),
        ("", {}, [""]),
        # Source text: a stop before a lower-case word ends nothing ("p.m. on").
        ("Sales closed at 4 p.m. on Friday. Then", {"capital": True}, ["Sales closed at 4 p.m. on Friday.", "Then"]),
        ("Sales closed at 4 p.m. on Friday. Then", {}, ["Sales closed at 4 p.m.", "on Friday.", "Then"]),
        # A question's instructions run up to a colon.
        ("Round to one decimal: what was it?", {"colon": True}, ["Round to one decimal:", "what was it?"]),
        ("Round to one decimal: what was it?", {}, ["Round to one decimal: what was it?"]),
        # An answer's markers stay with the sentence they close.
        (
            "Sales rose 5 %. [1] [2] Costs fell [3]. Margins held.",
            {"markers": True},
            ["Sales rose 5 %. [1] [2]", "Costs fell [3].", "Margins held."],
        ),
        ("Moved 3 %. [P] Then", {"markers": True}, ["Moved 3 %. [P]", "Then"]),
    ],
)
def test_split(text: str, options: dict[str, bool], expected: list[str]) -> None:
    assert split(text, **options) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("It ended.", True), ('It ended."', True), ("It ended…", True), ("It goes on", False), ("A:", False)],
)
def test_stops(text: str, expected: bool) -> None:
    assert stops(text) is expected


@pytest.mark.parametrize(("text", "expected"), [("of Apple Inc.", True), ("the end.", False), ("Inc", False)])
def test_abbreviated(text: str, expected: bool) -> None:
    assert abbreviated(text) is expected
