"""An answer as stored in the outbox (JSON) and read back by whichever process sends it."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

from knowledge.answer.record import Answer, Citation
from knowledge.market.move import Move


def dump(answer: Answer) -> str:
    """The fields a sender needs to render the answer again, exactly as they were guarded."""
    move = asdict(answer.move) if answer.move is not None else None
    if move is not None:
        for key in ("session", "asked_date", "period_start"):
            move[key] = move[key].isoformat() if move[key] else None
    return json.dumps(
        {
            "question": answer.question,
            "text": answer.text,
            "citations": [asdict(citation) for citation in answer.citations],
            "disclaimer": answer.disclaimer,
            "language": answer.language,
            "grounded": answer.grounded,
            "move": move,
            "catalysts": [list(pair) for pair in answer.catalysts],
            "tickers": list(answer.tickers),
        },
        ensure_ascii=False,
    )


def load(text: str) -> Answer:
    data = json.loads(text)
    move = data.get("move")
    if move is not None:
        for key in ("session", "asked_date", "period_start"):
            move[key] = date.fromisoformat(move[key]) if move[key] else None
    return Answer(
        question=data["question"],
        text=data["text"],
        citations=tuple(Citation(**citation) for citation in data["citations"]),
        disclaimer=data["disclaimer"],
        language=data["language"],
        advice_request=False,
        grounded=data["grounded"],
        move=Move(**move) if move is not None else None,
        catalysts=tuple((str(day), str(document)) for day, document in data.get("catalysts", [])),
        tickers=tuple(data.get("tickers", [])),
    )
