"""What an alert says. A new document: its headline, date and the one or two sentences about the
company that matter, each cited. An unusual session: the "why is it moving" answer (the move line,
the dated catalysts) and its chart. Every text passes the guard, which adds the disclaimer."""

from __future__ import annotations

from collections.abc import Callable

from knowledge.answer.check.guard import guard
from knowledge.answer.record import Answer, Citation
from knowledge.catalog.tables import DocumentRow
from knowledge.index.embedder import Embedder
from knowledge.market.move import Move
from knowledge.prompts import render
from knowledge.push.quotes import quotes
from knowledge.records import Chunk
from knowledge.text.companies import Companies
from knowledge.text.formats import day


def document_alert(
    row: DocumentRow,
    ticker: str,
    chunks: list[Chunk],
    *,
    companies: Companies,
    embedder: Callable[[], Embedder],
    language: str = "en",
) -> Answer | None:
    """The alert about a new document, or None when nothing in it can be quoted."""
    chosen = quotes(chunks, ticker, companies, embedder)
    if not chosen:
        return None
    citation = Citation.of(1, chosen[0].chunk, quote=" ".join(quote.text for quote in chosen))
    published = chosen[0].chunk.published
    heading = render(
        "push_document",
        language,
        company=companies.display(ticker),
        ticker=ticker,
        title=row.title,
        day=day(published, language) if published else "",
    )
    body = " ".join(f"{quote.text} [1]" for quote in chosen)
    answer = Answer(
        question=row.title,
        text=f"{heading.strip()}\n{body}",
        citations=(citation,),
        disclaimer="",
        language=language,
        advice_request=False,
        grounded=True,
        tickers=(ticker,),
    )
    return guard(answer)


def unusual(move: Move, zscore: float, move_pct: float) -> bool:
    """Is this session's move worth an alert: |z| ≥ ALERT_ZSCORE or |change| ≥ ALERT_MOVE_PCT?"""
    big = move.change_pct is not None and abs(move.change_pct) >= move_pct
    rare = move.zscore is not None and abs(move.zscore) >= zscore
    return big or rare
