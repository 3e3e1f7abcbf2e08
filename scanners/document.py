"""One top-level file, start to finish: kind, extraction, members, detection, findings.

This is what a worker does with each file the engine hands it. Containers (archives,
mail with attachments, mbox) recurse here with a depth limit and one byte budget per
top-level file; every member becomes its own ``files`` row with its own hash. An
extractor's ``Unreadable``/``Skipped`` becomes that row's status and reason — whatever
was found before the failure is kept.

Offsets: segments are laid end to end with one separator between them unless the
extractor gives an absolute ``offset`` (overlapping windows of a huge file); the same
:func:`positioned` walk is used by the reveal, so a finding's ``start:end`` can be
re-read from the source.
"""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import io
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from scanners.codenames import CodenamePairs
from scanners.country import record_country, value_country
from scanners.extract import get_extractor
from scanners.extract.base import Budget, Limits, Member, budget_scope
from scanners.extract.kinds import detect_kind_stream
from scanners.row_context import is_cell, row_context
from scanners.walk import SourcePath, open_fd
from spill.errors import OutsideRoot, Skipped, Unreadable
from spill.mask import CONTEXT_WIDTH, mask, mask_context
from spill.model import Detection, FileRecord, FileResult, FileStatus, Finding, Segment, file_id
from spill.redact import Redactor

if TYPE_CHECKING:
    from scanners.parts import Part

DETECT_BATCH_SEGMENTS = 512
DETECT_BATCH_CHARS = 2_000_000
RUBRIC_TEXT_CHARS = 200_000
RUBRIC_KINDS = {"text", "docx", "pdf", "pptx", "html", "jsonl", "json", "xml"}
CONTAINER_SEPARATOR = "!/"


@dataclass(frozen=True, slots=True)
class ScanTask:
    path: str
    fs_path: SourcePath
    sha256: str
    size: int | None  # of the whole file, also for a part
    mtime: float | None
    part: Part | None = None  # one part of a huge text file (``scanners.parts``); None: the whole file

    @property
    def key(self) -> tuple[str, int]:
        """What tells tasks apart: the path, and the part (-1 for a whole file)."""
        return self.path, -1 if self.part is None else self.part.index

    @property
    def work_bytes(self) -> int | None:
        """The bytes this task reads (its time budget and progress go by them)."""
        return self.part.byte_len if self.part is not None else self.size


#: Where a worker sends a file's findings before the file ends (``Limits.stream_findings`` at a time).
Sink = Callable[[list[FileResult]], None]


def positioned(segments: Iterator[Segment | Member]) -> Iterator[tuple[int, Segment | Member]]:
    """Give each segment its absolute offset in the object's extracted text."""
    pos = 0
    for item in segments:
        if isinstance(item, Member):
            yield pos, item
            continue
        start = item.offset if item.offset is not None else pos
        yield start, item
        pos = max(pos, start + len(item.text) + 1)


def open_source(fs_path: SourcePath | bytes) -> BinaryIO:
    """Open evidence read-only below the root, refusing a symlink anywhere on the way (``walk.SourcePath``)."""
    fd = open_fd(fs_path)
    try:
        stream = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    stream.raw.name = os.fsdecode(fs_path)  # type: ignore[attr-defined]  # what extractors name members by
    return stream


class DocumentScanner:
    """Scans one top-level file with a loaded detector (one per worker).

    Before a file's results leave the worker, every snippet, locator and reason passes
    through the ``redactor``: it knows the words of the values the case has seen so far
    (the scan's parent sends them) and learns those of this file first, so a name found in
    one cell is masked in its neighbours' snippets too (see ``spill.redact``).
    """

    def __init__(self, detector, limits: Limits, redactor: Redactor | None = None) -> None:
        self.detector = detector  # scanners.detect.pipeline.Detector
        self.limits = limits
        self.redactor = redactor or Redactor(os.urandom(32))

    def scan(self, task: ScanTask, sink: Sink | None = None) -> list[FileResult]:
        """The results of one top-level file (or of one part of a huge one). With a ``sink``, the file's
        own findings go there in chunks as they are found (each with the file status ``pending``) and
        the last result says ``streamed``; findings in archive members stay in their member's result."""
        results: list[FileResult] = []
        try:
            stream = open_source(task.fs_path)
        except (OSError, OutsideRoot) as err:
            reason = "vanished: deleted during the scan" if isinstance(err, FileNotFoundError) else (
                f"unreadable: {err.strerror or err}" if isinstance(err, OSError) else f"unreadable: {err}")
            return [FileResult(_record(task.path, None, task.sha256, task.size, task.mtime, None,
                                       FileStatus.ERROR, reason))]
        with stream, budget_scope(Budget(self.limits.max_expanded_bytes)):
            if task.part is None:
                self._scan_object(stream, task.path, None, 0, task.sha256, task.size, task.mtime, results, sink)
            else:
                self._scan_part(stream, task, task.part, results, sink)
        return self._redact(results)

    def _scan_part(self, stream: BinaryIO, task: ScanTask, part: Part, results: list[FileResult],
                   sink: Sink | None) -> None:
        """One part of a huge text file: its windows, as a reading of the whole file yields them there.
        The document-level verdict is part 0's (it holds the text the rubric classifier reads)."""
        from scanners.extract.text import extract_part

        result = FileResult(_record(task.path, None, task.sha256, task.size, task.mtime, "text", FileStatus.DONE,
                                    None))
        result.file = _replace(result.file, named_after=self._named_after(task.path))
        results.append(result)
        self._read(result, extract_part(stream, self.limits, part), 0, results, sink,
                   rubric=part.index == 0)

    def _redact(self, results: list[FileResult]) -> list[FileResult]:
        """Mask every snippet, locator and reason of one top-level file (see the class docstring)."""
        redactor = self.redactor
        for result in results:
            for f in result.findings:
                if f.value is not None:
                    redactor.learn(f.value)
        for result in results:
            # a "Client" cell that holds a value the scan found (a person's name) is no lab: not kept
            result.codenames = [pair for pair in result.codenames
                                if not any(redactor.knows_a_word_in(text) for text in pair)]
            if result.file.reason:
                result.file = _replace(result.file, reason=_cut(redactor.reason(result.file.reason) or ""))
            result.findings = [
                f if f.document_level else dataclasses.replace(
                    f, context=redactor.snippet(f.context, (f.ctx_start, f.ctx_end)),
                    location=redactor.locator(f.location))
                for f in result.findings]
        return results

    # ------------------------------------------------------------------ objects
    def _scan_object(self, stream: BinaryIO, path: str, parent: str | None, depth: int, sha256: str,
                     size: int | None, mtime: float | None, results: list[FileResult],
                     sink: Sink | None = None) -> None:
        result = FileResult(_record(path, parent, sha256, size, mtime, None, FileStatus.DONE, None))
        results.append(result)
        try:
            kind = kind_of(stream, path)
        except OSError as err:
            result.file = _replace(result.file, status=FileStatus.ERROR, reason=f"unreadable: {err}")
            return
        result.file = _replace(result.file, kind=kind, named_after=self._named_after(path))
        extractor = get_extractor(kind)
        if extractor is None:
            reason = "empty file" if kind == "empty" else f"{kind}: no text to read"
            result.file = _replace(result.file, status=FileStatus.SKIPPED, reason=reason)
            return
        self._read(result, extractor(stream, self.limits), depth, results, sink if depth == 0 else None,
                   rubric=kind in RUBRIC_KINDS)

    def _read(self, result: FileResult, items: Iterator[Segment | Member], depth: int,
              results: list[FileResult], sink: Sink | None, *, rubric: bool) -> None:
        """Detect in an object's segments, recurse into its members; with a ``sink``, send its findings
        on every ``stream_findings``."""
        path = result.file.path
        # two windows of a huge text file at a time (the defaults: 2,000,000 characters either way)
        batch_limit = min(DETECT_BATCH_CHARS, 2 * self.limits.chunk_chars)
        batch: list[tuple[int, Segment]] = []
        batch_chars = 0
        rubric_parts: dict[str | None, list[str]] = {}  # by chat thread (None: the document's own text)
        rubric_chars = 0
        seen: set[tuple[int, int]] = set()  # spans already reported: one finding per occurrence
        state = self.detector.new_document()  # what this object's batches teach each other (names)
        countries: dict[str, tuple[str, str]] = {}  # record → the country a cell of it states
        codenames = CodenamePairs()
        try:
            for offset, item in positioned(items):
                if isinstance(item, Member):
                    self._scan_member(item, path, result.file.id, depth, results)
                    continue
                if not item.text:
                    continue
                if item.record is not None and item.context and item.record not in countries:
                    stated = record_country(item.context, item.text)
                    if stated:
                        countries[item.record] = stated
                codenames.see(item)
                full = len(batch) >= DETECT_BATCH_SEGMENTS or batch_chars >= batch_limit
                # a table row stays in one batch (its cells give each other context), up to a bound
                same_row = bool(batch) and item.record is not None and batch[-1][1].record == item.record \
                    and len(batch) < 4 * DETECT_BATCH_SEGMENTS and batch_chars < 4 * batch_limit
                if full and not same_row:
                    self._detect(batch, path, result, seen, state)
                    if sink is not None and len(result.findings) >= self.limits.stream_findings:
                        self._send(result, countries, sink)
                        seen = {span for span in seen if span[1] > offset}  # a later window starts past offset
                    batch, batch_chars = [], 0
                batch.append((offset, item))
                batch_chars += len(item.text)
                if rubric and rubric_chars < RUBRIC_TEXT_CHARS:
                    part = _rubric_text(item)
                    rubric_parts.setdefault(item.locator.get("thread"), []).append(part)
                    rubric_chars += len(part)
        except Skipped as err:
            result.file = _replace(result.file, status=FileStatus.SKIPPED, reason=str(err))
        except Unreadable as err:
            result.file = _replace(result.file, status=FileStatus.ERROR, reason=str(err))
        except MemoryError:
            result.file = _replace(result.file, status=FileStatus.ERROR, reason="memory: extraction over budget")
        except RecursionError:
            result.file = _replace(result.file, status=FileStatus.ERROR, reason="unreadable: nesting too deep")
        except Exception as err:  # a parser bug on hostile input must not end the scan
            result.file = _replace(result.file, status=FileStatus.ERROR,
                                   reason=f"unreadable: {type(err).__name__}: {err}")
        if batch:
            self._detect(batch, path, result, seen, state)
        if countries:
            result.findings = [_with_record_country(f, countries) for f in result.findings]
        result.codenames = codenames.found()
        if rubric_parts:
            verdict = self._rubric_verdict(rubric_parts, path)
            if verdict is not None:
                result.findings.append(Finding(
                    path=path, entity_type=verdict.entity_type, category=verdict.category,
                    severity=verdict.severity, score=verdict.score, rule=verdict.rule,
                    preview=verdict.client or "(client not named)", client=verdict.client,
                    signals=verdict.signals))

    def _send(self, result: FileResult, countries: dict[str, tuple[str, str]], sink: Sink) -> None:
        """Send the findings so far (masked as the file's last result will be) and forget them."""
        found = [_with_record_country(f, countries) for f in result.findings] if countries else result.findings
        result.findings = []
        result.streamed = True
        sink(self._redact([FileResult(_replace(result.file, status=FileStatus.PENDING), found, streamed=True)]))

    def _rubric_verdict(self, parts: dict[str | None, list[str]], path: str):
        """The document's LAB_RUBRIC verdict. A chat export is judged thread by thread: a day of messages
        that talk about grading is not a rubric unless one thread carries one."""
        verdicts = [self.detector.classify("\n".join(texts), path) for texts in parts.values()]
        return max((v for v in verdicts if v is not None), key=lambda v: v.score, default=None)

    def _scan_member(self, member: Member, parent_path: str, parent_id: str, depth: int,
                     results: list[FileResult]) -> None:
        path = f"{parent_path}{CONTAINER_SEPARATOR}{member.name}"
        if depth + 1 > self.limits.max_depth:
            results.append(FileResult(_record(path, parent_id, None, member.size, member.mtime, None,
                                              FileStatus.SKIPPED, f"nesting depth over {self.limits.max_depth}")))
            return
        try:
            data = self._read_member(member)
        except Skipped as err:
            results.append(FileResult(_record(path, parent_id, None, member.size, member.mtime, None,
                                              FileStatus.SKIPPED, str(err))))
            return
        except Unreadable as err:
            results.append(FileResult(_record(path, parent_id, None, member.size, member.mtime, None,
                                              FileStatus.ERROR, str(err))))
            return
        except Exception as err:
            results.append(FileResult(_record(path, parent_id, None, member.size, member.mtime, None,
                                              FileStatus.ERROR, f"unreadable: {type(err).__name__}: {err}")))
            return
        sha = hashlib.sha256(data).hexdigest()
        self._scan_object(named_stream(data, member.name), path, parent_id, depth + 1, sha, len(data),
                          member.mtime, results)

    def _read_member(self, member: Member) -> bytes:
        """Read a member into memory (the member stream charges the per-file expanded-bytes budget)."""
        cap = self.limits.max_member_buffer
        with member.open() as fh:  # opening checks the archive's own limits first (ratio, encryption)
            if member.size is not None and member.size > cap:
                raise Skipped(f"member too large: {member.size} bytes (buffer limit {cap})")
            data = fh.read(cap + 1)
        if len(data) > cap:
            raise Skipped(f"member too large: over the {cap}-byte buffer limit")
        return data

    # ---------------------------------------------------------------- detection
    def _named_after(self, path: str) -> tuple[tuple[str, str, str], ...]:
        """Identifiers in the file's own name (``W-8BEN_LMF-C-005271.docx``): whose document it is.

        Patterns only (no NER on a file name); the name is evidence, not a finding.
        """
        stem = file_stem(path)
        if not stem:
            return ()
        found = self.detector.detect([Segment(stem, context="file name", prose=False)])[0]
        return tuple((d.entity_type, str(d.category), stem[d.start:d.end]) for d in found)

    def _detect(self, batch: list[tuple[int, Segment]], path: str, result: FileResult,
                seen: set[tuple[int, int]], state: object) -> None:
        detections = self.detector.detect([seg for _, seg in batch], state)
        rows: dict[str, list[tuple[Segment, Sequence[Detection]]]] = {}
        in_row: list[int] = []  # each segment's index in its row (-1: not a table cell)
        row_parts: dict[str, list[str | None]] = {}  # each row's cells as neighbours show them, once
        for (_offset, seg), found in zip(batch, detections, strict=True):
            if is_cell(seg):
                row = rows.setdefault(seg.record or "", [])
                in_row.append(len(row))
                row.append((seg, found))
            else:
                in_row.append(-1)
        for (offset, seg), found, index in zip(batch, detections, in_row, strict=True):
            if not found:
                continue
            near = _Nearby([(d.start, d.end, d.entity_type) for d in found])
            place = Places(seg.text)
            for d in found:
                if seg.owns is not None and not _owned(seg, d):
                    continue  # the window beside this one reports it
                key = (offset + d.start, offset + d.end)
                if key in seen:
                    continue  # one finding per span, whichever types the detectors saw there
                seen.add(key)
                value = seg.text[d.start:d.end]
                context, c_start, c_end = mask_context(seg.text, (d.start, d.end), near(d.start, d.end),
                                                       d.entity_type)
                if index >= 0:  # a table cell: its header and the masked cells beside it
                    row = rows[seg.record or ""]
                    parts = row_parts.setdefault(seg.record or "", [None] * len(row))
                    context, c_start, c_end = row_context(row, index, context, c_start, c_end, parts)
                line = seg.line + seg.text.count("\n", 0, d.start) if seg.line is not None else None
                country, country_via = value_country(d.entity_type, value) or (None, None)
                result.findings.append(Finding(
                    path=path, entity_type=d.entity_type, category=d.category, severity=d.severity,
                    score=d.score, rule=d.rule, start=offset + d.start, end=offset + d.end, line=line,
                    location=dict(seg.locator), preview=mask(value, d.entity_type), context=context,
                    ctx_start=c_start, ctx_end=c_end, value=value, record=seg.record,
                    unit=place.unit(offset, d.start), country=country, country_via=country_via))


def _owned(seg: Segment, d: Detection) -> bool:
    """Whether a window reports this value (``Segment.owns``)."""
    lo, hi = seg.owns or (0, len(seg.text))
    return lo <= d.start < hi or (d.start < lo and d.end > 2 * lo)  # 2 * lo: the previous window's end


class _Nearby:
    """The detected spans a snippet around a value can show (a window of a dense log holds tens of
    thousands: each snippet looks only at those within its reach, found by bisection)."""

    def __init__(self, spans: list[tuple[int, int, str]]) -> None:
        self.spans = sorted(set(spans))
        self.starts = [s for s, _, _ in self.spans]
        self.longest = max((e - s for s, e, _ in self.spans), default=0)

    def __call__(self, start: int, end: int) -> list[tuple[int, int, str]]:
        lo = bisect.bisect_left(self.starts, start - CONTEXT_WIDTH - self.longest)
        hi = bisect.bisect_left(self.starts, end + CONTEXT_WIDTH)
        return self.spans[lo:hi]


_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


class Places:
    """Where an offset sits in a segment: its blank-line block, its line and its cell in that line (fields
    split by ``|`` or tabs): ``offset:block:line:cell``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: list[int] | None = None
        self._blocks: list[int] | None = None

    def unit(self, segment_offset: int, at: int) -> str:
        if self._lines is None:
            self._lines = [m.start() for m in re.finditer("\n", self.text)]
            self._blocks = [m.end() for m in _BLANK_LINE.finditer(self.text)]
        assert self._blocks is not None
        line = bisect.bisect_right(self._lines, at)
        line_start = self._lines[line - 1] + 1 if line else 0
        cell = self.text.count("|", line_start, at) + self.text.count("\t", line_start, at)
        return f"{segment_offset}:{bisect.bisect_right(self._blocks, at)}:{line}:{cell}"


def file_stem(path: str) -> str:
    """A file's own name without its extensions, separators as spaces: what it is named after.

    >>> file_stem("HR/onboarding/W-8BEN_LMF-C-005271.docx")
    'W-8BEN LMF-C-005271'
    >>> file_stem("mail.mbox!/3"), file_stem("Ana.Lima.W9.pdf"), file_stem("config/.env")
    ('3', 'Ana.Lima', '.env')
    """
    stem = path.rsplit("/", 1)[-1]
    for _ in range(2):  # x.jsonl.gz
        head, dot, ext = stem.rpartition(".")
        if dot and head and ext.isalnum() and len(ext) <= 5:
            stem = head
    return stem.replace("_", " ").strip()


_CLIENT_KEYS = {"client", "customer", "lab", "client_name", "partner", "end_client"}


def _rubric_text(seg: Segment) -> str:
    """A segment as the rubric classifier reads it: a task dataset's client field keeps its key."""
    key = seg.context.rsplit(".", 1)[-1].strip().lower() if seg.context else ""
    return f"Client: {seg.text}" if key in _CLIENT_KEYS else seg.text


def _with_record_country(f: Finding, countries: dict[str, tuple[str, str]]) -> Finding:
    """A finding without a country of its own takes the one its record states (a roster's Country cell)."""
    if f.country or f.record is None or f.record not in countries:
        return f
    country, via = countries[f.record]
    return dataclasses.replace(f, country=country, country_via=via)


def _cut(reason: str, limit: int = 240) -> str:
    """A reason short enough for one line (cut after masking, so a quote cut short is still masked)."""
    return reason if len(reason) <= limit else reason[:limit - 1] + "…"


def named_stream(data: bytes, name: str) -> BinaryIO:
    """An in-memory member that still knows its name (``x.csv.gz`` names its one member ``x.csv``)."""
    stream = io.BytesIO(data)
    stream.name = name  # type: ignore[attr-defined]
    return stream


def kind_of(stream: BinaryIO, path: str) -> str:
    return detect_kind_stream(stream, path.rsplit("/", 1)[-1])


def _record(path: str, parent: str | None, sha256: str | None, size: int | None, mtime: float | None,
            kind: str | None, status: FileStatus, reason: str | None) -> FileRecord:
    return FileRecord(id=file_id(path), path=path, parent=parent, sha256=sha256, size=size, mtime=mtime,
                      kind=kind, status=status, reason=reason)


def _replace(rec: FileRecord, **changes: object) -> FileRecord:
    return dataclasses.replace(rec, **changes)  # type: ignore[arg-type]
