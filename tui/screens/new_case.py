"""New case: the share (a folder tree), where the case file goes, rule folders with `spill rules test`'s
verdict, the options `spill scan` has (names, jobs, limits) with their defaults, and what the scan
will take — then the scan starts in its own process and the app opens the case on its Scan screen.

Every refusal is the CLI's own line (the same checks, ``spill.scan_plan``), shown here before
anything is created; a scan that the CLI refuses after all leaves no case file behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Checkbox, DirectoryTree, Footer, Input, Label, Static
from textual.worker import get_current_worker

from spill.errors import SpillError, UsageError
from spill.scan_job import JobSnapshot, discard_unstarted_case
from spill.scan_plan import (
    LIMIT_OPTIONS,
    RulesVerdict,
    ScanRequest,
    ShareSize,
    check_request,
    is_inside,
    measure_share,
    run_rules_test,
    summary_line,
)
from tui import modes
from tui.format import plain, printable
from tui.widgets.marked_checkbox import MarkedCheckbox
from tui.widgets.path_tree import FolderTree
from tui.widgets.screen_tabs import ScreenTabs

if TYPE_CHECKING:
    from tui.app import TriageApp

LIMIT_LABELS = {"max-depth": "depth", "max-expanded-mb": "unpack MB", "max-ratio": "ratio",
                "ratio-above-mb": "ratio>MB", "file-timeout": "timeout s", "file-timeout-per-mb": "+s/MB",
                "file-memory-mb": "memory MB", "split-mb": "split MB"}
SETTLE_SECONDS = 0.4  # typing in the share field: measure once the path stops changing


def default_case_path(share: Path, here: Path | None = None) -> Path:
    """``<share name>.db`` in the current folder (the home folder if that is inside the share), never over an
    existing file."""
    here = (here or Path.cwd()).resolve()
    folder = Path.home() if is_inside(here, share.resolve()) else here
    name = share.resolve().name or "case"
    candidate = folder / f"{name}.db"
    n = 2
    while candidate.exists():
        candidate = folder / f"{name}-{n}.db"
        n += 1
    return candidate


class NewCaseScreen(Screen[None]):
    CSS_PATH = "start.tcss"
    AUTO_FOCUS = "#share-tree"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "start", "Start scan", key_display="^s",
                tooltip="Check everything as spill scan does, then start the scan in its own process"),
        Binding("ctrl+t", "test_rules", "Test rules", key_display="^t",
                tooltip="Run spill rules test on the rule folders and show its verdict"),
        Binding("escape", "back", "Back", tooltip="Back to the recent cases (a scan still starting is cancelled)"),
    ]

    @dataclass
    class ShareMeasured(Message):
        share: Path
        size: ShareSize

    @dataclass
    class RulesTested(Message):
        verdict: RulesVerdict

    @dataclass
    class Refused(Message):
        text: str

    @dataclass
    class Checked(Message):
        request: ScanRequest

    def __init__(self, start_in: Path | None = None) -> None:
        super().__init__(id="new-case-screen")
        self.start_in = start_in or Path.cwd()
        self.share_size: ShareSize | None = None
        self.verdict: RulesVerdict | None = None
        self.case_edited = False  # the analyst typed a case path: stop proposing one
        self.starting: JobSnapshot | None = None  # the scan this form started, until its engine runs
        self._settle: Timer | None = None

    def compose(self) -> ComposeResult:
        yield ScreenTabs(modes.START, [], "new case: share, case file, rules, options")
        with Vertical(id="new-body"):
            yield Label("Share to scan (read only): ↑↓ move · → opens · enter picks · backspace: up a folder",
                        classes="hint")
            yield FolderTree(self.start_in, id="share-tree")
            with Horizontal(classes="field"):
                yield Label("share", classes="field-label")
                yield Input(placeholder="the exported folder (pick it above or type it)", id="share", compact=True)
            with Horizontal(classes="field"):
                yield Label("case", classes="field-label")
                yield Input(placeholder="the case file to create, outside the share", id="case", compact=True)
            with Horizontal(classes="field"):
                yield Label("rules", classes="field-label")
                yield Input(placeholder="extra rule folders, comma separated (the built-in rules always apply)",
                            id="rules", compact=True)
            yield Static(Text("built-in rules only", style="dim"), id="rules-verdict")
            with Horizontal(classes="field"):
                yield Label("options", classes="field-label")
                yield MarkedCheckbox("person names (spaCy; off: a fast first pass)", True, id="names", compact=True)
                yield Label(" jobs ", classes="inline-label")
                yield Input(placeholder="0 = every core", id="jobs", type="integer", compact=True)
            for row in (LIMIT_OPTIONS[:4], LIMIT_OPTIONS[4:]):
                with Horizontal(classes="field"):
                    yield Label("limits" if row[0] is LIMIT_OPTIONS[0] else "", classes="field-label")
                    for option in row:
                        yield Label(f" {LIMIT_LABELS[option.flag]} ", classes="inline-label")
                        yield Input(placeholder=f"{option.default:g}", id=f"limit-{option.flag}",
                                    type="number", compact=True, classes="limit", tooltip=option.help)
            yield Static(Text("choose the share to see how much there is to read", style="dim"), id="summary")
            yield Static(id="message")
        yield Footer(compact=True)

    @property
    def triage(self) -> TriageApp:
        return cast("TriageApp", self.app)

    # ------------------------------------------------------------ the share
    @on(DirectoryTree.DirectorySelected, "#share-tree")
    def share_picked(self, message: DirectoryTree.DirectorySelected) -> None:
        self.query_one("#share", Input).value = str(message.path)
        self.share_changed()

    @on(Input.Changed, "#share")
    def share_typed(self) -> None:
        if self._settle is not None:
            self._settle.stop()
        self._settle = self.set_timer(SETTLE_SECONDS, self.share_changed)

    @on(Input.Changed, "#case")
    def case_typed(self, message: Input.Changed) -> None:
        if self.focused is message.input:
            self.case_edited = bool(message.value.strip())

    def share_changed(self) -> None:
        share = self.share_path()
        self.share_size = None
        if share is None or not share.is_dir():
            self.show_summary()
            return
        if not self.case_edited:
            self.query_one("#case", Input).value = str(default_case_path(share))
        self.measure(share)
        self.show_summary()

    def share_path(self) -> Path | None:
        raw = self.query_one("#share", Input).value.strip()
        return Path(raw).expanduser() if raw else None

    @work(thread=True, exclusive=True, group="new-case-measure")
    def measure(self, share: Path) -> None:
        worker = get_current_worker()
        size = measure_share(share, stop=lambda: worker.is_cancelled)
        if size is not None:
            self.post_message(self.ShareMeasured(share, size))

    def on_new_case_screen_share_measured(self, message: ShareMeasured) -> None:
        if message.share == self.share_path():
            self.share_size = message.size
            self.show_summary()

    @on(Checkbox.Changed, "#names")
    def show_summary(self) -> None:
        summary = self.query_one("#summary", Static)
        share = self.share_path()
        if share is None:
            summary.update(Text("choose the share to see how much there is to read", style="dim"))
        elif not share.is_dir():
            summary.update(plain(f"{share}: no such folder", style="dim"))
        elif self.share_size is None:
            summary.update(Text("counting the share…", style="dim"))
        else:
            speed = self.triage.recent.speed(self.query_one("#names", Checkbox).value)
            summary.update(Text(summary_line(self.share_size, speed), style="bold"))

    # ------------------------------------------------------------ the rules
    def rule_dirs(self) -> tuple[Path, ...]:
        raw = self.query_one("#rules", Input).value
        return tuple(Path(part.strip()).expanduser() for part in raw.split(",") if part.strip())

    @on(Input.Submitted, "#rules")
    def action_test_rules(self) -> None:
        dirs = self.rule_dirs()
        if not dirs:
            self.verdict = None
            self.query_one("#rules-verdict", Static).update(Text("built-in rules only", style="dim"))
            return
        self.query_one("#rules-verdict", Static).update(Text("spill rules test: running…", style="dim"))
        self.test_rules(dirs)

    @work(thread=True, exclusive=True, group="new-case-rules")
    def test_rules(self, dirs: tuple[Path, ...]) -> None:
        self.post_message(self.RulesTested(run_rules_test(dirs)))

    def on_new_case_screen_rules_tested(self, message: RulesTested) -> None:
        self.verdict = message.verdict
        self.show_verdict()

    def show_verdict(self) -> None:
        v = self.verdict
        text = Text("spill rules test: ", style="dim")
        if v is None:
            text = Text("built-in rules only", style="dim")
        elif v.error is not None:
            text.append(printable(f"spill: error: {v.error}"), style="bold")
        else:
            text.append(printable(v.summary), style="bold")
            if v.failures:
                text.append(printable(f" — {v.failures[0]}") + (" …" if len(v.failures) > 1 else ""))
        self.query_one("#rules-verdict", Static).update(text)

    # --------------------------------------------------------------- start
    def request(self) -> ScanRequest:
        """The form as a `spill scan`; UsageError for a field that is not a value."""
        share = self.share_path()
        if share is None:
            raise UsageError("choose the share to scan (the folder tree, or type its path)")
        raw_case = self.query_one("#case", Input).value.strip()
        if not raw_case:
            raise UsageError("say where the case file goes (outside the share)")
        jobs_raw = self.query_one("#jobs", Input).value.strip()
        try:
            jobs = int(jobs_raw) if jobs_raw else 0
        except ValueError:
            raise UsageError("--jobs must be 0 (every core) or more") from None
        limits: dict[str, float] = {}
        for option in LIMIT_OPTIONS:
            raw = self.query_one(f"#limit-{option.flag}", Input).value.strip()
            if not raw:
                continue
            try:
                value = option.kind(float(raw)) if option.kind is int else float(raw)
            except ValueError:
                raise UsageError(f"--{option.flag}: {raw!r} is not a number") from None
            if value <= 0:
                raise UsageError(f"--{option.flag} must be more than 0")
            if value != option.default:
                limits[option.flag] = value
        return ScanRequest(share=share, case=Path(raw_case).expanduser(), rule_dirs=self.rule_dirs(), jobs=jobs,
                           use_ner=self.query_one("#names", Checkbox).value, limits=limits)

    def action_start(self) -> None:
        if self.starting is not None:
            return
        try:
            request = self.request()
        except UsageError as err:
            self.say(f"spill: error: {err}")
            return
        self.say("checking…", bold=False)
        self.check(request, self.verdict)

    @work(thread=True, exclusive=True, group="new-case-check")
    def check(self, request: ScanRequest, verdict: RulesVerdict | None) -> None:
        """The CLI's checks, then the rules' verdict (run now if the folders changed since)."""
        try:
            check_request(request, new_case=True)
        except SpillError as err:
            self.post_message(self.Refused(f"spill: error: {err}"))
            return
        if request.rule_dirs and (verdict is None or verdict.rule_dirs != request.rule_dirs):
            verdict = run_rules_test(request.rule_dirs)
            self.post_message(self.RulesTested(verdict))
        if verdict is not None and request.rule_dirs and not verdict.usable:
            self.post_message(self.Refused(f"spill: error: {verdict.error}"))
            return
        self.post_message(self.Checked(request))

    def on_new_case_screen_refused(self, message: Refused) -> None:
        self.say(message.text)

    def on_new_case_screen_checked(self, message: Checked) -> None:
        try:
            self.starting = self.triage.scan_watch.start(message.request, first_scan=True)
        except SpillError as err:
            self.say(f"spill: error: {err}")
            return
        self.triage.scan_changed.subscribe(self, self.scan_moved)
        self.say(f"starting: {message.request.command_line()} — checks, then the detector loads (a few seconds)…",
                 bold=False)

    def scan_moved(self, snapshot: JobSnapshot) -> None:
        if self.starting is None or snapshot.pid != self.starting.pid:
            return
        if snapshot.engine_ran:  # the case exists and the engine runs: watch it from the case's Scan screen
            self.starting = None
            self.dismiss()
            self.triage.open_case(snapshot.case, mode=modes.SCAN.name)
        elif snapshot.state.is_over:
            self.starting = None
            if snapshot.error is not None:
                self.say(f"spill: error: {snapshot.error}")
            else:
                last = snapshot.messages[-1] if snapshot.messages else snapshot.state.value
                self.say(f"the scan did not start: {last}")
            self.clean_up(snapshot.case)

    @work(thread=True, group="new-case-clean")
    def clean_up(self, case: Path) -> None:
        discard_unstarted_case(case)

    def action_back(self) -> None:
        if self.starting is not None:
            self.triage.scan_watch.cancel()
            self.say("cancelling the scan that was starting…", bold=False)
            return
        self.dismiss()

    def say(self, text: str, *, bold: bool = True) -> None:
        self.query_one("#message", Static).update(plain(text, style="bold" if bold else "dim"))
