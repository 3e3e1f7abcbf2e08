"""Write one multi-GB application log (deterministic) for the bounded-memory check.

    python bench/make_huge_log.py /tmp/huge/app.log --gib 2
    /usr/bin/time -v spill scan /tmp/huge --case /tmp/huge.db --no-ner

Lines look like a payout service's log: timestamps, request ids, latencies, and every few
hundred lines a contractor's e-mail, an IBAN or a card number, so findings keep coming from
every part of the file (also across spill's internal chunk boundaries).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path


def _iban(rng: random.Random) -> str:
    from stdnum import iban

    bban = "".join(rng.choice("0123456789") for _ in range(18))
    return f"DE{iban.calc_check_digits('DE00' + bban)}{bban}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--gib", type=float, default=2.0)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    target = int(args.gib * 2**30)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    written = planted = 0
    with args.out.open("w", encoding="utf-8", newline="\n") as out:
        while written < target:
            lines = []
            for i in range(1000):
                minute, sec = divmod(i % 3600, 60)
                lines.append(f"2025-03-04T11:{minute:02d}:{sec:02d}.{rng.randint(0, 999):03d}Z INFO payout-svc "
                             f"req={rng.getrandbits(64):016x} route=/v2/batches/{rng.randint(1000, 9999)} "
                             f"status=200 latency_ms={rng.randint(3, 900)} bytes={rng.randint(200, 90000)}\n")
            k = rng.randrange(1000)
            lines[k] = (f"2025-03-04T11:00:00.000Z WARN payout-svc beneficiary changed contractor="
                        f"w{rng.randint(10000, 99999)}@gmail.com iban={_iban(rng)}\n")
            planted += 1
            chunk = "".join(lines)
            out.write(chunk)
            written += len(chunk)
    print(f"wrote {written / 2**30:.2f} GiB to {args.out} ({planted} planted e-mail + IBAN lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
