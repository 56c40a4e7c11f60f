#!/usr/bin/env python3
"""Two `brief` binaries built in turn, stage by stage: where one spends
less time than the other, and how long a core sat idle in each stage.

  python3 bench/stages.py --n 10000 --runs 4 OLD_BRIEF NEW_BRIEF

Each round builds the corpus once with each binary, in turn, into
/dev/shm when there is one (so the disk's swings do not hide a tenth of a
second), with `BRIEF_TIMINGS=1`, and deletes the output and the stamp
before each build. For each build it prints the whole process's wall
time, the time outside the stages (start-up and exit), and for parsing
and for rendering their wall time and their idle core time: two cores'
worth of the stage's wall time less the CPU time it used, which is what a
stage loses to work left on one thread. Medians come last. Compare the two
binaries pair by pair: on this machine the same build's wall time moves by
half from one hour to the next, and the idle time far less.
"""
import argparse
import os
import re
import shutil
import subprocess
import tempfile
import time

import common

STAGE = re.compile(r"\s*([\d.]+) ms\s+([\d.]+) ms CPU.*MB\s+(.*)$")
PAGES = "pages, data files and search index"


def build(binary, site, out, cores):
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(os.path.join(site, ".brief-cache"), ignore_errors=True)
    start = time.monotonic()
    done = subprocess.run([binary, "build", "--root", site, "--output", out, "--quiet"],
                          capture_output=True, text=True,
                          env=dict(os.environ, BRIEF_TIMINGS="1"))
    wall = time.monotonic() - start
    if done.returncode != 0:
        raise SystemExit(f"{binary} failed:\n{done.stderr}")
    stages = {}
    for line in done.stderr.splitlines():
        m = STAGE.match(line)
        if m:
            stages[m.group(3).strip()] = (float(m.group(1)) / 1000, float(m.group(2)) / 1000)
    outside = wall - sum(w for w, _ in stages.values())
    parse, pages = stages.get("parse", (0, 0)), stages.get(PAGES, (0, 0))
    return dict(wall=wall, outside=outside,
                parse=parse[0], parse_idle=cores * parse[0] - parse[1],
                pages=pages[0], pages_idle=cores * pages[0] - pages[1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binaries", nargs=2, metavar="BRIEF")
    parser.add_argument("--n", type=int, default=10000, help="briefings in the corpus")
    parser.add_argument("--runs", type=int, default=4, help="rounds (a build of each)")
    parser.add_argument("--corpus", help="keep the generated corpus in this folder")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    site = args.corpus or tempfile.mkdtemp(prefix="brief-stages-")
    if not os.path.exists(os.path.join(site, "site.yaml")):
        common.generate(site, args.n)
    scratch = "/dev/shm" if os.path.isdir("/dev/shm") else None
    out = tempfile.mkdtemp(prefix="brief-stages-out-", dir=scratch)
    names = [f"{os.path.basename(b)} ({b})" for b in args.binaries]
    results = {b: [] for b in args.binaries}
    print(f"{args.n:,} briefings, {cores} cores, output in {out}")
    try:
        for _ in range(args.runs):
            for binary in args.binaries:
                r = build(binary, site, out, cores)
                results[binary].append(r)
                print(f"{os.path.basename(binary)}: wall {r['wall']:.2f} s, outside the stages "
                      f"{r['outside']:.3f} s; parse {r['parse']:.2f} s, idle {r['parse_idle']:.2f} s; "
                      f"pages {r['pages']:.2f} s, idle {r['pages_idle']:.2f} s", flush=True)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    print("\n| medians | wall | outside the stages | parse | parse idle | pages | pages idle |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for binary, name in zip(args.binaries, names):
        m = {k: common.median([r[k] for r in results[binary]]) for k in results[binary][0]}
        print(f"| {name} | {m['wall']:.2f} s | {m['outside']:.3f} s | {m['parse']:.2f} s | "
              f"{m['parse_idle']:.3f} s | {m['pages']:.2f} s | {m['pages_idle']:.3f} s |")


if __name__ == "__main__":
    main()
