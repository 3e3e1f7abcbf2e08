"""Excel workbooks (.xlsx/.xlsm): every non-empty cell of every worksheet (hidden ones too).

openpyxl in read-only mode streams each sheet's rows (a 200k-row sheet is never loaded whole);
cached values are read for formulas (``data_only``). Each cell: ``{"sheet": name, "cell": "D14"}``,
``context`` = the text of the column's header cell (the first non-empty row; the header row's own
cells have an empty context), ``record`` = ``<sheet>!<row>``. Numbers that are whole print
without ``.0``; dates as ISO 8601. Document properties (author, ...) as in docx. After
``limits.max_cells`` cells → ``Skipped("cell limit: ...")``. The package is checked first (see
``ooxml``: encryption, bombs). Skipped: charts, images, comments, pivot caches, defined names.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

from spill.errors import Skipped, SpillError, Unreadable
from spill.model import Segment

from .base import Limits, Member
from .ooxml import open_package
from .streams import short_reason
from .textio import looks_like_prose

_BATCH = 512


def cell_text(value: Any) -> str:
    """A cell value as the text a person would see (roughly)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e17:
            return str(int(value))
        return repr(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


@contextmanager
def _guard(what: str) -> Iterator[None]:
    """Turn openpyxl's many exception types into Unreadable, and keep its warnings quiet."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            yield
        except SpillError:
            raise
        except Exception as exc:
            raise Unreadable(f"corrupt xlsx: {what}: {short_reason(exc)}") from exc


def extract(stream: BinaryIO, limits: Limits) -> Iterator[Segment | Member]:
    import openpyxl

    pkg = open_package(stream, limits, "xlsx")
    if "xl/workbook.bin" in pkg.names:
        raise Skipped("binary workbook (.xlsb) not supported")
    source = pkg.zf.fp  # the same seekable bytes the package check read
    assert source is not None
    source.seek(0)
    with _guard("workbook"):
        wb = openpyxl.load_workbook(source, read_only=True, data_only=True, keep_links=False)
    cells = 0
    try:
        for ws in wb.worksheets:
            title = str(ws.title)
            with _guard(title):
                if hasattr(ws, "reset_dimensions"):
                    ws.reset_dimensions()  # trust the data, not the declared dimension
                rows = ws.iter_rows()
            header: dict[int, str] | None = None
            while True:
                with _guard(title):
                    batch = [row for _, row in zip(range(_BATCH), rows, strict=False)]
                if not batch:
                    break
                for row in batch:
                    filled = [(c, cell_text(c.value)) for c in row if getattr(c, "value", None) is not None]
                    filled = [(c, t) for c, t in filled if t.strip()]
                    if not filled:
                        continue
                    is_header = header is None
                    if is_header:
                        header = {c.column: " ".join(t.split()) for c, t in filled}
                    for c, text in filled:
                        cells += 1
                        if cells > limits.max_cells:
                            raise Skipped(f"cell limit: more than {limits.max_cells} cells")
                        yield Segment(
                            text,
                            locator={"sheet": title, "cell": c.coordinate},
                            context="" if is_header else (header or {}).get(c.column, ""),
                            prose=looks_like_prose(text) if len(text) > 40 else None,
                            record=f"{title}!{c.row}",
                        )
    finally:
        with _guard("close"):
            wb.close()
    yield from pkg.core_properties()
