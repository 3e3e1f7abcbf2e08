"""A table over rows it never holds all of: pages are fetched in a thread as they scroll into view.

The findings table of a 10^6-finding case cannot be a DataTable with a million rows. This
widget draws with the line API (like toolong's log view): it knows the total (or a lower
bound while the count runs), keeps a few pages around the viewport and asks its ``fetch``
function, in a thread worker, for the pages it is missing. Placeholders fill the gap.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar, Literal

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from spill.inert import terminal as printable
from tui.format import crop_path

Fetch = Callable[[int, int], tuple[Sequence[Any], int | None]]
"""fetch(offset, limit) → (rows, total or None); runs in a worker thread."""

Count = Callable[[], int]
"""count() → total rows; runs in a worker thread when a page could not tell."""

Cell = str | Text


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    render: Callable[[Any], Cell]
    width: int | None = None  # None: share what the fixed columns leave
    justify: Literal["left", "right"] = "left"
    min_width: int = 8
    max_width: int | None = None  # a shared column grows no wider (None: takes what is left)
    weight: int = 1  # its share of the room beyond every column's minimum
    path: bool = False  # a path: the file name stays whole, folders give way first
    hide_below: int = 0  # hidden when the table is narrower than this


def column_widths(columns: Sequence[Column], width: int) -> list[int]:
    """Each column's width in a table ``width`` cells wide (0: hidden), one space between shown columns.

    Fixed columns keep their width; the others start at their minimum and share the room left by
    weight up to their maximum; whatever remains goes to the columns without a maximum.
    """
    shown = [c.hide_below <= width for c in columns]
    out = [(c.width if c.width is not None else c.min_width) if on else 0 for c, on in zip(columns, shown, strict=True)]
    spare = width - sum(out) - max(0, sum(shown) - 1)
    flexible = [i for i, c in enumerate(columns) if shown[i] and c.width is None]
    while spare > 0:
        growing = [i for i in flexible if columns[i].max_width is None or out[i] < (columns[i].max_width or 0)]
        if not growing:
            break
        total = sum(columns[i].weight for i in growing)
        given = 0
        for i in growing:
            share = max(1, spare * columns[i].weight // total)
            limit = columns[i].max_width
            share = min(share, spare - given, (limit - out[i]) if limit is not None else share)
            out[i] += share
            given += share
            if given >= spare:
                break
        spare -= given
        if given == 0:
            break
    return out


class VirtualTable(ScrollView, can_focus=True, inherit_bindings=False):
    """Rows from ``fetch`` pages, a cursor, row marks; mouse optional."""

    HELP_TITLE = "In the table"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False, tooltip="Move the cursor up one row"),
        Binding("down", "move(1)", "Down", show=False, tooltip="Move the cursor down one row"),
        Binding("pageup", "page(-1)", "Page up", show=False, tooltip="Move the cursor up one screen"),
        Binding("pagedown", "page(1)", "Page down", show=False, tooltip="Move the cursor down one screen"),
        Binding("home", "first", "First row", show=False, tooltip="Jump to the first row"),
        Binding("end", "last", "Last row", show=False, tooltip="Jump to the last row"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--cursor",
        "virtual-table--marked",
        "virtual-table--placeholder",
    }

    cursor: var[int] = var(0, always_update=True)

    @dataclass
    class PageLoaded(Message):
        table: VirtualTable
        generation: int
        offset: int
        rows: Sequence[Any]
        total: int | None

    @dataclass
    class CountLoaded(Message):
        table: VirtualTable
        generation: int
        total: int

    @dataclass
    class LoadFailed(Message):
        table: VirtualTable
        error: str

    @dataclass
    class CursorMoved(Message):
        """The cursor row changed (row is None while its page is still loading)."""

        table: VirtualTable
        index: int
        row: Any | None

    @dataclass
    class RangeFetched(Message):
        """Rows lo..hi fetched for a range selection that reached past the loaded pages."""

        table: VirtualTable
        lo: int
        rows: list[Any]

    @dataclass
    class RowsChanged(Message):
        """A new load finished its first page or its count: totals in the status line may change."""

        table: VirtualTable

    def __init__(self, columns: Sequence[Column], *, key: Callable[[Any], Hashable] = id,
                 marked: Callable[[Any], bool] | None = None, page_size: int = 200, empty: str = "nothing here",
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.columns = list(columns)
        self.key = key
        self.is_marked = marked or (lambda _row: False)
        self.page_size = page_size
        self.empty = empty
        self.generation = 0
        self.total: int | None = 0
        self.known = 0  # rows known to exist (the total, or a lower bound while counting)
        self._rows: dict[int, Any] = {}
        self._pending: set[int] = set()
        self._fetch: Fetch | None = None
        self._count: Count | None = None
        self._counting = False
        self._first_page_done = True

    # ------------------------------------------------------------------ loading
    def load(self, fetch: Fetch, count: Count | None = None, *, cursor: int = 0, keep_rows: bool = False) -> None:
        """Show the rows ``fetch`` returns. ``keep_rows`` keeps the old rows on screen until replaced."""
        self.generation += 1
        self._fetch, self._count = fetch, count
        self._pending.clear()
        self._counting = False
        self._first_page_done = False
        if not keep_rows:
            self._rows.clear()
            self.total, self.known = None, 0
        self.cursor = max(0, cursor)
        self._request(self._page_of(self.cursor))
        self.refresh()

    def reload(self) -> None:
        """Fetch again what is on screen (after decisions changed it), keeping the cursor."""
        if self._fetch is not None:
            self.load(self._fetch, self._count, cursor=self.cursor, keep_rows=True)

    @property
    def is_loading(self) -> bool:
        return bool(self._pending) or self._counting or not self._first_page_done

    def row_at(self, index: int) -> Any | None:
        return self._rows.get(index)

    @property
    def cursor_row(self) -> Any | None:
        return self._rows.get(self.cursor)

    def cached_rows(self, lo: int, hi: int) -> list[Any] | None:
        """Rows lo..hi (inclusive) if every one of them is loaded, else None."""
        rows = [self._rows.get(i) for i in range(lo, hi + 1)]
        return None if any(r is None for r in rows) else rows

    def patch_rows(self, update: Callable[[Any], Any]) -> None:
        """Replace every loaded row by ``update(row)`` (decisions patch status in place)."""
        for index, row in list(self._rows.items()):
            self._rows[index] = update(row)
        self.refresh()
        self.post_message(self.CursorMoved(self, self.cursor, self.cursor_row))

    def fetch_range(self, lo: int, hi: int) -> None:
        """Fetch rows lo..hi (inclusive) in a worker; answers with RangeFetched."""
        if self._fetch is not None:
            self.run_worker(partial(self._fetch_range, self._fetch, lo, hi), thread=True,
                            group="virtual-table-range", exit_on_error=False)

    def _fetch_range(self, fetch: Fetch, lo: int, hi: int) -> None:
        rows: list[Any] = []
        try:
            while lo + len(rows) <= hi:
                chunk, _total = fetch(lo + len(rows), min(5000, hi - lo - len(rows) + 1))
                if not chunk:
                    break
                rows.extend(chunk)
        except Exception as err:
            self.post_message(self.LoadFailed(self, str(err)))
            return
        self.post_message(self.RangeFetched(self, lo, rows))

    def _page_of(self, index: int) -> int:
        return index // self.page_size

    def _request(self, page: int) -> None:
        if self._fetch is None or page < 0 or page in self._pending:
            return
        if self.total is not None and page * self.page_size >= max(self.total, 1) and page > 0:
            return
        self._pending.add(page)
        self.run_worker(partial(self._fetch_page, self.generation, page, self._fetch), thread=True,
                        group="virtual-table-pages", exit_on_error=False)

    def _fetch_page(self, generation: int, page: int, fetch: Fetch) -> None:
        try:
            rows, total = fetch(page * self.page_size, self.page_size)
        except Exception as err:  # shown to the analyst; the table stays usable
            self.post_message(self.LoadFailed(self, str(err)))
            rows, total = [], None
        self.post_message(self.PageLoaded(self, generation, page * self.page_size, list(rows), total))

    def _run_count(self, generation: int, count: Count) -> None:
        try:
            total = count()
        except Exception as err:
            self.post_message(self.LoadFailed(self, str(err)))
            return
        self.post_message(self.CountLoaded(self, generation, total))

    def on_virtual_table_page_loaded(self, message: PageLoaded) -> None:
        if message.table is not self or message.generation != self.generation:
            return
        message.stop()
        page = self._page_of(message.offset)
        self._pending.discard(page)
        if not self._first_page_done:
            # the first page of a new load replaces whatever was kept on screen
            self._rows.clear()
        for i, row in enumerate(message.rows):
            self._rows[message.offset + i] = row
        if message.total is not None:
            self.total = message.total
        elif len(message.rows) < self.page_size:
            self.total = message.offset + len(message.rows)
        end = message.offset + len(message.rows)
        self.known = self.total if self.total is not None else max(self.known, end + (1 if message.rows else 0))
        if self.total is None and self._count is not None and not self._counting:
            self._counting = True
            self.run_worker(partial(self._run_count, self.generation, self._count), thread=True,
                            group="virtual-table-count", exit_on_error=False)
        self._evict(page)
        first = not self._first_page_done
        self._first_page_done = True
        self._update_size()
        if self.cursor >= self.known and self.total is not None:
            self.cursor = max(0, self.known - 1)
        self.refresh()
        if first or self.cursor // self.page_size == page:
            self.post_message(self.CursorMoved(self, self.cursor, self.cursor_row))
        if first:
            self.post_message(self.RowsChanged(self))

    def on_virtual_table_count_loaded(self, message: CountLoaded) -> None:
        if message.table is not self or message.generation != self.generation:
            return
        message.stop()
        self._counting = False
        self.total = self.known = message.total
        self._update_size()
        self.refresh()
        self.post_message(self.RowsChanged(self))

    def _evict(self, keep_page: int) -> None:
        # bounded memory: keep the pages near the viewport and the cursor only
        if len(self._rows) <= self.page_size * 12:
            return
        near = {keep_page, self._page_of(self.cursor), self._page_of(int(self.scroll_y))}
        for index in [i for i in self._rows if all(abs(self._page_of(i) - p) > 2 for p in near)]:
            del self._rows[index]

    def _update_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.known + 1)

    def _ensure_visible(self) -> None:
        top = int(self.scroll_y)
        bottom = top + max(1, self.size.height - 1)
        for page in {self._page_of(top), self._page_of(bottom), self._page_of(self.cursor)}:
            if not self._has_page(page):
                self._request(page)

    def _has_page(self, page: int) -> bool:
        start = page * self.page_size
        return start in self._rows or (self.total is not None and start >= self.total)

    # ------------------------------------------------------------------ cursor
    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self._ensure_visible()
        self.refresh()
        self.post_message(self.CursorMoved(self, new, self._rows.get(new)))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._ensure_visible()

    def _scroll_cursor_into_view(self) -> None:
        rows_visible = max(1, self.size.height - 1)
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + rows_visible:
            self.scroll_to(y=self.cursor - rows_visible + 1, animate=False, immediate=True)

    def move_cursor(self, delta: int) -> None:
        if self.known:
            self.cursor = min(max(0, self.cursor + delta), self.known - 1)

    def action_move(self, delta: int) -> None:
        self.move_cursor(delta)

    def action_page(self, direction: int) -> None:
        self.move_cursor(direction * max(1, self.size.height - 2))

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        if self.known:
            self.cursor = self.known - 1

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and offset.y >= 1:
            index = int(self.scroll_y) + offset.y - 1
            if index < self.known:
                self.cursor = index

    def on_resize(self, _event: events.Resize) -> None:
        self._update_size()
        self._scroll_cursor_into_view()
        self._ensure_visible()

    # ------------------------------------------------------------------ drawing
    def _widths(self, width: int) -> list[int]:
        return column_widths(self.columns, width)

    def _line(self, cells: list[Cell], widths: list[int], style: Style) -> list[Segment]:
        segments: list[Segment] = []
        first = True
        for cell, width, column in zip(cells, widths, self.columns, strict=True):
            if not width:
                continue  # a column hidden at this width
            if not first:
                segments.append(Segment(" ", style))
            first = False
            if isinstance(cell, Text):
                text = cell.copy()
                text.truncate(width, overflow="ellipsis")
                pad = width - text.cell_len
                if column.justify == "right":
                    segments.append(Segment(" " * pad, style))
                for seg in text.render(self.app.console, end=""):
                    segments.append(Segment(seg.text, style + seg.style if seg.style else style))
                if column.justify != "right":
                    segments.append(Segment(" " * pad, style))
            else:
                plain = printable(cell)  # data: control characters shown, never sent to the terminal
                if cell_len(plain) > width:
                    plain = crop_path(plain, width) if column.path else set_cell_size(plain, max(0, width - 1)) + "…"
                pad = " " * (width - cell_len(plain))
                segments.append(Segment(pad + plain if column.justify == "right" else plain + pad, style))
        return segments

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        widths = self._widths(width)
        if y == 0:
            style = base + self.get_component_rich_style("virtual-table--header")
            return Strip(self._line([c.label for c in self.columns], widths, style)).adjust_cell_length(width, style)
        index = int(self.scroll_y) + y - 1
        if index >= self.known:
            if index == 0 and self._first_page_done and self.known == 0:
                style = base + self.get_component_rich_style("virtual-table--placeholder")
                return Strip([Segment(f" {self.empty}", style)]).adjust_cell_length(width, style)
            return Strip.blank(width, base)
        row = self._rows.get(index)
        style = base
        if row is not None and self.is_marked(row):
            style = style + self.get_component_rich_style("virtual-table--marked")
        if index == self.cursor:
            style = style + self.get_component_rich_style("virtual-table--cursor")
        if row is None:
            self._request(self._page_of(index))
            ph = style + self.get_component_rich_style("virtual-table--placeholder")
            return Strip([Segment("  …", ph)]).adjust_cell_length(width, ph)
        cells = [column.render(row) if w else "" for column, w in zip(self.columns, widths, strict=True)]
        return Strip(self._line(cells, widths, style)).adjust_cell_length(width, style)
