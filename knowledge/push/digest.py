"""Daily digests: for each watched ticker its last session (or "no session since"), then what was
indexed since the chat's last digest, grouped by ticker, newest first, one cited sentence each.
A day with neither a session nor news is skipped. Each chat's digest for a local day is queued
under one key, so a digest missed while nothing ran is sent once when a process is back, and a
second run at the same time queues nothing."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from knowledge.answer.check.guard import guard, strip_violations
from knowledge.answer.record import Answer, Citation
from knowledge.catalog import Catalog, now
from knowledge.catalog.tables import DocumentRow, OutboxRow, PushChat, WatchRow
from knowledge.index.embedder import Embedder
from knowledge.index.serving import IndexView
from knowledge.market.bars import Bar
from knowledge.market.move import measure
from knowledge.market.prices import Prices, sample
from knowledge.prompts import render
from knowledge.push import payload
from knowledge.push.clock import last_occurrence, utc, wall_time
from knowledge.push.outbox import Outbox
from knowledge.push.quotes import quotes
from knowledge.text.companies import Companies
from knowledge.text.formats import day, number, percent

log = logging.getLogger(__name__)


class Digests:
    """Composes digests and queues the ones due."""

    def __init__(
        self,
        catalog: Catalog,
        prices: Prices,
        outbox: Outbox,
        *,
        view: Callable[[], IndexView],
        companies: Callable[[], Companies],
        embedder: Callable[[], Embedder],
    ) -> None:
        self.catalog, self.prices, self.outbox = catalog, prices, outbox
        self.view, self.companies, self.embedder = view, companies, embedder
        self._quoted: dict[tuple[str, str], Citation | None] = {}
        # Within one run, every chat's digest reads the same bars and the same new documents.
        self._bars: dict[str, list[Bar]] = {}
        self._since_rows: dict[datetime, list[DocumentRow]] = {}
        self._lines: dict[tuple[str, date, str], tuple[str, str]] = {}

    def compose(
        self, tickers: list[str], since: datetime, language: str = "en", on: date | None = None
    ) -> Answer | None:
        """The digest of these tickers since `since` (dated `on`, the chat's local day; today by
        default); None when there was neither a session nor news."""
        companies = self.companies()
        lines: list[str] = []
        sessions, sources = 0, set[str]()
        for ticker in tickers:
            wanted = (ticker, since.date(), language)
            if wanted not in self._lines:
                self._lines[wanted] = self._session(ticker, since, language, companies)
            line, source = self._lines[wanted]
            lines.append(line)
            if source:
                sessions, sources = sessions + 1, sources | {source}
        citations: list[Citation] = []
        news: list[str] = []
        for ticker, rows in self._news(tickers, since).items():
            items = []
            for row in rows:
                cited = self._quote(row, ticker, companies)
                if cited is None:
                    continue
                citations.append(replace(cited, n=len(citations) + 1))
                when = day(date.fromisoformat(row.published[:10]), language) if row.published else ""
                items.append(
                    render("push_digest_item", language, title=row.title, day=when, quote=cited.quote, n=len(citations))
                )
            if items:
                news.append(render("push_digest_ticker", language, company=companies.display(ticker), ticker=ticker))
                news.extend(items)
        if not sessions and not news:
            return None
        heading = render("push_digest_heading", language, day=day(on or now().date(), language))
        blocks = [heading, "\n".join(lines)]
        blocks.append("\n".join(news) if news else render("push_digest_nothing_new", language))
        for source in sorted(sources):
            key = "move_sample" if sample(source) else "price_source"
            blocks.append(render(key, language, source=source).removeprefix("[P] "))
        answer = Answer(
            "digest", "\n\n".join(blocks), tuple(citations), "", language, False, True, tickers=tuple(tickers)
        )
        if citations:
            return guard(answer)
        return replace(answer, text=strip_violations(answer.text), disclaimer=render("disclaimer", language))

    def _session(self, ticker: str, since: datetime, language: str, companies: Companies) -> tuple[str, str]:
        """The ticker's line, and the price source when it had a session since `since`."""
        name = companies.display(ticker)
        if ticker not in self._bars:
            self._bars[ticker] = self.prices.book.bars(ticker)
        bars = self._bars[ticker]
        if not bars or bars[-1].session < since.date():
            return render(
                "push_digest_no_session", language, company=name, ticker=ticker, day=day(since.date(), language)
            ), ""
        move = measure(bars)
        change = percent(move.change_pct, language) if move is not None and move.change_pct is not None else "–"
        line = render(
            "push_digest_session",
            language,
            company=name,
            ticker=ticker,
            close=number(bars[-1].close, language),
            change=change,
            day=day(bars[-1].session, language),
        )
        return line, bars[-1].source or "prices"

    def _news(self, tickers: list[str], since: datetime) -> dict[str, list[DocumentRow]]:
        """Documents indexed since `since` about each ticker, newest first."""
        if since not in self._since_rows:
            with self.catalog.session() as session:
                found = session.exec(select(DocumentRow).where(col(DocumentRow.indexed_at) > since))
                self._since_rows[since] = list(found)
        rows = self._since_rows[since]
        grouped: dict[str, list[DocumentRow]] = {}
        for ticker in tickers:
            about = [row for row in rows if ticker in row.tickers.split(",")]
            if about:
                grouped[ticker] = sorted(about, key=lambda row: (row.published, row.title), reverse=True)[:8]
        return grouped

    def _quote(self, row: DocumentRow, ticker: str, companies: Companies) -> Citation | None:
        """The one sentence of a document a digest quotes (weighed once per document and ticker)."""
        key = (row.id, ticker)
        if key not in self._quoted:
            view = self.view()
            chunks = view.store.get(view.keyword.ids_of([row.id]))
            chosen = quotes(chunks, ticker, companies, self.embedder, wanted=1)
            self._quoted[key] = Citation.of(1, chosen[0].chunk, quote=chosen[0].text) if chosen else None
        return self._quoted[key]

    # --- the schedule ---------------------------------------------------------------------------
    def run(self, at: datetime | None = None) -> int:
        """Queue every digest due by `at` that is not queued yet; the number queued."""
        at = at or now()
        self._bars, self._since_rows, self._lines = {}, {}, {}  # fresh for this run
        due = self.due(at)
        ids = [chat.chat_id for chat, _, _ in due]
        watched, last = self._watchlists(ids), self._last_digests(ids)
        rows = []
        for chat, local_day, moment in due:
            tickers = watched.get(chat.chat_id, [])
            since = self._since(chat, last.get(chat.chat_id), moment)
            digest = self.compose(tickers, since, chat.language, local_day) if tickers else None
            row = {"key": f"digest:{chat.chat_id}:{local_day.isoformat()}", "chat_id": chat.chat_id, "kind": "digest"}
            if digest is None:  # nothing to say: marked done, so that the day is not weighed again
                rows.append(row | {"status": "skipped", "payload": json.dumps({"text": ""})})
            else:
                rows.append(row | {"payload": payload.dump(digest)})
        self.outbox.enqueue(rows)
        return sum(1 for row in rows if "status" not in row)

    def due(self, at: datetime) -> list[tuple[PushChat, date, datetime]]:
        """Chats whose digest time has come on a local day they have no digest for yet."""
        with self.catalog.session() as session:
            chats = list(
                session.exec(select(PushChat).where(PushChat.digest_at != "", col(PushChat.paused_at).is_(None)))
            )
            found = []
            for chat in chats:
                local_day, moment = last_occurrence(at, chat.timezone, chat.digest_at)
                if chat.digest_set_at is not None and moment < utc(chat.digest_set_at):
                    continue  # set after today's time: the first digest is tomorrow's
                found.append((chat, local_day, moment))
            keys = [f"digest:{chat.chat_id}:{local_day.isoformat()}" for chat, local_day, _ in found]
            queued = set()
            for start in range(0, len(keys), 1000):
                queued |= set(
                    session.exec(select(OutboxRow.key).where(col(OutboxRow.key).in_(keys[start : start + 1000])))
                )
        return [item for item, key in zip(found, keys, strict=True) if key not in queued]

    def _watchlists(self, chat_ids: list[int]) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        with self.catalog.session() as session:
            for start in range(0, len(chat_ids), 1000):
                part = chat_ids[start : start + 1000]
                query = select(WatchRow.chat_id, WatchRow.ticker).where(col(WatchRow.chat_id).in_(part))
                for chat_id, ticker in session.exec(query.order_by(col(WatchRow.ticker))):
                    found.setdefault(chat_id, []).append(ticker)
        return found

    def _last_digests(self, chat_ids: list[int]) -> dict[int, str]:
        """Each chat's last digest key (its local day), skipped days aside."""
        found: dict[int, str] = {}
        with self.catalog.session() as session:
            for start in range(0, len(chat_ids), 1000):
                query = (
                    select(OutboxRow.chat_id, OutboxRow.key)
                    .where(
                        col(OutboxRow.chat_id).in_(chat_ids[start : start + 1000]),
                        OutboxRow.kind == "digest",
                        OutboxRow.status != "skipped",
                    )
                    .order_by(col(OutboxRow.id))
                )
                found.update(dict(session.exec(query).all()))
        return found

    @staticmethod
    def _since(chat: PushChat, last: str | None, moment: datetime) -> datetime:
        """Since the time of the chat's last digest (a day before this one's when it had none)."""
        if last is None:
            return moment - timedelta(days=1)
        local_day = date.fromisoformat(last.rsplit(":", 1)[-1])
        return datetime.combine(local_day, wall_time(chat.digest_at), tzinfo=ZoneInfo(chat.timezone)).astimezone(UTC)
