#!/usr/bin/env python3
"""Full-build speed and memory of `brief build`, beside Hugo when installed.

Generates corpora of N briefings with bench/corpus.py (in our format and,
when `hugo` is on the PATH, the same content as a Hugo site), then builds
each size several times, alternating brief and Hugo run by run so both see
the same machine noise. Each run starts from an empty output folder.
Reports medians of wall time, user CPU and peak RSS (from the kernel's
rusage of the child), the ratios to Hugo and to the write floor, how the
cost grows with N, and a no-change rebuild: `brief build` run again over its own output, counting
output files whose bytes or modification time changed.

Beside each brief run it times the filesystem floor: `examples/write_floor.rs`
recreates the folders and files of brief's output (same sizes, filler bytes,
on two threads) with no parsing or rendering, so no build writing that site
can be faster on this machine.

Usage: python3 bench/build.py [--sizes 1000,10000] [--runs 3] [--keep DIR] [--no-hugo]
Needs: cargo, python3; hugo optional (Debian: apt-get install hugo).
"""
import argparse
import hashlib
import os
import shutil
import subprocess
import tempfile

import common
from common import BRIEF, WRITE_FLOOR, median


def snapshot(folder):
    """path -> (size, mtime_ns, digest of the bytes) for every file under folder."""
    files = {}
    for dirpath, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(dirpath, name)
            st = os.stat(path)
            with open(path, "rb") as f:
                digest = hashlib.blake2b(f.read(), digest_size=16).digest()
            files[os.path.relpath(path, folder)] = (st.st_size, st.st_mtime_ns, digest)
    return files


def write_floor(site):
    """Seconds the filesystem alone takes to write a tree shaped like `site`."""
    out = subprocess.run([WRITE_FLOOR, site, "1"], capture_output=True, text=True, check=True).stdout
    return float(out.split(" in ")[-1].split()[0])


def fmt(values, unit, digits=2):
    return f"{median(values):.{digits}f} {unit}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated numbers of briefings")
    parser.add_argument("--runs", type=int, default=3, help="builds per tool and size")
    parser.add_argument("--keep", help="generate the corpora here and keep them")
    parser.add_argument("--no-hugo", action="store_true", help="build with brief only")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    hugo = None if args.no_hugo else shutil.which("hugo")

    common.build_release()
    root = args.keep or tempfile.mkdtemp(prefix="brief-build-bench-")
    os.makedirs(root, exist_ok=True)
    if hugo:
        version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip()
        print(f"hugo: {version}")
    else:
        print("hugo: not installed; brief only")

    results = {}
    try:
        for n in sizes:
            site = common.generate(os.path.join(root, f"brief-{n}"), n, "brief")
            hugo_site = common.generate(os.path.join(root, f"hugo-{n}"), n, "hugo") if hugo else None
            runs, hugo_runs, floors = [], [], []
            out = os.path.join(root, f"out-brief-{n}")
            hugo_out = os.path.join(root, f"out-hugo-{n}")
            for i in range(args.runs):
                shutil.rmtree(out, ignore_errors=True)
                runs.append(common.run([BRIEF, "build", "--root", site, "--output", out, "--quiet"]))
                floors.append(write_floor(out))
                if hugo_site:
                    shutil.rmtree(hugo_out, ignore_errors=True)
                    hugo_runs.append(common.run([hugo, "--quiet", "--source", hugo_site,
                                                 "--destination", hugo_out]))
                b = runs[-1]
                line = (f"  n={n} run {i + 1}: brief {b.wall:.2f} s ({b.user:.2f} s user)"
                        f" {b.rss_mib:.0f} MiB, write floor {floors[-1]:.2f} s")
                if hugo_runs:
                    h = hugo_runs[-1]
                    line += f", hugo {h.wall:.2f} s ({h.user:.2f} s user) {h.rss_mib:.0f} MiB"
                print(line, flush=True)

            # No-change rebuild over the last build's output.
            before = snapshot(out)
            rebuild = common.run([BRIEF, "build", "--root", site, "--output", out, "--quiet"])
            after = snapshot(out)
            touched = sum(1 for p in after if before.get(p) is None or before[p][1] != after[p][1])
            changed = sum(1 for p in after if before.get(p) is None or before[p][2] != after[p][2])
            results[n] = dict(runs=runs, hugo_runs=hugo_runs, floors=floors, files=len(after),
                              rebuild=rebuild.wall, touched=touched, changed=changed)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)

    print()
    print("| briefings | brief build | brief user CPU | brief peak RSS | write floor | brief / floor |"
          " hugo build | hugo user CPU | hugo peak RSS | brief / hugo time |"
          " no-change rebuild | files rewritten (mtime) |")
    print("| --- " * 12 + "|")
    for n, r in results.items():
        walls = [u.wall for u in r["runs"]]
        cells = [f"{n:,}", fmt(walls, "s"), fmt([u.user for u in r["runs"]], "s"),
                 fmt([u.rss_mib for u in r["runs"]], "MiB", 0), fmt(r["floors"], "s"),
                 f"{median(walls) / median(r['floors']):.1f}×"]
        if r["hugo_runs"]:
            hugo_walls = [u.wall for u in r["hugo_runs"]]
            cells += [fmt(hugo_walls, "s"), fmt([u.user for u in r["hugo_runs"]], "s"),
                      fmt([u.rss_mib for u in r["hugo_runs"]], "MiB", 0),
                      f"{median(walls) / median(hugo_walls):.2f}×"]
        else:
            cells += ["—"] * 4
        cells += [f"{r['rebuild']:.2f} s",
                  f"{r['touched']} of {r['files']} ({r['changed']} with new bytes)"]
        print("| " + " | ".join(cells) + " |")
    if len(results) > 1:
        small, large = min(results), max(results)
        growth = (median([u.wall for u in results[large]["runs"]])
                  / median([u.wall for u in results[small]["runs"]]))
        print(f"\nbrief: {large:,} briefings take {growth:.1f}× the time of {small:,}"
              f" ({large // small}× the content)")


if __name__ == "__main__":
    main()
