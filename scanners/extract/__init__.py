"""One extractor per file format, chosen by the kind ``detect_kind`` tells from the content.

The engine's side of the contract::

    kind = detect_kind_stream(stream, name)        # seekable; or detect_kind(head, name[, tail]);
                                                   # or kind, stream = sniff(stream, name) for any stream
    extractor = get_extractor(kind)                # None for "binary" / "empty": record as skipped
    with budget_scope(Budget(limits.max_expanded_bytes)):   # once per top-level file
        for item in extractor(stream, limits):     # Segment | Member
            ...                                    # Member.open() may raise Unreadable/Skipped

Each extractor raises ``Unreadable`` (status ``error``) or ``Skipped`` (status ``skipped``) for the
whole file; a problem with one archive member surfaces when that member is opened or read.
Segments yielded before such an error are valid (a partly read file). Open each ``Member`` before
advancing the generator (tar and gzip members of non-seekable streams can only be read then, and
once). Member streams carry ``.name``; pass a stream with the file's ``name`` where possible
(a single-file ``x.csv.gz`` names its member ``x.csv`` from it). The depth limit is the engine's:
count one level per ``Member`` recursed into.
Modules are imported on first use, so importing this package stays cheap.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import BinaryIO

from spill.model import Segment

from .base import Budget, Extractor, Limits, Member, budget_scope, current_budget
from .kinds import KINDS, detect_kind, detect_kind_stream, sniff

__all__ = [
    "EXTRACTORS",
    "KINDS",
    "Budget",
    "Extractor",
    "Limits",
    "Member",
    "budget_scope",
    "current_budget",
    "detect_kind",
    "detect_kind_stream",
    "get_extractor",
    "import_dependencies",
    "sniff",
]

#: Libraries the extractors import on first use; PDFium (pypdfium2) is native code loaded through ctypes.
DEPENDENCIES = ("pypdfium2", "pypdfium2.raw", "openpyxl", "extract_msg", "olefile", "charset_normalizer")


def _lazy(module: str, function: str = "extract") -> Extractor:
    def extract(stream: BinaryIO, limits: Limits) -> Iterator[Segment | Member]:
        return getattr(importlib.import_module(f"{__name__}.{module}"), function)(stream, limits)  # type: ignore[no-any-return]

    extract.__qualname__ = extract.__name__ = f"{module}.{function}"
    return extract


EXTRACTORS: dict[str, Extractor] = {
    "text": _lazy("text"),
    "csv": _lazy("csv"),
    "tsv": _lazy("csv"),
    "json": _lazy("json"),
    "jsonl": _lazy("json", "extract_lines"),
    "eml": _lazy("eml"),
    "mbox": _lazy("mbox"),
    "msg": _lazy("msg"),
    "docx": _lazy("docx"),
    "xlsx": _lazy("xlsx"),
    "pptx": _lazy("pptx"),
    "pdf": _lazy("pdf"),
    "zip": _lazy("zip"),
    "tar": _lazy("tar"),
    "gzip": _lazy("gzip"),
    "html": _lazy("html"),
    "xml": _lazy("xml"),
}


def get_extractor(kind: str) -> Extractor | None:
    """The extractor for ``kind``; None for ``binary``, ``empty`` and unknown kinds."""
    return EXTRACTORS.get(kind)


def import_dependencies() -> None:
    """Import what the extractors would load on first use. A scan worker does this before it
    locks down foreign-code loading (``spill.netguard.lock_down``), so PDFium is loaded then."""
    for name in DEPENDENCIES:
        importlib.import_module(name)
