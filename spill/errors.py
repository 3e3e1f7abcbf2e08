"""Errors spill raises on purpose. The CLI prints ``str(err)`` on one line and exits 1.

    SpillError
     ├── UsageError      bad command-line input (missing folder, unknown format)
     ├── CaseError       the case file cannot be opened, created or trusted
     │    ├── DecisionConflict  what a decision would change was decided elsewhere since it was shown
     │    └── CaseInterrupted   a read was stopped on purpose (a newer one replaced it)
     ├── RuleError       a rule file is malformed ("file:line: what is wrong")
     ├── OutsideRoot     a path from the case is not inside the scan root (or goes through a link)
     └── Unreadable      one file cannot be read; the engine records it and goes on
          └── Skipped    one file is deliberately not read (encrypted, binary, limit hit)
"""

from __future__ import annotations


class SpillError(Exception):
    """Base of every error spill raises on purpose."""


class UsageError(SpillError):
    """The command line asks for something that cannot be done."""


class CaseError(SpillError):
    """The case file is missing, foreign, newer than this spill, or unwritable."""


class DecisionConflict(CaseError):
    """Another writer (a second window on the case) decided some of the same targets since they were shown."""


class CaseInterrupted(CaseError):
    """A read was stopped with ``Store.interrupt`` (another thread asked: what it computed is no longer wanted)."""


class RuleError(SpillError):
    """A rule file is malformed; the message starts with ``file:line:``."""


class OutsideRoot(SpillError):
    """A stored path that is absolute, climbs out of the scan root or goes through a symbolic link:
    reveal and verify refuse it (the case file is data, and may have been tampered with)."""


class Unreadable(SpillError):
    """A file (or archive member) could not be read; recorded as status ``error``."""


class Skipped(Unreadable):
    """A file is deliberately not read (encrypted, binary, over a limit); status ``skipped``."""
