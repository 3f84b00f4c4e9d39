#!/usr/bin/env python3
"""Runs commands side by side, alternating: each round runs every command once, in an order
rotated from round to round, so load that comes and goes (other builds on the machine) falls on
all of them alike. Prints each command's median wall time and peak memory (max RSS, from
wait4), and for each --ratio A B the median over the rounds of A's time divided by B's in the
same round.

  alternate.py --runs N [--warmup W] --command LABEL 'COMMAND' [--prepare LABEL 'COMMAND']...
               [--ratio A B]...

A --prepare command runs (untimed) right before its command in every run, warm-ups included.
Commands run through sh -c with standard output discarded; peak memory is /usr/bin/time's %M
of the command (wait4's own figure would include the Python copy before the exec)."""
import os, statistics, subprocess, sys, tempfile, time

args = sys.argv[1:]
runs, warmup, commands, prepares, ratios = 10, 1, [], {}, []
while args:
    flag = args.pop(0)
    if flag == "--runs": runs = int(args.pop(0))
    elif flag == "--warmup": warmup = int(args.pop(0))
    elif flag == "--command": commands.append((args.pop(0), args.pop(0)))
    elif flag == "--prepare": label = args.pop(0); prepares[label] = args.pop(0)
    elif flag == "--ratio": ratios.append((args.pop(0), args.pop(0)))
    else: sys.exit(f"alternate.py: unknown argument {flag}")

def run(label, command):
    if label in prepares:
        subprocess.run(["sh", "-c", prepares[label]], check=True, stdout=subprocess.DEVNULL)
    with tempfile.NamedTemporaryFile("r") as peak:
        start = time.perf_counter()
        status = subprocess.run(["/usr/bin/time", "-q", "-f", "%M", "-o", peak.name, "sh", "-c", "exec " + command],
                                stdout=subprocess.DEVNULL).returncode
        elapsed = time.perf_counter() - start
        if status not in (0, 1):
            sys.exit(f"alternate.py: {label} failed: {command}")
        return elapsed, int(peak.read().split()[-1])

for _ in range(warmup):
    for label, command in commands: run(label, command)
times = {label: [] for label, _ in commands}
memory = {label: [] for label, _ in commands}
for round in range(runs):
    order = commands[round % len(commands):] + commands[:round % len(commands)]
    for label, command in order:
        elapsed, rss = run(label, command)
        times[label].append(elapsed)
        memory[label].append(rss)
for label, _ in commands:
    print(f"{label:<28} median {statistics.median(times[label]) * 1000:8.0f} ms   "
          f"max RSS {max(memory[label]) / 1024:6.1f} MiB   ({runs} runs)")
for a, b in ratios:
    ratio = statistics.median(x / y for x, y in zip(times[a], times[b]))
    print(f"ratio {a} / {b}: {ratio:.2f} (median of {runs} alternating rounds)")
