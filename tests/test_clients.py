"""Client exposure: AI labs, their documents by kind, codenames, datasets and credentials beside them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanners.codenames import CodenamePairs, column_kind, pipe_table_pairs
from spill.case import Case
from spill.cli import main
from spill.exposure import LabDocument
from spill.model import Segment
from spill.report.clients import NOT_NAMED, client_exposure, document_kind

RUBRIC = """Confidential - prepared for {lab}. Project {codename} annotation guidelines for RLHF preference data.
Rate each response on a 1-7 scale for helpfulness and harmlessness. Compare Response A
and Response B and pick the preferred response; explain in one sentence.
"""
PLAYBOOK = """Project {codename} evaluation playbook. Graders check the chain-of-thought step by step and
compare the final answer with the gold answer. Score from 1 to 5 points: 5 = perfect reasoning,
1 = wrong final answer. Mark model responses that hallucinate a citation. Confidential.
"""


@pytest.mark.parametrize("label, kind", [
    ("Codename", "codename"), ("Project", "codename"), ("code name", "codename"), ("task.project", "codename"),
    ("Client", "client"), ("End client", "client"), ("customer_name", "client"),
    ("Client contact", None), ("Lumenframe owner", None), ("Project manager", None), ("", None),
])
def test_column_kind_tells_codename_and_client_columns(label: str, kind: str | None) -> None:
    assert column_kind(label) == kind


def test_pairs_come_from_records_and_pipe_tables() -> None:
    pairs = CodenamePairs()
    for seg in (Segment("OSPREY", context="Project", record="row:2"), Segment("Nimbus AI", context="Client",
                                                                                record="row:2"),
                Segment("WREN", context="Project", record="row:3")):
        pairs.see(seg)
    pairs.see(Segment("| Codename | Client | Client contact |\n|---|---|---|\n| HERON | Halcyon Labs | via portal |"))
    assert pairs.found() == [("HERON", "Halcyon Labs"), ("OSPREY", "Nimbus AI"), ("WREN", "")]
    assert pipe_table_pairs("| a | b |\n|---|---|\n| x | y |") == set()


@pytest.mark.parametrize("path, signals, kind", [
    ("Projects/BH/BH_rating_rubric_v4.md", (), "rubric"),
    ("Projects/BH/bh_math_gold_answers.jsonl", (), "gold answers"),
    ("Projects/MARIGOLD/MARIGOLD_Annotation_Guidelines_v2.docx", (), "guideline"),  # 'marigold' is no 'gold'
    ("Projects/K/KESTREL_Evaluation_Playbook.pdf", (), "evaluation playbook"),
    ("shared/pairwise_preference_guidelines.md", (), "guideline"),
    ("datasets/batch.jsonl", ("preference: Response A and Response B",), "preference data"),
    ("notes/task.txt", ("scale: 1-7 scale",), "rubric"),
])
def test_document_kind(path: str, signals: tuple[str, ...], kind: str) -> None:
    assert document_kind(LabDocument(path, None, signals, "open", path.rsplit(".", 1)[-1])) == kind


@pytest.fixture(scope="module")
def lab_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("labs")
    share = root / "share"
    for d in ("Projects/OSPREY", "Projects/WREN", "Projects/_internal", "datasets", "config"):
        (share / d).mkdir(parents=True)
    (share / "Projects/OSPREY/OSPREY_guidelines.md").write_text(RUBRIC.format(lab="Nimbus AI", codename="OSPREY"))
    (share / "Projects/OSPREY/ops.env").write_text("GITHUB_TOKEN=ghp_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuVwXyZ12\n")
    (share / "Projects/WREN/WREN_evaluation_playbook.txt").write_text(PLAYBOOK.format(codename="WREN"))
    (share / "Projects/_internal/registry.md").write_text(
        "# Registry\n\n| Codename | Client |\n|---|---|\n| OSPREY | Nimbus AI |\n| WREN | Larkspur Labs |\n")
    (share / "datasets/wren_batch.jsonl").write_text(
        "\n".join(json.dumps({"project": "WREN", "prompt": "Say hi", "response": "Hi"}) for _ in range(3)) + "\n")
    case = root / "case.db"
    assert main(["scan", str(share), "--case", str(case), "--jobs", "1", "--no-ner", "--no-isolate"]) == 0
    return case


def test_client_table_names_labs_through_codenames_with_what_sits_beside(lab_case: Path) -> None:
    with Case.open(lab_case, readonly=True) as c:
        rows = {r.lab: r for r in client_exposure(c)}
    assert set(rows) == {"Nimbus AI", "Larkspur Labs"}
    nimbus, larkspur = rows["Nimbus AI"], rows["Larkspur Labs"]
    assert nimbus.documents == [("Projects/OSPREY/OSPREY_guidelines.md", "guideline", "open")]
    assert nimbus.codenames == {"OSPREY"} and nimbus.named_by == {"named in the document"}
    assert nimbus.credentials == [("Projects/OSPREY/ops.env", "GITHUB_TOKEN")]
    assert larkspur.documents == [("Projects/WREN/WREN_evaluation_playbook.txt", "evaluation playbook", "open")]
    assert larkspur.named_by == {"through codename WREN"} and larkspur.datasets == ["datasets/wren_batch.jsonl"]


def test_a_codename_no_table_pairs_is_listed_as_such(lab_case: Path, tmp_path: Path) -> None:
    import shutil

    case = tmp_path / "case.db"
    shutil.copy(lab_case, case)
    shutil.copy(f"{lab_case}.key", f"{case}.key")
    with Case.open(case) as c:
        c.store.conn.execute("DELETE FROM codenames WHERE codename = 'WREN'")  # as if the registry were not shared
        rows = {r.lab: r for r in client_exposure(c)}
    assert f"codename WREN {NOT_NAMED}" in rows and not rows[f"codename WREN {NOT_NAMED}"].named
