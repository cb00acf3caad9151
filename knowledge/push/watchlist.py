"""Watchlists: names resolved to canonical tickers (typos forgiven), kept per chat in the catalog."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlmodel import col, delete, func, select

from knowledge.catalog import Catalog
from knowledge.catalog.tables import PriceBar, PushChat, WatchRow
from knowledge.text.companies import Companies

_SUGGEST_SCORE = 60  # a looser match than a question's: it is only offered, never taken
_SUGGESTIONS = 3


@dataclass(frozen=True)
class Resolved:
    """What a list of names came to: known tickers, and the names nobody knows (with suggestions)."""

    tickers: tuple[str, ...]
    unknown: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Change:
    """A watchlist change: what was added or removed, what did not fit, and what was not understood."""

    changed: tuple[str, ...]
    unchanged: tuple[str, ...]  # already there (add) or not there (remove)
    unknown: dict[str, tuple[str, ...]]
    over_limit: tuple[str, ...] = ()


def split_names(text: str) -> list[str]:
    """`BABA, JD.com  alibabba` → the names; commas separate names with spaces in them."""
    parts = text.split(",") if "," in text else text.split()
    return [part.strip() for part in parts if part.strip()]


def resolve(names: list[str], companies: Companies, known: set[str] | None = None) -> Resolved:
    """Each name as a canonical ticker: an alias, a symbol, a name with a typo, or a ticker the
    catalog has prices for (`known`); the rest with up to three suggestions each."""
    tickers: dict[str, None] = {}
    unknown: dict[str, tuple[str, ...]] = {}
    for name in names:
        found = companies.find(name) or companies.find_loosely(name)
        symbol = name.strip().upper()
        if found:
            tickers.setdefault(found[0], None)
        elif known is not None and symbol in known:
            tickers.setdefault(symbol, None)
        else:
            unknown[name] = suggestions(name, companies)
    return Resolved(tuple(tickers), unknown)


def suggestions(name: str, companies: Companies) -> tuple[str, ...]:
    """The companies whose names are closest to `name`, as "Name (TICKER)"."""
    choices = {alias: ticker for ticker in companies.aliases for alias in companies.names(ticker)}
    found = process.extract(
        re.sub(r"\s+", " ", name.lower()),
        {alias: alias.lower() for alias in choices},
        scorer=fuzz.WRatio,
        limit=12,
        score_cutoff=_SUGGEST_SCORE,
    )
    tickers = dict.fromkeys(choices[alias] for _, _, alias in found)
    return tuple(f"{companies.display(ticker)} ({ticker})" for ticker in list(tickers)[:_SUGGESTIONS])


class Watchlists:
    """Every chat's watchlist and push preferences, in the catalog."""

    def __init__(self, catalog: Catalog, limit: int) -> None:
        self.catalog, self.limit = catalog, limit

    def tickers(self, chat_id: int) -> list[str]:
        with self.catalog.session() as session:
            query = select(WatchRow.ticker).where(WatchRow.chat_id == chat_id).order_by(col(WatchRow.ticker))
            return list(session.exec(query))

    def add(self, chat_id: int, resolved: Resolved) -> Change:
        """Add the resolved tickers, up to WATCHLIST_MAX for the chat."""
        with self.catalog.session() as session:
            have = set(session.exec(select(WatchRow.ticker).where(WatchRow.chat_id == chat_id)))
            new = [ticker for ticker in resolved.tickers if ticker not in have]
            room = max(0, self.limit - len(have))
            for ticker in new[:room]:
                session.add(WatchRow(chat_id=chat_id, ticker=ticker))
            session.commit()
        present = tuple(ticker for ticker in resolved.tickers if ticker in have)
        return Change(tuple(new[:room]), present, resolved.unknown, tuple(new[room:]))

    def remove(self, chat_id: int, resolved: Resolved) -> Change:
        with self.catalog.session() as session:
            have = set(session.exec(select(WatchRow.ticker).where(WatchRow.chat_id == chat_id)))
            gone = [ticker for ticker in resolved.tickers if ticker in have]
            if gone:
                session.exec(delete(WatchRow).where(col(WatchRow.chat_id) == chat_id, col(WatchRow.ticker).in_(gone)))
            session.commit()
        absent = tuple(ticker for ticker in resolved.tickers if ticker not in gone)
        return Change(tuple(gone), absent, resolved.unknown)

    def watchers(self, ticker: str) -> int:
        with self.catalog.session() as session:
            return int(session.exec(select(func.count()).where(WatchRow.ticker == ticker)).one())

    def chat(self, chat_id: int) -> PushChat | None:
        with self.catalog.session() as session:
            return session.get(PushChat, chat_id)

    def ensure_chat(self, chat_id: int, kind: str = "private", title: str = "", language: str = "en") -> PushChat:
        """The chat's preferences, made with the defaults when it has none yet."""
        with self.catalog.session() as session:
            chat = session.get(PushChat, chat_id)
            if chat is None:
                chat = PushChat(chat_id=chat_id, kind=kind, title=title, language=language)
                session.add(chat)
                session.commit()
                session.refresh(chat)
            return chat

    def update_chat(self, chat_id: int, **values: object) -> PushChat:
        """Change some of a chat's preferences (the chat is made first when new)."""
        self.ensure_chat(chat_id)
        with self.catalog.session() as session:
            chat = session.get(PushChat, chat_id)
            assert chat is not None
            for name, value in values.items():
                setattr(chat, name, value)
            session.add(chat)
            session.commit()
            session.refresh(chat)
            return chat

    def known_tickers(self) -> set[str]:
        """Tickers the catalog has prices for (a symbol the alias table lacks may still be watched)."""
        with self.catalog.session() as session:
            return set(session.exec(select(PriceBar.ticker).distinct()))
