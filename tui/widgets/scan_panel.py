"""A scan on screen: its state, the figures of its progress and what it said, as Rich text.

Pure functions of a :class:`~spill.scan_job.JobSnapshot` (a scan the app follows) or of the
case's last recorded scan, so the Scan screen and the tests read the same words.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from spill.inert import terminal as printable
from spill.model import CaseOverview
from spill.progress import human_bytes
from spill.scan_job import JobSnapshot, JobState, LiveProgress
from spill.scan_plan import about

STATE_WORDS = {
    JobState.STARTING: "STARTING (checks, loading the detector)",
    JobState.RUNNING: "RUNNING",
    JobState.PAUSING: "PAUSING (finishing the files in hand)",
    JobState.PAUSED: "PAUSED",
    JobState.CANCELLED: "CANCELLED",
    JobState.FINISHED: "FINISHED",
    JobState.FAILED: "FAILED",
    JobState.ENDED: "ENDED WITHOUT A WORD (killed?)",
}

NEXT_STEP = {
    JobState.STARTING: "p pauses as soon as it runs · c cancels",
    JobState.RUNNING: "p pauses (the files in hand are finished) · c cancels like Ctrl-C · "
                      "findings can be triaged while it runs",
    JobState.PAUSING: "c cancels at once (the files in hand are read again on resume)",
    JobState.PAUSED: "the case is consistent · r resumes where it stopped",
    JobState.CANCELLED: "the case is consistent · r resumes (files in flight are read again)",
    JobState.FINISHED: "R scans the share again when a new export arrives (unchanged files are skipped, "
                       "decisions kept)",
    JobState.FAILED: "nothing was scanned past the error; fix it and r resumes or R starts again",
    JobState.ENDED: "the case is consistent up to the last written batch · r resumes",
}


def clock(seconds: float) -> str:
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def title(snapshot: JobSnapshot) -> Text:
    text = Text()
    text.append("Scan of ", style="dim")
    text.append(printable(snapshot.share))
    text.append("  ")
    text.append(STATE_WORDS[snapshot.state], style="bold reverse" if snapshot.state.is_over else "bold")
    return text


def counts(progress: LiveProgress | None) -> tuple[str, str]:
    """The labels beside the files and bytes bars."""
    if progress is None:
        return "waiting for the first progress", ""
    files_total = f" / {progress.files_total:,}" if progress.files_total is not None else " (counting…)"
    bytes_total = f" / {human_bytes(progress.bytes_total)}" if progress.bytes_total is not None else ""
    return f"{progress.files_done:,}{files_total} files", f"{human_bytes(progress.bytes_done)}{bytes_total}"


def figures(snapshot: JobSnapshot) -> Text:
    """Speed, time, findings by category, errors — what the CLI's progress line says, in rows."""
    p = snapshot.progress
    text = Text()
    if p is None:
        text.append("speed   ", style="dim")
        text.append("—\n")
    else:
        text.append("speed   ", style="dim")
        left = p.eta
        text.append(f"{human_bytes(p.rate)}/s · elapsed {clock(p.elapsed)}")
        if left is not None and not snapshot.state.is_over:
            text.append(f" · {about(left)} left")
        text.append("\n")
        text.append("found   ", style="dim")
        text.append(f"{p.findings:,} findings", style="bold")
        text.append(" from this scan")  # a resume or rescan adds to what the case held
        if p.by_category:
            text.append(" — " + " · ".join(f"{k} {v:,}" for k, v in sorted(p.by_category.items())))
        text.append("\n")
        text.append("errors  ", style="dim")
        text.append(f"{p.errors:,} failed", style="bold" if p.errors else "")
        text.append(" · ")
        text.append(f"{p.skipped:,} skipped", style="bold" if p.skipped else "")
        text.append("\n")
    text.append("next    ", style="dim")
    text.append(NEXT_STEP[snapshot.state])
    return text


def how(snapshot: JobSnapshot) -> Text:
    """The command (what a person would type), the process and its log."""
    text = Text()
    text.append("command ", style="dim")
    text.append(printable(snapshot.command))
    if not snapshot.state.is_over:
        text.append(f"  (pid {snapshot.pid})", style="dim")
    if not snapshot.state.is_over:  # the log goes once the end has been seen
        text.append("\n")
        text.append("log     ", style="dim")
        text.append(printable(snapshot.log), style="dim")
    return text


def said(snapshot: JobSnapshot, last: int = 4) -> Text:
    """The scan's own last words (notices, the error, the closing line), inert text."""
    text = Text()
    for line in snapshot.messages[-last:]:
        text.append(printable(line) + "\n", style="bold" if line.startswith("spill: error") else "")
    return text


def last_scan(overview: CaseOverview, elsewhere: Sequence[int] = ()) -> Text:
    """The case's last recorded scan when no scan is followed (started elsewhere, or long finished);
    ``elsewhere``: processes scanning the case that the app did not start."""
    text = Text()
    scan = overview.scan
    if scan is None:
        text.append("no scan recorded in this case", style="dim")
        return text
    text.append("Last scan of ", style="dim")
    text.append(printable(scan.root))
    text.append("  ")
    if elsewhere:
        state = f"RUNNING elsewhere (pid {', '.join(map(str, elsewhere))})"
    else:
        state = {"running": "NO END RECORDED (killed)", "interrupted": "INTERRUPTED"}.get(
            scan.status, scan.status.upper())
    text.append(state, style="bold")
    when = (scan.finished_at or scan.started_at)[:16].replace("T", " ")
    text.append(f"  {when} UTC\n", style="dim")
    files, members = sum(overview.files.values()), sum(overview.members.values())
    text.append("files   ", style="dim")  # files in the share, members apart: as the Overview counts them
    text.append(f"{files:,}" + (f" (+{members:,} inside archives/mail)" if members else "")
                + f" recorded · {overview.files.get('error', 0):,} failed · {overview.files.get('skipped', 0):,}"
                " skipped\n")
    text.append("found   ", style="dim")
    text.append(f"{overview.findings:,} findings\n", style="bold")
    options = scan.options
    text.append("options ", style="dim")
    rules = printable(", ".join(options.get("rules", []))) or "built-in only"
    text.append(f"names {'on' if options.get('ner', True) else 'off'} · jobs {options.get('jobs', 0) or 'every core'}"
                f" · rules {rules}\n")
    text.append("next    ", style="dim")
    if elsewhere:
        text.append("its progress shows where it was started (a terminal); the Overview follows what it writes; "
                    "pause it with kill -USR1 PID")
    elif scan.status == "finished":
        text.append("R scans the share again when a new export arrives (unchanged files are skipped, decisions kept)")
    else:
        text.append("r resumes where it stopped (spill scan --resume) · R scans the whole share again")
    return text
