"""The Python recognizers a YAML rule can name with ``recognizer: <module>``: what a regex cannot say.

Each module ``<thing>.py`` holds one class ``<Thing>Recognizer`` in Presidio's shapes
(``EntityRecognizer``/``PatternRecognizer`` with ``analyze(text, entities, nlp_artifacts)``),
constructed from the rule that names it: ``<Thing>Recognizer(rule)``. ``ANCHOR`` (a class
attribute) is the cheap regex the prefilter uses when the rule gives no ``anchor``. Nothing
else lives in this package: the recognizers the detector builds for every rule (a rule's
``patterns``, its inline ``labels``) are ``rule_pattern.py`` and ``inline_label.py`` beside it.

Every recognizer reports through :func:`recognizer_result`, so the detector reads one shape.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from presidio_analyzer import EntityRecognizer, LocalRecognizer, RecognizerResult

if TYPE_CHECKING:
    from scanners.detect.rules import Rule

#: Result metadata: True when a checksum or a parser accepted the value (it wins an overlap tie).
VALIDATED = "validated"


def recognizer_result(recognizer: EntityRecognizer, start: int, end: int, score: float, *,
                      entity: str | None = None, validated: bool = False, **metadata: Any) -> RecognizerResult:
    """A result of ``recognizer`` (its first entity type unless ``entity``), with its name in the metadata."""
    return RecognizerResult(
        entity or recognizer.supported_entities[0], start, end, score,
        recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: recognizer.name, VALIDATED: validated,
                              **metadata},
    )


def class_name(module: str) -> str:
    return "".join(part.capitalize() for part in module.split("_")) + "Recognizer"


def recognizer_class(name: str) -> type[EntityRecognizer]:
    """The recognizer class a rule's ``recognizer: name`` refers to; LookupError if there is none."""
    module_name = f"{__name__}.{name}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise LookupError(f"unknown recognizer '{name}' (no scanners/detect/recognizers/{name}.py)") from None
    cls = getattr(module, class_name(name), None)
    if not isinstance(cls, type) or not issubclass(cls, EntityRecognizer):
        raise LookupError(f"recognizer module '{name}' has no class {class_name(name)}")
    return cls


class RuleRecognizer(LocalRecognizer):
    """A Python recognizer a YAML rule names: its entity type, name and context come from the rule
    (the class defaults serve when it is built without one)."""

    ENTITY = ""
    CONTEXT: Sequence[str] = ()

    def __init__(self, rule: Rule | None = None) -> None:
        super().__init__(
            supported_entities=[rule.entity_type if rule else self.ENTITY],
            name=rule.id if rule else type(self).__name__,
            context=list(rule.context) if rule else list(self.CONTEXT),
        )

    def load(self) -> None:
        """Nothing to load: no model, no files."""
