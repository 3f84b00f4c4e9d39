#!/usr/bin/env python3
"""Writes the benchmarks' 10,000-directory contract and an image root's account files.

    benchmarks/directories.py CONTRACT [ETC]

CONTRACT gets 10,000 [[directory]] entries with distinct paths under /srv/bench: 100 top-level
directories, each with 99 nested ones, with four owners (a tree's owner throughout, so that
systemd-tmpfiles sees no unsafe path transition), four groups and four modes taken in turn. ETC, if given, gets passwd and group files naming those accounts, for a fresh root.
"""
import os
import sys

USERS = ["bench0", "bench1", "bench2", "bench3"]
MODES = ["0750", "0755", "0700", "2770"]

contract = sys.argv[1]
with open(contract, "w") as out:
    out.write('contract = "bench"\nschema = 1\n')
    n = 0
    for top in range(100):
        parent = f"/srv/bench/a{top:02}"
        for child in range(100):
            path = parent if child == 0 else f"{parent}/b{child:02}"
            out.write(
                f'\n[[directory]]\npath = "{path}"\nowner = "{USERS[top % 4]}"\n'
                f'group = "{USERS[n % 4]}"\nmode = "{MODES[(n // 4) % 4]}"\n')
            n += 1

if len(sys.argv) > 2:
    etc = sys.argv[2]
    os.makedirs(etc, exist_ok=True)
    with open(os.path.join(etc, "passwd"), "w") as out:
        out.write("root:x:0:0:root:/root:/bin/sh\n")
        for i, user in enumerate(USERS):
            out.write(f"{user}:x:{2000 + i}:{2000 + i}::/nonexistent:/usr/sbin/nologin\n")
    with open(os.path.join(etc, "group"), "w") as out:
        out.write("root:x:0:\n")
        for i, user in enumerate(USERS):
            out.write(f"{user}:x:{2000 + i}:\n")
