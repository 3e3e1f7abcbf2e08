"""The parts of one huge text file, put back together as one file's results (``scanners.parts``).

Each part reads exactly the windows one worker would read there, and each window reports only the
values it owns (``Segment.owns``), so the parts' findings are one worker's findings, none twice. What
is left is the file: a part's findings go to the writer as they come, as chunks of the file (status
``pending``); when every part is done, the file's last result carries its status — ``done``, or the
error of a part that failed (its time or memory budget, a worker lost) with the other parts'
findings kept — and the codenames every part saw.
"""

from __future__ import annotations

import dataclasses

from scanners.parts import Part
from spill.model import FileRecord, FileResult, FileStatus


class PartMerge:
    """One split file while its parts are scanned."""

    def __init__(self, parts: list[Part]) -> None:
        self.starts = [p.char_start for p in parts]
        self.left = set(range(len(parts)))
        self.problems: list[tuple[int, FileStatus, str]] = []
        self.codenames: set[tuple[str, str]] = set()
        self.record: FileRecord | None = None
        self.abandoned = False  # a pause took a part back: the file is scanned again on --resume

    def accept(self, results: list[FileResult]) -> list[FileResult]:
        """A part's results (a chunk or its last result) as chunks of the file."""
        out = []
        for result in results:
            self.record = self.record or result.file
            self.codenames.update(result.codenames)
            if result.findings:
                out.append(FileResult(dataclasses.replace(result.file, status=FileStatus.PENDING, reason=None),
                                      result.findings, streamed=True))
        return out

    def finish(self, index: int, status: FileStatus, reason: str | None) -> bool:
        """Part ``index`` is done (scanned or failed); whether the file is complete."""
        if status != FileStatus.DONE:
            self.problems.append((index, status, reason or str(status)))
        self.left.discard(index)
        return not self.left and not self.abandoned

    def abandon(self, index: int) -> None:
        """A pause took part ``index`` back unscanned."""
        self.abandoned = True
        self.left.discard(index)

    def final(self, base: FileRecord) -> FileResult:
        """The file's last result: its status, and the codenames of every part."""
        record = self.record or base
        status, reason = FileStatus.DONE, None
        if self.problems:
            index, status, why = min(self.problems, key=lambda p: (p[1] != FileStatus.ERROR, p[0]))
            reason = (f"{why} (part {index + 1} of {len(self.starts)}, from character {self.starts[index]};"
                      " the other parts' findings are kept)")
        return FileResult(dataclasses.replace(record, status=status, reason=reason), [],
                          sorted(self.codenames), streamed=True)
