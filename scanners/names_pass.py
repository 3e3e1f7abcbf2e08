"""The names pass: after linkage, read the share again with the case gazetteer and report the known names.

Workers load no model for it: :class:`GazetteerDetector` stands where the detector stands in
:class:`~scanners.document.DocumentScanner`, so extraction, containers, offsets, masking and the
per-file time and memory budgets are the scan's own. Only files not yet read with this
gazetteer are read (``files.names_pass``): a re-scan that changes no one's name reads nothing.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanners.document import ScanTask
from scanners.pool import Failed, Finished, ProcessPool, WorkerConfig
from scanners.walk import fs_path
from spill.case import Case
from spill.case.names import FIRST_RULE, FIRST_SCORE, FULL_RULE, FULL_SCORE
from spill.errors import OutsideRoot
from spill.model import Category, Detection, Segment, Severity
from spill.people.gazetteer import FULL, Gazetteer, Payload

BATCH_FILES = 32


class GazetteerDetector:
    """Finds the case's known names in segments (a first name alone with a lower score)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    @classmethod
    def from_payload(cls, payload: Payload) -> GazetteerDetector:
        return cls(Gazetteer.from_payload(payload))

    def warm_up(self) -> None:
        """Nothing to load."""

    def new_document(self) -> None:
        """No state between a document's batches: every name is looked up on its own."""
        return None

    def detect(self, segments: Sequence[Segment], document: None = None) -> list[list[Detection]]:
        out = []
        for seg in segments:
            file_name = seg.context == "file name"  # passport_Jane_Doe.pdf: a known full name only
            out.append([Detection("PERSON", hit.start, hit.end, FULL_SCORE if hit.kind == FULL else FIRST_SCORE,
                                  FULL_RULE if hit.kind == FULL else FIRST_RULE, Category.IDENTITY, Severity.MEDIUM)
                        for hit in self.gazetteer.find(seg.text) if hit.kind == FULL or not file_name])
        return out

    def classify(self, text: str, path: str) -> None:
        return None


@dataclass
class NamesPassStats:
    names: int = 0  # people in the gazetteer
    files: int = 0  # top-level files read
    found: int = 0  # PERSON findings added
    seconds: float = 0.0


def run_names_pass(case: Case, root: Path, scan_id: int, config: WorkerConfig, jobs: int,
                   progress: Callable[[int, int], None] | None = None,
                   pool_of: Callable[[WorkerConfig, int], Any] = ProcessPool) -> NamesPassStats:
    """Read every file not yet read with the current gazetteer; write what it found. ``pool_of`` makes
    the workers (the scan's executor: local processes or a Ray cluster)."""
    import time

    started = time.monotonic()
    stats = NamesPassStats()
    gazetteer = case.names.gazetteer()
    stats.names = len(gazetteer)
    if not gazetteer.first:
        return stats
    digest = gazetteer.digest()
    pending = case.names.pending(digest)
    if not pending:
        return stats
    tasks = []
    for path, sha, size, mtime in pending:
        try:
            tasks.append(ScanTask(path, fs_path(root, path), sha or "", size, mtime))
        except OutsideRoot:  # a tampered case names a path outside the share: never read
            case.names.mark_read(path, digest)
    pool = pool_of(dataclasses.replace(config, use_ner=False, names=gazetteer.payload()), jobs or os.cpu_count() or 1)
    pool.share_words(case.scans.known_words())  # snippets are masked as the scan's are
    todo = list(reversed(tasks))
    outstanding = 0
    try:
        while todo or outstanding:
            while todo and pool.idle_capacity() > 0:
                batch = [todo.pop() for _ in range(min(BATCH_FILES, len(todo)))]
                pool.submit(batch)
                outstanding += len(batch)
            for event in pool.events(0.2):
                if isinstance(event, Finished):
                    outstanding -= 1
                    stats.files += 1
                    stats.found += case.names.write(event.task.path, event.results, gazetteer, digest, scan_id)
                elif isinstance(event, Failed):
                    outstanding -= 1
                    case.names.mark_read(event.task.path, digest)
            retries = pool.take_retries()
            if retries:
                pool.submit(retries)
            if progress:
                progress(stats.files, len(tasks))
    except BaseException:
        pool.terminate()
        raise
    pool.close()
    stats.seconds = time.monotonic() - started
    return stats
