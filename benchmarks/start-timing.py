#!/usr/bin/env python3
"""For start-up times: runs commands side by side, alternating them run by run (so a change
in the machine's load touches all alike), and prints each one's median and its median ratio to
the first (the peer). Unlike alternate.py, each command is spawned directly, without sh and
/usr/bin/time, whose own milliseconds would blur a ratio to /bin/true.

    start-timing.py [--runs N] [--warmup N] [--prepare CMD] LABEL=COMMAND LABEL=COMMAND ...

COMMAND is split like a shell line (no shell runs it); --prepare runs through sh before every
run of every command and is not timed.
"""
import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time


def run(argv):
    start = time.perf_counter_ns()
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=[
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)])
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter_ns() - start
    code = os.waitstatus_to_exitcode(status)
    return elapsed / 1e6, code


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--prepare")
    parser.add_argument("commands", nargs="+")
    options = parser.parse_args()
    commands = []
    for spec in options.commands:
        label, _, line = spec.partition("=")
        commands.append((label, shlex.split(line)))
    times = {label: [] for label, _ in commands}
    codes = {label: set() for label, _ in commands}
    for round in range(options.warmup + options.runs):
        # Alternate, and alternate which goes first.
        order = commands if round % 2 == 0 else list(reversed(commands))
        for label, argv in order:
            if options.prepare:
                subprocess.run(options.prepare, shell=True, check=True)
            elapsed, code = run(argv)
            if round >= options.warmup:
                times[label].append(elapsed)
                codes[label].add(code)
    peer = commands[0][0]
    base = statistics.median(times[peer])
    for label, _ in commands:
        median = statistics.median(times[label])
        ratios = [a / b for a, b in zip(times[label], times[peer])]
        print(f"{label:40s} median {median:9.1f} ms  ratio to {peer}: {statistics.median(ratios):5.2f}"
              f"  (difference {median - base:+.1f} ms)"
              f"  exit {','.join(map(str, sorted(codes[label])))}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
