#!/usr/bin/env python3
"""Tables of a load benchmark run (bench/load/run.sh): the median of the
repetitions of each (case, server), then sztp-server against nginx as ratios.

    bench/load/table.py RESULT.json...

Refuses reports with errors: a benchmark of a failing path is worthless
(docs/performance.md).
"""
import json
import statistics
import sys
from collections import defaultdict


def median(runs, key):
    return statistics.median(key(r) for r in runs)


METRICS = [
    ("onboardings/s", lambda r: r["onboardings_per_s"], "{:.1f}"),
    ("p50 ms", lambda r: r["latency_ms"]["p50"], "{:.1f}"),
    ("p99 ms", lambda r: r["latency_ms"]["p99"], "{:.1f}"),
    ("server CPU s", lambda r: r["server_cpu_s"], "{:.2f}"),
    ("CPU s / 1000 onb.", lambda r: r["server_cpu_s_per_1000_onboardings"], "{:.3f}"),
    ("onb. / CPU s", lambda r: r["onboardings_per_server_cpu_s"], "{:.0f}"),
    ("peak RSS MB", lambda r: r["server_peak_rss_mb"], "{:.1f}"),
    ("client CPU s", lambda r: r["client_cpu_s"], "{:.1f}"),
    ("load avg", lambda r: r["load_average_1m"], "{:.1f}"),
]


def main(paths):
    groups = defaultdict(list)
    bad = []
    for path in paths:
        with open(path) as f:
            report = json.load(f)
        if report["errors"] or not report["onboardings"]:
            bad.append(f"{path}: {report['errors']} errors, {report['onboardings']} onboardings")
        groups[(report["case"], report["label"])].append(report)
    if bad:
        print("refused (failing runs):\n  " + "\n  ".join(bad))
        return 1

    print("| case | server | runs | " + " | ".join(m[0] for m in METRICS) + " |")
    print("| --- | --- | ---: | " + " | ".join("---:" for _ in METRICS) + " |")
    for (case, label), runs in sorted(groups.items()):
        cells = [fmt.format(median(runs, key)) for _, key, fmt in METRICS]
        print(f"| {case} | {label} | {len(runs)} | " + " | ".join(cells) + " |")

    print()
    print("| case | rate ratio | onb. per CPU-s ratio (goal >= 1) | CPU per onb. ratio "
          "| p99 ratio | peak RSS ratio |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    cases = sorted({case for case, _ in groups})
    for case in cases:
        s, n = groups.get((case, "sztp-server")), groups.get((case, "nginx"))
        if not s or not n:
            continue

        def ratio(key):
            return median(s, key) / median(n, key) if median(n, key) else float("nan")

        print(f"| {case} | {ratio(METRICS[0][1]):.2f} | {ratio(METRICS[5][1]):.2f} "
              f"| {ratio(METRICS[4][1]):.1f} | {ratio(METRICS[2][1]):.1f} "
              f"| {ratio(METRICS[6][1]):.1f} |")

    # Open-loop runs (sztp_load run --rate): what the arrivals met.
    open_groups = [(k, runs) for k, runs in sorted(groups.items())
                   if runs[0].get("mode") == "open"]
    if open_groups:
        print()
        print("| case | server | offered /s | done /s | p50 ms | p99 ms | delayed at C "
              "| dropped | start lag p99 ms | max in flight |")
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for (case, label), runs in open_groups:
        o = lambda key: median(runs, lambda r: r["open_loop"][key])  # noqa: E731
        print(f"| {case} | {label} | {o('offered_rate_per_s'):.0f} "
              f"| {median(runs, METRICS[0][1]):.1f} | {median(runs, METRICS[1][1]):.1f} "
              f"| {median(runs, METRICS[2][1]):.1f} | {o('delayed_at_cap'):.0f} "
              f"| {o('dropped_at_window_end'):.0f} "
              f"| {median(runs, lambda r: r['open_loop']['start_lag_ms']['p99']):.1f} "
              f"| {o('max_in_flight'):.0f} |")

    # A large registry against the small one, same server and concurrency:
    # case "reg<K>k-c<C>" against "n<N>-c<C>".
    big = [case for case in cases if case.startswith("reg") and (case, "sztp-server") in groups]
    if big:
        print()
        print("| case | against | rate ratio | CPU per onb. ratio | p99 ratio | peak RSS MB |")
        print("| --- | --- | ---: | ---: | ---: | ---: |")
    for case in big:
        level = case.split("-", 1)[1]
        small = [c for c in cases if c.startswith("n") and c.endswith("-" + level)]
        if not small or (small[0], "sztp-server") not in groups:
            continue
        b, a = groups[(case, "sztp-server")], groups[(small[0], "sztp-server")]

        def ratio(key):
            return median(b, key) / median(a, key)

        print(f"| {case} | {small[0]} | {ratio(METRICS[0][1]):.2f} | {ratio(METRICS[4][1]):.2f} "
              f"| {ratio(METRICS[2][1]):.2f} | {median(b, METRICS[6][1]):.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
