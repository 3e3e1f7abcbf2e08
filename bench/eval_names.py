"""`make eval-names`: PERSON in ordinary prose (wikigold), spill against plain Presidio in the same run.

The corpus (``../shared/prose-names/wikigold.conll.txt``: 145 Wikipedia articles, CoNLL tokens with
PER/ORG/LOC/MISC tags) is rebuilt into text the way its README says — tokens joined with spaces,
one sentence per line, one file per article — and written to a temporary folder. Both systems
read those files through spill's own extractor and ``DocumentScanner`` (the path a scan worker
takes), so offsets are the file's characters and the only difference is the detector:

* spill: ``load_detector()`` — the Detector the workers use (patterns, NER, name rules);
* Presidio: ``AnalyzerEngine`` with its default recognizers and the same spaCy model.

A gold name is found when a PERSON finding overlaps it; a finding is true when it overlaps a
gold name ("overlap"). "exact" counts only identical spans. Variants of spill (``--variants``)
switch off the sentence pre-filter or change what one-word names need, to show what each costs or saves.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, PlainPresidioDetector, plain_analyzer

CORPUS = Path("prose-names") / "wikigold.conll.txt"
Span = tuple[int, int]


@dataclass(frozen=True)
class Article:
    name: str
    text: str
    names: list[Span]  # gold PER spans


def read_conll(path: Path) -> list[Article]:
    """Articles from a CoNLL file: ``token TAG`` lines, blank lines between sentences, -DOCSTART- between articles."""
    articles: list[list[list[tuple[str, str]]]] = []
    sentences: list[list[tuple[str, str]]] = []
    sentence: list[tuple[str, str]] = []

    def end_sentence() -> None:
        nonlocal sentence
        if sentence:
            sentences.append(sentence)
            sentence = []

    def end_article() -> None:
        nonlocal sentences
        end_sentence()
        if sentences:
            articles.append(sentences)
            sentences = []

    with open(path, encoding="utf-8") as fh:
        for raw in fh:
            line = raw.rstrip("\n")
            if line.startswith("-DOCSTART-"):
                end_article()
            elif not line.strip():
                end_sentence()
            else:
                token, tag = line.rsplit(" ", 1)
                sentence.append((token, tag))
    end_article()
    return [_article(f"article_{i:03d}", sents) for i, sents in enumerate(articles, 1)]


def _article(name: str, sentences: list[list[tuple[str, str]]]) -> Article:
    lines: list[str] = []
    spans: list[list[int]] = []
    pos = 0
    for sentence in sentences:
        current: list[int] | None = None
        cursor = pos
        for k, (token, tag) in enumerate(sentence):
            cursor += 1 if k else 0
            start, cursor = cursor, cursor + len(token)
            if tag.endswith("-PER"):
                if current is not None and not tag.startswith("B-"):
                    current[1] = cursor  # IOB1: I- continues the name, B- starts a second adjacent one
                else:
                    current = [start, cursor]
                    spans.append(current)
            else:
                current = None
        line = " ".join(token for token, _ in sentence)
        lines.append(line)
        pos += len(line) + 1
    return Article(name, "\n".join(lines), [(a, b) for a, b in spans])


@dataclass
class Score:
    gold: int = 0
    found: int = 0
    predicted: int = 0
    true_predicted: int = 0
    exact: int = 0

    def add(self, gold: list[Span], predicted: list[Span]) -> None:
        self.gold += len(gold)
        self.predicted += len(predicted)
        self.found += sum(any(a < d and c < b for c, d in predicted) for a, b in gold)
        self.true_predicted += sum(any(a < d and c < b for a, b in gold) for c, d in predicted)
        self.exact += len(set(gold) & set(predicted))

    @staticmethod
    def _f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    def row(self, label: str) -> str:
        r = self.found / self.gold if self.gold else 0.0
        p = self.true_predicted / self.predicted if self.predicted else 0.0
        er = self.exact / self.gold if self.gold else 0.0
        ep = self.exact / self.predicted if self.predicted else 0.0
        return (f"| {label:<44} | {self.gold:>4} | {self.predicted:>5} | {r:6.3f} | {p:9.3f} | {self._f1(p, r):5.3f} "
                f"| {er:6.3f} | {ep:9.3f} | {self._f1(ep, er):5.3f} |")


HEADER = ("| system                                       | gold | finds | recall | precision |    F1 "
          "| exact R | exact P   | ex F1 |\n|---|---|---|---|---|---|---|---|---|")


def person_spans(detector, folder: Path, articles: list[Article]) -> Iterator[list[Span]]:
    """PERSON spans of each article's file, found by ``detector`` through the scan path."""
    from scanners.document import DocumentScanner, ScanTask
    from scanners.extract.base import Limits
    from scanners.walk import sha256_file

    scanner = DocumentScanner(detector, Limits())
    for article in articles:
        path = folder / f"{article.name}.txt"
        results = scanner.scan(ScanTask(path.name, bytes(path), sha256_file(bytes(path)), path.stat().st_size, None))
        yield sorted({(f.start, f.end) for r in results for f in r.findings
                      if f.entity_type == "PERSON" and f.start is not None and f.end is not None})


def run(label: str, make_detector: Callable[[], object], folder: Path, articles: list[Article]) -> None:
    detector = make_detector()
    t0 = time.monotonic()
    score = Score()
    for article, spans in zip(articles, person_spans(detector, folder, articles), strict=True):
        score.add(article.names, spans)
    print(score.row(f"{label} ({time.monotonic() - t0:.1f}s)"), flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--variants", action="store_true",
                    help="also spill without the sentence pre-filter and with other lone-word rules")
    args = ap.parse_args()
    corpus = args.shared / CORPUS
    if not corpus.exists():
        print(f"eval-names: {corpus} not present; nothing to score", file=sys.stderr)
        return 0
    from scanners.detect.names import NameOptions
    from scanners.detect.pipeline import load_detector

    articles = read_conll(corpus)
    print(f"\nPERSON on {corpus.name}: {len(articles)} articles, {sum(len(a.names) for a in articles)} names "
          f"(overlap: a name counts as found when a PERSON finding overlaps it; exact: same span)")
    print(HEADER)
    with tempfile.TemporaryDirectory(prefix="spill-names-") as tmp:
        folder = Path(tmp)
        for article in articles:
            (folder / f"{article.name}.txt").write_text(article.text, encoding="utf-8")
        run("plain presidio-analyzer", lambda: PlainPresidioDetector(plain_analyzer(national=False)), folder,
            articles)
        run("spill", load_detector, folder, articles)
        if args.variants:
            variants = {
                "spill, no sentence pre-filter": NameOptions(sentence_filter=False),
                "spill, lone words only with a cue": NameOptions(lone_words="cue"),
                "spill, every lone word": NameOptions(lone_words="all"),
                "spill, no pre-filter, every lone word": NameOptions(sentence_filter=False, lone_words="all"),
            }
            for label, options in variants.items():
                run(label, lambda o=options: load_detector(name_options=o), folder, articles)
    return 0


if __name__ == "__main__":
    sys.exit(main())
