"""The scan: walk and hash in the parent, detect in workers, write through one writer.

- Never the same bytes twice: a file whose sha256 was already scanned is linked to the
  first copy (``duplicate_of``) and its findings copied; an unchanged file (same hash,
  or same size and mtime with ``--resume``/``trust_mtime``) scanned with the same rule
  set is not scanned again, so a re-scan after a new export only reads what changed.
- Resume after anything: each top-level file and all its members are written in one
  transaction, so a killed scan loses at most the files in flight; ``--resume`` (or
  simply scanning again) continues from there.
- Nothing raw beside a preview: the parent learns the words of every value found and
  sends them to the workers, which mask them in every snippet; after the scan, what was
  stored before a word became known is masked again (``spill.redact``).
- One huge file on several workers: with more than one worker, a text file over
  ``Limits.split_bytes`` is planned into parts while it is hashed (``scanners.parts``); each part is
  a task, and the parts' results are put back together as one file (``scanners.part_merge``).
- Streaming: a worker sends a file's findings in chunks as it finds them; they are written with
  the file ``pending`` (a kill mid-file leaves it to be scanned again; stable finding ids mean the
  rescan replaces them) and the file's last result settles its status.
- Progress: events go to a ``progress`` callback (terminal bar, periodic lines or JSON
  lines — see ``spill.progress``).
- Pause: when ``control.pause_requested`` is set (``SIGUSR1``, see ``spill.scan_control``)
  no more files are handed out, batches no worker has started are taken back, the files
  in the workers' hands are finished and written, and the scan ends ``interrupted`` with
  ``Progress.paused`` set; ``--resume`` continues.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanners.document import ScanTask
from scanners.executors import Executor
from scanners.extract.base import Limits
from scanners.part_merge import PartMerge
from scanners.parts import hash_and_plan
from scanners.pool import Failed, Finished, Started, Streamed, WorkerConfig
from scanners.scan_progress import Progress, _count_share, _counts
from scanners.walk import Entry, sha256_file, walk
from spill.case import Case, bulk
from spill.errors import OutsideRoot, UsageError
from spill.model import FileRecord, FileResult, FileStatus, KnownFile, file_id
from spill.redact import Redactor
from spill.scan_control import ScanControl

BATCH_FILES = 32  # small files travel to a worker together
BATCH_BYTES = 4 * 1024 * 1024
WRITE_EVERY_FILES = 200
WRITE_EVERY_SECONDS = 1.0
WRITER_CACHE_KIB = 64 * 1024  # SQLite page cache of the scan's writer: the indexes' hot pages stay in memory


@dataclass(frozen=True, slots=True)
class ScanOptions:
    root: Path
    rule_dirs: tuple[Path, ...] = ()
    jobs: int = 0  # 0: every core
    use_ner: bool = True
    store_values: bool = False
    resume: bool = False
    trust_mtime: bool = False
    limits: Limits = field(default_factory=Limits)
    isolate: bool = False  # workers in network namespaces of their own (spill.isolation)
    executor: str = "local"  # or "ray" (scanners.executors)
    ray_address: str | None = None  # a running Ray cluster's HOST:PORT (None: a local Ray)

    def as_json(self) -> dict[str, Any]:
        from spill.isolation import isolation_mode

        return {"root": str(self.root), "rules": [str(p) for p in self.rule_dirs], "jobs": self.jobs,
                "ner": self.use_ner, "store_values": self.store_values, "resume": self.resume,
                "trust_mtime": self.trust_mtime, "limits": dataclasses.asdict(self.limits),
                "isolation": isolation_mode(self.isolate), "executor": self.executor,
                "ray_address": self.ray_address}


@dataclass(frozen=True, slots=True)
class ScanSummary:
    progress: Progress
    scan_id: int


def run_scan(case: Case, options: ScanOptions, progress: Callable[[Progress], None] | None = None,
             control: ScanControl | None = None) -> ScanSummary:
    """Scan ``options.root`` into ``case``. Raises KeyboardInterrupt after recording an interruption;
    a pause asked for through ``control`` returns with ``progress.paused`` set."""
    from scanners.executors import open_executor

    if not options.root.resolve().is_dir():
        raise UsageError(f"cannot scan {options.root}: not a folder")
    executor = open_executor(options.executor, options.ray_address)
    try:
        return _run_scan(case, options, progress, control, executor)
    finally:
        executor.close()


def _run_scan(case: Case, options: ScanOptions, progress: Callable[[Progress], None] | None,
              control: ScanControl | None, executor: Executor) -> ScanSummary:
    from scanners.detect.ner import model_version
    from scanners.detect.rules import load_rules, rules_fingerprint
    from spill import provenance
    from spill.isolation import isolation_mode

    root = options.root.resolve()
    if not root.is_dir():
        raise UsageError(f"cannot scan {options.root}: not a folder")
    previous = case.scans.last()
    if previous is not None and Path(previous.root) != root:
        raise UsageError(f"case {case.path} holds a scan of {previous.root}, not {root}; use a new --case")
    rules = load_rules(options.rule_dirs)
    rules_fp = rules_fingerprint(rules, options.use_ner)
    scan_id = case.scans.begin(str(root), options.as_json(), rules_fp, model_version())
    case.store.set_meta(provenance.record(rules_fp, isolation_mode(options.isolate), scan_id,
                                          model_used=options.use_ner))
    state = Progress()
    jobs = options.jobs or executor.default_jobs()
    case.store.conn.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
    counter = threading.Thread(target=_count_share, args=(root, state), daemon=True)
    counter.start()
    redactor = Redactor(case.store.mask_key(), case.scans.known_words())
    pool = executor.pool(WorkerConfig(options.rule_dirs, options.use_ner, options.limits, options.isolate,
                                      case.store.mask_key()), jobs)
    pool.share_words(sorted(redactor.known))
    run = _Run(case, options, root, scan_id, rules_fp, pool, state, progress or (lambda p: None), redactor,
               control or ScanControl(), jobs)
    try:
        run.loop()
    except BaseException:
        state.worker_peak_rss, state.workers_started = pool.peak_rss, pool.started
        pool.terminate()
        run.flush()
        _restore_indexes(case, state)
        case.scans.finish(scan_id, "interrupted", _counts(state))
        raise
    pool.close()
    state.worker_peak_rss = pool.peak_rss
    state.workers_started = pool.started
    _restore_indexes(case, state)
    if case.scans.redaction_pending():
        t0 = time.monotonic()
        state.remasked = case.scans.redact_stored(redactor)  # stored before a value's words became known
        state.remask_seconds = time.monotonic() - t0
    if run.left_files:  # paused: people linkage waits for the scan that finishes the share
        state.paused = True
        case.scans.finish(scan_id, "interrupted", _counts(state))
        run.report()
        return ScanSummary(state, scan_id)
    if run.changed or previous is None or previous.status != "finished":
        _people(case, root, scan_id, options, jobs, state, progress or (lambda p: None), executor)
    state.finished = True
    case.scans.finish(scan_id, "finished", _counts(state))
    run.report()
    return ScanSummary(state, scan_id)


def _restore_indexes(case: Case, state: Progress) -> None:
    started = time.monotonic()
    if case.scans.restore_indexes():
        state.index_seconds = time.monotonic() - started


def _people(case: Case, root: Path, scan_id: int, options: ScanOptions, jobs: int, state: Progress,
            progress: Callable[[Progress], None], executor: Executor) -> None:
    """Link people, read the share again for the names learnt, and link what that found.

    A share that did not change keeps its people (this is not run on an unchanged re-scan).
    """
    from scanners.names_pass import run_names_pass

    started = time.monotonic()
    state.current = "linking people"
    progress(state)
    case.people.link()
    state.link_seconds = time.monotonic() - started

    def names_progress(done: int, total: int) -> None:
        state.current = f"names learnt from the share: {done}/{total} files read again"
        progress(state)

    config = WorkerConfig(options.rule_dirs, options.use_ner, options.limits, options.isolate, case.store.mask_key())
    names = run_names_pass(case, root, scan_id, config, jobs, names_progress, executor.pool)
    state.names_found, state.names_seconds = names.found, names.seconds
    if names.found:
        started = time.monotonic()
        case.people.link()
        state.link_seconds += time.monotonic() - started
    state.people = case.people.count()
    state.current = ""


class _Run:
    """The parent's loop: feed the pool, collect results, write in batches."""

    def __init__(self, case: Case, options: ScanOptions, root: Path, scan_id: int, rules_fp: str,
                 pool: Any, state: Progress, progress: Callable[[Progress], None], redactor: Redactor,
                 control: ScanControl, jobs: int = 1) -> None:
        self.case, self.options, self.root, self.scan_id, self.rules_fp = case, options, root, scan_id, rules_fp
        self.pool, self.state, self.progress, self.redactor = pool, state, progress, redactor
        self.control = control
        self.new_words: list[int] = []  # known since the last write
        self.known = case.scans.known_files()
        self.by_sha = case.scans.done_sha256()  # sha256 → path of the copy that was scanned
        self.in_flight: dict[str, str] = {}  # sha256 → path being scanned now
        self.waiting: dict[str, list[tuple[Entry, str]]] = {}  # copies waiting for their original
        self.pending: list[FileResult] = []
        self.changed = False  # anything written, linked or marked vanished: people linkage is stale
        self.pending_members_of: list[str] = []
        self.last_write = time.monotonic()
        self.last_report = 0.0
        self.seen: set[str] = set()
        self.tasks = self._tasks()
        self.walk_done = False
        self.taken_back = 0  # files a pause took back from the workers unscanned
        # a scan that writes much more than the case holds builds the triage indexes at its end
        self.defer_indexes_at = max(bulk.DEFER_AFTER, case.scans.finding_count() // 4)
        self.indexes_deferred = False
        # a text file over split_bytes is cut into parts for several workers (scanners.parts)
        self.split_above = options.limits.split_bytes if jobs > 1 else 0
        self.merges: dict[str, PartMerge] = {}  # path → a split file whose parts are being scanned
        self.streamed: set[tuple[str, int]] = set()  # tasks whose findings came in chunks

    # ------------------------------------------------------------------- loop
    def loop(self) -> None:
        outstanding = 0
        while True:
            if self.control.pause_requested and not self.state.pausing:
                outstanding -= self._take_back(self.pool.withdraw())
            while not self.state.pausing and self.pool.idle_capacity() > 0:
                batch = self._next_batch()
                if not batch:
                    break
                self.pool.submit(batch)
                outstanding += len(batch)
            if (self.walk_done or self.state.pausing) and outstanding == 0:
                break
            for event in self.pool.events(0.2):
                if isinstance(event, Started):
                    self.state.current = event.task.path
                elif isinstance(event, Streamed):
                    self.streamed.add(event.task.key)
                    self._take(event.task, event.results)
                elif isinstance(event, Finished):
                    outstanding -= 1
                    self._finished(event.task, event.results)
                elif isinstance(event, Failed):
                    outstanding -= 1
                    reason = event.reason if event.reason.startswith(("timeout", "memory")) else (
                        f"error: {event.reason}")
                    self._finished(event.task, [FileResult(_base_record(event.task, FileStatus.ERROR, reason),
                                                           streamed=event.task.key in self.streamed)])
            retries = self.pool.take_retries()
            if retries and self.state.pausing:
                outstanding -= self._take_back(retries)
            elif retries:
                self.pool.submit(retries)  # these were already counted as outstanding
            self._maybe_write()
            self._maybe_report()
        if not self.left_files:  # a paused walk has not seen every file: nothing has vanished
            self._vanished()
        self.flush()

    @property
    def left_files(self) -> bool:
        """A pause left files unscanned (a pause asked for after the last file changes nothing)."""
        return self.state.pausing and (not self.walk_done or self.taken_back > 0)

    def _take_back(self, tasks: list[ScanTask]) -> int:
        """Pausing: forget files handed out but not started (and copies waiting on them); a resume
        finds them again. Returns how many were taken back."""
        self.state.pausing = True
        self.taken_back += len(tasks)
        for task in tasks:
            merge = self.merges.get(task.path)
            if task.part is not None and merge is not None:
                merge.abandon(task.part.index)
                if not merge.left:
                    del self.merges[task.path]
            self.in_flight.pop(task.sha256, None)
            self.waiting.pop(task.sha256, None)
            if task.path in self.pending_members_of:
                self.pending_members_of.remove(task.path)
        self._maybe_report(force=True)
        return len(tasks)

    def _next_batch(self) -> list[ScanTask]:
        batch: list[ScanTask] = []
        size = 0
        for task in self.tasks:
            batch.append(task)
            size += task.size or 0
            if len(batch) >= BATCH_FILES or size >= BATCH_BYTES:
                break
        else:
            self.walk_done = True
        return batch

    # ------------------------------------------------------------------ input
    def _tasks(self) -> Iterator[ScanTask]:
        """Walk, skip what is unchanged, hash, de-duplicate; yield what a worker must read."""
        for entry in walk(self.root):
            self.seen.add(entry.path)
            if entry.skip_reason is not None:
                status = FileStatus.ERROR if entry.error else FileStatus.SKIPPED
                self._record_now(entry, None, status, entry.skip_reason)
                continue
            known = self.known.get(entry.path)
            if known and self._trusts_mtime() and _same_stat(known, entry) and known.final \
                    and known.rules_fingerprint == self.rules_fp:
                self._unchanged(entry)
                continue
            try:
                if self.split_above and (entry.size or 0) > self.split_above:
                    sha, parts = hash_and_plan(entry.fs_path, entry.path.rsplit("/", 1)[-1], self.options.limits)
                else:
                    sha, parts = sha256_file(entry.fs_path), []
            except FileNotFoundError:
                self._record_now(entry, None, FileStatus.ERROR, "vanished: deleted during the scan")
                continue
            except OSError as err:
                self._record_now(entry, None, FileStatus.ERROR, f"unreadable: {err.strerror or err}")
                continue
            except OutsideRoot as err:  # a folder on the way was swapped for a link after the walk
                self._record_now(entry, None, FileStatus.ERROR, f"unreadable: {err}")
                continue
            if known and known.sha256 == sha and known.final and known.rules_fingerprint == self.rules_fp:
                self._unchanged(entry)
                continue
            original = self.by_sha.get(sha)
            if original is not None and original != entry.path:
                self._link_copy(entry, sha, original)
                continue
            if sha in self.in_flight:
                self.waiting.setdefault(sha, []).append((entry, sha))
                continue
            self.in_flight[sha] = entry.path
            if known:
                self.pending_members_of.append(entry.path)
            task = ScanTask(entry.path, entry.fs_path, sha, entry.size, entry.mtime)
            if not parts:
                yield task
                continue
            self.merges[entry.path] = PartMerge(parts)
            for part in parts:
                yield dataclasses.replace(task, part=part)

    def _trusts_mtime(self) -> bool:
        return self.options.resume or self.options.trust_mtime

    def _unchanged(self, entry: Entry) -> None:
        self.state.unchanged += 1
        self.state.files_done += 1
        self.state.bytes_done += entry.size or 0

    def _record_now(self, entry: Entry, sha: str | None, status: FileStatus, reason: str) -> None:
        rec = FileRecord(id=file_id(entry.path), path=entry.path, parent=None, sha256=sha, size=entry.size,
                         mtime=entry.mtime, kind=None, status=status, reason=reason)
        self.pending.append(FileResult(rec))
        self._count_status(status)
        self.state.files_done += 1

    def _link_copy(self, entry: Entry, sha: str, original: str) -> None:
        self.flush()  # the original's rows must be in the case before they are copied
        rec = FileRecord(id=file_id(entry.path), path=entry.path, parent=None, sha256=sha, size=entry.size,
                         mtime=entry.mtime, kind=None, status=FileStatus.DONE, reason=None)
        if entry.path in self.known:
            self.case.scans.forget_members(entry.path)
        self.case.scans.link_duplicate(rec, original, self.scan_id, self.rules_fp)
        self.changed = True
        self.state.duplicates += 1
        self.state.files_done += 1
        self.state.bytes_done += entry.size or 0

    # ----------------------------------------------------------------- output
    def _take(self, task: ScanTask, results: list[FileResult]) -> None:
        """Results of a file (a chunk, or its end) on their way to the writer."""
        new_words = [w for result in results for f in result.findings if f.value is not None
                     for w in self.redactor.learn(f.value)]
        if new_words:
            self.pool.share_words(new_words)  # workers mask them from their next batch on
            self.new_words.extend(new_words)
        merge = self.merges.get(task.path) if task.part is not None else None
        self._pending(merge.accept(results) if merge is not None else results)

    def _pending(self, results: list[FileResult]) -> None:
        for result in results:
            if result.file.status != FileStatus.PENDING:
                self._count_status(result.file.status)
            self.state.findings += len(result.findings)
            for f in result.findings:
                self.state.by_category[str(f.category)] += 1
            if result.findings and self.state.first_finding_after is None:
                self.state.first_finding_after = self.state.elapsed
        self.pending.extend(results)

    def _finished(self, task: ScanTask, results: list[FileResult]) -> None:
        self.streamed.discard(task.key)
        self.state.bytes_done += task.work_bytes or 0
        if task.part is not None:
            merge = self.merges.get(task.path)
            if merge is None:  # a pause took the rest of this file back: it is scanned again on --resume
                return
            self._take(task, results)
            top = results[0].file if results else _base_record(task, FileStatus.ERROR, "error: no result")
            complete = merge.finish(task.part.index, top.status, top.reason)
            if not merge.left:
                del self.merges[task.path]
            if not complete:
                return
            results = [merge.final(_base_record(task, FileStatus.DONE, None))]
            self._pending(results)
        else:
            self._take(task, results)
        self.state.files_done += 1
        self.in_flight.pop(task.sha256, None)
        if results and results[0].file.status == FileStatus.DONE:
            self.by_sha[task.sha256] = task.path
        for entry, sha in self.waiting.pop(task.sha256, []):
            self._link_copy(entry, sha, task.path)

    def _count_status(self, status: FileStatus) -> None:
        if status == FileStatus.ERROR:
            self.state.errors += 1
        elif status == FileStatus.SKIPPED:
            self.state.skipped += 1

    def _maybe_write(self) -> None:
        if len(self.pending) >= WRITE_EVERY_FILES or time.monotonic() - self.last_write >= WRITE_EVERY_SECONDS:
            self.flush()

    def flush(self) -> None:
        if self.pending_members_of:
            for path in self.pending_members_of:
                if any(r.file.path == path for r in self.pending):
                    self.case.scans.forget_members(path)
            self.pending_members_of = [
                p for p in self.pending_members_of if not any(r.file.path == p for r in self.pending)]
        if self.pending:
            if not self.indexes_deferred and self.state.findings >= self.defer_indexes_at:
                self.case.scans.defer_indexes()
                self.indexes_deferred = True
            self.case.scans.write_results(self.pending, self.scan_id, self.rules_fp, self.options.store_values)
            self.pending = []
            self.changed = True
        if self.new_words:
            self.case.scans.add_words(self.new_words)
            self.new_words = []
        self.last_write = time.monotonic()

    def _vanished(self) -> None:
        gone = [p for p in self.known if p not in self.seen]
        if gone:
            self.case.scans.mark_vanished(gone, self.scan_id)
            self.changed = True

    def _maybe_report(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self.last_report >= 0.25:
            self.last_report = now
            self.state.bytes_in_flight = self.pool.bytes_in_flight()
            self.progress(self.state)

    def report(self) -> None:
        self.state.bytes_in_flight = 0
        self.progress(self.state)


def _base_record(task: ScanTask, status: FileStatus, reason: str | None) -> FileRecord:
    return FileRecord(id=file_id(task.path), path=task.path, parent=None, sha256=task.sha256, size=task.size,
                      mtime=task.mtime, kind=None, status=status, reason=reason)


def _same_stat(known: KnownFile, entry: Entry) -> bool:
    return known.size == entry.size and known.mtime is not None and entry.mtime is not None \
        and abs(known.mtime - entry.mtime) < 1e-6
