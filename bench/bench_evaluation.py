"""How long the pilot-learning parts take on a busy register: builds N cases (default 5,000) as
bench_report.py does and prints, beside the success report itself as the reference from the same run, the time
to read the evaluation rows, make the files (CSV, Parquet), fit the Kaplan-Meier curves with the log-rank test,
draw the figure, and compare a baseline with a pilot period.

    .venv/bin/python bench/bench_evaluation.py [--cases 5000] [--repeat 3]

Prints figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_report import END, START, TODAY, populate  # noqa: E402
from register.db import Register, upgrade  # noqa: E402
from reporting.comparison import compare  # noqa: E402
from reporting.duration_analysis import analyse, draw  # noqa: E402
from reporting.evaluation import evaluation_rows  # noqa: E402
from reporting.evaluation_export import cases_csv, cases_parquet  # noqa: E402
from reporting.report import build_report  # noqa: E402


def timed(work, repeat: int):
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - t0)
    return best * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        register = Register(url)
        populate(register, args.cases)

        def in_session(work):
            def run():
                with register.session() as session:
                    return work(session)

            return run

        ref_ms, report = timed(in_session(lambda s: build_report(s, "101", START, END, TODAY)), args.repeat)
        rows_ms, rows = timed(in_session(lambda s: evaluation_rows(s, "101", START, END, TODAY, "key")), args.repeat)
        csv_ms, csv_bytes = timed(lambda: cases_csv(rows), args.repeat)
        parquet_ms, parquet_bytes = timed(lambda: cases_parquet(rows), args.repeat)
        km_ms, analysis = timed(lambda: analyse(rows), args.repeat)
        draw_ms, png = timed(lambda: draw(analysis), args.repeat)
        baseline = (date(START.year - 1, 1, 1), date(START.year - 1, 12, 31))
        cmp_ms, _ = timed(
            in_session(
                lambda s: compare(build_report(s, "101", *baseline, TODAY), build_report(s, "101", START, END, TODAY))
            ),
            args.repeat,
        )
        register.dispose()
    print(f"{args.cases} cases built; {report.overall.cases} in the period; best of {args.repeat}")
    print(f"reference: success report          {ref_ms:8.1f} ms")
    print(f"evaluation rows ({len(rows)})        {rows_ms:8.1f} ms  ({rows_ms / ref_ms:.1f} x the report)")
    print(f"CSV      {len(csv_bytes):>10,} bytes  {csv_ms:8.1f} ms")
    print(f"Parquet  {len(parquet_bytes):>10,} bytes  {parquet_ms:8.1f} ms")
    print(f"Kaplan-Meier + log-rank ({len(analysis.curves)} groups) {km_ms:8.1f} ms")
    print(f"figure (PNG, {len(png):,} bytes)     {draw_ms:8.1f} ms")
    print(f"baseline vs pilot (two reports)    {cmp_ms:8.1f} ms  ({cmp_ms / ref_ms:.1f} x the report)")


if __name__ == "__main__":
    main()
