"""`spill report --format md`: the same report as the HTML page, as Markdown that reads at 80 columns.

Prose is wrapped at 80 columns; tables keep few columns (the jurisdictions' deadlines are listed
once, not per person) so a terminal renderer fits them. Every cell passes ``spill.inert.markdown``.
"""

from __future__ import annotations

import textwrap

from spill.inert import markdown_prose as m
from spill.report.data import CATEGORIES, SEVERITIES, STATUSES, ReportData
from spill.report.text import (
    SECTION_TITLES,
    assessment_cell,
    country_cell,
    custody_rows,
    data_cell,
    ledger_rows,
    scanned_sentence,
    seen_cell,
)

WIDTH = 80


def render(d: ReportData) -> str:
    out = [f"# spill case report — {m(d.case_name)}", ""]
    out += _para(f"Generated {d.generated_at}. Values are masked; raw values stay in the evidence.")
    out += _para("**Decision support, not legal advice.** The notification assessment applies the rules in "
                 "rules/notify/ to what the scan found; counsel decides who is notified.", escape=False)
    out += _summary(d) + _people(d) + _clients(d) + _custody(d)
    return "\n".join(out).rstrip() + "\n"


def _summary(d: ReportData) -> list[str]:
    f = d.figures
    out = [f"## {SECTION_TITLES['summary']}", "", *_para(scanned_sentence(d))]
    out += _para(f"People exposed: {len(d.people):,} — notify {d.outcomes['notify']}, review "
                 f"{d.outcomes['review']}, not required {d.outcomes['not required']}. AI labs exposed: "
                 f"{sum(1 for lab in d.labs if lab.named)}. Decision log: {d.log_head.count:,} entries.")
    out += _table(["category", *[s.replace("_", " ") for s in STATUSES]],
                  [[c, *d.category_status(c).values()] for c in CATEGORIES if sum(d.category_status(c).values())])
    out += _table(["severity", "findings"], [[s, f["severity"].get(s, 0)] for s in SEVERITIES])
    out += ["### What was not read, and why", ""]
    if f["reasons"]:
        out += _table(["reason", "files"], sorted(([k, n] for k, n in f["reasons"].items()), key=lambda r: -r[1]))
        out += _table(["path", "status", "reason", "reviewed by"], [list(r) for r in d.not_scanned])
    else:
        out += _para("Every file and archive member found was read.")
    return out


def _people(d: ReportData) -> list[str]:
    out = [f"## {SECTION_TITLES['people']}", ""]
    out += _para(f"{d.notice.capitalize()}. One row per person whose data is exposed (false positives left out).")
    out += _table(["person", "name", "outcome", "country"],
                  [[r.facts.id, r.facts.label, str(r.assessment.outcome), r.country.country or "unknown"]
                   for r in d.people])
    out += ["### Each person's assessment", ""]
    for r in d.people:
        out += textwrap.wrap(f"- **{m(r.facts.id)}** {m(r.facts.label)}: **{m(r.assessment.outcome)}** — "
                             f"{m(assessment_cell(r))}", WIDTH, subsequent_indent="  ", break_on_hyphens=False)
        details = [f"country: {m(country_cell(r))}",
                   f"data: {m(data_cell(r))}; {r.facts.files} files, seen {m(seen_cell(r))}; worst "
                   f"{m(r.facts.worst)}; link {m(r.facts.confidence)}; {m(r.facts.triage_state)}"]
        if r.account_takeover:
            details.append(f"account-takeover risk: {m(r.account_takeover)}")
        for line in details:
            out += textwrap.wrap(f"  - {line}", WIDTH, subsequent_indent="    ", break_long_words=True,
                                 break_on_hyphens=False)
    out.append("")
    if d.people_left_out:
        out += _para(f"{d.people_left_out} people are left out: every finding of theirs was marked a false positive.")
    if "people" in d.attachments:
        out += _para(f"The full list as CSV: {d.attachments['people']}.")
    out += ["### Jurisdictions applied", ""]
    for j, n in d.jurisdictions:
        out += textwrap.wrap(f"- **{m(j.name)}** ({n} people). {m(j.law)}. Deadline: {m(j.deadline)}", WIDTH,
                             subsequent_indent="  ", break_on_hyphens=False)
    out.append("")
    return out


def _clients(d: ReportData) -> list[str]:
    out = [f"## {SECTION_TITLES['clients']}", ""]
    if not d.labs:
        return [*out, "_none_", ""]
    for lab in d.labs:
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(lab.kinds.items()))
        out += textwrap.wrap(f"- **{m(lab.lab)}**: {m(kinds)}; codenames {m(', '.join(sorted(lab.codenames)) or '—')}"
                             f"; {m(', '.join(sorted(lab.named_by)) or 'lab not named')}; {m(lab.triage)}", WIDTH,
                             subsequent_indent="  ", break_on_hyphens=False)
        for what, items in (("document", [f"{p} ({k})" for p, k, _ in lab.documents]), ("dataset beside", lab.datasets),
                            ("credential beside", [f"{p} ({t})" for p, t in lab.credentials])):
            for item in items:
                out += textwrap.wrap(f"  - {what}: {m(item)}", WIDTH, subsequent_indent="    ",
                                     break_long_words=True, break_on_hyphens=False)
    out.append("")
    return out


def _custody(d: ReportData) -> list[str]:
    out = [f"## {SECTION_TITLES['custody']}", ""]
    for key, value in custody_rows(d):
        out += textwrap.wrap(f"- {key}: {m(value)}", WIDTH, subsequent_indent="  ", break_long_words=True,
                             break_on_hyphens=False)
    out.append("")
    out += ["### How conclusions were reached (decision log)", ""]
    for analyst, action, after, n, first, last in d.decisions:
        when = first[:16] if first[:16] == last[:16] else f"{first[:16]} – {last[:16]}"
        out += textwrap.wrap(f"- {m(analyst)}: {m(action)}{' → ' + m(after) if after else ''} × {n} ({when} UTC)",
                             WIDTH, subsequent_indent="  ", break_on_hyphens=False)
    out += [""] if d.decisions else ["_none_", ""]
    out += ["### Coverage ledger", ""]
    rows, more = ledger_rows(d)
    for path, kind, size, sha, status, reason, n, reviewed in rows:
        line = f"- {m(path)} · {m(kind)} · {size} B · {status}{' (' + m(reason) + ')' if reason else ''} · " \
               f"{n} findings · sha256 {sha}{' · reviewed by ' + m(reviewed) if reviewed else ''}"
        out += textwrap.wrap(line, WIDTH, subsequent_indent="  ", break_long_words=True, break_on_hyphens=False)
    out.append("")
    if more:
        out += _para(more)
    return out


def _para(text: str, *, escape: bool = True) -> list[str]:
    return [*textwrap.wrap(m(text) if escape else text, WIDTH, break_on_hyphens=False), ""]


def _table(header: list[str], rows: list[list]) -> list[str]:
    if not rows:
        return ["_none_", ""]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(m(v) for v in row) + " |" for row in rows]
    return [*lines, ""]
