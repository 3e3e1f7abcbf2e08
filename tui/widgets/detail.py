"""The detail pane: just enough context to decide, masked unless deliberately revealed."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from spill.model import Finding, FindingDetail, FindingGroup, Status
from tui import format as fmt

GROUP_NOUN = {"value": "value", "rule": "rule", "file": "file", "folder": "folder"}


class DetailPane(VerticalScroll, can_focus=False):
    """Shows one finding (or one group) under the table's cursor."""

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="detail-body")

    @property
    def body(self) -> Static:
        return self.query_one("#detail-body", Static)

    def show_message(self, text: str) -> None:
        self.body.update(Text(text, style="dim"))

    def show_finding(self, detail: FindingDetail, revealed: str | None = None) -> None:
        self.body.update(render_finding(detail, revealed))
        self.scroll_home(animate=False)

    def show_group(self, group: FindingGroup, members: list[Finding], statuses: dict[str, int],
                   what: str) -> None:
        self.body.update(render_group(group, members, statuses, what))
        self.scroll_home(animate=False)


def render_finding(d: FindingDetail, revealed: str | None) -> Text:
    f = d.finding
    head = Text.assemble(fmt.severity(f.severity), " ", (f.entity_type, "bold"), " ", fmt.status(f.status),
                         (f"  {f.category.value} · {f.rule} · {f.score:.2f}", "dim"))
    out = fmt.Lines(head)
    where = fmt.location(f.location, f.line)
    out.add("where", Text.assemble(f.path, (f"  {where}" if where else "", "bold")))
    if f.line is not None and where != f"L{f.line}":
        out.add("line", Text(str(f.line)))
    if d.finding.context:
        out.add("context", fmt.highlight_span(f.context, f.ctx_start, f.ctx_end, revealed))
    elif f.entity_type == "LAB_RUBRIC":
        out.add("context", Text("document-level finding", style="dim"))
    if revealed is not None:
        out.add("REVEALED", Text.assemble((revealed, "bold reverse"),
                                            ("  logged; hidden again on the next move", "dim")))
    else:
        out.add("value", Text.assemble(f.preview or "—", ("   r reveals the raw value (logged)", "dim")
                                         if f.fingerprint else ("", "")))
    if f.client or f.signals:
        out.add("client", Text.assemble(f.client or "(unknown lab)", (f"  signals: {'; '.join(f.signals)}", "dim")))
    if f.note:
        out.add("note", Text(f.note, style="italic"))
    if d.person is not None:
        p = d.person
        out.add("person", Text.assemble((p.label, "bold"), (f"  {p.findings:,} findings in {p.files:,} files"
                                                              f" · worst {p.worst.value} · {p.id}", "dim")))
    if d.file is not None:
        fl = d.file
        sha = (fl.sha256 or "?")[:16]
        out.add("file", Text(f"{fl.kind or '?'} · {fmt.size(fl.size)} · sha256 {sha}…"
                               + (f" · copy of {fl.duplicate_of}" if fl.duplicate_of else ""), style="dim"))
    if d.history:
        lines = Text()
        for i, h in enumerate(d.history[-6:]):
            if i:
                lines.append("\n")
            change = "revealed" if h.action == "reveal" else f"{h.action}: {h.before or '—'} → {h.after or '—'}"
            lines.append(f"{h.at[:16].replace('T', ' ')} {h.analyst} {change}")
            if h.reason:
                lines.append(f" ({h.reason})", style="dim")
        out.add("history", lines)
    else:
        out.add("history", Text("no decisions yet", style="dim"))
    if d.same_file:
        lines = Text()
        for i, s in enumerate(d.same_file):
            if i:
                lines.append("\n")
            lines.append_text(fmt.severity(s.severity))
            lines.append(f" {s.entity_type} {s.preview or ''} {fmt.location(s.location, s.line)} ")
            lines.append_text(fmt.status(s.status))
        more = d.same_file_total - len(d.same_file)
        if more > 0:
            lines.append(f"\n… and {more:,} more in this file", style="dim")
        out.add("same file", lines)
    return out.text


def render_group(g: FindingGroup, members: list[Finding], statuses: dict[str, int], what: str) -> Text:
    head = Text.assemble(fmt.severity(g.worst), " ", (f"{g.count:,} findings", "bold"),
                         f" share this {GROUP_NOUN.get(g.by, g.by)}", (f"  {what}", "dim"))
    out = fmt.Lines(head)
    out.add(GROUP_NOUN.get(g.by, g.by), Text(g.label, style="bold"))
    out.add("status", Text(" · ".join(f"{statuses.get(s.value, 0):,} {fmt.STATUS_LABEL[s]}" for s in Status)))
    out.add("decide", Text("c / x / i / o decide every member at once · enter lists them", style="dim"))
    if members:
        lines = Text()
        for i, s in enumerate(members):
            if i:
                lines.append("\n")
            lines.append_text(fmt.severity(s.severity))
            lines.append(f" {s.entity_type} {s.preview or ''}  {s.path} {fmt.location(s.location, s.line)}")
        if g.count > len(members):
            lines.append(f"\n… and {g.count - len(members):,} more", style="dim")
        out.add("e.g.", lines)
    return out.text
