"""`spill report --format html`: one self-contained page, no JavaScript, no remote resource, A4 when printed.

Sections (each an ``id`` the screenshots and links use): ``summary`` (what was scanned, what was
not and why, counts and charts), ``people`` (the notification list with its assessment),
``clients`` (exposure per AI lab), ``custody`` (versions, fingerprints, options, the decision
log's head and the coverage ledger). Every text from the case passes ``spill.inert.html_text``.
"""

from __future__ import annotations

from spill.inert import html_text as e
from spill.report import charts
from spill.report.data import CATEGORIES, SEVERITIES, STATUSES, ReportData
from spill.report.text import (
    SECTION_TITLES,
    assessment_cell,
    custody_rows,
    data_cell,
    ledger_rows,
    scanned_sentence,
    seen_cell,
)

CSS = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font: 10pt/1.4 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1d1d1d; margin: 0 auto;
       max-width: 186mm; padding: 8mm 0; }
h1 { font-size: 17pt; margin: 0 0 2mm; } h2 { font-size: 13pt; border-bottom: 2px solid #4f7a9a;
     padding-bottom: 1mm; margin-top: 9mm; break-after: avoid; } h3 { font-size: 11pt; break-after: avoid; }
section { break-before: page; } section#summary { break-before: auto; }
.notice { border-left: 4px solid #b33a3a; background: #fbf1ef; padding: 2mm 3mm; margin: 3mm 0; }
.meta { color: #555; font-size: 9pt; }
.figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 2mm; margin: 3mm 0; }
.figure { border: 1px solid #ccd6de; padding: 2mm; } .figure b { display: block; font-size: 15pt; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 3mm; }
.chart-box { border: 1px solid #e3e3e3; padding: 2mm; break-inside: avoid; }
.chart-box h3 { margin: 0 0 1mm; font-size: 9.5pt; }
svg.chart text { font: 10px "DejaVu Sans", Arial, sans-serif; fill: #1d1d1d; } svg.chart .value { fill: #555; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; margin: 2mm 0 4mm; }
table.fixed { table-layout: fixed; } td { overflow-wrap: anywhere; }
th, td { border: 1px solid #c9c9c9; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #eef2f5; } tr { break-inside: avoid; } thead { display: table-header-group; }
td.num { text-align: right; white-space: nowrap; } code, .mono { font: 7.5pt "DejaVu Sans Mono", monospace;
     word-break: break-all; }
.outcome-notify { color: #8b1e1e; font-weight: bold; } .outcome-review { color: #9a5b00; font-weight: bold; }
.outcome-not { color: #3f6b3f; font-weight: bold; }
.small { font-size: 7.5pt; color: #444; }
"""


def render(d: ReportData) -> str:
    parts = ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
             # no request leaves the page: no script, no remote font, style, image or frame
             "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
             "img-src data:\">",
             f"<title>spill case report — {e(d.case_name)}</title><style>{CSS}</style></head><body>",
             f"<header><h1>spill case report — {e(d.case_name)}</h1>",
             f'<p class="meta">Generated {e(d.generated_at)}. Values are masked; raw values stay in the evidence.</p>',
             f'<p class="notice"><b>Decision support, not legal advice.</b> The notification assessment applies the '
             f"rules in rules/notify/ to what the scan found; counsel decides who is notified. ({e(d.notice)})</p>"
             "</header>"]
    parts += _summary(d) + _people(d) + _clients(d) + _custody(d)
    parts.append("</body></html>")
    return "\n".join(parts)


def _summary(d: ReportData) -> list[str]:
    f = d.figures
    out = [f'<section id="summary"><h2>{SECTION_TITLES["summary"]}</h2>', f"<p>{e(scanned_sentence(d))}</p>"]
    cards = [("findings (not false positives)", f"{d.live_findings:,}"),
             ("still unreviewed", f"{f['status'].get('open', 0):,}"),
             ("people exposed", f"{len(d.people):,}"),
             ("to notify / review / not required",
              f"{d.outcomes['notify']} / {d.outcomes['review']} / {d.outcomes['not required']}"),
             ("AI labs exposed", f"{sum(1 for lab in d.labs if lab.named)}"),
             ("files read", f"{f['files'].get('done', 0):,}"),
             ("files not read", f"{f['files'].get('skipped', 0) + f['files'].get('error', 0):,}"),
             ("decision log entries", f"{d.log_head.count:,}")]
    out.append('<div class="figures">' + "".join(f'<div class="figure"><b>{e(v)}</b>{e(k)}</div>' for k, v in cards)
               + "</div>")
    chart_list = [
        ("Findings by category and triage state", charts.stacked_bars(
            "Findings by category and triage state",
            [(c.replace("_", " "), d.category_status(c)) for c in CATEGORIES], STATUSES)),
        ("Findings by severity (false positives left out)", charts.bars(
            "Findings by severity", [(s, f["severity"].get(s, 0)) for s in SEVERITIES])),
        ("People by notification outcome", charts.bars(
            "People by notification outcome", list(d.outcomes.items()))),
        ("Files and archive members by status", charts.bars(
            "Files by status", [(s, f["files"].get(s, 0)) for s in ("done", "skipped", "error", "pending")])),
    ]
    out.append('<div class="charts">' + "".join(f'<div class="chart-box"><h3>{e(t)}</h3>{svg}</div>'
                                                for t, svg in chart_list) + "</div>")
    out.append("<h3>What was not read, and why</h3>")
    if f["reasons"]:
        out.append(_table(["reason", "files"], [[k, (n, "num")] for k, n in sorted(
            f["reasons"].items(), key=lambda t: -t[1])]))
        out.append(_table(["path", "status", "reason", "reviewed by"], [list(r) for r in d.not_scanned]))
    else:
        out.append("<p>Every file and archive member found was read.</p>")
    out.append("</section>")
    return out


def _people(d: ReportData) -> list[str]:
    out = [f'<section id="people"><h2>{SECTION_TITLES["people"]}</h2>',
           f'<p class="notice">{e(d.notice.capitalize())}. One row per person whose data is exposed (false positives '
           "left out); a person's country is inferred from what the share says about them, shown with how.</p>"]
    rows = []
    for r in d.people:
        a, f, c = r.assessment, r.facts, r.country
        cls = {"notify": "outcome-notify", "review": "outcome-review"}.get(str(a.outcome), "outcome-not")
        country = (f"<b>{e(c.country)}</b><br><span class=\"small\">{e(c.how)}"
                   + (f"; also {e(c.others)}" if c.others else "") + "</span>") if c.country else "unknown"
        exposure = (f"{f.files:,} files, {f.findings:,} findings<br>seen {e(seen_cell(r))}<br>worst {e(f.worst)}, "
                    f"link {e(f.confidence)}<br>{e(f.triage_state)}")
        takeover = (f'<br><span class="outcome-notify">account-takeover risk:</span> '
                    f'<span class="small">{e(r.account_takeover)}</span>') if r.account_takeover else ""
        rows.append([(f'<span class="mono">{e(f.id)}</span><br>{e(f.label)}', "html"), (country, "html"),
                     (f'<span class="small">{e(data_cell(r))}</span>', "html"), (exposure, "html"),
                     (f'<span class="{cls}">{e(a.outcome)}</span><br><span class="small">'
                      f"{e(assessment_cell(r))}</span>{takeover}", "html")])
    out.append(_table(["person", "country (how inferred)", "data exposed", "exposure", "assessment"], rows,
                      widths=(14, 22, 22, 18, 24)))
    if d.people_left_out:
        out.append(f"<p>{d.people_left_out} people are left out: every finding of theirs was marked a false "
                   "positive.</p>")
    if "people" in d.attachments:
        out.append(f'<p>The full list as CSV: <a href="{e(d.attachments["people"])}">{e(d.attachments["people"])}'
                   "</a>.</p>")
    out.append("<h3>Jurisdictions applied</h3>")
    out.append(_table(["jurisdiction", "law", "people", "deadline"], widths=(22, 26, 8, 44), rows=[
        [j.name, j.law, (n, "num"), j.deadline] for j, n in d.jurisdictions]))
    out.append("</section>")
    return out


def _clients(d: ReportData) -> list[str]:
    out = [f'<section id="clients"><h2>{SECTION_TITLES["clients"]}</h2>',
           "<p>Per AI lab named by the rubric classifier (directly, or through a codename the share pairs with it):"
           " its documents by kind, the codenames seen, datasets and credentials found beside them (same folder or"
           " archive, or a dataset naming its codename), and how far their review got.</p>"]
    rows = []
    for lab in d.labs:
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(lab.kinds.items()))
        docs = "<br>".join(f'<span class="mono">{e(p)}</span> ({e(k)})' for p, k, _ in lab.documents)
        rows.append([lab.lab, kinds, ", ".join(sorted(lab.codenames)) or "—",
                     ", ".join(sorted(lab.named_by)) or "—", (docs, "html"),
                     (_paths(lab.datasets), "html"), (_paths([f"{p} ({t})" for p, t in lab.credentials]), "html"),
                     lab.triage])
    out.append(_table(["lab", "documents by kind", "codenames", "how named", "documents", "datasets beside",
                       "credentials beside", "triage"], rows, widths=(12, 11, 11, 10, 21, 17, 10, 8)))
    out.append("</section>")
    return out


def _custody(d: ReportData) -> list[str]:
    out = [f'<section id="custody"><h2>{SECTION_TITLES["custody"]}</h2>',
           "<p>What made these findings and conclusions, to reproduce or challenge them. Pin the log head: "
           "<code>spill verify CASE --head MAC</code> fails if the decision log was rewritten after this report.</p>",
           _table(["", ""], [[k, (e(v), "mono-html")] for k, v in custody_rows(d)], show_header=False,
                  widths=(28, 72)),
           "<h3>How conclusions were reached (decision log)</h3>",
           _table(["analyst", "action", "to", "count", "first", "last"], [list(r) for r in d.decisions]),
           "<h3>Coverage ledger</h3>"]
    rows, more = ledger_rows(d)
    out.append(_table(["path", "kind", "size", "sha256", "status", "reason", "findings", "reviewed by"], rows,
                      widths=(30, 6, 7, 28, 7, 8, 6, 8)))
    if more:
        out.append(f"<p>{e(more)}</p>")
    out.append("</section>")
    return out


def _paths(items: list[str]) -> str:
    return "<br>".join(f'<span class="mono">{e(p)}</span>' for p in items[:12]) + (
        f"<br>… {len(items) - 12} more" if len(items) > 12 else "") if items else "—"


def _table(header: list[str], rows: list[list], *, show_header: bool = True,
           widths: tuple[int, ...] = ()) -> str:
    if not rows:
        return "<p><em>none</em></p>"
    parts = ['<table class="fixed">' if widths else "<table>"]
    if widths:
        parts.append("<colgroup>" + "".join(f'<col style="width:{w}%">' for w in widths) + "</colgroup>")
    if show_header:
        parts.append("<thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in header) + "</tr></thead>")
    parts.append("<tbody>")
    for row in rows:
        parts.append("<tr>" + "".join(_cell(v) for v in row) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def _cell(value) -> str:
    if isinstance(value, tuple):
        text, kind = value
        if kind == "html":
            return f"<td>{text}</td>"
        if kind == "mono-html":
            return f'<td class="mono">{text}</td>'
        if kind == "num":
            return f'<td class="num">{e(f"{text:,}" if isinstance(text, int) else text)}</td>'
        return f'<td class="{kind}">{e(text)}</td>'
    return f"<td>{e(value)}</td>"
