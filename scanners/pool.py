"""Worker processes behind a small seam: submit a batch of files, receive events.

``ProcessPool`` is the local executor: N processes, each loading the detector once,
each with its own task queue so the parent always knows which file a worker is on. A worker
sends a file's findings in chunks as it finds them (``Streamed``), so a file with millions of
findings needs no more memory than one with a few.
That is what lets the parent enforce the per-file time and memory budget even inside
C code (PDFium, spaCy): a worker over budget is killed, its file recorded as
``error: timeout`` / ``error: memory``, its other files handed out again, and a fresh
worker started. A distributed backend (Ray, Dask) would implement the same three
methods — ``submit``, ``events``, ``close`` — and nothing in the detectors changes.

Every process here runs guarded: the forkserver imports ``spill.guard_on`` before anything
else, and a worker (``prepare_worker``) enters its own network namespace when the scan
isolates, loads the detector and the extractors' libraries, then locks down program
starts and ctypes loading before its first file. The scan's own process is locked down
the same way while its workers run.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import queue
import signal
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from scanners.document import ScanTask
from scanners.extract.base import Limits
from spill.model import FileResult

POLL_SECONDS = 0.2
#: What the forkserver imports before it forks workers; the guard goes first (see spill.guard_on).
FORKSERVER_PRELOAD = ["spill.guard_on", "scanners.detect.pipeline", "scanners.document"]


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    """What a worker loads: the rules and the NER model, or (``names``) only the case gazetteer."""

    rule_dirs: tuple[Path, ...]
    use_ner: bool
    limits: Limits
    isolate: bool = False  # each worker in a network namespace of its own (spill.isolation)
    mask_key: bytes = b""  # the case's key for the digests of known words (``Store.mask_key``)
    names: Any = None  # spill.people.gazetteer.Payload: the names pass, which needs no model


@dataclass(frozen=True, slots=True)
class Started:
    task: ScanTask


@dataclass(frozen=True, slots=True)
class Finished:
    task: ScanTask
    results: list[FileResult]


@dataclass(frozen=True, slots=True)
class Streamed:
    """Findings of a file the worker is still on (a chunk of ``Limits.stream_findings``; file status ``pending``)."""

    task: ScanTask
    results: list[FileResult]


@dataclass(frozen=True, slots=True)
class Failed:
    """A worker was stopped on this file (over its time or memory budget, or it died)."""

    task: ScanTask
    reason: str


Event = Started | Streamed | Finished | Failed


class Executor(Protocol):
    def submit(self, batch: Sequence[ScanTask]) -> None: ...
    def idle_capacity(self) -> int: ...
    def events(self, timeout: float) -> Iterator[Event]: ...
    def close(self) -> None: ...


@dataclass
class _Worker:
    wid: int
    process: Any
    tasks: Any  # multiprocessing.Queue
    outstanding: list[list[ScanTask]] = field(default_factory=list)  # batches handed over, in order
    current: ScanTask | None = None
    started_at: float = 0.0
    read_at_start: int = 0  # the process's bytes read when it started its current file
    ready: bool = False
    words_sent: int = 0  # how much of the pool's known-word list this worker has received


class ProcessPool:
    """Local worker processes with a per-file watchdog."""

    def __init__(self, config: WorkerConfig, jobs: int, *, max_outstanding: int = 2) -> None:
        self.config = config
        self.jobs = max(1, jobs)
        self.max_outstanding = max_outstanding
        # forkserver: no fork of a parent that runs threads, and the heavy imports (Presidio, spaCy)
        # are paid once in the server, so a worker replaced after a timeout starts in milliseconds
        self._ctx = mp.get_context("forkserver")
        self._ctx.set_forkserver_preload(FORKSERVER_PRELOAD)
        self._results = self._ctx.Queue()
        self._workers: dict[int, _Worker] = {}
        self._next_wid = 0
        self._retry: list[ScanTask] = []
        self._words: list[int] = []  # digests of known words, in the order they became known
        self.peak_rss = 0  # bytes: the largest resident set any worker reached
        self.started = 0  # worker processes started, replacements included
        self._locked_here = False  # whether this pool locked the scan's own process down
        # workers start with the first batch: a re-scan with nothing changed never pays for them

    def _start(self) -> None:
        for _ in range(self.jobs):
            self._spawn()
        # the forkserver runs now and replacements go through it: nothing here needs to start a program
        from spill import netguard

        if not netguard.is_locked_down():
            netguard.lock_down()
            self._locked_here = True

    def _release(self) -> None:
        if self._locked_here:
            from spill import netguard

            netguard.release()
            self._locked_here = False

    def _spawn(self) -> None:
        wid = self._next_wid
        self._next_wid += 1
        tasks = self._ctx.Queue()
        proc = self._ctx.Process(target=_worker_main, args=(wid, self.config, tasks, self._results, os.getpid()),
                                 daemon=True, name=f"spill-worker-{wid}")
        proc.start()
        self.started += 1
        self._workers[wid] = _Worker(wid, proc, tasks)

    # -------------------------------------------------------------- interface
    def idle_capacity(self) -> int:
        """How many more batches the workers can take now (counting handed-back files)."""
        if not self.started:
            return self.jobs * self.max_outstanding
        return sum(max(0, self.max_outstanding - len(w.outstanding)) for w in self._workers.values())

    def share_words(self, words: Sequence[int]) -> None:
        """Digests of words the case now knows: each worker receives them with its next batch."""
        self._words.extend(words)

    def submit(self, batch: Sequence[ScanTask]) -> None:
        if not self.started:
            self._start()
        worker = min(self._workers.values(), key=lambda w: len(w.outstanding))
        worker.outstanding.append(list(batch))
        words, worker.words_sent = self._words[worker.words_sent:], len(self._words)
        worker.tasks.put((words, list(batch)))

    def bytes_in_flight(self) -> int:
        """Bytes the workers have read of the files they are on now (Linux /proc; 0 elsewhere), so
        a multi-GB file shows progress before it is finished."""
        total = 0
        for w in self._workers.values():
            if w.current is not None and w.current.work_bytes:
                total += min(w.current.work_bytes, max(0, _bytes_read(w.process.pid) - w.read_at_start))
        return total

    def withdraw(self) -> list[ScanTask]:
        """Take back every batch still waiting in a worker's queue (a pause); the batch a worker
        is on stays with it and finishes. A batch the worker takes meanwhile simply runs. The words
        sent along are not needed any more: nothing is handed out after a pause, and the stored
        snippets are masked again when the scan ends."""
        taken: list[ScanTask] = []
        for w in self._workers.values():
            while True:
                try:
                    item = w.tasks.get_nowait()
                except (queue.Empty, OSError, ValueError):
                    break
                if item is None:  # a goodbye (never sent while the scan runs): leave it for the worker
                    w.tasks.put(None)
                    break
                _words, batch = item
                for task in batch:
                    _remove(w.outstanding, task)
                    taken.append(task)
        return taken + self.take_retries()

    def take_retries(self) -> list[ScanTask]:
        retry, self._retry = self._retry, []
        return retry

    def events(self, timeout: float = POLL_SECONDS) -> Iterator[Event]:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                msg = self._results.get(timeout=max(0.0, remaining))
            except queue.Empty:
                break
            event = self._handle(msg)
            if event is not None:
                yield event
            if time.monotonic() >= deadline:
                break
        yield from self._watchdog()

    def close(self) -> None:
        for w in self._workers.values():
            with contextlib.suppress(OSError, ValueError):
                w.tasks.put(None)
        deadline = time.monotonic() + 5
        waiting = set(self._workers)
        while waiting and time.monotonic() < deadline:  # each worker says goodbye with its peak RSS
            try:
                msg = self._results.get(timeout=0.5)
            except queue.Empty:
                continue
            if msg[0] == "bye":
                self.peak_rss = max(self.peak_rss, msg[2])
                waiting.discard(msg[1])
        for w in self._workers.values():
            w.process.join(timeout=2)
            if w.process.is_alive():
                w.process.kill()
                w.process.join(timeout=2)
        self._workers.clear()
        self._release()

    def terminate(self) -> None:
        for w in self._workers.values():
            if w.process.is_alive():
                w.process.kill()
        for w in self._workers.values():
            w.process.join(timeout=2)
        self._workers.clear()
        self._release()

    # --------------------------------------------------------------- internals
    def _handle(self, msg: tuple[Any, ...]) -> Event | None:
        kind, wid = msg[0], msg[1]
        worker = self._workers.get(wid)
        if worker is None:
            return None  # a message from a worker already replaced
        if kind == "ready":
            worker.ready = True
            return None
        if kind == "start":
            task = msg[2]
            worker.current, worker.started_at = task, time.monotonic()
            worker.read_at_start = _bytes_read(worker.process.pid)
            return Started(task)
        if kind == "chunk":
            return Streamed(msg[2], msg[3])
        if kind == "done":
            task, results = msg[2], msg[3]
            worker.current = None
            _remove(worker.outstanding, task)
            return Finished(task, results)
        if kind == "fatal":
            raise RuntimeError(f"worker {wid} could not start: {msg[2]}")
        return None

    def _watchdog(self) -> Iterator[Event]:
        limits = self.config.limits
        now = time.monotonic()
        for worker in list(self._workers.values()):
            reason = None
            if not worker.process.is_alive():
                reason = f"worker died (exit code {worker.process.exitcode})"
            elif worker.current is not None:
                self.peak_rss = max(self.peak_rss, _rss(worker.process.pid))
                budget = file_budget_seconds(limits, worker.current.work_bytes)
                if now - worker.started_at > budget:
                    reason = f"timeout: over {budget:g} s"
                elif _rss(worker.process.pid) > limits.file_memory:
                    reason = f"memory: over {limits.file_memory // 2**20} MiB resident"
            if reason is None:
                continue
            worker.process.kill()
            worker.process.join(timeout=5)
            del self._workers[worker.wid]
            culprit = worker.current
            rest = [t for batch in worker.outstanding for t in batch if culprit is None or t.key != culprit.key]
            self._retry.extend(rest)
            self._spawn()
            if culprit is not None:
                yield Failed(culprit, reason)
            elif not worker.ready:
                raise RuntimeError(f"a scan worker failed to start ({reason}); see the messages above")


def file_budget_seconds(limits: Limits, size: int | None) -> float:
    """How long one top-level file may take: a base plus a share per MiB of its size."""
    return round(limits.file_timeout + limits.file_timeout_per_mib * (size or 0) / 2**20, 1)


def _remove(batches: list[list[ScanTask]], task: ScanTask) -> None:
    for batch in batches:
        for i, t in enumerate(batch):
            if t.key == task.key:
                del batch[i]
                if not batch:
                    batches.remove(batch)
                return


def _alive(pid: int) -> bool:
    """Whether the scan process still runs (a forkserver child's own parent is the server, not the scan)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _bytes_read(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/io") as fh:
            for line in fh:
                if line.startswith("rchar:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def prepare_worker(config: WorkerConfig) -> tuple[Any, str]:
    """Make this process a scan worker: guard, isolate, load, lock down — in that order.

    Returns the document scanner and how the worker is isolated. Entering the namespace needs
    a single-threaded process and (on Python 3.11) ctypes, so it comes first; loading PDFium
    needs ctypes too, so the lock-down comes last, before any file is read.
    """
    from spill import netguard

    netguard.install(True)
    isolation = "none"
    if config.isolate:
        from spill.isolation import enter_network_namespace

        isolation = enter_network_namespace()
    from scanners.document import DocumentScanner
    from scanners.extract import import_dependencies
    from spill.redact import Redactor

    if config.names is not None:  # the names pass: the case gazetteer, no model
        from scanners.names_pass import GazetteerDetector

        detector = GazetteerDetector.from_payload(config.names)
    else:
        from scanners.detect.pipeline import load_detector

        detector = load_detector(config.rule_dirs, use_ner=config.use_ner)
    detector.warm_up()
    import_dependencies()
    import ctypes  # noqa: F401 - importing ctypes loads a library: do it while that is still allowed

    netguard.lock_down()
    return DocumentScanner(detector, config.limits, Redactor(config.mask_key or os.urandom(32))), isolation


def _worker_main(wid: int, config: WorkerConfig, tasks: Any, results: Any, parent_pid: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides how a Ctrl-C ends the scan
    try:
        scanner, _ = prepare_worker(config)
    except Exception as err:
        results.put(("fatal", wid, f"{type(err).__name__}: {err}"))
        return
    results.put(("ready", wid))
    while True:
        try:
            batch = tasks.get(timeout=1.0)
        except queue.Empty:
            if not _alive(parent_pid):
                results.cancel_join_thread()  # the scan was killed: nobody reads what is queued, do not linger
                return
            continue
        if batch is None:
            import resource

            results.put(("bye", wid, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024))
            return
        words, batch = batch
        scanner.redactor.add(words)
        for task in batch:
            results.put(("start", wid, task))
            # the names pass writes a file's names in one go (spill.case.names): only the scan streams
            sink = None if config.names is not None else partial(_send_chunk, results, wid, task, parent_pid)
            results.put(("done", wid, task, scanner.scan(task, sink)))


def _send_chunk(results: Any, wid: int, task: ScanTask, parent_pid: int, chunk: list[FileResult]) -> None:
    if not _alive(parent_pid):  # the scan was killed mid-file: the rest of the file is nobody's
        os._exit(0)
    results.put(("chunk", wid, task, chunk))
