"""The README documents every subcommand and the two set-up commands; every subcommand has --help."""

from __future__ import annotations

from pathlib import Path

import pytest

from spill.cli import build_parser, main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
COMMANDS = ["scan", "triage", "export", "report", "rules list", "rules test", "verify", "doctor"]


def test_readme_opens_with_the_two_commands() -> None:
    head = "\n".join(README.splitlines()[:15])
    assert "make demo" in head and "make test" in head


@pytest.mark.parametrize("command", COMMANDS)
def test_every_subcommand_is_in_the_readme(command: str) -> None:
    assert f"spill {command}" in README


@pytest.mark.parametrize("command", COMMANDS)
def test_every_subcommand_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*command.split(), "--help"])
    assert exit_.value.code == 0
    assert "usage: spill" in capsys.readouterr().out


def test_parser_knows_exactly_the_documented_commands() -> None:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert set(sub.choices) == {c.split()[0] for c in COMMANDS}


def test_readme_lists_the_filter_keys_from_the_list_the_parser_reads() -> None:
    from tui.filtering import keys_markdown

    assert keys_markdown() in README  # regenerate the README's table from tui.filtering.keys_markdown()
