#!/usr/bin/env python3
"""Prints the criterion results of the last `cargo bench` as a Markdown table:
the median of each benchmark, and its ratio to the baseline of its group
(the first benchmark whose name starts with `baseline`, `floor` or
`tonic_types`, measured in the same run)."""

import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")
groups = {}
for estimates in sorted(root.glob("**/new/estimates.json")):
    bench_dir = estimates.parent.parent
    meta = json.loads((estimates.parent / "benchmark.json").read_text())
    median = json.loads(estimates.read_text())["median"]["point_estimate"]
    groups.setdefault(meta["group_id"], []).append((meta["function_id"], median))


def fmt(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.1f} ns"


print("| group | benchmark | median | ratios |")
print("|---|---|---|---|")
for group, rows in groups.items():
    baselines = [(n, m) for n, m in rows if n.startswith(("baseline", "floor", "tonic_types"))]
    for name, median in rows:
        ratios = ", ".join(f"{median / m:.2f}× {n}" for n, m in baselines if n != name)
        print(f"| {group} | {name} | {fmt(median)} | {ratios} |")
