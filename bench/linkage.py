"""Scoring people linkage against a truth file whose lines carry ``subject`` (the planted person).

Each finding is matched to the truth lines of its file (same rules as the detection score:
compatible type, overlapping value); a finding matched to a line with a subject is
*person-bound* and carries that subject as its true person. Over the person-bound findings:

- **B-cubed** precision and recall (Bagga & Baldwin 1998): for each finding, the share of its
  predicted person's findings that are truly the same person (precision) and the share of its
  true person's findings that landed in its predicted person (recall); an unlinked finding is
  a person of its own. Averaged over findings.
- **linked**: the share of person-bound findings linked to any person.
- **merged**: predicted people holding findings of several true people (and of several
  contractors, the letter-writing error that matters most).
- **split**: true people whose findings sit in several predicted people.
- **wrongly linked**: findings that belong to nobody (a shared inbox, a bank code) linked to a person.
- **data types**: per planted contractor, the entity types planted for them against the types
  of the predicted person holding most of their findings (what a letter would list); a type the
  truth never labels (dates of birth in the sample) is not judged.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bench.common import compatible, value_matches


@dataclass
class Linkage:
    findings: int = 0  # person-bound findings
    linked: int = 0
    precision: float = float("nan")
    recall: float = float("nan")
    people: int = 0  # predicted people holding a person-bound finding
    true_people: int = 0
    merged: list[tuple[str, list[str]]] = field(default_factory=list)  # predicted person, true people
    merged_contractors: list[tuple[str, list[str]]] = field(default_factory=list)
    split: list[tuple[str, int]] = field(default_factory=list)  # true person, predicted people
    wrongly_linked: int = 0
    nobody_findings: int = 0
    types_exact: int = 0
    types_checked: int = 0
    type_mismatches: list[tuple[str, list[str], list[str]]] = field(default_factory=list)  # person, missing, extra

    @property
    def linked_share(self) -> float:
        return self.linked / self.findings if self.findings else float("nan")


def true_subjects(truth: list[dict[str, Any]], findings: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str | None,
                                                                                               bool]]:
    """(finding, its true subject or None, whether it matched any truth line) for every finding."""
    by_path: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for t in truth:
        if t["label"] != "LAB_RUBRIC":
            by_path[t["path"]].append(t)
    out = []
    for f in findings:
        hits = [t for t in by_path.get(f["path"], ()) if compatible(t["label"], f["entity_type"])
                and value_matches(t.get("value"), f.get("value"))]
        exact = [t for t in hits if _norm(t.get("value")) == _norm(f.get("value"))]
        best = (exact or hits)
        subjects = Counter(t["subject"] for t in best)
        out.append((f, subjects.most_common(1)[0][0] if subjects else None, bool(hits)))
    return out


def _norm(v: str | None) -> str:
    return "".join(c for c in (v or "").casefold() if c.isalnum())


def score_linkage(truth: list[dict[str, Any]], findings: list[dict[str, Any]]) -> Linkage:
    result = Linkage()
    bound: list[tuple[str, str]] = []  # (predicted cluster, true subject)
    for i, (f, subject, matched) in enumerate(true_subjects(truth, findings)):
        if not matched:
            continue
        if subject is None:
            result.nobody_findings += 1
            result.wrongly_linked += bool(f.get("subject"))
            continue
        bound.append((f.get("subject") or f"unlinked:{i}", subject))
        result.findings += 1
        result.linked += bool(f.get("subject"))
    if not bound:
        return result
    cluster_size = Counter(c for c, _ in bound)
    truth_size = Counter(s for _, s in bound)
    both = Counter(bound)
    result.precision = sum(both[(c, s)] / cluster_size[c] for c, s in bound) / len(bound)
    result.recall = sum(both[(c, s)] / truth_size[s] for c, s in bound) / len(bound)
    members: dict[str, set[str]] = defaultdict(set)
    spread: dict[str, set[str]] = defaultdict(set)
    for c, s in bound:
        if not c.startswith("unlinked:"):
            members[c].add(s)
            spread[s].add(c)
    result.people = len(members)
    result.true_people = len(truth_size)
    result.merged = sorted((c, sorted(ss)) for c, ss in members.items() if len(ss) > 1)
    result.merged_contractors = [(c, ss) for c, ss in result.merged
                                 if sum(s.startswith("contractor:") for s in ss) > 1]
    result.split = sorted((s, len(cs)) for s, cs in spread.items() if len(cs) > 1)
    _score_types(truth, bound, findings, result)
    return result


def _score_types(truth: list[dict[str, Any]], bound: list[tuple[str, str]], findings: list[dict[str, Any]],
                 result: Linkage) -> None:
    """Each planted contractor's data types against those of the person holding most of their findings."""
    planted: dict[str, set[str]] = defaultdict(set)
    vocabulary = {t["label"] for t in truth}  # a type the truth never labels (dates of birth) is not judged
    for t in truth:
        if t["subject"] and t["subject"].startswith("contractor:"):
            planted[t["subject"]].add(t["label"])
    home: dict[str, Counter[str]] = defaultdict(Counter)
    for c, s in bound:
        if not c.startswith("unlinked:"):
            home[s][c] += 1
    types_of: dict[str, set[str]] = defaultdict(set)
    for f in findings:
        if f.get("subject"):
            types_of[f["subject"]].add(f["entity_type"])
    for subject, labels in sorted(planted.items()):
        result.types_checked += 1
        person = home[subject].most_common(1)[0][0] if home[subject] else None
        found = types_of.get(person, set()) if person else set()
        missing = sorted(label for label in labels if not any(compatible(label, e) for e in found))
        extra = sorted(e for e in found if not any(compatible(label, e) for label in labels)
                       and any(compatible(label, e) for label in vocabulary))
        if missing or extra:
            result.type_mismatches.append((subject, missing, extra))
        else:
            result.types_exact += 1


def print_linkage(title: str, r: Linkage, out: Any = None, *, details: int = 8) -> None:
    import sys

    out = out or sys.stdout
    print(f"\n{title}", file=out)
    print("| B-cubed precision | B-cubed recall | person-bound findings linked | people | true people | merged"
          " (of contractors) | split | nobody's findings linked | contractors with exactly their types |", file=out)
    print("|---|---|---|---|---|---|---|---|---|", file=out)
    print(f"| {r.precision:.3f} | {r.recall:.3f} | {r.linked:,}/{r.findings:,} = {r.linked_share:.1%} | {r.people}"
          f" | {r.true_people} | {len(r.merged)} ({len(r.merged_contractors)}) | {len(r.split)}"
          f" | {r.wrongly_linked}/{r.nobody_findings} | {r.types_exact}/{r.types_checked} |", file=out)
    for c, ss in r.merged[:details]:
        print(f"  merged: {c} holds {', '.join(ss)}", file=out)
    for s, n in r.split[:details]:
        print(f"  split: {s} over {n} people", file=out)
    for s, missing, extra in r.type_mismatches[:details]:
        print(f"  types: {s} missing {', '.join(missing) or '-'}; extra {', '.join(extra) or '-'}", file=out)


def subjects_of(rows: Iterable[dict[str, Any]]) -> Counter[str]:
    return Counter(r["subject"] for r in rows if r.get("subject"))
