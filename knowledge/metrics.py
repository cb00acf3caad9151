"""Prometheus metrics of the bot and the worker, served on METRICS_PORT (off when unset).

Counters are per process; Prometheus sums them over replicas. The queue's jobs by state are read
from PostgreSQL when scraped, so every process reports the same cluster-wide figure.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator

from prometheus_client import Counter, Gauge, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

from knowledge.settings import Settings

log = logging.getLogger(__name__)

QUESTIONS = Counter("investorbot_questions", "Questions answered, by answer mode and outcome", ["mode", "outcome"])
ANSWER_SECONDS = Histogram(
    "investorbot_answer_seconds",
    "Time from question to final answer",
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
GUARD_REMOVALS = Counter("investorbot_guard_removals", "Answers from which the guard removed advice or targets")
DROPPED_SENTENCES = Counter(
    "investorbot_dropped_sentences", "Model sentences dropped for figures their sources do not hold"
)
MODEL_FALLBACKS = Counter("investorbot_model_fallbacks", "Model answers replaced by the offline one", ["reason"])
JOBS = Counter("investorbot_jobs", "Jobs run by this process, by task and result", ["task", "state"])
REFRESH_SECONDS = Histogram(
    "investorbot_refresh_seconds", "Duration of source refreshes", buckets=(1, 5, 15, 60, 300, 900, 3600)
)
INDEX_GENERATION = Gauge("investorbot_index_generation", "Index generation being served")
INDEX_CHUNKS = Gauge("investorbot_index_chunks", "Chunks in the index generation being served")


def record_answer(mode: str, outcome: str, seconds: float, dropped: int = 0) -> None:
    QUESTIONS.labels(mode=mode, outcome=outcome).inc()
    ANSWER_SECONDS.observe(seconds)
    if dropped:
        DROPPED_SENTENCES.inc(dropped)


@contextlib.contextmanager
def job(task: str) -> Iterator[None]:
    JOBS.labels(task=task, state="started").inc()
    try:
        yield
    except BaseException:
        JOBS.labels(task=task, state="failed").inc()
        raise
    JOBS.labels(task=task, state="succeeded").inc()


class QueueCollector(Collector):
    """`investorbot_queue_jobs{state}`: the job queue's jobs by state, read at scrape time."""

    def __init__(self, count: Callable[[], dict[str, int]]) -> None:
        self._count = count

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("investorbot_queue_jobs", "Jobs in the queue by state", labels=["state"])
        try:
            counts = self._count()
        except Exception as error:  # a scrape must not fail because the database hiccups
            log.warning("could not count the queue's jobs: %s", type(error).__name__)
            counts = {}
        for state in ("todo", "doing", "succeeded", "failed", "cancelled", "aborted"):
            family.add_metric([state], counts.get(state, 0))
        yield family


def serve(settings: Settings, queue_counts: Callable[[], dict[str, int]] | None = None) -> bool:
    """Start the /metrics endpoint when METRICS_PORT is set; True when it was started."""
    if settings.metrics_port is None:
        return False
    if queue_counts is not None:
        REGISTRY.register(QueueCollector(queue_counts))
    start_http_server(settings.metrics_port, addr=settings.metrics_listen)
    log.info("metrics on http://%s:%d/metrics", settings.metrics_listen, settings.metrics_port)
    return True
