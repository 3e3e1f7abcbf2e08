"""The NER stage alone, A/B in one process: the entity cache on and off, ``nlp.pipe`` batch sizes.

    python bench/bench_ner.py SHARE [SHARE…] [--rounds 2] [--batch-sizes 64] [--variants nocache,cache,tok2vec]

First every file of each SHARE goes through the scan path (extraction, patterns, the document
state) once, and each call the detector makes to the name stage is recorded (the texts and the
spans the patterns took) without running the model. Then the recorded calls are replayed through
a fresh :class:`PersonFinder` per variant, the variants interleaved round after round, and for
each the time of the name stage and of ``ner.entities`` in it is printed, with how many pieces
the model read and whether the PERSON spans are the same as the first variant's. Variants:
``nocache`` (the model reads every piece), ``cache`` (the default), ``tok2vec`` (the default, with
the model's shared tok2vec component loaded and run as before it was excluded), ``before`` (no cache
and the shared tok2vec: the NER stage before both).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scanners.detect import ner
from scanners.detect.names import NameMemory, NameOptions, PersonFinder, Span
from scanners.detect.pipeline import load_detector
from scanners.document import DocumentScanner, ScanTask
from scanners.extract.base import Limits
from scanners.walk import sha256_file, walk


@dataclass
class Call:
    document: int  # calls of one document share its name memory
    texts: list[str]
    taken: list[list[Span]]


@dataclass
class Recorder:
    """Stands where the PersonFinder stands: records what it is asked, finds nothing."""

    calls: list[Call] = field(default_factory=list)
    documents: dict[int, int] = field(default_factory=dict)

    def find(self, texts, taken, memory: NameMemory):
        doc = self.documents.setdefault(id(memory), len(self.documents))
        self.calls.append(Call(doc, list(texts), [list(t) for t in taken]))
        return [[] for _ in texts]


def record(shares: list[Path]) -> tuple[list[Call], int]:
    detector = load_detector()
    recorder = Recorder()
    detector.persons = recorder  # type: ignore[assignment]
    scanner = DocumentScanner(detector, Limits())
    size = 0
    for share in shares:
        for e in walk(share):
            if e.skip_reason is None:
                scanner.scan(ScanTask(e.path, e.fs_path, sha256_file(e.fs_path), e.size, e.mtime))
                size += e.size or 0
    return recorder.calls, size


def with_shared_tok2vec():  # -> spacy.Language: the pipeline as loaded before the shared tok2vec was excluded
    import spacy

    from spill.model_integrity import verified_data_dir

    return spacy.load(verified_data_dir(), exclude=[c for c in ner.EXCLUDE if c != "tok2vec"])


def replay(calls: list[Call], options: NameOptions, batch_size: int,
           nlp=None) -> tuple[float, float, list, PersonFinder]:
    finder = PersonFinder(options)
    real, real_nlp = ner.entities, ner.load_nlp
    spent = 0.0

    def timed(*args, **kwargs):
        nonlocal spent
        t = time.perf_counter()
        try:
            return real(*args, **kwargs, batch_size=batch_size)
        finally:
            spent += time.perf_counter() - t

    ner.entities = timed
    if nlp is not None:
        ner.load_nlp = lambda: nlp
    memories: dict[int, NameMemory] = {}
    out = []
    t0 = time.perf_counter()
    try:
        for call in calls:
            memory = memories.setdefault(call.document, NameMemory())
            out.append(finder.find(call.texts, call.taken, memory))
    finally:
        ner.entities, ner.load_nlp = real, real_nlp
    return time.perf_counter() - t0, spent, out, finder


VARIANTS = {
    "nocache": NameOptions(entity_cache=False),
    "cache": NameOptions(),
    "tok2vec": NameOptions(),
    "before": NameOptions(entity_cache=False),  # neither: no cache, the shared tok2vec
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("shares", type=Path, nargs="+")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--batch-sizes", default="64")
    ap.add_argument("--variants", default="nocache,cache")
    args = ap.parse_args()
    ner.load_nlp()
    t0 = time.perf_counter()
    calls, size = record(args.shares)
    texts = sum(len(c.texts) for c in calls)
    chars = sum(len(t) for c in calls for t in c.texts)
    print(f"recorded {len(calls)} calls, {texts} texts, {chars / 1e6:.2f} M chars for the name stage "
          f"from {size / 2**20:.1f} MB in {time.perf_counter() - t0:.1f}s", flush=True)
    runs = [(v, int(b)) for b in args.batch_sizes.split(",") for v in args.variants.split(",")]
    reference = None
    full = with_shared_tok2vec() if {"tok2vec", "before"} & set(args.variants.split(",")) else None
    for r in range(args.rounds):
        for variant, batch in runs:
            nlp = full if variant in ("tok2vec", "before") else None
            wall, in_ner, out, finder = replay(calls, VARIANTS[variant], batch, nlp)
            reference = reference if reference is not None else out
            cache = finder.entity_cache
            read = (f"model read {cache.misses} pieces, {cache.hits} from the cache ({cache.saved_chars / 1e6:.2f} M "
                    f"chars; {len(cache)} kept, ~{cache.size / 2**20:.1f} MiB)") if cache else ""
            print(f"round {r + 1} {variant:8s} batch {batch:4d}: name stage {wall:6.2f}s, ner.entities {in_ner:6.2f}s"
                  f"  same PERSON spans: {out == reference}  {read}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
