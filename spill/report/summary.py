"""`spill report`: what counsel, the client labs and the notification team need, in Markdown or HTML.

Only masked previews and counts appear: a report travels further than the case file. Every
cell is inert text: HTML escaped, Markdown syntax escaped (``spill.inert.markdown``).
"""

from __future__ import annotations

import html
from typing import Any

from spill.case import Case
from spill.inert import markdown


def _sections(case: Case) -> list[tuple[str, list[str], list[list[Any]]]]:
    d = case.reports.report_data()
    c = d["counts"]
    scan = d["scan"]
    files = c["files"]
    overview = [
        ["Share", scan.root if scan else "—"],
        ["Last scan", f"{scan.started_at} → {scan.finished_at or '(not finished)'} ({scan.status})" if scan else "—"],
        ["Files scanned", files.get("done", 0)],
        ["Files skipped", files.get("skipped", 0)],
        ["Files failed", files.get("error", 0)],
        ["Findings", c["findings"]],
        ["People with exposed data", _people_line(c["subjects"], c.get("people_by_confidence", {}))],
        ["Decision log", "intact" if not d["chain_problems"] else f"BROKEN: {'; '.join(d['chain_problems'][:3])}"],
        ["Decision log head", f"{d['log_head'].count} entries, MAC {d['log_head'].mac or '-'} "
                              "(pin it: spill verify CASE --head MAC)"],
    ]
    out: list[tuple[str, list[str], list[list[Any]]]] = [("Overview", ["", ""], overview)]
    prov = d["provenance"]
    out.append(("Chain of custody: what made these findings", ["", ""], [
        ["spill version", prov.get("tool_version", "—")],
        ["Dependency lock (uv.lock sha256)", prov.get("lock_sha256", "—")],
        ["spaCy model (pinned manifest sha256)", prov.get("model_sha256", "—")],
        ["Rules fingerprint", prov.get("rules_fingerprint", "—")],
        ["Network isolation of the scan workers", prov.get("isolation", "—")],
    ] if prov else []))
    out.append(("Findings by type and status",
                ["entity type", "category", "status", "findings", "distinct values", "files"],
                [[t, cat, st, n, nd, nf] for t, cat, _sev, st, n, nd, nf in d["by_type_status"]]))
    out.append(("AI-lab rubrics and guidelines exposed", ["client lab", "documents", "where"],
                [[client, n, ", ".join(sorted(set(paths.split("\n")))[:5])] for client, n, paths in d["rubrics"]]))
    out.append(("People whose data is exposed (the weakest link holding each together: strong, a shared ID;"
                " medium, a shared e-mail or phone or a mail header; weak, a name)",
                ["person", "label (masked)", "link", "findings", "files", "data types"],
                [list(r) for r in d["people"]]))
    out.append(("Where (top folders)", ["folder", "findings"], [list(r) for r in d["top_folders"]]))
    out.append(("Not scanned (skipped or failed) — what this report cannot speak for", ["path", "status", "reason"],
                [list(r) for r in d["not_scanned"]]))
    out.append(("How conclusions were reached (decision log)", ["analyst", "action", "to", "count", "first", "last"],
                [list(r) for r in d["decisions"]]))
    return out


def render_markdown(case: Case) -> str:
    lines = ["# spill case report", "", "Values are masked; raw values stay in the evidence.", ""]
    for title, header, rows in _sections(case):
        lines += [f"## {title}", ""]
        if not rows:
            lines += ["_none_", ""]
            continue
        if header == ["", ""]:
            lines += ["| | |", "|---|---|"]
        else:
            lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(_md(v) for v in row) + " |" for row in rows]
        lines.append("")
    return "\n".join(lines)


def render_html(case: Case) -> str:
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>spill case report</title>",
             "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}"
             "td,th{border:1px solid #999;padding:4px 8px;text-align:left}</style></head><body>",
             "<h1>spill case report</h1><p>Values are masked; raw values stay in the evidence.</p>"]
    for title, header, rows in _sections(case):
        parts.append(f"<h2>{html.escape(title)}</h2>")
        if not rows:
            parts.append("<p><em>none</em></p>")
            continue
        parts.append("<table>")
        if header != ["", ""]:
            parts.append("<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr>")
        for row in rows:
            parts.append("<tr>" + "".join(f"<td>{html.escape(str(v if v is not None else ''))}</td>" for v in row)
                         + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _md(value: Any) -> str:
    return markdown(value)


def _people_line(total: int, by_confidence: dict[str, int]) -> str:
    parts = [f"{by_confidence[k]} {k}" for k in ("strong", "medium", "weak") if by_confidence.get(k)]
    return f"{total} ({', '.join(parts)} links)" if parts else str(total)
