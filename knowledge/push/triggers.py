"""The two triggers: a newly indexed document about a watched company, and an unusual move in a
watched ticker's newest session. Each becomes one `alert` row (unique key) and is fanned out to
the chats that watched the company before it happened; the fan-out is an insert that skips keys
already queued, so evaluating again (after a crash, or in a second process) queues nothing twice.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from knowledge.answer.record import Answer
from knowledge.catalog import Catalog, now
from knowledge.catalog.tables import AlertRow, DocumentRow, PriceBar, PushChat, PushState, WatchRow
from knowledge.index.embedder import Embedder
from knowledge.index.serving import IndexView
from knowledge.market.move import Move
from knowledge.market.prices import Prices
from knowledge.market.when import Asked
from knowledge.push import payload
from knowledge.push.alerts import document_alert, unusual
from knowledge.push.outbox import Outbox
from knowledge.records import Chunk
from knowledge.settings import Settings
from knowledge.text.companies import Companies

log = logging.getLogger(__name__)

LOOKBACK = timedelta(days=2)  # documents indexed this recently are weighed (older ones were, already)


@dataclass
class Sources:
    """What the triggers read: the served index, the companies, the model, the move explanation."""

    view: Callable[[], IndexView]
    companies: Callable[[], Companies]
    embedder: Callable[[], Embedder]
    explain: Callable[[str, str], Answer | None]  # (ticker, language) -> the "why is it moving" answer
    # (move, its catalysts as (day, source number), company, language) -> PNG
    chart: Callable[[Move, Sequence[tuple[date, int]], str, str], bytes | None]


class Triggers:
    """Finds what is new, writes its alert once, and fans it out."""

    def __init__(self, settings: Settings, catalog: Catalog, prices: Prices, outbox: Outbox, sources: Sources) -> None:
        self.settings, self.catalog, self.prices, self.outbox, self.sources = settings, catalog, prices, outbox, sources

    def evaluate(self, at: datetime | None = None) -> list[AlertRow]:
        """Both triggers, now; the alerts fanned out in this call."""
        at = at or now()
        return [*self.documents(at), *self.moves(at)]

    # --- new documents --------------------------------------------------------------------------
    def documents(self, at: datetime) -> list[AlertRow]:
        watched = self._watched()
        if not watched:
            return []
        oldest = (at - timedelta(days=self.settings.alert_document_days)).date().isoformat()
        with self.catalog.session() as session:
            done = set(session.exec(select(PushState.name).where(col(PushState.name).like("fanned:document:%"))))
            rows = session.exec(
                select(DocumentRow).where(
                    col(DocumentRow.indexed_at) > at - LOOKBACK,
                    DocumentRow.tickers != "",
                    or_(col(DocumentRow.published) == "", col(DocumentRow.published) >= oldest),
                )
            )
            candidates = [row for row in rows if f"fanned:document:{row.id}" not in done]
        fanned = []
        for row in candidates:
            tickers = [ticker for ticker in row.tickers.split(",") if ticker in watched]
            if tickers:
                alert = self._alert(f"document:{row.id}")
                if alert is None:
                    chunks = self._served(row)
                    if chunks is None:
                        continue  # weighed again on a later round, once the served index lists it
                    alert = self._document(row, tickers[0], chunks)
                if alert is None:
                    self._done(f"fanned:document:{row.id}", "0")
                    continue
                self.fan_out(alert, tickers, row.indexed_at)
                fanned.append(alert)
        return fanned

    def _served(self, row: DocumentRow) -> list[Chunk] | None:
        """The document's chunks in the served index; None while it does not list them yet (a writer
        records documents before it publishes them, and a process that did not write them serves
        them once it has loaded the new generation)."""
        view = self.sources.view()
        ids = view.keyword.ids_of([row.id])
        if not ids and row.chunk_count:
            return None
        return view.store.get(ids)

    def _document(self, row: DocumentRow, ticker: str, chunks: list[Chunk]) -> AlertRow | None:
        key = f"document:{row.id}"
        answers = {}
        for language in self._languages([ticker]):
            answer = document_alert(
                row,
                ticker,
                chunks,
                companies=self.sources.companies(),
                embedder=self.sources.embedder,
                language=language,
            )
            if answer is not None:
                answers[language] = payload.dump(answer)
        if not answers:
            log.info("no alert for document %s: nothing in it can be quoted", row.id)
            return None
        return self._save(
            AlertRow(key=key, kind="document", ticker=ticker, title=row.title, payload=json.dumps(answers))
        )

    # --- unusual moves ---------------------------------------------------------------------------
    def moves(self, at: datetime) -> list[AlertRow]:
        fanned = []
        for ticker in sorted(self._watched()):
            with self.catalog.session() as session:
                bar = session.exec(
                    select(PriceBar).where(PriceBar.ticker == ticker).order_by(col(PriceBar.session).desc())
                ).first()
                checked = session.get(PushState, f"move:{ticker}")
            if bar is None or (checked is not None and checked.value == bar.session.isoformat()):
                continue
            key = f"move:{ticker}:{bar.session.isoformat()}"
            alert = self._alert(key)
            if alert is None:
                move = self.prices.move(ticker, Asked())
                if move is not None and unusual(move, self.settings.alert_zscore, self.settings.alert_move_pct):
                    alert = self._move(key, ticker)
            if alert is not None:
                self.fan_out(alert, [ticker], bar.fetched_at)
                fanned.append(alert)
            self._checked(ticker, bar.session.isoformat())
        return fanned

    def _move(self, key: str, ticker: str) -> AlertRow | None:
        answers: dict[str, Answer] = {}
        for language in self._languages([ticker]):
            answer = self.sources.explain(ticker, language)
            if answer is not None:
                answers[language] = answer
        if not answers:
            return None
        first = next(iter(answers.values()))
        chart = self._chart(first, ticker)
        texts = json.dumps({language: payload.dump(answer) for language, answer in answers.items()})
        title = first.text.split("\n", 1)[0][:200]
        return self._save(AlertRow(key=key, kind="move", ticker=ticker, title=title, payload=texts, chart=chart))

    def _chart(self, answer: Answer, ticker: str) -> bytes | None:
        """The move's chart with the answer's dated catalysts; none for an answer without a move."""
        if answer.move is None:
            return None
        company = self.sources.companies().display(ticker)
        return self.sources.chart(answer.move, answer.numbered_catalysts(), company, answer.language)

    # --- shared ---------------------------------------------------------------------------------
    def fan_out(self, alert: AlertRow, tickers: list[str], happened: datetime) -> int:
        """Queue the alert for every chat that watched one of `tickers` before it happened, once."""
        with self.catalog.session() as session:
            chats = set(
                session.exec(
                    select(WatchRow.chat_id)
                    .join(PushChat, col(PushChat.chat_id) == col(WatchRow.chat_id))
                    .where(
                        col(WatchRow.ticker).in_(tickers),
                        col(WatchRow.added_at) <= happened,
                        col(PushChat.alerts).is_(True),
                        col(PushChat.paused_at).is_(None),
                    )
                )
            )
        queued = self.outbox.enqueue(
            {"key": f"{alert.key}@{chat}", "chat_id": chat, "kind": "alert", "alert_id": alert.id}
            for chat in sorted(chats)
        )
        self._done(f"fanned:{alert.key}", str(queued))
        return queued

    def _watched(self) -> set[str]:
        with self.catalog.session() as session:
            return set(session.exec(select(WatchRow.ticker).distinct()))

    def _languages(self, tickers: list[str]) -> list[str]:
        """The languages of the chats watching these tickers (English first, always)."""
        with self.catalog.session() as session:
            found = session.exec(
                select(PushChat.language)
                .join(WatchRow, col(WatchRow.chat_id) == col(PushChat.chat_id))
                .where(col(WatchRow.ticker).in_(tickers))
                .distinct()
            )
            return list(dict.fromkeys(["en", *sorted(found)]))

    def _alert(self, key: str) -> AlertRow | None:
        with self.catalog.session() as session:
            return session.exec(select(AlertRow).where(AlertRow.key == key)).first()

    def _save(self, alert: AlertRow) -> AlertRow:
        """Store the alert; when another process stored the same key first, theirs is the one."""
        try:
            with self.catalog.session() as session:
                session.add(alert)
                session.commit()
                session.refresh(alert)
                return alert
        except IntegrityError:
            found = self._alert(alert.key)
            if found is None:
                raise
            return found

    def _checked(self, ticker: str, session_day: str) -> None:
        self._done(f"move:{ticker}", session_day)

    def _done(self, name: str, value: str) -> None:
        with self.catalog.session() as session:
            session.merge(PushState(name=name, value=value, holder=""))
            session.commit()
