"""A :class:`~spill.model.FindingQuery` as SQL: the WHERE clause, the order, the indexes that answer it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from spill.case.rows import sev_rank
from spill.errors import CaseError
from spill.model import GROUP_BY, SEVERITY_RANK, SORTS, FindingQuery, Severity

ORDER = {
    "severity": [sev_rank("f.severity"), "f.path", "f.start", "f.rowid"],
    "path": ["f.path", "f.start", "f.rowid"],
    "type": ["f.entity_type", "f.rowid"],
    "status": ["f.status", "f.rowid"],
}
#: The index that walks each sort order (what a page of a broad filter reads in order).
SORT_INDEX = {"severity": "findings_triage_order", "path": "findings_triage_path", "type": "findings_type",
              "status": "findings_status"}
#: The covering index of each grouping.
GROUP_INDEX = {"value": "findings_triage_value", "rule": "findings_triage_rule", "file": "findings_triage_file",
               "folder": "findings_triage_file"}

_WORD = re.compile(r"[^\W_]+")
_WORDS_ONLY = re.compile(r"\s*[^\W_]+(?:\s+[^\W_]+)*\s*")


def in_order_index(q: FindingQuery) -> bool:
    """Can findings_triage_order answer this filter alone (no text, person, value or rule)?"""
    return not q.text and not q.subject and q.group_by in ("", "file", "folder")


def order_by(q: FindingQuery) -> str:
    if q.sort not in ORDER:
        raise CaseError(f"unknown sort {q.sort!r}; one of {', '.join(SORTS)}")
    direction = " DESC" if q.descending else ""
    return ", ".join(term + direction for term in ORDER[q.sort])


def folder_sql(col: str) -> str:
    """spill.model.folder_of() in SQL: the outer path (before the first '!/') up to its last '/'."""
    outer = f"substr({col}, 1, instr({col} || '!/', '!/') - 1)"
    return f"rtrim(rtrim({outer}, replace({outer}, '/', '')), '/')"


def fts_match(text: str) -> str | None:
    """The full-text query for free text: every word, as a word or the start of one (None: no words)."""
    words = _WORD.findall(text)
    return " ".join(f'"{w}"*' for w in words) if words else None


def like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def where(q: FindingQuery) -> tuple[str, list[Any]]:
    """The WHERE clause (over ``findings f``) and its parameters for a query's filters."""
    clauses: list[str] = []
    params: list[Any] = []

    def one_of(col: str, values: Sequence[str]) -> None:
        clauses.append(f"{col} IN ({','.join('?' * len(values))})")
        params.extend(values)

    if q.entity_types:
        one_of("f.entity_type", q.entity_types)
    if q.categories:
        one_of("f.category", q.categories)
    if q.statuses:
        one_of("f.status", q.statuses)
    if q.severities:
        # as the rank expression: findings_triage_order carries it (and leads with it)
        ranks = ",".join(str(SEVERITY_RANK[Severity(v)]) for v in q.severities)
        clauses.append(f"{sev_rank('f.severity')} IN ({ranks})")
    if q.path_glob:
        glob = q.path_glob if any(c in q.path_glob for c in "*?[") else f"*{q.path_glob}*"
        clauses.append("f.file_id IN (SELECT id FROM files WHERE path GLOB ?)")
        params.append(glob)
    if q.text:
        # the full-text index finds the rows holding the words (or their beginnings); text with
        # more than words in it ("@gmail.com", "100%") is then matched exactly with LIKE
        match = fts_match(q.text)
        if match is not None:
            clauses.append("f.rowid IN (SELECT rowid FROM findings_fts WHERE findings_fts MATCH ?)")
            params.append(match)
        if match is None or not _WORDS_ONLY.fullmatch(q.text):
            clauses.append("(f.path LIKE ? ESCAPE '\\' OR f.preview LIKE ? ESCAPE '\\'"
                           " OR f.context LIKE ? ESCAPE '\\')")
            params.extend([like(q.text)] * 3)
    if q.subject:
        clauses.append("f.subject = ?")
        params.append(q.subject)
    if q.group_by:
        clauses.append(_group_clause(q.group_by, q.group_key, params))
    return " AND ".join(clauses) or "1", params


def _group_clause(by: str, key: str, params: list[Any]) -> str:
    if by == "value":
        if key.startswith("id:"):  # a document-level finding is a group of its own
            params.append(key[3:])
            return "f.id = ?"
        params.append(key)
        return "f.fingerprint = ?"
    if by == "rule":
        params.append(key)
        return "f.rule = ?"
    if by == "file":
        params.append(key)
        return "f.file_id = ?"
    if by == "folder":
        params.append(key)
        return f"f.file_id IN (SELECT id FROM files WHERE {folder_sql('path')} = ?)"
    raise CaseError(f"unknown grouping {by!r}; one of {', '.join(GROUP_BY)}")
