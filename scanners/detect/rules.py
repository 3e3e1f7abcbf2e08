"""Rule files: one schema for every rule, loaded from the built-in packs and ``--rules DIR``.

A rule file is a YAML list of rules. Built-ins (``rules/*.yml``, package data) load first,
then each user directory in order (``*.yml``/``*.yaml``, not recursive); a rule whose ``id``
is already loaded replaces it. Every problem is a :class:`RuleError` whose message starts
with ``file:line:`` (the line of the offending key or value).

Keys of a rule (``id``, ``entity_type``, ``category``, ``severity`` and ``examples`` are
required; a rule also needs ``patterns``, ``labels``, ``recognizer`` or ``rubric``)::

    id               spill.<pack>.<name> for built-ins; any dotted id for yours
    entity_type      Presidio's name where one exists (EMAIL_ADDRESS, IBAN_CODE…), else ours
    category         identity | contact | government_id | financial | contractor | credential | lab_ip
    severity         low | medium | high | critical
    patterns         [{name, regex, score}]: `regex` module syntax, case-sensitive unless (?i);
                     a named group (?P<value>…) makes that group the reported span;
                     `score` is the confidence of a match that passed the validators, without context
    context          words that raise the score by CONTEXT_BOOST when seen within `context_window`
                     characters before/after the match, or in the segment's header/key
    context_window   characters each side searched for context words (default 48)
    context_required drop a match with no context word (for weak shapes)
    labels           header/key names (and inline "Label: value") that make the whole value this
                     entity whatever its shape; matched normalized (lowercase; _ - : . space dropped;
                     "#", "number", "num" read as "no")
    label_value      regex the whole labelled value must match (default: one token-ish value ≤ 64 chars)
    label_inline     also find "Label: value" inside text (default true)
    label_score      score of a labelled value (default 0.85)
    label_suffix     a header/key that ends with a label names it too ("stripe_signing_secret" ends
                     with "secret"), unless what comes before says otherwise (csrf, public, page…)
    validators       names from scanners/detect/validators.py (iban, luhn, aba, entropy>=3.5, …)
    allow            exact values never reported (documented example keys)
    deny             regexes: a value any of them finds is never reported (placeholders, dummies)
    min_score        a floor of this rule's own, above the detector threshold
    recognizer       a Python recognizer in scanners/detect/recognizers/<name>.py (class <Name>Recognizer)
    anchor           a cheap regex that every match contains, starting at most 256 characters after the
                     match's start; the prefilter runs the rule only where it occurs (no anchor: the rule
                     runs on every segment — correct, just slower). Alternatives (a|b) are tested apart
                     and shared with other rules; plain literals cost least
    enabled          false: off unless its entity type is asked for (URL, UUID, MAC_ADDRESS)
    rubric           a document classifier instead of patterns (required for LAB_RUBRIC): signal groups,
                     weights, required groups, clients, codenames; its keys are in rubric_spec.py
    description      why a responder cares, in a sentence
    examples         [{text, value, context?}]: the text must produce the entity with exactly `value`
                     (LAB_RUBRIC: `value` is the expected client, or omit it)
    negative_examples  [text or {text, context}]: must not produce the entity; say why in a comment

Adding your vendor's contractor-ID format takes a few lines (see
``rules/examples/vendor_contractor_id.yml.example``)::

    - id: acme.contractor.id
      entity_type: CONTRACTOR_ID
      category: contractor
      severity: high
      patterns: [{name: acme worker id, regex: '\\bAW-\\d{6}-[A-Z]\\b', score: 0.7}]
      examples: [{text: 'paid AW-004512-K on Friday', value: AW-004512-K}]
      negative_examples: ['AW-12-K']   # too short to be an Acme worker id
"""

from __future__ import annotations

import hashlib
import importlib.resources
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scanners.detect.rubric_spec import RubricSpec, parse_rubric
from scanners.detect.validators import get_validator, known_validators
from spill.errors import RuleError
from spill.model import Category, Severity
from spill.rulefile import Fields, YamlMap, line_of, load_yaml

DEFAULT_CONTEXT_WINDOW = 48
DEFAULT_LABEL_SCORE = 0.85
RULE_SUFFIXES = (".yml", ".yaml")

_REQUIRED = ("id", "entity_type", "category", "severity", "examples")
_KEYS = frozenset(
    """id entity_type category severity patterns context context_window context_required labels
    label_value label_inline label_score label_suffix validators allow deny min_score recognizer anchor enabled
    rubric description examples negative_examples""".split()
)
_PATTERN_KEYS = frozenset({"name", "regex", "score"})
_EXAMPLE_KEYS = frozenset({"text", "value", "context"})
_ID_RE = re.compile(r"^[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)+$")
_ENTITY_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
_RECOGNIZER_RE = re.compile(r"^[a-z][a-z0-9_]*$")
#: The entity type of a document-level finding: its rule classifies a whole document with a ``rubric``.
DOCUMENT_ENTITY = "LAB_RUBRIC"


@dataclass(frozen=True, slots=True)
class PatternSpec:
    name: str
    regex: str
    score: float


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    value: str | None = None
    context: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule, as loaded (immutable); ``source``/``line`` say where it was defined."""

    id: str
    entity_type: str
    category: Category
    severity: Severity
    patterns: tuple[PatternSpec, ...] = ()
    context: tuple[str, ...] = ()
    context_window: int = DEFAULT_CONTEXT_WINDOW
    context_required: bool = False
    labels: tuple[str, ...] = ()
    label_value: str | None = None
    label_inline: bool = True
    label_score: float = DEFAULT_LABEL_SCORE
    label_suffix: bool = False
    validators: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    min_score: float | None = None
    recognizer: str | None = None
    anchor: str | None = None
    enabled: bool = True
    rubric: RubricSpec | None = field(default=None, hash=False, compare=False)
    description: str = ""
    examples: tuple[Example, ...] = ()
    negative_examples: tuple[Example, ...] = ()
    source: str = ""
    line: int = 0

    @property
    def is_document_rule(self) -> bool:
        return self.rubric is not None


# ------------------------------------------------------------------ loading
def load_rules(extra_dirs: Sequence[Path] = ()) -> list[Rule]:
    """Built-in rules, then every user directory's; a later rule with a known ``id`` replaces it."""
    by_id: dict[str, Rule] = {}
    builtin = importlib.resources.files("rules")
    names = sorted(p.name for p in builtin.iterdir() if p.name.endswith(RULE_SUFFIXES) and p.is_file())
    seen_builtin: dict[str, Rule] = {}
    for name in names:
        text = builtin.joinpath(name).read_text(encoding="utf-8")
        for rule in parse_rules(text, f"rules/{name}"):
            _refuse_duplicate(rule, seen_builtin)
            by_id[rule.id] = rule
    for directory in extra_dirs:
        directory = Path(directory)
        if not directory.is_dir():
            raise RuleError(f"{directory}: not a directory of rule files")
        seen_here: dict[str, Rule] = {}
        for path in sorted(p for p in directory.iterdir() if p.suffix in RULE_SUFFIXES and p.is_file()):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise RuleError(f"{path}:1: cannot read rule file: {exc}") from None
            for rule in parse_rules(text, str(path)):
                _refuse_duplicate(rule, seen_here)
                by_id[rule.id] = rule  # same id as a built-in: replaces it (dict keeps its position)
    return list(by_id.values())


def _refuse_duplicate(rule: Rule, seen: dict[str, Rule]) -> None:
    """Record ``rule`` in ``seen``: one directory (or the built-ins) defines an id once."""
    if rule.id in seen:
        first = seen[rule.id]
        raise RuleError(f"{rule.source}:{rule.line}: duplicate rule id '{rule.id}' "
                        f"(also in {first.source}:{first.line})")
    seen[rule.id] = rule


def parse_rules(text: str, source: str) -> list[Rule]:
    """The rules in one file's text; ``source`` is the path used in error messages."""
    data = load_yaml(text, source)
    if data is None:
        return []
    if not isinstance(data, list):
        raise RuleError(f"{source}:{line_of(data, 1)}: a rule file is a YAML list of rules "
                        "(start each rule with '- id: ...')")
    rules = []
    for i, item in enumerate(data):
        if not isinstance(item, YamlMap):
            raise RuleError(f"{source}:{data.item_lines[i]}: each rule is a mapping of keys (id, entity_type, ...)")
        rules.append(_build_rule(Fields(item, source)))
    return rules


def _build_rule(b: Fields) -> Rule:
    data = b.data
    b.check_keys(_KEYS)
    for key in _REQUIRED:
        if key not in data:
            raise b.fail(None, f"rule '{data.get('id', '?')}' is missing '{key}'")
    rule_id = b.string("id") or ""
    if not _ID_RE.match(rule_id):
        raise b.fail("id", f"bad rule id '{rule_id}': use dotted words like spill.financial.iban")
    entity = b.string("entity_type") or ""
    if not _ENTITY_RE.match(entity):
        raise b.fail("entity_type", f"bad entity_type '{entity}': use UPPER_CASE like EMAIL_ADDRESS")
    category = b.choice("category", Category)
    severity = b.choice("severity", Severity)

    patterns = _build_patterns(b)
    validators = b.strings("validators")
    for i, name in enumerate(validators):
        try:
            get_validator(name)
        except KeyError:
            raise b.fail("validators", f"unknown validator '{name}' (known: {', '.join(known_validators())})",
                         b.item_line("validators", i)) from None
    deny = b.strings("deny")
    for i, pattern in enumerate(deny):
        b.compile("deny", pattern, "deny", b.item_line("deny", i))
    anchor = b.string("anchor")
    if anchor is not None:
        b.compile("anchor", anchor, "anchor")
    label_value = b.string("label_value")
    if label_value is not None:
        b.compile("label_value", label_value, "label_value")
    recognizer = b.string("recognizer")
    if recognizer is not None:
        _check_recognizer(b, recognizer)
    rubric_fields = b.mapping("rubric", "threshold, signals, clients, codenames…")
    rubric = parse_rubric(rubric_fields) if rubric_fields is not None else None
    if entity == DOCUMENT_ENTITY and rubric is None:
        raise b.fail(None, f"rule '{rule_id}' finds {DOCUMENT_ENTITY} documents: it needs a 'rubric' mapping "
                           "(threshold, signals, clients, codenames…)")
    labels = b.strings("labels")
    if not (patterns or labels or recognizer or rubric is not None):
        raise b.fail(None, f"rule '{rule_id}' needs 'patterns', 'labels' or 'recognizer'")
    examples = _build_examples(b, "examples")
    if not examples:
        raise b.fail("examples", f"rule '{rule_id}' has no examples; add at least one "
                                 "{text, value} it must match")
    window = b.number("context_window", DEFAULT_CONTEXT_WINDOW, 0, 10_000)
    return Rule(
        id=rule_id,
        entity_type=entity,
        category=category,
        severity=severity,
        patterns=patterns,
        context=tuple(w.lower() for w in b.strings("context")),
        context_window=int(window if window is not None else DEFAULT_CONTEXT_WINDOW),
        context_required=b.flag("context_required", False),
        labels=labels,
        label_value=label_value,
        label_inline=b.flag("label_inline", True),
        label_score=b.number("label_score", DEFAULT_LABEL_SCORE, 0, 1) or DEFAULT_LABEL_SCORE,
        label_suffix=b.flag("label_suffix", False),
        validators=validators,
        allow=b.strings("allow"),
        deny=deny,
        min_score=b.number("min_score", None, 0, 1),
        recognizer=recognizer,
        anchor=anchor,
        enabled=b.flag("enabled", True),
        rubric=rubric,
        description=(b.string("description") or "").strip(),
        examples=examples,
        negative_examples=_build_examples(b, "negative_examples", negative=True),
        source=b.source,
        line=data.line,
    )


def _build_patterns(b: Fields) -> tuple[PatternSpec, ...]:
    raw = b.data.get("patterns", [])
    if not isinstance(raw, list):
        raise b.fail("patterns", "'patterns' must be a list of {name, regex, score}")
    specs = []
    for i, item in enumerate(raw):
        line = b.item_line("patterns", i)
        if not isinstance(item, YamlMap):
            raise b.fail("patterns", "each pattern is a mapping {name, regex, score}", line)
        p = Fields(item, b.source)
        p.check_keys(_PATTERN_KEYS, " in pattern")
        for key in ("regex", "score"):
            if key not in item:
                raise b.fail("patterns", f"pattern is missing '{key}'", line)
        pattern = item["regex"]
        if not isinstance(pattern, str) or not pattern:
            raise p.fail("regex", "'regex' must be a non-empty string")
        name = str(item.get("name") or f"pattern {i + 1}")
        p.compile("regex", pattern, f"pattern '{name}'")
        score = p.number("score", None, 0, 1)
        if score is None:
            raise p.fail("score", "'score' must be a number from 0 to 1")
        specs.append(PatternSpec(name=name, regex=pattern, score=score))
    return tuple(specs)


def _build_examples(b: Fields, key: str, *, negative: bool = False) -> tuple[Example, ...]:
    raw = b.data.get(key, [])
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        raise b.fail(key, f"'{key}' must be a list")
    examples = []
    for i, item in enumerate(raw):
        line = b.item_line(key, i)
        if isinstance(item, str):
            examples.append(Example(text=item))
            continue
        if not isinstance(item, YamlMap) or "text" not in item:
            raise b.fail(key, f"each of '{key}' is a string or a mapping with 'text'", line)
        allowed = {"text", "context"} if negative else _EXAMPLE_KEYS
        for k in item:
            if k not in allowed:
                raise b.fail(key, f"unknown key '{k}' in {key} (use: {', '.join(sorted(allowed))})",
                             item.key_lines.get(k, line))
        value = item.get("value")
        examples.append(Example(text=str(item["text"]), value=None if value is None else str(value),
                                context=str(item.get("context") or "")))
    return tuple(examples)


def _check_recognizer(b: Fields, name: str) -> None:
    if not _RECOGNIZER_RE.match(name):
        raise b.fail("recognizer", f"bad recognizer name '{name}': use the module name, e.g. phone")
    # the module's file, not an import: loading rules (the scan's parent does, for the rule-set
    # fingerprint) must not pay for Presidio; the workers import the class and check it
    if not (Path(__file__).parent / "recognizers" / f"{name}.py").is_file():
        raise b.fail("recognizer", f"unknown recognizer '{name}' (no scanners/detect/recognizers/{name}.py)")


def rules_fingerprint(rules: Sequence[Rule], use_ner: bool) -> str:
    """A digest of what detection would do, so a re-scan knows when findings are stale."""
    from scanners.detect.ner import model_version  # light: no spaCy until a pipeline loads

    digest = hashlib.sha256(f"ner={use_ner};model={model_version()}".encode())
    for rule in sorted(rules, key=lambda r: r.id):
        digest.update(repr(rule).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()
