"""The evidence against the case: every top-level file re-hashed and compared with its recorded sha256.

Used by ``spill verify`` and, handed in by the CLI, by the triage app's "Verify" command.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from scanners.walk import fs_path, sha256_file
from spill.case import Case
from spill.errors import OutsideRoot
from spill.inert import terminal


@dataclass(slots=True)
class EvidenceCheck:
    same: int = 0
    changed: int = 0
    missing: int = 0
    refused: int = 0  # paths a tampered case points outside the scan root: never read
    problems: list[str] = field(default_factory=list)  # "changed  path  (was …, now …)", "missing  path"

    @property
    def intact(self) -> bool:
        return not (self.changed or self.missing or self.refused)

    @property
    def summary(self) -> str:
        refused = f", {self.refused} refused (outside the scan root)" if self.refused else ""
        return f"{self.same} files unchanged, {self.changed} changed, {self.missing} missing{refused}"


def check_evidence(case: Case, root: Path | None = None) -> EvidenceCheck:
    """Re-hash every file in the share (``root``, or where the last scan read it)."""
    root = root or case.scans.root()
    check = EvidenceCheck()
    if root is None:
        check.problems.append("no scan recorded: nothing to compare")
        return check
    for rec in case.scans.iter_files(top_level_only=True):
        if rec.sha256 is None:
            continue
        try:
            current = sha256_file(fs_path(root, rec.path))
        except OutsideRoot as err:  # a tampered case: nothing outside the root is read
            check.problems.append(f"refused  {terminal(rec.path)}  ({terminal(err)})")
            check.refused += 1
            continue
        except OSError:
            check.problems.append(f"missing  {terminal(rec.path)}")
            check.missing += 1
            continue
        if current != rec.sha256:
            check.problems.append(f"changed  {terminal(rec.path)}  (was {rec.sha256[:12]}…, now {current[:12]}…)")
            check.changed += 1
        else:
            check.same += 1
    return check
