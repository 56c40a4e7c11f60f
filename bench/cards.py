#!/usr/bin/env python3
"""Social cards: what drawing them costs, and what the cache saves.

Generates a corpus of N briefings with bench/corpus.py and builds it, each
run into an empty output folder, three ways in turn so all three see the
same noise on the machine:

- off:    `social_cards` unset, the baseline;
- cold:   `social_cards: true` with `.brief-cache/cards/` deleted first, so
          every card is drawn;
- cached: `social_cards: true` again, the cache as the cold build left it,
          so every card is read back and none drawn.

Prints a line per run, then the medians: cards per second while drawing
(cards drawn over the time of the build's "social cards" stage, from
BRIEF_TIMINGS), what the cold and the cached build cost over the build with
cards off, and the cached build's time relative to it.

Usage: python3 bench/cards.py [--n 100] [--runs 3] [--keep DIR]
Needs: cargo, python3.
"""
import argparse
import os
import re
import shutil
import subprocess
import tempfile
import time

import common
from common import BRIEF, median

STAGE = re.compile(r"^\s*([0-9.]+) ms .*\bsocial cards$", re.M)
COUNTS = re.compile(r"^social cards: (\d+) drawn, (\d+) reused$", re.M)


def build(site, output, cards):
    """One `brief build` of site into an empty output, with cards on or off:
    (wall seconds, user CPU seconds, cards drawn, reused, card stage ms)."""
    with open(os.path.join(site, "site.yaml"), encoding="utf-8") as f:
        lines = [l for l in f.read().splitlines() if not l.startswith("social_cards:")]
    if cards:
        lines.append("social_cards: true")
    with open(os.path.join(site, "site.yaml"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    shutil.rmtree(output, ignore_errors=True)
    env = dict(os.environ, BRIEF_TIMINGS="1")
    start = time.perf_counter()
    proc = subprocess.Popen([BRIEF, "build", "--quiet", "--root", site, "--output", output],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    err = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"brief build failed:\n{err}")
    counts = COUNTS.search(err)
    stage = STAGE.search(err)
    drawn, reused = (int(counts[1]), int(counts[2])) if counts else (0, 0)
    return wall, usage.ru_utime, drawn, reused, float(stage[1]) if stage else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100, help="number of briefings")
    parser.add_argument("--runs", type=int, default=3, help="builds of each kind")
    parser.add_argument("--keep", help="generate the corpus here and keep it")
    args = parser.parse_args()

    common.build_release()
    work = tempfile.mkdtemp(prefix="brief-cards-")
    try:
        site = common.generate(os.path.join(args.keep or work, f"cards-{args.n}"), args.n)
        output = os.path.join(work, "public")
        results = {"off": [], "cold": [], "cached": []}
        for run in range(1, args.runs + 1):
            results["off"].append(build(site, output, cards=False))
            shutil.rmtree(os.path.join(site, ".brief-cache", "cards"), ignore_errors=True)
            results["cold"].append(build(site, output, cards=True))
            results["cached"].append(build(site, output, cards=True))
            off, cold, cached = (results[k][-1] for k in ("off", "cold", "cached"))
            print(f"run {run}: off {off[0]:.2f} s; cold {cold[0]:.2f} s, {cold[2]} drawn "
                  f"in {cold[4]:.0f} ms; cached {cached[0]:.2f} s, {cached[2]} drawn, "
                  f"{cached[3]} reused in {cached[4]:.0f} ms", flush=True)

        def med(kind, i):
            return median([r[i] for r in results[kind]])

        cards = results["cold"][0][2]
        per_second = median([r[2] / (r[4] / 1000) for r in results["cold"] if r[4] > 0])
        off, cold, cached = med("off", 0), med("cold", 0), med("cached", 0)
        print()
        print(f"| briefings | cards | cards per second (drawing) | build, cards off "
              f"| cold build | cached build | cached / off | cached card stage |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        print(f"| {args.n:,} | {cards:,} | {per_second:.0f} | {off:.2f} s "
              f"| {cold:.2f} s (+{cold - off:.2f} s) | {cached:.2f} s (+{cached - off:.2f} s) "
              f"| {cached / off:.2f}× | {med('cached', 4):.0f} ms |")
        print(f"user CPU: off {med('off', 1):.2f} s, cold {med('cold', 1):.2f} s, "
              f"cached {med('cached', 1):.2f} s; drawing, "
              f"{(med('cold', 1) - med('off', 1)) / cards * 1000:.1f} ms of CPU a card; "
              f"cached / off, CPU: {med('cached', 1) / med('off', 1):.2f}×")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
