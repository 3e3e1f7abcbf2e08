"""The words both report formats share: section titles, the sentences and cells built from the report data."""

from __future__ import annotations

from spill.report.data import ReportData
from spill.report.people import NotificationRow

SECTION_TITLES = {
    "summary": "Executive summary",
    "people": "People whose data is exposed, and who must be notified",
    "clients": "Client exposure per AI lab",
    "custody": "Appendix: chain of custody",
}
LEDGER_INLINE = 50  # ledger rows printed in the report; the rest are in the CSV beside it


def scanned_sentence(d: ReportData) -> str:
    f = d.figures
    share = f["share"]
    done, skipped, error = (f["files"].get(k, 0) for k in ("done", "skipped", "error"))
    where = f" under {d.scan.root}" if d.scan else ""
    when = f", scan {d.scan.started_at} → {d.scan.finished_at or 'not finished'} ({d.scan.status})" if d.scan else ""
    text = (f"{share.get('top_level') or 0:,} files{where} ({_mb(share.get('bytes') or 0)}) and "
            f"{share.get('members') or 0:,} archive or mail members inside them{when}: {done:,} read")
    if skipped or error:
        text += f", {skipped:,} skipped and {error:,} failed (see below: this report cannot speak for them)"
    status = d.figures["status"]
    return text + (f". {d.live_findings:,} findings stand after review ({status.get('false_positive', 0):,}"
                   f" dismissed as false positives, {status.get('open', 0):,} not yet reviewed).")


def country_cell(r: NotificationRow) -> str:
    c = r.country
    if not c.country:
        return "unknown"
    return f"{c.country} ({c.how})" + (f"; also {c.others}" if c.others else "")


def data_cell(r: NotificationRow) -> str:
    return ", ".join(t.entity_type for t in r.facts.types)


def seen_cell(r: NotificationRow) -> str:
    f = r.facts
    return f.first_seen if f.first_seen == f.last_seen else f"{f.first_seen} – {f.last_seen}"


def assessment_cell(r: NotificationRow) -> str:
    a = r.assessment
    if not a.rule:
        return a.reason
    met = f"; met by {', '.join(a.elements_met)}" if a.elements_met else ""
    return f"{a.rule}: {a.section}{met}"


def custody_rows(d: ReportData) -> list[tuple[str, str]]:
    p = d.provenance
    head = d.log_head
    rows = [
        ("spill version", p.get("tool_version", "—")),
        ("Dependency lock (uv.lock sha256)", p.get("lock_sha256", "—")),
        ("spaCy model (pinned manifest sha256)", p.get("model_sha256", "—")),
        ("Detection rules fingerprint", p.get("rules_fingerprint", "—")),
        ("Notification rules fingerprint", d.notify_rules),
        ("Network isolation of the scan workers", p.get("isolation", "—")),
    ]
    if d.scan:
        rows += [("Scan", f"#{d.scan.id}, {d.scan.started_at} → {d.scan.finished_at or 'not finished'} "
                          f"({d.scan.status})"), ("Scan root", d.scan.root), ("Scan options", d.scan_options)]
    rows += [("Decision log head", f"{head.count} entries, MAC {head.mac or '-'}"),
             ("Decision log check", "intact" if not d.chain_problems else "BROKEN: " + "; ".join(d.chain_problems[:3]))]
    for what in ("people", "coverage", "coverage sha256"):
        if what in d.attachments:
            rows.append((f"Beside this report: {what}", d.attachments[what]))
    return rows


def ledger_rows(d: ReportData) -> tuple[list[list], str]:
    """The first ledger rows for the report, and a line saying where the rest are."""
    rows = [[r.path, r.kind or "", r.size if r.size is not None else "", r.sha256 or "", r.status, r.reason or "",
             r.findings, r.reviewed_by] for r in d.ledger[:LEDGER_INLINE]]
    rest = d.coverage_total - len(rows)
    if rest <= 0:
        return rows, ""
    where = (f"in {d.attachments['coverage']} beside this report" if "coverage" in d.attachments
             else "in the CSV written beside the report with -o FILE")
    return rows, f"{rest:,} more files and members (of {d.coverage_total:,}) are listed {where}."


def _mb(n: int) -> str:
    return f"{n / 2**20:,.1f} MiB" if n >= 2**20 else f"{n / 1024:,.1f} KiB"
