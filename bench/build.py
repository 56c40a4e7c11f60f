#!/usr/bin/env python3
"""Full-build speed and memory of `brief build`, beside Hugo when installed.

Generates corpora of N briefings with ../shared/bench/gen_corpus.py (in our
format and, when `hugo` is on the PATH, the same content as a Hugo site),
then builds each size several times, alternating brief and Hugo run by run
so both see the same machine noise. Each run starts from an empty output
folder. Reports medians of wall time and peak RSS (from the kernel's
rusage of the child), the ratio to Hugo, how the cost grows with N, and a
no-change rebuild: `brief build` run again over its own output, counting
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
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(REPO, "..", "shared", "bench", "gen_corpus.py")
BRIEF = os.path.join(REPO, "target", "release", "brief")
FLOOR = os.path.join(REPO, "target", "release", "examples", "write_floor")


def run(argv):
    """Runs a command; returns (seconds, peak RSS in MiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(argv)} failed:\n{err}")
    return elapsed, usage.ru_maxrss / 1024


def generate(root, n, mode):
    out = os.path.join(root, f"{mode}-{n}")
    if not os.path.exists(out):
        subprocess.run([sys.executable, GEN, "--n", str(n), "--out", out, "--mode", mode],
                       check=True, stdout=subprocess.DEVNULL)
    return out


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
    out = subprocess.run([FLOOR, site, "1"], capture_output=True, text=True, check=True).stdout
    return float(out.split(" in ")[-1].split()[0])


def fmt(values, unit, digits=2):
    return f"{statistics.median(values):.{digits}f} {unit}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated numbers of briefings")
    parser.add_argument("--runs", type=int, default=3, help="builds per tool and size")
    parser.add_argument("--keep", help="generate the corpora here and keep them")
    parser.add_argument("--no-hugo", action="store_true", help="build with brief only")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    hugo = None if args.no_hugo else shutil.which("hugo")

    subprocess.run(["cargo", "build", "--release", "--locked", "--quiet", "--bin", "brief",
                    "--example", "write_floor"], cwd=REPO, check=True)
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
            site = generate(root, n, "brief")
            hugo_site = generate(root, n, "hugo") if hugo else None
            times, rss, hugo_times, hugo_rss, floors = [], [], [], [], []
            out = os.path.join(root, f"out-brief-{n}")
            hugo_out = os.path.join(root, f"out-hugo-{n}")
            for i in range(args.runs):
                shutil.rmtree(out, ignore_errors=True)
                t, m = run([BRIEF, "build", "--root", site, "--output", out, "--quiet"])
                times.append(t)
                rss.append(m)
                floors.append(write_floor(out))
                if hugo_site:
                    shutil.rmtree(hugo_out, ignore_errors=True)
                    t, m = run([hugo, "--quiet", "--source", hugo_site, "--destination", hugo_out])
                    hugo_times.append(t)
                    hugo_rss.append(m)
                print(f"  n={n} run {i + 1}: brief {times[-1]:.2f} s {rss[-1]:.0f} MiB,"
                      f" write floor {floors[-1]:.2f} s"
                      + (f", hugo {hugo_times[-1]:.2f} s {hugo_rss[-1]:.0f} MiB" if hugo_site else ""),
                      flush=True)

            # No-change rebuild over the last build's output.
            before = snapshot(out)
            t, m = run([BRIEF, "build", "--root", site, "--output", out, "--quiet"])
            after = snapshot(out)
            touched = sum(1 for p in after if before.get(p) is None or before[p][1] != after[p][1])
            changed = sum(1 for p in after if before.get(p) is None or before[p][2] != after[p][2])
            results[n] = dict(times=times, rss=rss, hugo_times=hugo_times, hugo_rss=hugo_rss,
                              floors=floors, files=len(after), rebuild=t, touched=touched, changed=changed)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)

    print()
    print("| briefings | brief build | brief peak RSS | write floor | hugo build | hugo peak RSS |"
          " brief / hugo time | no-change rebuild | files rewritten (mtime) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for n, r in results.items():
        hugo_cells = ("—", "—", "—")
        if r["hugo_times"]:
            ratio = statistics.median(r["times"]) / statistics.median(r["hugo_times"])
            hugo_cells = (fmt(r["hugo_times"], "s"), fmt(r["hugo_rss"], "MiB", 0), f"{ratio:.2f}×")
        print(f"| {n:,} | {fmt(r['times'], 's')} | {fmt(r['rss'], 'MiB', 0)} | {fmt(r['floors'], 's')} |"
              f" {hugo_cells[0]} | {hugo_cells[1]} |"
              f" {hugo_cells[2]} | {r['rebuild']:.2f} s | {r['touched']} of {r['files']}"
              f" ({r['changed']} with new bytes) |")
    if len(results) > 1:
        small, large = min(results), max(results)
        growth = statistics.median(results[large]["times"]) / statistics.median(results[small]["times"])
        print(f"\nbrief: {large:,} briefings take {growth:.1f}× the time of {small:,} ({large // small}× the content)")


if __name__ == "__main__":
    main()
