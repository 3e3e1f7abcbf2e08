"""`spill` command line: argument parsing and exit codes; the one place that reaches both sides.

Each command imports what it needs inside its function, so `spill rules list` does not
pay for Textual or spaCy. Every ``SpillError`` becomes one line on stderr and exit 1;
a finished scan exits 0 even with recorded per-file errors; Ctrl-C (or a pause, SIGUSR1)
exits 130 with the case consistent. ``spill`` alone opens the triage app's start screen.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from spill.errors import SpillError, UsageError
from spill.inert import terminal
from spill.scan_plan import LIMIT_OPTIONS, check_case_place, check_jobs, check_rule_dirs, check_share

EXIT_OK, EXIT_ERROR, EXIT_CHANGED, EXIT_INTERRUPTED = 0, 1, 2, 130


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line on stderr and exit 1."""

    def error(self, message: str) -> NoReturn:
        print(f"spill: error: {message} (see `{self.prog} --help`)", file=sys.stderr)
        raise SystemExit(EXIT_ERROR)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="spill", description="Find and triage exposed personal data, payment data, credentials "
                "and AI-lab rubrics in exported file shares — offline.")
    sub = p.add_subparsers(dest="command", parser_class=_Parser,
                           description="without a command: the triage app's start screen (recent cases, open, new "
                                       "case), on a terminal")

    s = sub.add_parser("scan", help="scan a share into a case file (resumable, incremental)")
    s.add_argument("root", type=Path, metavar="ROOT", help="folder of the exported share (read only)")
    s.add_argument("--case", required=True, type=Path, metavar="CASE.db", help="case file to create or update")
    _rules_arg(s)
    s.add_argument("--jobs", type=int, default=0, metavar="N", help="worker processes (default: every core)")
    s.add_argument("--no-ner", action="store_true", help="skip person names (spaCy NER): a fast first pass")
    s.add_argument("--store-values", action="store_true",
                   help="also store raw values in the case file (off by default: the case must not leak)")
    s.add_argument("--resume", action="store_true",
                   help="continue an interrupted scan; files already finished are not read again")
    s.add_argument("--trust-mtime", action="store_true",
                   help="on a re-scan, treat a file with the same size and mtime as unchanged (no re-hash)")
    s.add_argument("--json-progress", action="store_true", help="progress as JSON lines on stderr")
    s.add_argument("--isolate", action=argparse.BooleanOptionalAction, default=None,
                   help="run the workers in a network namespace of their own, so even native code cannot reach "
                        "a network (default: on where the OS allows it; --isolate insists)")
    s.add_argument("--executor", choices=["local", "ray"], default="local",
                   help="where the workers run: this machine's processes (default) or a Ray cluster "
                        "(needs spill-triage[ray]; the share must be mounted at the same path on every node)")
    s.add_argument("--ray-address", metavar="HOST:PORT",
                   help="with --executor ray: the running cluster's head (ray start --head); the network guard "
                        "allows this address and loopback, nothing else (default: a Ray of its own on loopback)")
    lim = s.add_argument_group("limits for hostile input")
    for option in LIMIT_OPTIONS:
        lim.add_argument(f"--{option.flag}", type=option.kind, metavar=option.metavar, help=option.help)

    t = sub.add_parser("triage", help="open the keyboard-driven triage app on a case (none: the start screen)")
    t.add_argument("case", type=Path, nargs="?", metavar="CASE.db")
    t.add_argument("--analyst", help="name recorded with every decision (default: the OS user)")
    t.add_argument("--confirm-above", type=int, default=100, metavar="N",
                   help="ask first, saying what will change, before a decision on more than N findings"
                        " (or on more than 10 files); default 100")

    e = sub.add_parser("export", help="findings (or, with --people, the notification list) as JSON Lines or CSV")
    e.add_argument("case", type=Path, metavar="CASE.db")
    e.add_argument("--people", action="store_true",
                   help="the notification list: one row per exposed person with the jurisdiction's assessment "
                        "(decision support, not legal advice)")
    _notify_rules_arg(e)
    e.add_argument("--format", required=True, choices=["jsonl", "csv"])
    e.add_argument("--reveal", action="store_true",
                   help="include raw values, re-read from the source and checked against their fingerprint")
    e.add_argument("-o", "--output", type=Path, metavar="FILE", help="write here instead of stdout")
    e.add_argument("--status", action="append", default=[], metavar="S",
                   choices=["open", "confirmed", "false_positive", "ignored"], help="only findings in status S")

    r = sub.add_parser("report", help="a report for counsel and the client labs (Markdown or HTML)")
    r.add_argument("case", type=Path, metavar="CASE.db")
    r.add_argument("--format", required=True, choices=["md", "html"])
    r.add_argument("-o", "--output", type=Path, metavar="FILE",
                   help="write here; the full notification list and coverage ledger go beside it as "
                        "FILE's name + .people.csv and .coverage.csv")
    _notify_rules_arg(r)

    ru = sub.add_parser("rules", help="list the rules or run their own examples")
    rsub = ru.add_subparsers(dest="rules_command", required=True, parser_class=_Parser)
    for name, text in (("list", "every rule: id, entity type, category, severity, source file; then the notification "
                                "rules: id, outcome, jurisdiction, source"),
                       ("test", "run every rule's examples (detection and notification); non-zero exit on a failure")):
        rp = rsub.add_parser(name, help=text)
        _rules_arg(rp)
        _notify_rules_arg(rp)

    v = sub.add_parser("verify", help="re-hash the evidence and check the keyed decision chain")
    v.add_argument("case", type=Path, metavar="CASE.db")
    v.add_argument("--root", type=Path, help="where the share is now, if it moved since the scan")
    v.add_argument("--head", metavar="MAC", help="a log head pinned earlier (printed in reports): it must still be "
                   "in the log")

    sub.add_parser("doctor", help="versions, model integrity, rules, the network guard's self-test, isolation")
    return p


def _notify_rules_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--notify-rules", action="append", type=Path, default=[], metavar="DIR",
                   help="add the notification rules in DIR (a jurisdiction with a known id replaces it; "
                        "elements.yml adds elements); repeatable")


def _rules_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rules", action="append", type=Path, default=[], metavar="DIR",
                   help="add the YAML rules in DIR (same id replaces a built-in); repeatable")


def main(argv: Sequence[str] | None = None) -> int:
    from spill import netguard

    netguard.install(True)  # first: no command, and nothing it imports, reaches a network
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None and not _on_terminal():
        parser.error("a command is required when not on a terminal (`spill` alone opens the triage app)")
    handler = {None: cmd_triage, "scan": cmd_scan, "triage": cmd_triage, "export": cmd_export,
               "report": cmd_report, "rules": cmd_rules, "verify": cmd_verify, "doctor": cmd_doctor}[args.command]
    try:
        return handler(args)
    except SpillError as err:
        print(f"spill: error: {terminal(err)}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("spill: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep Python quiet at exit
        return EXIT_OK


# ---------------------------------------------------------------- commands
def cmd_scan(args: argparse.Namespace) -> int:
    from spill.scan_control import ScanControl

    control = ScanControl()
    control.listen()  # first: a pause (SIGUSR1) that comes while the engine loads is kept, not fatal
    from scanners.engine import ScanOptions, run_scan
    from scanners.extract.base import Limits
    from spill import netguard
    from spill.case import Case
    from spill.progress import ProgressReporter, describe

    root: Path = args.root
    check_share(root)
    check_jobs(args.jobs)
    check_rule_dirs(args.rules)
    from scanners.detect.rules import load_rules

    load_rules(args.rules)  # a malformed rule fails here, before a case file is created
    case_path: Path = args.case
    check_case_place(case_path, root, resume=args.resume)
    limits = _limits(args, Limits())
    if not args.no_ner:
        from spill.model_integrity import verified_data_dir

        verified_data_dir()  # a tampered model refuses the scan here, in one line
    if args.ray_address and args.executor != "ray":
        raise UsageError("--ray-address needs --executor ray")
    if args.executor == "ray" and args.isolate:
        raise UsageError("--isolate needs the local executor: a Ray worker must reach its cluster (the in-process "
                         "guard still allows only the cluster's address and loopback)")
    if args.executor == "ray":
        from scanners.ray_pool import import_ray

        import_ray(args.ray_address)  # without the extra: one line saying how to get it, before a case file is created
    isolate = False if args.executor == "ray" else _isolation_choice(args.isolate)
    options = ScanOptions(root=root, rule_dirs=tuple(args.rules), jobs=args.jobs, use_ner=not args.no_ner,
                          store_values=args.store_values, resume=args.resume, trust_mtime=args.trust_mtime,
                          limits=limits, isolate=isolate, executor=args.executor, ray_address=args.ray_address)
    netguard.install(True)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    case = Case.open_or_create(case_path)
    reporter = ProgressReporter(json_lines=args.json_progress)
    try:
        summary = run_scan(case, options, reporter, control)
    except KeyboardInterrupt:
        reporter.close()
        print(f"spill: scan interrupted; the case is consistent — continue with `{terminal(_resume_command(args))}`",
              file=sys.stderr)
        case.close()
        return EXIT_INTERRUPTED
    finally:
        reporter.close()
    if summary.progress.paused:
        case.close()
        print(f"spill: scan paused after {summary.progress.files_done} files; the case is consistent — continue "
              f"with `{terminal(_resume_command(args))}`", file=sys.stderr)
        return EXIT_INTERRUPTED
    counts = case.reports.counts()
    case.close()
    p = summary.progress
    cats = ", ".join(f"{k} {v}" for k, v in sorted(counts["by_category"].items())) or "none"
    print(f"spill: scanned {p.files_done} files ({p.unchanged} unchanged, {p.duplicates} duplicates, "
          f"{p.skipped} skipped, {p.errors} errors) in {p.elapsed:.1f}s: {counts['findings']} findings "
          f"[{cats}], {counts['subjects']} people{_names(p)} → {terminal(case_path)} "
          f"(largest worker {p.worker_peak_rss / 2**20:.0f} MiB)")
    if os.environ.get("SPILL_DEBUG_PROGRESS"):
        print(describe(p), file=sys.stderr)
    return EXIT_OK


def cmd_triage(args: argparse.Namespace) -> int:
    """`spill triage CASE.db`; without a case (or `spill` alone) the start screen."""
    from scanners.reveal import reveal
    from scanners.verify import check_evidence
    from spill import netguard
    from spill.case import Case

    case: Path | None = getattr(args, "case", None)
    if case is not None:
        Case.open(case).close()  # a bad case file is one line, not a traceback in the TUI
    elif not _on_terminal():
        raise UsageError("the start screen needs a terminal; name a case file (`spill triage CASE.db`)")
    netguard.install(True)
    from tui.app import run_triage

    farewell = run_triage(case, getattr(args, "analyst", None), reveal,
                          confirm_above=getattr(args, "confirm_above", 100), evidence_checker=check_evidence)
    if farewell:  # said after the app has left the screen: a scan left running, and how to get back to it
        print(terminal(farewell), file=sys.stderr)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    if args.people:
        return _export_people(args)
    if args.notify_rules:
        raise UsageError("--notify-rules applies to the notification list: add --people")
    from scanners.reveal import BulkRevealer
    from spill.case import Case, default_analyst
    from spill.model import Action
    from spill.report.export import export_rows, write_csv, write_jsonl

    case = Case.open(args.case, readonly=not args.reveal)
    problems: list[str] = []
    revealed: list[str] = []
    revealer = BulkRevealer(case) if args.reveal else None
    rows = export_rows(case, statuses=args.status, revealer=revealer, problems=problems, revealed=revealed)
    try:
        with _output(args.output) as out:
            n = (write_jsonl if args.format == "jsonl" else write_csv)(rows, out)
    finally:
        if revealed:  # every value that left the evidence is in the decision log
            case.log.decide(revealed, action=Action.REVEAL, after=None, analyst=default_analyst(),
                            reason=f"spill export --reveal ({args.format})", skip_unchanged=False)
        case.close()
    if args.output:
        print(f"spill: exported {n} findings to {terminal(args.output)}", file=sys.stderr)
    if problems:
        print(f"spill: warning: {len(problems)} values could not be revealed (source changed or missing); "
              f"first: {terminal(problems[0])}", file=sys.stderr)
    return EXIT_OK


def _export_people(args: argparse.Namespace) -> int:
    from scanners.reveal import BulkRevealer
    from spill.case import Case, default_analyst
    from spill.model import Action
    from spill.notify import NOT_LEGAL_ADVICE
    from spill.notify_rules import load_rulebook
    from spill.report.people import notification_list, outcome_counts, people_rows, write_csv, write_jsonl

    if args.status:
        raise UsageError("--status does not apply to --people (false positives are always left out)")
    book = load_rulebook(args.notify_rules)  # a malformed rule fails here, before anything is read
    case = Case.open(args.case, readonly=not args.reveal)
    problems: list[str] = []
    revealed: list[str] = []
    try:
        listed = notification_list(case, book)
        rows = people_rows(case, listed, revealer=BulkRevealer(case) if args.reveal else None,
                           revealed=revealed, problems=problems)
        left_out = case.exposure.people_all_false_positive()
        with _output(args.output) as out:
            if args.format == "jsonl":
                write_jsonl(rows, out)
            else:
                write_csv(rows, out, revealed=args.reveal)
    finally:
        if revealed:  # every value that left the evidence is in the decision log
            case.log.decide(revealed, action=Action.REVEAL, after=None, analyst=default_analyst(),
                            reason=f"spill export --people --reveal ({args.format})", skip_unchanged=False)
        case.close()
    counts = outcome_counts(listed)
    unreviewed = sum(1 for r in listed if r.facts.open)
    print(f"spill: notification list: {len(listed)} people — " + ", ".join(f"{k} {v}" for k, v in counts.items())
          + f"; {unreviewed} with unreviewed findings"
          + (f"; {left_out} left out (all their findings false positives)" if left_out else "")
          + (f" → {terminal(args.output)}" if args.output else "") + f" ({NOT_LEGAL_ADVICE})", file=sys.stderr)
    if problems:
        print(f"spill: warning: {len(problems)} values could not be revealed (source changed or missing); "
              f"first: {terminal(problems[0])}", file=sys.stderr)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    import hashlib
    import time

    from spill.case import Case
    from spill.notify_rules import load_rulebook
    from spill.report import html, markdown
    from spill.report.data import build
    from spill.report.ledger import write_coverage_csv
    from spill.report.people import people_rows, write_csv

    started = time.perf_counter()
    book = load_rulebook(args.notify_rules)
    case = Case.open(args.case, readonly=True)
    try:
        data = build(case, book)
        if args.output:  # the long lists go beside the report, which names them (and the ledger's hash)
            stem = args.output.with_suffix("")
            people_csv, ledger_csv = Path(f"{stem}.people.csv"), Path(f"{stem}.coverage.csv")
            with _output(people_csv) as out:
                write_csv(people_rows(case, data.people), out)
            with _output(ledger_csv) as out:
                write_coverage_csv(case, out)
            digest = hashlib.sha256(ledger_csv.read_bytes()).hexdigest()
            data.attachments = {"people": people_csv.name, "coverage": ledger_csv.name,
                                "coverage sha256": digest}
    finally:
        case.close()
    text = (markdown.render if args.format == "md" else html.render)(data)
    with _output(args.output) as out:
        out.write(text)
    if args.output:
        print(f"spill: report → {terminal(args.output)} (with {terminal(data.attachments['people'])} and "
              f"{terminal(data.attachments['coverage'])}) in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return EXIT_OK


def cmd_rules(args: argparse.Namespace) -> int:
    from scanners.detect.rules import load_rules
    from scanners.detect.rules_check import list_rules, test_rules
    from spill.notify_rules import load_rulebook

    check_rule_dirs(args.rules)
    rules = load_rules(args.rules)
    book = load_rulebook(args.notify_rules)  # every notification rule's examples are checked as it loads
    notify_rules = [(j, r) for j in book.jurisdictions.values() for r in j.rules]
    if args.rules_command == "list":
        rows = list_rules(rules)
        for r in rows:
            line = f"{r['id']:<44} {r['entity_type']:<20} {r['category']:<14} {r['severity']:<9} {r['source']}"
            print(terminal(line))
        for j, nr in notify_rules:
            print(terminal(f"{nr.id:<44} {nr.outcome:<20} {'notify:' + j.id:<24} {nr.source}"))
        print(f"{len(rows)} rules, {len(notify_rules)} notification rules in {len(book.jurisdictions)} "
              "jurisdictions", file=sys.stderr)
        return EXIT_OK
    failures = test_rules(rules)
    for line in failures:
        print(f"FAIL {terminal(line)}")
    examples = sum(len(r.examples) + len(r.negative_examples) for _, r in notify_rules)
    print(f"{len(notify_rules)} notification rules in {len(book.jurisdictions)} jurisdictions, {examples} examples, "
          "all met as written", file=sys.stderr)
    print(f"{len(rules)} rules, {len(failures)} failures", file=sys.stderr)  # last: the app's New case shows it
    return EXIT_ERROR if failures else EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from scanners.verify import check_evidence
    from spill.case import Case

    case = Case.open(args.case, readonly=True)
    root = args.root or case.scans.root()
    if root is None:
        raise UsageError(f"{args.case} has no scan to verify")
    evidence = check_evidence(case, Path(root))
    for line in evidence.problems:
        print(line)
    chain = case.log.verify(pinned=args.head)
    for line in chain:
        print(f"log      {terminal(line)}")
    head = case.log.head()
    case.close()
    ok = evidence.intact and not chain
    print(f"spill: {evidence.summary}; decision log "
          f"{'intact' if not chain else 'BROKEN'} ({head.count} entries, head {head.mac or '-'})", file=sys.stderr)
    return EXIT_OK if ok else EXIT_CHANGED


def cmd_doctor(args: argparse.Namespace) -> int:
    from scanners.detect.selfcheck import offline_detection_check, rules_check
    from spill.doctor import render, run_checks

    lines, code = render(run_checks([rules_check, offline_detection_check]))
    print("\n".join(lines))
    return code


# ---------------------------------------------------------------- helpers
def _names(p) -> str:
    """What the names pass added, for the closing line."""
    return f" ({p.names_found} more names found once the people were known)" if p.names_found else ""


def _isolation_choice(requested: bool | None) -> bool:
    """--isolate insists, --no-isolate declines, neither: isolate where the OS allows it, else say so."""
    if requested is False:
        return False
    from spill.isolation import probe

    status = probe()
    if status.available:
        return True
    if requested:
        raise UsageError(f"--isolate: OS-level isolation is not available here ({status.reason}); "
                         "use --no-isolate to scan under the in-process guard only")
    print(f"spill: notice: scan workers are not isolated by the OS ({status.reason}); the in-process network "
          "guard still refuses every connection", file=sys.stderr)
    return False


def _limits(args: argparse.Namespace, base):
    import dataclasses

    changes = {}
    for option in LIMIT_OPTIONS:
        value = getattr(args, option.flag.replace("-", "_"))
        if value is not None:
            changes[option.field] = option.to_limits(value)
    return dataclasses.replace(base, **changes)


def _resume_command(args: argparse.Namespace) -> str:
    """The command that continues this scan with the same rules, names setting, jobs and limits."""
    from spill.scan_plan import ScanRequest

    limits = {o.flag: getattr(args, o.flag.replace("-", "_")) for o in LIMIT_OPTIONS}
    return ScanRequest(args.root, args.case, tuple(args.rules), args.jobs, not args.no_ner, resume=True,
                       limits={k: v for k, v in limits.items() if v is not None}).command_line()


def _on_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


@contextlib.contextmanager
def _output(path: Path | None):
    """stdout, or a file only its owner can read (an export may hold revealed values)."""
    if path is None:
        yield sys.stdout
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.fchmod(fd, 0o600)  # an existing file keeps its mode otherwise
        fh: TextIO = os.fdopen(fd, "w", encoding="utf-8", newline="")
    except OSError as err:
        raise UsageError(f"cannot write {path}: {err.strerror}") from err
    with fh:
        yield fh


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
