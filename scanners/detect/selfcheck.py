"""The detectors' part of ``spill doctor``: the rules load, and a detection run needs no network."""

from __future__ import annotations

from spill.doctor import Check


def rules_check() -> list[Check]:
    from scanners.detect.rules import load_rules, rules_fingerprint

    rules = load_rules()
    return [Check("rules", "ok", f"{len(rules)} built-in rules, fingerprint {rules_fingerprint(rules, True)[:16]}…")]


def offline_detection_check() -> list[Check]:
    """Load the whole detector (patterns, Presidio recognizers, spaCy, the offline suffix list) and
    run it on a sample under the guard: any attempt to reach the network is a failure."""
    from spill import netguard

    netguard.install(True)
    before = len(netguard.attempts)
    from scanners.detect.pipeline import load_detector
    from spill.model import Segment

    detector = load_detector()
    detector.warm_up()
    found = detector.detect([Segment("Payout for Maria Santos, maria.santos@example.co.uk, +44 20 7946 0958, "
                                     "see https://intranet.example.org/pay", prose=True)])[0]
    attempts = netguard.attempts[before:]
    if attempts:
        return [Check("offline", "fail", f"detection tried to reach the network: {attempts[0]}")]
    kinds = ", ".join(sorted({d.entity_type for d in found}))
    return [Check("offline", "ok", f"a detection run with the model found {kinds} and made no network attempt")]
