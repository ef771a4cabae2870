"""`make bench`: run every benchmark, print one table, append the figures to bench/results.json."""

import argparse
import sys

from tests.bench import bench_grid, bench_manager, bench_mentor_search, bench_seed
from tests.bench.report import Figure, append_results, print_table
from tests.bench.scale_data import PARTICIPANTS

BENCHMARKS = {
    "seed": bench_seed.run,
    "grid": bench_grid.run,
    "mentor_search": bench_mentor_search.run,
    "manager": bench_manager.run,
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=sorted(BENCHMARKS), action="append")
    parser.add_argument("--no-postgres", action="store_true", help="measure on SQLite only")
    args = parser.parse_args(argv)
    figures: list[Figure] = []
    for name in args.only or list(BENCHMARKS):
        print(f"running {name} ...", file=sys.stderr)
        figures.extend(BENCHMARKS[name](postgres=not args.no_postgres))
    print_table(figures)
    append_results(figures, participants=PARTICIPANTS, benchmarks=args.only or list(BENCHMARKS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
