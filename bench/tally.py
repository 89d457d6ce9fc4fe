"""The Schulze tally on a large ranked poll: 100,000 ballots over 10 options by default.

Ballots are full or partial random rankings (seeded), weighted like an assembly's (Decimal
weights, one in seven counting double), so that hardly two are alike and merging identical
rankings saves little: the slow case. ``tally`` is the governance module's entry point, which
computes the weighted and the unweighted Schulze results, as the results page does.
"""

from __future__ import annotations

import random
import statistics
import time
from decimal import Decimal

from modules.governance.services.tally import schulze, tally

ONE, TWO = Decimal("1.000000"), Decimal("2.000000")


def ballots(count: int, options: int, seed: int = 11) -> list[tuple[tuple[int, ...], Decimal]]:
    rng = random.Random(seed)
    made = []
    for n in range(count):
        ranking = list(range(options))
        rng.shuffle(ranking)
        made.append((tuple(ranking[: rng.randint(2, options)]), TWO if n % 7 == 0 else ONE))
    return made


def _timed(work) -> tuple[float, float, object]:
    """Wall-clock and CPU seconds: on a shared machine the CPU time is what the tally itself costs."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def run(count: int = 100_000, options: int = 10, repeats: int = 5, seed: int = 11) -> dict:
    sample = ballots(count, options, seed)
    weight = sum(w for _r, w in sample)
    timings: dict[str, dict[str, list[float]]] = {}
    for _ in range(repeats):
        for name, work in (
            (
                "tally (weighted and unweighted Schulze)",
                lambda: tally("ranked", options, sample, eligible_count=count, eligible_weight=weight),
            ),
            ("schulze (one pass)", lambda: schulze(sample, options)),
        ):
            wall, cpu, result = _timed(work)
            timings.setdefault(name, {"wall": [], "cpu": []})
            timings[name]["wall"].append(wall)
            timings[name]["cpu"].append(cpu)
            if name.startswith("tally"):
                winners = result.winners
    return {
        "ballots": count,
        "options": options,
        "distinct_rankings": len({r for r, _w in sample}),
        "winners": winners,
        "seconds": {
            name: {
                clock: {"best": round(min(v), 3), "median": round(statistics.median(v), 3), "worst": round(max(v), 3)}
                for clock, v in clocks.items()
            }
            for name, clocks in timings.items()
        },
    }
