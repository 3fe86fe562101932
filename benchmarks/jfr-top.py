#!/usr/bin/env python3
"""Where the time goes in a JFR recording: the methods on top of the sampled stacks (self),
and the methods present anywhere in them (inclusive), as shares of all execution samples.

    benchmarks/jfr-top.py benchmarks/target/run/jfr/2-cluster-b.jfr [--top 25] [--filter io.pubsubclub]
"""
import argparse
import collections
import json
import subprocess
import sys

parser = argparse.ArgumentParser()
parser.add_argument("recording")
parser.add_argument("--top", type=int, default=25)
parser.add_argument("--filter", default="", help="inclusive table only for frames starting with this")
parser.add_argument("--skip-threads", default="main,background-preinit",
                    help="threads left out (start-up), comma-separated name prefixes")
args = parser.parse_args()

out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", "jdk.ExecutionSample",
                      args.recording], check=True, capture_output=True, text=True).stdout
events = json.loads(out)["recording"]["events"]
self_counts = collections.Counter()
incl_counts = collections.Counter()
threads = collections.Counter()
for event in events:
    frames = event["values"]["stackTrace"]["frames"] if event["values"].get("stackTrace") else []
    names = []
    for f in frames:
        m = f["method"]
        names.append(m["type"]["name"].replace("/", ".") + "." + m["name"])
    if not names:
        continue
    thread = event["values"].get("sampledThread") or {}
    thread_name = thread.get("javaName") or thread.get("osName") or "?"
    if any(thread_name.startswith(p) for p in args.skip_threads.split(",") if p):
        continue
    self_counts[names[0]] += 1
    for n in set(names):
        incl_counts[n] += 1
    threads[thread_name.rstrip("0123456789-")] += 1
total = sum(self_counts.values())
print(f"{args.recording}: {total} execution samples")
print("\nthreads (name without number):")
for name, n in threads.most_common(8):
    print(f"  {100.0 * n / total:5.1f}%  {name}")
print("\nself (top of stack):")
for name, n in self_counts.most_common(args.top):
    print(f"  {100.0 * n / total:5.1f}%  {name}")
print(f"\ninclusive{' (' + args.filter + '*)' if args.filter else ''}:")
shown = 0
for name, n in incl_counts.most_common():
    if args.filter and not name.startswith(args.filter):
        continue
    print(f"  {100.0 * n / total:5.1f}%  {name}")
    shown += 1
    if shown >= args.top:
        break
