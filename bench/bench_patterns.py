#!/usr/bin/env python3
"""Micro-benchmark of the pattern stage: MB/s of ``PatternDetector.detect`` on ~5 MB of mixed text.

usage: bench_patterns.py [--mb 5] [--seed 7] [--presidio] [--profile] [--anchors]

The corpus is synthetic and deterministic (seeded): prose paragraphs (some with an e-mail, a
phone, an IBAN, an ID), CSV-like rows whose cells are scanned one by one with their column header
as context (as the XLSX/CSV extractors deliver them), JSON-lines records with key paths, and
code/config lines (a few with secrets). It prints MB/s per kind and overall, on one core.
``--presidio`` also times Presidio's own predefined pattern recognizers (no NLP) on the same
segments, for the ratio. ``--anchors`` times the anchor pass alone (the prefilter) against the
same anchors in one combined alternation, in Hyperscan and in pyahocorasick (for the literal anchors;
the regex anchors stay on ``re``/``regex``), when those packages are importable (they are not
dependencies: ``uv pip install hyperscan pyahocorasick`` to measure).
"""

from __future__ import annotations

import argparse
import random
import string
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scanners.detect.patterns import PatternDetector
from scanners.detect.rules import load_rules

Segment = tuple[str, str]  # (text, context)

WORDS = ("the of and to in is was for on that with as by at from this be are have it not or an which "
         "task annotator response model quality review batch guideline rating score label project team "
         "payment invoice week month update please thanks meeting schedule data file report note draft "
         "client deadline feedback sample prompt answer question correct helpful clear format style").split()
FIRST = "Amara Bola Chen Diego Elif Farah Gabriel Hana Ivan Jomo Kiran Lucia Mateo Nadia Omar Priya".split()
LAST = "Okafor Santos Mehta Wanjiru Reyes Kowalski Nguyen Haddad Silva Mensah Dubois Ivanova".split()


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 18))]
    return " ".join(words).capitalize() + rng.choice(".!?.")


def _pii(rng: random.Random) -> str:
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    user = name.lower().replace(" ", ".")
    return rng.choice([
        f"Contact {name} at {user}@example.org.",
        f"Call {rng.choice(FIRST)} on +63 917 {rng.randint(100, 999)} {rng.randint(1000, 9999)}.",
        "Payout IBAN: GB82 WEST 1234 5698 7654 32, SWIFT: DEUTDEFF.",
        f"Worker ID: QX-{rng.randint(10, 99)}-ab{rng.randint(10, 99)} finished the batch.",
        f"Invoice {rng.randint(10000, 99999)} total ${rng.randint(10, 999)}.{rng.randint(10, 99)} "
        f"due 2024-0{rng.randint(1, 9)}-15.",
        "Aadhaar: 2341 2341 2346 on the KYC form.",
    ])


def prose(rng: random.Random) -> list[Segment]:
    sentences = [_pii(rng) if rng.random() < 0.08 else _sentence(rng) for _ in range(rng.randint(4, 20))]
    return [(" ".join(sentences), "")]


HEADERS = ["task_id", "worker_id", "full_name", "email", "country", "hours", "rate_usd", "status", "notes",
           "submitted_at", "phone", "account_number"]


def csv_row(rng: random.Random) -> list[Segment]:
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    cells = [
        f"T{rng.randint(100000, 999999)}", f"W-{rng.randint(1000, 99999):06d}", name,
        f"{name.lower().replace(' ', '.')}@example.net", rng.choice(["PH", "KE", "IN", "NG", "BR", "US"]),
        f"{rng.uniform(0.5, 9):.2f}", f"{rng.uniform(4, 40):.2f}", rng.choice(["approved", "pending", "rejected"]),
        rng.choice(["", "", "late", "ok", "redo step 3"]),
        f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:1{rng.randint(0, 9)}:00Z",
        f"+2547{rng.randint(10, 99)}{rng.randint(100000, 999999)}", f"{rng.randint(10**9, 10**12)}",
    ]
    return list(zip(cells, HEADERS, strict=True))


def json_record(rng: random.Random) -> list[Segment]:
    return [
        (f"{rng.randint(1, 10**6)}", "$.records[0].id"),
        (_sentence(rng) + " " + _sentence(rng), "$.records[0].prompt"),
        (" ".join(_sentence(rng) for _ in range(rng.randint(2, 8))), "$.records[0].response_a"),
        (str(rng.randint(1, 7)), "$.records[0].rating"),
    ]


def code(rng: random.Random) -> list[Segment]:
    ident = "".join(rng.choice(string.ascii_lowercase) for _ in range(8))
    lines = [
        f"def {ident}(x, y):", f"    return x * {rng.randint(1, 99)} + y  # {rng.choice(WORDS)}",
        f"{ident.upper()}_TIMEOUT = {rng.randint(1, 600)}", f"url = 'https://api.example.com/v1/{ident}'",
    ]
    if rng.random() < 0.05:
        lines.append(f"API_KEY = \"{''.join(rng.choice('0123456789abcdef') for _ in range(32))}\"")
    return [("\n".join(lines), "")]


KINDS: dict[str, Callable[[random.Random], list[Segment]]] = {
    "prose": prose, "csv cells": csv_row, "jsonl fields": json_record, "code": code,
}


def corpus(mb: float, seed: int) -> dict[str, list[Segment]]:
    rng = random.Random(seed)
    share = {"prose": 0.4, "csv cells": 0.3, "jsonl fields": 0.2, "code": 0.1}
    out: dict[str, list[Segment]] = {}
    for kind, frac in share.items():
        segs: list[Segment] = []
        size = 0
        while size < mb * frac * 1_000_000:
            for seg in KINDS[kind](rng):
                segs.append(seg)
                size += len(seg[0]) + 1
        out[kind] = segs
    return out


def presidio_baseline(segments: list[Segment]) -> Callable[[], int]:
    from presidio_analyzer import RecognizerRegistry

    registry = RecognizerRegistry()
    registry.load_predefined_recognizers()
    recognizers = [r for r in registry.recognizers if "Spacy" not in type(r).__name__]

    def run() -> int:
        n = 0
        for text, _ in segments:
            for rec in recognizers:
                n += len(rec.analyze(text, rec.supported_entities, None))
        return n

    return run


def _chunks(data: dict[str, list[Segment]], log_mb: float) -> list[str]:
    """The texts the anchor pass sees: segments joined as ``detect_batch`` joins them, and log lines."""
    from scanners.detect.patterns import BATCH_CHUNK_CHARS, SEGMENT_SEPARATOR

    out: list[str] = []
    for segs in data.values():
        part: list[str] = []
        for text, _ in segs:
            part.append(text)
            if sum(map(len, part)) >= BATCH_CHUNK_CHARS:
                out.append(SEGMENT_SEPARATOR.join(part))
                part = []
        if part:
            out.append(SEGMENT_SEPARATOR.join(part))
    rng = random.Random(11)
    lines = [f"2025-03-0{i % 9 + 1}T10:{i % 60:02d}:00Z INFO worker={i} job={rng.getrandbits(64):x} "
             f"status=ok latency_ms={rng.randint(1, 900)}" for i in range(int(log_mb * 1_000_000 / 82))]
    out += ["\n".join(lines[i:i + 400]) for i in range(0, len(lines), 400)]
    return out


def anchor_engines(detector: PatternDetector, texts: list[str]) -> None:
    """MB/s of the anchor pass: the prefilter as it is, and the alternatives, on the same texts."""
    import regex

    prefilter = detector._prefilter
    branches = list(prefilter._ids)  # anchor branch → id, in id order
    size = sum(len(t.encode()) for t in texts) / 1e6
    engines: dict[str, Callable[[str], object]] = {"prefilter (trigger, then each anchor)": prefilter.scan}
    combined = regex.compile("|".join(f"(?P<a{i}>{b})" for i, b in enumerate(branches)))

    def alternation(text: str) -> object:
        found: dict[int, int] = {}
        for m in combined.finditer(text):
            found[int(m.lastgroup[1:])] = found.get(int(m.lastgroup[1:]), 0) + 1  # type: ignore[index]
        return found

    engines["one combined alternation (regex)"] = alternation
    try:
        import hyperscan
    except ImportError:
        print("hyperscan: not installed")
    else:
        db = hyperscan.Database()
        flags = [hyperscan.HS_FLAG_SOM_LEFTMOST | hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP] * len(branches)
        db.compile(expressions=[b.encode() for b in branches], ids=list(range(len(branches))), flags=flags)
        single = hyperscan.Database()
        single.compile(expressions=[b.encode() for b in branches], ids=list(range(len(branches))),
                       flags=[hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP]
                       * len(branches))

        def hs_positions(text: str) -> object:
            found: dict[int, list[int]] = {}

            def on_match(anchor: int, start: int, _end: int, _flags: int, _ctx: object) -> None:
                found.setdefault(anchor, []).append(start)  # byte offsets: a real use maps them back

            db.scan(text.encode("utf-8", "surrogatepass"), match_event_handler=on_match)
            return found

        def hs_hits(text: str) -> object:
            found: set[int] = set()
            single.scan(text.encode("utf-8", "surrogatepass"),
                        match_event_handler=lambda anchor, *_: found.add(anchor))
            return found

        engines["hyperscan, every match with its start"] = hs_positions
        engines["hyperscan, which anchors occur (no positions)"] = hs_hits
    try:
        import ahocorasick
    except ImportError:
        print("pyahocorasick: not installed")
    else:
        automaton = ahocorasick.Automaton()
        for i, lit in prefilter._literals:
            automaton.add_word(lit, i)
        automaton.make_automaton()
        regexes = prefilter._regexes

        def aho(text: str) -> object:
            found: dict[int, list[int]] = {}
            for end, i in automaton.iter(text):
                found.setdefault(i, []).append(end)
            for i, rx in regexes:
                spots = [m.start() for m in rx.finditer(text)]
                if spots:
                    found[i] = spots
            return found

        engines["pyahocorasick literals + re/regex anchors"] = aho
    for _ in range(2):  # twice, interleaved: the machine is shared
        for name, run in engines.items():
            t0 = time.process_time()
            for text in texts:
                run(text)
            dt = time.process_time() - t0
            print(f"  anchors: {name:48s} {size / dt:7.1f} MB/s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--presidio", action="store_true", help="also time Presidio's predefined recognizers")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--anchors", action="store_true", help="time the anchor pass against other engines")
    args = ap.parse_args()

    t = time.perf_counter()
    detector = PatternDetector(load_rules())
    print(f"rules loaded and compiled in {time.perf_counter() - t:.2f}s ({len(detector.rules)} rules)")
    data = corpus(args.mb, args.seed)
    # one-time costs (phonenumbers region metadata, the public-suffix trie) are paid once per worker
    for segs in data.values():
        detector.detect_batch(segs[: max(1, len(segs) // 50)])

    def run_all() -> None:
        for mode in ("detect_batch", "detect"):
            total_bytes = total_time = 0.0
            total_found = 0
            print(f"{mode}:")
            for kind, segs in data.items():
                size = sum(len(s.encode()) for s, _ in segs)
                t0 = time.process_time()
                if mode == "detect":
                    found = sum(len(detector.detect(text, ctx)) for text, ctx in segs)
                else:
                    found = sum(len(d) for d in detector.detect_batch(segs))
                dt = time.process_time() - t0
                total_bytes += size
                total_time += dt
                total_found += found
                print(f"  {kind:13s} {size / 1e6:5.2f} MB {len(segs):7d} segments  {size / 1e6 / dt:6.1f} MB/s"
                      f"  {found} found")
            print(f"  pattern stage ({mode}): {total_bytes / 1e6:.2f} MB in {total_time:.2f}s = "
                  f"{total_bytes / 1e6 / total_time:.1f} MB/s of CPU time, one core ({total_found} detections)")

    if args.anchors:
        texts = _chunks(data, args.mb)
        print(f"anchor pass over {len(texts)} texts ({sum(map(len, texts)) / 1e6:.1f} MB: the corpus joined "
              f"as detect_batch joins it, and {args.mb:g} MB of log lines)")
        anchor_engines(detector, texts)
        return 0
    if args.profile:
        import cProfile
        import pstats

        cProfile.runctx("run_all()", globals(), locals(), "/tmp/bench_patterns.prof")
        pstats.Stats("/tmp/bench_patterns.prof").sort_stats("cumulative").print_stats(25)
    else:
        run_all()
    if args.presidio:
        sample = [seg for segs in data.values() for seg in segs[: len(segs) // 20]]
        size = sum(len(s.encode()) for s, _ in sample)
        run = presidio_baseline(sample)
        t0 = time.perf_counter()
        found = run()
        dt = time.perf_counter() - t0
        print(f"presidio predefined recognizers (no NLP), 5% sample: {size / 1e6 / dt:.2f} MB/s ({found} results)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
