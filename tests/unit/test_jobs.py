"""Handing a stopped worker's jobs back to the queue, when other workers do the same at once."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import procrastinate

from knowledge.jobs.tasks import retry_stalled


@dataclass(frozen=True)
class _Job:
    id: int
    task_name: str = "refresh"


@dataclass
class _JobManager:
    """The queue as two workers see it: a job another worker queued first refuses a second retry."""

    stalled: list[_Job]
    taken: set[int]
    retried: list[int] = field(default_factory=list)

    async def get_stalled_jobs(self, seconds_since_heartbeat: float) -> list[_Job]:
        return self.stalled

    async def retry_job(self, job: _Job) -> None:
        if job.id in self.taken:
            raise procrastinate.exceptions.ConnectorException("Job was not found or has an invalid status to retry")
        self.retried.append(job.id)


@dataclass
class _Queue:
    job_manager: _JobManager


def test_a_stalled_job_another_worker_queued_first_does_not_stop_this_one() -> None:
    manager = _JobManager([_Job(7), _Job(8)], taken={7})
    queue: Any = _Queue(manager)

    queued = asyncio.run(retry_stalled(queue, 4.0))

    assert queued == 1 and manager.retried == [8]
