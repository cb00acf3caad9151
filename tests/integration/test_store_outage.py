"""A Chroma server that goes away while the bot serves: answers come from the keyword index with a
one-line note, and hybrid search is back as soon as the server is."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from bot.admin import status_text
from knowledge.index.embedder import Embedder
from knowledge.wiring.local import Local
from tests.conftest import make_settings
from tests.fakes.relay import Relay
from tests.servers import chroma_server

NOTE = "the vector store is unreachable right now"


def test_answers_go_on_from_the_keyword_index_while_chroma_is_down(tmp_path: Path, embedder: Embedder) -> None:
    with chroma_server(tmp_path / "chroma") as url:
        relay = Relay(int(urlsplit(url).port or 0))
        relay.up()
        local = Local(make_settings(tmp_path, chroma_url=relay.url), embedder)
        try:
            local.indexing.ensure_seeded()
            before = local.answering.ask("How fast did Alibaba's cloud business grow?")
            relay.down()
            during = local.answering.ask("How fast did Alibaba's cloud business grow?")
            german = local.answering.ask("Wie schnell wuchs das Cloud-Geschäft von Alibaba?")
            counted = local.answering.chunk_count()
            status = status_text(local.answering, "en")  # /status counts the served generation, not Chroma
            relay.up()
            after = local.answering.ask("How fast did Alibaba's cloud business grow?")
        finally:
            relay.down()
            local.close()

    assert "34%" in before.text and NOTE not in before.text
    assert during.grounded and "34%" in during.text and during.text.rstrip().endswith("keyword search alone.")
    assert german.text.rstrip().endswith("allein aus der Stichwortsuche.")
    assert "34%" in after.text and NOTE not in after.text
    assert counted > 0 and f"{counted}" in status
