"""Timing and reporting shared by every benchmark: percentiles of repeated runs and a ratio to a raw baseline."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    p50_ms: float
    p95_ms: float
    runs: int


@dataclass(frozen=True)
class Comparison:
    name: str
    measured: Timing
    baseline_name: str
    baseline: Timing

    @property
    def ratio(self) -> float:
        return self.measured.p95_ms / self.baseline.p95_ms


def measure(work: Callable[[], object], *, runs: int = 500, warmup: int = 20) -> Timing:
    for _ in range(warmup):
        work()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    cut_points = statistics.quantiles(samples, n=100)
    return Timing(p50_ms=statistics.median(samples), p95_ms=cut_points[94], runs=runs)


def print_table(title: str, rows: list[Comparison]) -> None:
    print(f"\n{title}")
    header = (f"  {'measured':<44} {'p50 ms':>8} {'p95 ms':>8}   "
              f"{'beside raw':<34} {'p50 ms':>8} {'p95 ms':>8} {'p95 ratio':>9}")
    print(header)
    print("  " + "-" * (len(header) - 2))
    for row in rows:
        print(f"  {row.name:<44} {row.measured.p50_ms:>8.2f} {row.measured.p95_ms:>8.2f}   "
              f"{row.baseline_name:<34} {row.baseline.p50_ms:>8.2f} {row.baseline.p95_ms:>8.2f} {row.ratio:>8.1f}x")


@dataclass(frozen=True)
class Rate:
    """`count` items of work done in `seconds`."""

    name: str
    count: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.count / self.seconds


def print_rates(title: str, rows: list[tuple[Rate, Rate]]) -> None:
    """Each measured rate beside a raw one of the same kind; the ratio is how many times the raw's time per item
    the measured work takes."""
    print(f"\n{title}")
    header = (f"  {'measured':<46} {'count':>8} {'seconds':>8} {'per s':>8}   "
              f"{'beside raw':<44} {'per s':>8} {'ratio':>7}")
    print(header)
    print("  " + "-" * (len(header) - 2))
    for measured, raw in rows:
        print(f"  {measured.name:<46} {measured.count:>8,} {measured.seconds:>8.2f} {measured.per_second:>8,.0f}   "
              f"{raw.name:<44} {raw.per_second:>8,.0f} {raw.per_second / measured.per_second:>6.1f}x")
