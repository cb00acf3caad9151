"""Grading an answer's figures: is a computed figure right, and is each shown row true to its page.

A computed-figure line ends in its result ("Operating margin FY2022 = … = 34.6 % [1]"); it is
correct when the result, at the gold answer's precision and scale, is the gold's number. A shown
row ("Operating income: FY2022 6,098 · FY2021 5,802 (USD millions) [1]", or a looked-up figure
"Total net sales 2022: 394,328 USD millions [1]") is checked against the page its mark cites: the
label's words, each value, each year (in a header line of the page) and the scale must be there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_VALUE = r"[-—–]|[−-]?\(?[$€£]?[−-]?\d[\d,]*(?:\.\d+)?\)?%?"
_NUMBER = re.compile(r"[−-]?\d(?:[\d,]*\d)?(?:\.\d+)?")
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
_SCALE_WORD = re.compile(r"\b(thousand|million|billion)s?\b", re.IGNORECASE)
# A German answer's scale ("6.313 USD Mio."), where a dot groups thousands.
_GERMAN_SCALE = re.compile(r"\b(Mio|Mrd)\.", re.IGNORECASE)
_GERMAN_SCALES = {"mio": 1e6, "mrd": 1e9}
_THOUSANDS_DOTS = re.compile(r"^(\s*[−+-]?\d{1,3})((?:\.\d{3})+)(?![\d,])")
_MARKS = re.compile(r"(?:\s*\[\d{1,3}\])+\s*$")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


@dataclass(frozen=True)
class Amount:
    """A number with what it is: a percent, and the scale its unit states (1e6 for millions)."""

    value: float
    places: int = 0
    percent: bool = False
    scale: float | None = None


# The gold answer leads with its number: "$394,328 million", "65.4%", "0.66", "−$9,198 million".
_GOLD = re.compile(
    r"^\s*(?P<sign>[−-])?\$?\s?(?P<number>\d[\d,]*(?:\.\d+)?)\s*(?P<tail>%|x\b|times\b|days\b|"
    r"(?:thousand|million|billion)s?\b)?(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)


# A hedge before the number ("About 7.76x", "A decline of about 38.8%", "Rund 29,6 %") and a
# German decimal comma ("29,6") are still one number.
_HEDGE = re.compile(
    r"^\s*(?:an? (?:decline|increase|drop|rise) of )?(?:about|approximately|around|roughly|rund|etwa|ca\.)\s+", re.I
)
_DECIMAL_COMMA = re.compile(r"^(\s*\d{1,3}(?:\.\d{3})*),(\d{1,2})(?!\d)")


def gold_amount(answer: str, question: str) -> Amount | None:
    """The number a numeric gold answer gives, or None when the answer is words."""
    hedged = _HEDGE.sub("", answer)
    # "26,6 %": a comma before one or two digits is decimal (a thousands group has three).
    if _DECIMAL_COMMA.match(hedged):
        hedged = _DECIMAL_COMMA.sub(lambda m: f"{m.group(1).replace('.', '')}.{m.group(2)}", hedged)
    match = _GOLD.match(hedged)
    if match is None or not re.match(r"^\s*(?:$|[.(,;]|of\b|\(|reported\b)", match.group("rest")):
        return None
    number = match.group("number").replace(",", "")
    fraction = number.partition(".")[2].rstrip("0")  # "$1577.00" states no cents, only a format
    tail = (match.group("tail") or "").lower()
    scale = _SCALES.get(tail.rstrip("s")) if tail else None
    if scale is None and tail != "%":
        stated = re.search(r"\bin (?:USD |US\$ )?(thousand|million|billion)s?\b", question, re.IGNORECASE)
        scale = _SCALES[stated.group(1).lower()] if stated else None
    sign = -1.0 if match.group("sign") else 1.0
    return Amount(sign * float(number), len(fraction), tail == "%", scale)


def computed(answer: str) -> list[Amount]:
    """The result of every computed-figure line of the answer."""
    found = []
    for line in answer.splitlines():
        if " = " not in line:
            continue
        result = _MARKS.sub("", line.rsplit(" = ", 1)[1]).strip()
        # A German answer writes "74,6 %" and "1.805": a comma before one or two digits is decimal.
        result = _DECIMAL_COMMA.sub(lambda m: f"{m.group(1).replace('.', '')}.{m.group(2)}", result)
        german = _GERMAN_SCALE.search(result)
        if german:
            result = _THOUSANDS_DOTS.sub(lambda m: m.group(1) + m.group(2).replace(".", ""), result)
        match = re.match(r"^(?P<number>[−+-]?\d[\d,]*(?:\.\d+)?)\s*(?P<tail>.*)$", result)
        if match is None:
            continue
        tail = match.group("tail").lower()
        scale = _SCALE_WORD.search(tail)
        value = float(match.group("number").replace("−", "-").replace(",", ""))
        percent = tail in {"%", "pp"}
        factor = _SCALES[scale.group(1).lower()] if scale else None
        if german and factor is None:
            factor = _GERMAN_SCALES[german.group(1).lower()]
        found.append(Amount(value, percent=percent, scale=factor))
    return found


def matches(result: Amount, gold: Amount) -> bool:
    """The result, rounded to the gold's precision in the gold's scale, is the gold (sign aside:
    gold answers often say "fell by 2.1 %")."""
    value = abs(result.value)
    if result.percent != gold.percent:
        value = value / 100 if result.percent else value * 100  # 0.346 and 34.6 % are one figure
    if result.scale and gold.scale:
        value = value * result.scale / gold.scale
    return abs(round(value, gold.places) - abs(gold.value)) < 0.5 * 10.0**-gold.places + 1e-9


def computed_correct(answer: str, gold: Amount) -> bool | None:
    """Whether a computed figure of the answer is the gold; None when the answer computed none."""
    results = computed(answer)
    return any(matches(result, gold) for result in results) if results else None


@dataclass(frozen=True)
class Shown:
    """A row the answer shows: its label, each (column, value), its unit, its source marks."""

    label: str
    cells: tuple[tuple[str, str], ...]
    unit: str | None  # "USD millions"; None when the line says the page does not state it
    year_stated: bool
    marks: tuple[int, ...]


_MARKED = re.compile(r"^(?:• )?(?P<line>.+?)(?P<marks>(?:\s*\[\d{1,3}\])+)\s*$")
_CELL = re.compile(rf"^(?:(?P<column>[^:]*?) )?(?P<value>{_VALUE})$")
_SINGLE = re.compile(rf"^(?P<value>{_VALUE})(?: (?P<unit>[A-Za-z][A-Za-z ]*))?$")
_TRAILING_NOTE = re.compile(r"\s*\((?P<note>[^()]*[A-Za-z][^()]*)\)$")
# A single figure's column after its label: "FY2022", "Q 2023", "June 30, 2023", "3M to Apr 1, 2023".
_LABEL_YEAR = re.compile(
    r"^(?P<label>.+?) (?P<column>(?:FY|Q\d? ?|H\d |9M )?(?:19|20)\d{2}"
    r"|(?:[369]M (?:to|bis) )?(?:[A-Z][a-z]+\.? \d{1,2},|\d{1,2}\. [A-ZÄÖÜ][a-zäöü]+) (?:19|20)\d{2})$"
)


def shown_rows(answer: str) -> list[Shown]:
    """Every table row or looked-up figure the answer shows (computed lines and sentences aside)."""
    found = []
    for line in answer.splitlines():
        match = None if " = " in line else _MARKED.match(line.strip())
        if match is None:
            continue
        marks = tuple(int(n) for n in re.findall(r"\d+", match.group("marks")))
        body = match.group("line")
        # A label may hold a colon ("Less: Purchases of …"): the first split whose rest is all cells.
        for at in (m.start() for m in re.finditer(": ", body)):
            row = _row(body[:at].strip(), body[at + 2 :].strip(), marks)
            if row is not None:
                found.append(row)
                break
    return found


def _row(label: str, rest: str, marks: tuple[int, ...]) -> Shown | None:
    if not 3 <= len(label) <= 160 or re.search(r"[\[\]=]", label):
        return None
    unit: str | None = ""
    year_stated = True
    while note := _TRAILING_NOTE.search(rest):
        words = note.group("note")
        if "year" in words and "not" in words:
            year_stated = False
        elif "not" in words:
            unit = None
        else:
            unit = words
        rest = rest[: note.start()]
    single = _SINGLE.match(rest)
    if single is not None:
        labelled = _LABEL_YEAR.match(label)
        column = labelled.group("column") if labelled else ""
        label = labelled.group("label") if labelled else label
        unit = single.group("unit") or unit
        return Shown(label, ((column, single.group("value")),), unit, year_stated, marks)
    cells = [_CELL.match(cell.strip()) for cell in rest.split(" · ")]
    if not all(cells):
        return None
    return Shown(
        label,
        tuple((cell.group("column") or "", cell.group("value")) for cell in cells if cell),
        unit,
        year_stated,
        marks,
    )


def faults(row: Shown, page: str) -> set[str]:
    """What of the row its page does not bear out: "label", "value", "year", "unit"."""
    wrong = set()
    words = set(re.findall(r"[a-z0-9]+", page.lower()))
    if not set(re.findall(r"[a-z0-9]+", row.label.lower())) <= words:
        wrong.add("label")
    printed = {number.replace("−", "").lstrip("-") for number in _NUMBER.findall(page)}
    for _, value in row.cells:
        number = _NUMBER.search(value)
        if number and number.group(0).replace("−", "").lstrip("-") not in printed:
            wrong.add("value")
    headers = _header_years(page)
    if row.year_stated and any(not set(_YEAR.findall(column)) <= headers for column, _ in row.cells):
        wrong.add("year")
    scale = _SCALE_WORD.search(row.unit or "")
    if scale and not re.search(rf"\b{scale.group(1)}s?\b", page, re.IGNORECASE):
        wrong.add("unit")
    return wrong


def _header_years(page: str) -> set[str]:
    """Years in the page's header lines: lines whose only numbers are years and days of a month."""
    years: set[str] = set()
    for line in page.splitlines():
        numbers = _NUMBER.findall(line)
        if all(_YEAR.fullmatch(n) or (n.isdigit() and int(n) <= 31) for n in numbers):
            years.update(_YEAR.findall(line))
    return years
