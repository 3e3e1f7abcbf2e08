"""Where a scan's workers run: this machine's processes (``local``) or a Ray cluster (``ray``).

An executor is opened once per scan and hands out worker pools behind one seam (``submit``,
``idle_capacity``, ``events``, ``share_words``, ``withdraw``, ``take_retries``, ``close``,
``terminate``): the main pass and the names pass each take a pool from it, so a cluster is
joined (or a local Ray started) once. Everything else — walking, hashing, de-duplication,
resume and incremental rules, masking, the one writer — stays in the scan's own process.
"""

from __future__ import annotations

import os
from typing import Any, Protocol

from scanners.pool import ProcessPool, WorkerConfig

EXECUTORS = ("local", "ray")


class Executor(Protocol):
    name: str

    def default_jobs(self) -> int: ...
    def pool(self, config: WorkerConfig, jobs: int) -> Any: ...
    def describe(self) -> dict[str, Any]: ...
    def close(self) -> None: ...


class LocalExecutor:
    """Worker processes on this machine (``scanners.pool.ProcessPool``)."""

    name = "local"

    def default_jobs(self) -> int:
        return os.cpu_count() or 1

    def pool(self, config: WorkerConfig, jobs: int) -> ProcessPool:
        return ProcessPool(config, jobs)

    def describe(self) -> dict[str, Any]:
        return {"executor": "local"}

    def close(self) -> None:
        """Nothing outlives the pools."""


def open_executor(name: str = "local", address: str | None = None) -> Executor:
    """The executor a scan asked for; ``address`` names a running Ray cluster (None: a local Ray)."""
    if name == "ray":
        from scanners.ray_pool import RayExecutor

        return RayExecutor(address)
    return LocalExecutor()
