"""Benchmark figures: percentiles, a printed table and the shared results file."""

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from mentor_dash.settings import PROJECT_ROOT

RESULTS_PATH = PROJECT_ROOT / "bench" / "results.json"


@dataclass
class Figure:
    benchmark: str
    backend: str
    metric: str
    value: float
    unit: str
    target: str = ""
    met: bool | None = None
    notes: dict[str, float | int | str] = field(default_factory=dict)


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * pct / 100
    low, high = int(rank), min(int(rank) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def time_ms(run: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary_ms(samples: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(samples, 50), 2),
        "p95": round(percentile(samples, 95), 2),
        "mean": round(statistics.fmean(samples), 2),
        "runs": len(samples),
    }


def print_table(figures: list[Figure]) -> None:
    headers = ["benchmark", "backend", "metric", "value", "unit", "target", "met"]
    rows = [
        [
            f.benchmark,
            f.backend,
            f.metric,
            f"{f.value:,.2f}",
            f.unit,
            f.target,
            "" if f.met is None else ("yes" if f.met else "NO"),
        ]
        for f in figures
    ]
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("-" * len(line))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))


def append_results(figures: list[Figure], path: Path = RESULTS_PATH, **context: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    history = json.loads(path.read_text()) if path.exists() else []
    history.append(
        {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            **context,
            "figures": [asdict(f) for f in figures],
        }
    )
    path.write_text(json.dumps(history, indent=2) + "\n")
